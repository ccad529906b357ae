// Hub: agent administration from the console (issue 17; docs/protocol.md `agent_admin`).
//
// Theory of operation
// -------------------
// The rules (who may act, the last supervisor, passwords, audit) live in
// auth/agent_admin.hpp, shared with the CLI and the HTTP API; this file turns a frame
// into one of its operations and then applies the live effects the store alone cannot:
//
//   op               live effect after the store change
//   ---------------  ----------------------------------------------------------------
//   list             none (the answer only)
//   add              the router learns the agent (offline until they sign in)
//   update           the router gets the new teams, skills and concurrency at once
//                    (raising concurrency pulls from the queue); visibility follows the
//                    new teams and supervisor flag; the agent's inbox is re-sent
//   disable          every connection of the agent closed with 4102; the router drops
//                    and re-adds them offline, so their conversations are re-routed at
//                    once (no grace period: they cannot come back)
//   enable           none (they may sign in again)
//   reset_password   every connection of the agent closed with 4102
//   remove           as disable, then the router forgets them
//
// After a change every supervisor connection that has sent agent_admin (an open Agents
// view; other clients never see a frame they did not ask for) gets the `agents` list
// again; the one that asked gets it with op, cid and (add, reset_password) the new
// password: that frame is the only place the password ever appears.
//
// A new password (add, reset_password) is generated here and hashed off the loop, by
// the password pool that checks logins (Argon2id, tens of ms and 64 MiB each): the act
// waits in pending_admin_hashes_ for on_password_hashed() and is applied then, with
// every rule checked again against the store as it is by then. One such act per
// connection at a time, and the pool's capacity shared with logins: beyond either,
// 4029 rate_limited with retry_after_ms. A supervisor who disconnects before the hash
// is done changes nothing (the password would never be shown).
#include "auth/agent_admin.hpp"
#include "core/hub.hpp"

