// AccessRule: who may name a conversation in a frame, and who is sent its live frames.
// The one written visibility rule of the relay (docs/protocol.md §4 "Who may name a
// conversation", docs/routing.md §7). Pure: the Hub gathers the facts (the party, the
// conversation's existence and routing view), this decides; nothing here reads a store.
//
// Theory of operation
// -------------------
// Each client frame that names a conversation is one act of two kinds:
//   look   read, sync, history — see the transcript, move one's own read mark
//   write  send, typing, note, transfer, close, reopen, handoff, handback, rate — change the
//          conversation, or show something to its visitor (typing)
// A party holds one of three levels on a conversation: none, look or write.
//
//   party       conversation                                          level
//   ----------  ----------------------------------------------------  ------------------
//   visitor     their own                                             write (agent-only
//                                                                     frames: 2004)
//   visitor     an earlier one of theirs (a verified user's past     look
//               chats, issue 17)
//   visitor     any other, existing or not                            none
//   bot         with the bot (routing state bot)                      write (agent-only
//                                                                     frames: 2004)
//   bot         any other (handed over, closed, unknown, not routed)  none
//   supervisor  any existing one (an unknown id: 3001)                write
//   agent       not routed yet (no first message): nobody's work      none
//   agent       they own it (active or inactive)                      write
//   agent       closed, and they held it last                         write (reopen)
//   agent       of one of their teams, queued, with the bot or closed write (answering or
//                                                                     transfer-to-self
//                                                                     claims a queued one)
//   agent       of one of their teams, held by a teammate             look
//   agent       anything else, existing or not                        none
//
// Agent-only frames: note, transfer, close, reopen, handback. Handoff is the bot's alone
// (visitors and agents: 2004); an agent leaves a bot's conversation by transfer instead.
// Rate (CSAT, issue 17) is the visitor's alone: a rating speaks for the customer.
// Refusals: none → 2004 forbidden, the same answer whether or not the id exists, so ids
// cannot be probed (only supervisors, who may see everything, get 3001 for an unknown
// id); a write with look only → 2004 too ("held by another agent").
// Why teammates look but do not write: a colleague covering or reviewing needs the
// transcript, but two agents answering one customer is the helpdesk's classic failure;
// to take over, the owner (or a supervisor) transfers. Why a previous owner keeps
// nothing once the conversation moved on: a transfer to a team must really narrow who
// sees it (billing, security); the closer of a closed one keeps it until someone else
// takes it, so they can reopen it.
//
// `listed` is narrower than look: who receives the conversation's inbox entry, `conv`
// updates and live msg/typing/read frames — supervisors, the owner, and the team while
// it is queued. A conversation not routed yet is listed for supervisors only, so a
// visitor's typing before their first message reaches no one else. A bot is listed for
// exactly the conversations it may name: those with the bot.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parley/protocol/error_code.hpp"
#include "route/router.hpp"

namespace parley::relay {

// The client frames that name a conversation.
enum class ConvAct { send, typing, read, sync, history, note, transfer, close, reopen, handoff, handback, rate };

enum class AccessLevel { none, look, write };

// Who asks.
struct Viewer {
    enum class Role { visitor, agent, supervisor, bot };
    Role role = Role::agent;
    std::string_view id;        // agents: their id
    std::string_view own_conv;  // visitors: their conversation (and `id`: the visitor)
    const std::vector<std::string>* teams = nullptr;  // agents: their teams (null: none)
};

// What the relay knows of the conversation named.
struct ConvFacts {
    std::string_view id;
    bool exists = false;
    std::optional<route::ConvView> routing;  // none: not routed yet (or never restored)
    std::string_view visitor = {};  // the visitor whose conversation it is (issue 17)
};

struct Refusal {
    protocol::ErrorCode code;
    const char* message;
};

AccessLevel access_level(const Viewer& viewer, const ConvFacts& conv);
// The refusal for `act`, or none when the viewer may do it.
std::optional<Refusal> refusal(const Viewer& viewer, const ConvFacts& conv, ConvAct act);
// Whether the viewer is sent the conversation's summaries and live frames.
bool listed(const Viewer& viewer, const std::optional<route::ConvView>& routing);

}  // namespace parley::relay
