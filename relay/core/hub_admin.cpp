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
// Argon2id hashing (add, reset_password) runs here, on the loop: tens of ms each. So
// that a supervisor's client cannot hold the loop with a stream of them, the Hub hashes
// at most one password per kAdminHashGapMs (4029 rate_limited with retry_after_ms
// beyond), which bounds that work to a few percent of the loop whatever anyone sends.
#include "auth/agent_admin.hpp"
#include "core/hub.hpp"

namespace parley::relay {

namespace p = protocol;
using protocol::ErrorCode;

namespace {

admin::AgentFields fields_of(const p::AgentAdmin& f) {
    admin::AgentFields out;
    out.name = f.name;
    out.teams = f.teams;
    out.skills = f.skills;
    // The codec bounds these to ≥ 0; the rules bound them above (1000). Clamp before
    // narrowing so a huge number is refused as out of range, not wrapped into it.
    auto narrow = [](std::int64_t v) { return static_cast<int>(std::min<std::int64_t>(v, 1'000'000)); };
    if (f.preferred) out.preferred = narrow(*f.preferred);
    if (f.max_load) out.max_load = narrow(*f.max_load);
    out.supervisor = f.supervisor;
    return out;
}

}  // namespace

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
    const bool hashes = f.op == "add" || f.op == "reset_password";
    if (hashes && now < next_admin_hash_)
        return send(id, p::ErrorFrame{ErrorCode::rate_limited, "one password at a time; retry later", f.cid,
                                      next_admin_hash_ - now});
    if (hashes) next_admin_hash_ = now + kAdminHashGapMs;

    Result<admin::Done> done = Error{ErrorCode::bad_field, "op", {}};
    if (f.op == "add") done = admin::add(store_, random_, actor, f.email, fields_of(f), std::nullopt, now);
    else if (f.op == "update") done = admin::update(store_, actor, f.agent, fields_of(f), now);
    else if (f.op == "disable" || f.op == "enable")
        done = admin::set_disabled(store_, actor, f.agent, f.op == "disable", now);
    else if (f.op == "reset_password") done = admin::reset_password(store_, random_, actor, f.agent, now);
    else if (f.op == "remove") done = admin::remove(store_, actor, f.agent, now);
    if (!done) {
        Error e = done.error();
        e.ref = f.cid;
        return send_error(id, e);
    }
    if (done.value().audit_failed) ++audit_failures_;

    // Live effects (the table above). The answer goes out before any connection of the
    // agent is closed: a supervisor who reset their own password still gets it.
    const Agent& agent = done.value().agent;
    route_load(now);
    if (f.op == "add" || f.op == "update" || f.op == "enable") {
        route_agent_spec(agent, now);
        if (f.op == "update") publish_agent(agent.id);
    } else if (f.op == "disable" || f.op == "remove") {
        route_apply(router_.remove_agent(agent.id, now), now);
        if (f.op == "disable") route_agent_spec(agent, now);  // back, offline, with nothing
    }
    publish_board();

    p::AgentList answer = agent_list();
    answer.op = f.op;
    answer.cid = f.cid;
    answer.agent = agent.id;
    answer.password = done.value().password;
    answer.sessions = static_cast<std::int64_t>(done.value().sessions);
    send(id, answer);
    if (f.op == "disable" || f.op == "remove" || f.op == "reset_password")
        end_sessions({}, agent.id, f.op == "disable" ? "agent disabled"
                                   : f.op == "remove" ? "agent removed" : "password reset");
    publish_agents(id);
}

}  // namespace parley::relay