namespace parley::relay {

namespace p = protocol;
using protocol::ErrorCode;

p::AgentList Hub::agent_list() {
    p::AgentList list;
    auto all = store_.list_agents();
    if (!all) return list;
    for (const Agent& a : all.value()) {
        if (list.agents.size() == p::kMaxAgentsListed) {
            list.more = true;
            break;
        }
        auto pr = presence_.find(a.id);
        const std::string status = pr == presence_.end() ? "offline" : pr->second.status;
        list.agents.push_back(p::AgentInfo{a.id, a.email, a.name, a.teams, a.skills, a.preferred, a.max_load,
                                           a.supervisor, a.disabled, status});
    }
    return list;
}

void Hub::publish_agents(ConnId except) {
    std::set<ConnId> supervisors;
    for (ConnId other : agent_conns_) {
        const Conn& o = conns_.at(other);
        if (other != except && o.admin_view && !o.closing && viewer_of(o).role == Viewer::Role::supervisor)
            supervisors.insert(other);
    }
    if (!supervisors.empty()) send_all(supervisors, agent_list());
}

void Hub::handle(ConnId id, Conn& c, const p::AgentAdmin& f, std::int64_t now) {
    const admin::Actor actor = audit_by(c, "");
    if (c.party.role != "agent")
        return send_error(id, ErrorCode::forbidden, "only supervisors may administer agents", f.cid);
    if (Status ok = admin::check_actor(store_, actor); !ok) {
        Error e = ok.error();
        e.ref = f.cid;
        return send_error(id, e);
    }
    c.admin_view = true;
    if (f.op == "list") {
        p::AgentList list = agent_list();
        list.op = f.op;
        list.cid = f.cid;
        return send(id, list);
    }
    if (f.op == "add" || f.op == "reset_password") {
        for (const auto& pending : pending_admin_hashes_)
            if (pending.second.conn == id)
                return send(id, p::ErrorFrame{ErrorCode::rate_limited, "one password at a time; retry later", f.cid,
                                              kAdminHashRetryMs});
        if (pending_logins_.size() + pending_admin_hashes_.size() >= config_.login.max_checks)
            return send(id, p::ErrorFrame{ErrorCode::rate_limited, "the relay is busy checking passwords; retry later",
                                          f.cid, config_.login.busy_retry_ms});
        const std::uint64_t ticket = next_ticket_++;
        std::string password = admin::generate_password(random_);
        password_checks_.push_back(PasswordCheck{ticket, id, password, {}, true});
        pending_admin_hashes_.emplace(ticket, PendingAdminHash{id, f, std::move(password)});
        return;
    }
    Result<admin::Done> done = Error{ErrorCode::bad_field, "op", {}};
    if (f.op == "update") done = admin::update(store_, actor, f.agent, admin::fields_of(f), now);
    else if (f.op == "disable" || f.op == "enable")
        done = admin::set_disabled(store_, actor, f.agent, f.op == "disable", now);
    else if (f.op == "remove") done = admin::remove(store_, actor, f.agent, now);
    finish_agent_admin(id, f, std::move(done), now);
}

void Hub::on_password_hashed(std::uint64_t ticket, std::optional<std::string> hash, std::int64_t now) {
    auto it = pending_admin_hashes_.find(ticket);
    if (it == pending_admin_hashes_.end()) return;  // reported twice, or never asked for
    PendingAdminHash pending = std::move(it->second);
    pending_admin_hashes_.erase(it);
    now_ = std::max(now_, now);
    if (pending.conn == 0) return api_password_hashed(ticket, std::move(pending), std::move(hash), now);
    auto conn = conns_.find(pending.conn);
    if (conn == conns_.end() || conn->second.closing || stopping_) return;  // gone: nothing changes
    const p::AgentAdmin& f = pending.frame;
    batch_begin(pending.conn);
    if (!hash)
        return send(pending.conn, p::ErrorFrame{ErrorCode::rate_limited,
                                                "the relay is busy checking passwords; retry later", f.cid,
                                                config_.login.busy_retry_ms});
    // The rules again, against the store as it is now: the actor may have been demoted,
    // the e-mail taken or the agent removed while the hash was made.
    const admin::Actor actor = audit_by(conn->second, "");
    const admin::NewPassword fresh{std::move(pending.password), std::move(*hash)};
    finish_agent_admin(pending.conn, f,
                       f.op == "add" ? admin::add_hashed(store_, random_, actor, f.email, admin::fields_of(f), fresh, now)
                                     : admin::reset_password_hashed(store_, actor, f.agent, fresh, now),
                       now);
}

void Hub::finish_agent_admin(ConnId id, const p::AgentAdmin& f, Result<admin::Done> done, std::int64_t now) {
    if (!done) {
        Error e = done.error();
        e.ref = f.cid;
        return send_error(id, e);
    }
    if (done.value().audit_failed) ++audit_failures_;

    // Live effects (the table above). The answer goes out before any connection of the
    // agent is closed: a supervisor who reset their own password still gets it.
    const Agent& agent = done.value().agent;
    agent_admin_effects(f.op, agent, now);

    p::AgentList answer = agent_list();
    answer.op = f.op;
    answer.cid = f.cid;
    answer.agent = agent.id;
    answer.password = done.value().password;
    answer.sessions = static_cast<std::int64_t>(done.value().sessions);
    send(id, answer);
    agent_admin_aftermath(f.op, agent.id, id);
}

void Hub::agent_admin_effects(const std::string& op, const Agent& agent, std::int64_t now) {
    route_load(now);
    if (op == "add" || op == "update" || op == "enable") {
        route_agent_spec(agent, now);
        if (op == "update") publish_agent(agent.id);
    } else if (op == "disable" || op == "remove") {
        route_apply(router_.remove_agent(agent.id, now), now);
        if (op == "disable") route_agent_spec(agent, now);  // back, offline, with nothing
    }
    publish_board();
}

void Hub::agent_admin_aftermath(const std::string& op, const std::string& agent_id, ConnId except) {
    if (op == "disable" || op == "remove" || op == "reset_password")
        end_sessions({}, agent_id, op == "disable" ? "agent disabled" : op == "remove" ? "agent removed" : "password reset");
    publish_agents(except);
}

}  // namespace parley::relay
