#include "core/canned_responses.hpp"

#include <algorithm>

#include "auth/agent_accounts.hpp"

namespace parley::relay {

using protocol::CannedResponse;
using protocol::ErrorCode;

namespace {

const std::string kAgentOwner = "agent:";
const std::string kTeamOwner = "team:";

Error refuse(ErrorCode code, std::string detail) { return Error{code, std::move(detail), {}}; }

CannedResponse to_response(const CannedRecord& r) {
    CannedResponse out;
    out.id = r.id;
    out.shortcut = r.shortcut;
    out.text = r.text;
    out.updated = r.updated;
    if (r.owner.rfind(kTeamOwner, 0) == 0) {
        out.scope = "team";
        out.team = r.owner.substr(kTeamOwner.size());
    } else {
        out.scope = "personal";
    }
    return out;
}

// Whether the actor may change (save over, delete) a response of this owner.
bool may_change(const CannedActor& actor, const std::string& owner) {
    if (owner == kAgentOwner + actor.agent_id) return true;
    return actor.supervisor && owner.rfind(kTeamOwner, 0) == 0;
}

}  // namespace

bool is_canned_shortcut(const std::string& s) {
    if (s.empty() || s.size() > protocol::kMaxCannedShortcutBytes) return false;
    return std::all_of(s.begin(), s.end(), [](char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
    });
}

Result<std::vector<CannedResponse>> list_canned(Store& store, const CannedActor& actor) {
    std::vector<CannedResponse> out;
    std::vector<std::string> owners{kAgentOwner + actor.agent_id};
    std::vector<std::string> teams = actor.teams;
    std::sort(teams.begin(), teams.end());
    teams.erase(std::unique(teams.begin(), teams.end()), teams.end());
    for (const std::string& team : teams) owners.push_back(kTeamOwner + team);
    for (const std::string& owner : owners) {
        auto rows = store.canned_of(owner);
        if (!rows) return rows.error();
        for (const CannedRecord& r : rows.value()) out.push_back(to_response(r));
    }
    return out;
}

Result<CannedResponse> save_canned(Store& store, const CannedActor& actor, const protocol::CannedOp& op,
                                   std::int64_t now, RandomSource& random, const CannedLimits& limits) {
    // 1. The shape of what is saved.
    if (!is_canned_shortcut(op.shortcut))
        return refuse(ErrorCode::bad_field, "a shortcut is 1-32 of a-z, 0-9, _ and -");
    if (op.text.empty()) return refuse(ErrorCode::missing_field, "a canned response needs a text");
    if (op.text.size() > protocol::kMaxCannedTextBytes)
        return refuse(ErrorCode::text_too_long, "a canned response is at most 1000 bytes");
    std::string owner;
    if (op.scope == "personal") {
        owner = kAgentOwner + actor.agent_id;
    } else if (op.scope == "team") {
        if (!actor.supervisor) return refuse(ErrorCode::forbidden, "only supervisors manage team responses");
        if (op.team.empty() || op.team.size() > protocol::kMaxNameBytes)
            return refuse(ErrorCode::bad_field, "a team name is 1-80 bytes");
        owner = kTeamOwner + op.team;
    } else {
        return refuse(ErrorCode::bad_field, "scope is personal or team");
    }

    // 2. An edit: the response exists and is the actor's to change.
    if (!op.id.empty()) {
        auto old = store.find_canned(op.id);
        if (!old) return old.error();
        if (!old.value() || !may_change(actor, old.value()->owner))
            return refuse(ErrorCode::forbidden, "no such canned response of yours");
    }

    // 3. The owner's list: a free shortcut, and room for a new one.
    auto mine = store.canned_of(owner);
    if (!mine) return mine.error();
    std::size_t others = 0;
    for (const CannedRecord& r : mine.value()) {
        if (r.id == op.id) continue;
        ++others;
        if (r.shortcut == op.shortcut) return refuse(ErrorCode::bad_field, "the shortcut /" + op.shortcut + " is taken");
    }
    const std::size_t limit = op.scope == "team" ? limits.per_team : limits.personal;
    if (others >= limit)
        return refuse(ErrorCode::canned_limit,
                      (op.scope == "team" ? "team " + op.team + " has " : std::string("you have ")) +
                          std::to_string(others) + " canned responses, the most allowed (" + std::to_string(limit) +
                          "); delete one first");

    // 4. Stored.
    CannedRecord record{op.id.empty() ? random_id(random, "cr_") : op.id, owner, op.shortcut, op.text, now};
    if (Status s = store.put_canned(record); !s) return s.error();
    return to_response(record);
}

Status delete_canned(Store& store, const CannedActor& actor, const std::string& id) {
    auto old = store.find_canned(id);
    if (!old) return old.error();
    if (!old.value() || !may_change(actor, old.value()->owner))
        return refuse(ErrorCode::forbidden, "no such canned response of yours");
    auto deleted = store.delete_canned(id);
    if (!deleted) return deleted.error();
    return Ok{};
}

}  // namespace parley::relay
