// CannedResponses: the store operations of canned responses (issue 17; docs/protocol.md
// "Canned responses"), apart from the Hub so that an HTTP API route can call them too.
//
// Theory of operation
// -------------------
// A canned response is a shortcut and a text an agent inserts with `/shortcut` in the
// console. It belongs to one agent (scope "personal", owner "agent:<id>") or to a team
// (scope "team", owner "team:<name>"). Who may do what:
//
//   act                           who                                   refused with
//   ----------------------------  ------------------------------------  --------------------
//   list                          any agent: their own + their teams'    —
//   save personal (new or edit)   the agent it belongs to                2004 (not theirs)
//   save team (new or edit)       supervisors (any team)                 2004
//   delete                        as for save                            2004
//   an unknown id                 —                                      2004 (same answer: ids
//                                                                        cannot be probed)
//
// Bounds (CannedLimits, checked here): at most `personal` responses per agent and
// `per_team` per team (3011 canned_limit, saying the limit), a shortcut of 1–32 of
// [a-z0-9_-], unique per owner (1005), a text of 1–1000 bytes (1009). So one agent's list
// stays far below a frame: (personal + per_team × teams) entries of ≤ ~1.1 KB each; the
// Hub still trims the answer under 64 KiB for an agent in many teams.
//
// Variables such as {first_name} stay in the stored text: the console fills them at
// insertion, where it knows the visitor and the agent.
//
// Pure over Store: `now` and the ids' randomness come in. Not thread-safe (the Store isn't).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/random_source.hpp"
#include "parley/core/result.hpp"
#include "parley/protocol/frames.hpp"
#include "store/store.hpp"

namespace parley::relay {

// Who acts on canned responses.
struct CannedActor {
    std::string agent_id;
    std::vector<std::string> teams;
    bool supervisor = false;
};

struct CannedLimits {
    std::size_t personal = 50;   // per agent
    std::size_t per_team = 100;  // per team
};

// The agent's own responses, then their teams' (by team, shortcut): what `canned` lists.
Result<std::vector<protocol::CannedResponse>> list_canned(Store& store, const CannedActor& actor);

// Creates (op.id empty: a new random id "cr_…") or replaces the response op.id, with
// op.scope/team/shortcut/text. Errors: 1005 bad_field (shortcut, team, scope), 1009
// text_too_long, 2004 forbidden (not theirs, unknown id, team scope by a non-supervisor),
// 3011 canned_limit, 5001 storage_failed.
Result<protocol::CannedResponse> save_canned(Store& store, const CannedActor& actor, const protocol::CannedOp& op,
                                             std::int64_t now, RandomSource& random,
                                             const CannedLimits& limits = {});

// Deletes the response `id`. Errors: 2004 (not theirs, unknown), 5001.
Status delete_canned(Store& store, const CannedActor& actor, const std::string& id);

// True for a valid shortcut: 1–32 of [a-z0-9_-].
bool is_canned_shortcut(const std::string& shortcut);

}  // namespace parley::relay
