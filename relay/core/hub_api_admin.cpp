// Hub: administration by the HTTP API (issue 18, hub.hpp api_agent_admin, api_teams;
// relay/api/api_agents.cpp, api_teams.cpp). The console's path with another caller:
//
//   console (hub_admin.cpp)                   HTTP API (here)
//   ---------------------------------------   ------------------------------------------
//   agent_admin frame on a connection          ApiService handler, no connection
//   rules: auth/agent_admin.hpp                the same calls, actor "api_key" or "agent"
//   new password hashed by the pool, act       the same pool (password_checks_), act held
//     held in pending_admin_hashes_ (conn)       there with conn 0; its outcome kept in
//                                                api_admin_results_ for the deferred answer
//   live effects: agent_admin_effects(),       the same two calls
//     agent_admin_aftermath()
//   answer: the `agents` frame                 the Result, turned into JSON by the API
//
// Each API act runs in a group-commit batch of its own, committed before the result is
// given: the answer never runs ahead of the disk (as api_act).
#include <algorithm>

#include "auth/agent_admin.hpp"
#include "core/hub.hpp"

namespace parley::relay {

namespace p = protocol;
using protocol::ErrorCode;

Result<admin::Done> Hub::api_admin_apply(const p::AgentAdmin& f, Result<admin::Done> done, std::int64_t now) {
    if (done) {
        if (done.value().audit_failed) ++audit_failures_;
        agent_admin_effects(f.op, done.value().agent, now);
        agent_admin_aftermath(f.op, done.value().agent.id, 0);
    }
    if (!commit_batch_now())
        return Error{ErrorCode::storage_failed, "the change could not be stored; retry later", {}};
    return done;
}

Result<admin::Done> Hub::api_agent_admin(const admin::Actor& actor, const p::AgentAdmin& f, std::int64_t now) {
    now_ = std::max(now_, now);
    batch_begin(0);
    Result<admin::Done> done = Error{ErrorCode::bad_field, "op is update, disable, enable or remove", {}};
    if (f.op == "update") done = admin::update(store_, actor, f.agent, admin::fields_of(f), now);
    else if (f.op == "disable" || f.op == "enable")
        done = admin::set_disabled(store_, actor, f.agent, f.op == "disable", now);
    else if (f.op == "remove") done = admin::remove(store_, actor, f.agent, now);
    return api_admin_apply(f, std::move(done), now);
}

Result<std::uint64_t> Hub::api_agent_admin_start(const admin::Actor& actor, const p::AgentAdmin& f) {
    if (f.op != "add" && f.op != "reset_password")
        return Error{ErrorCode::bad_field, "op is add or reset_password", {}};
    if (Status ok = admin::check_actor(store_, actor); !ok) return ok.error();  // before any hashing
    if (pending_logins_.size() + pending_admin_hashes_.size() >= config_.login.max_checks)
        return Error{ErrorCode::rate_limited, "the relay is busy checking passwords; retry later", {}};
    const std::uint64_t ticket = next_ticket_++;
    std::string password = admin::generate_password(random_);
    password_checks_.push_back(PasswordCheck{ticket, 0, password, {}, true});
    pending_admin_hashes_.emplace(ticket, PendingAdminHash{0, f, std::move(password), actor});
    return ticket;
}

void Hub::api_password_hashed(std::uint64_t ticket, PendingAdminHash pending, std::optional<std::string> hash,
                              std::int64_t now) {
    if (!hash || stopping_) {
        api_admin_results_.emplace(
            ticket, Error{ErrorCode::rate_limited, "the relay is busy checking passwords; retry later", {}});
        return;
    }
    // The rules again, against the store as it is now (as the console's act).
    const p::AgentAdmin& f = pending.frame;
    const admin::NewPassword fresh{std::move(pending.password), std::move(*hash)};
    batch_begin(0);
    Result<admin::Done> done =
        f.op == "add" ? admin::add_hashed(store_, random_, pending.actor, f.email, admin::fields_of(f), fresh, now)
                      : admin::reset_password_hashed(store_, pending.actor, f.agent, fresh, now);
    api_admin_results_.emplace(ticket, api_admin_apply(f, std::move(done), now));
}

std::optional<Result<admin::Done>> Hub::api_agent_admin_result(std::uint64_t ticket) {
    auto it = api_admin_results_.find(ticket);
    if (it == api_admin_results_.end()) return std::nullopt;
    Result<admin::Done> out = std::move(it->second);
    api_admin_results_.erase(it);
    return out;
}

void Hub::api_agent_admin_drop(std::uint64_t ticket) {
    // Only the API's own acts (conn 0): a console's ticket is never the API's to drop.
    if (auto it = pending_admin_hashes_.find(ticket); it != pending_admin_hashes_.end() && it->second.conn == 0)
        pending_admin_hashes_.erase(it);
    api_admin_results_.erase(ticket);
}

Result<std::vector<Hub::TeamView>> Hub::api_teams(std::int64_t now) {
    now_ = std::max(now_, now);
    route_load(now);
    auto agents = store_.list_agents();
    if (!agents) return agents.error();
    std::map<std::string, TeamView> teams;
    auto team = [&](const std::string& name) -> TeamView& {
        TeamView& t = teams[name];
        t.name = name;
        return t;
    };
    team(config_.routing.default_team);
    for (const route::TeamRule& rule : config_.routing.rules) team(rule.team);
    for (const Agent& a : agents.value()) {
        if (a.disabled) continue;
        const auto view = router_.agent(a.id);
        TeamMember m{a.id, a.name, api_presence(a.id), view ? view->load : 0};
        // An agent without a team is in the default team (store.hpp Agent::teams).
        const std::vector<std::string> own = a.teams.empty() ? std::vector<std::string>{config_.routing.default_team}
                                                             : a.teams;
        for (const std::string& name : own) {
            TeamView& t = team(name);
            t.members.push_back(m);
            if (m.status != "offline") ++t.online;
        }
    }
    std::vector<TeamView> out;
    for (auto& [name, t] : teams) {
        std::sort(t.members.begin(), t.members.end(),
                  [](const TeamMember& x, const TeamMember& y) { return std::tie(x.name, x.id) < std::tie(y.name, y.id); });
        t.queued = router_.queued(name);
        t.queue_length = static_cast<int>(t.queued.size());
        if (t.queued.size() > config_.board_queue_convs) t.queued.resize(config_.board_queue_convs);
        out.push_back(std::move(t));
    }
    return out;
}

std::string Hub::api_presence(const std::string& agent_id) const {
    const auto pr = presence_.find(agent_id);
    return pr == presence_.end() ? "offline" : pr->second.status;
}

void Hub::api_bot_keys_changed(std::int64_t now) {
    now_ = std::max(now_, now);
    check_bot_keys();
}

}  // namespace parley::relay
