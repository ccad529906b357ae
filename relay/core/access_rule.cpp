#include "core/access_rule.hpp"

#include <algorithm>

namespace parley::relay {

using protocol::ErrorCode;

namespace {

bool in_team(const Viewer& v, const std::string& team) {
    return v.teams && std::find(v.teams->begin(), v.teams->end(), team) != v.teams->end();
}

bool agent_only(ConvAct act) {
    return act == ConvAct::note || act == ConvAct::transfer || act == ConvAct::close || act == ConvAct::reopen ||
           act == ConvAct::handback;
}

bool with_bot(const std::optional<route::ConvView>& routing) {
    return routing && routing->state == route::ConvState::Bot;
}

bool is_write(ConvAct act) {
    return !(act == ConvAct::read || act == ConvAct::sync || act == ConvAct::history);
}

}  // namespace

AccessLevel access_level(const Viewer& v, const ConvFacts& c) {
    if (!c.exists) return AccessLevel::none;
    switch (v.role) {
        // Issue 17: a visitor reads their own earlier conversations (a verified user's
        // past chats, on any device); they write only the current one.
        case Viewer::Role::visitor:
            return c.id == v.own_conv                    ? AccessLevel::write
                   : !v.id.empty() && c.visitor == v.id ? AccessLevel::look
                                                        : AccessLevel::none;
        case Viewer::Role::supervisor: return AccessLevel::write;
        case Viewer::Role::bot: return with_bot(c.routing) ? AccessLevel::write : AccessLevel::none;
        case Viewer::Role::agent: break;
    }
    if (!c.routing) return AccessLevel::none;  // no first message yet: nobody's work
    const route::ConvView& r = *c.routing;
    if (!r.agent.empty() && r.agent == v.id) return AccessLevel::write;
    const bool closed = r.state == route::ConvState::Closed;
    if (closed && !r.previous_agent.empty() && r.previous_agent == v.id) return AccessLevel::write;
    if (!in_team(v, r.team)) return AccessLevel::none;
    const bool unclaimed = closed || r.state == route::ConvState::Queued || r.state == route::ConvState::Bot;
    return unclaimed ? AccessLevel::write : AccessLevel::look;
}

std::optional<Refusal> refusal(const Viewer& v, const ConvFacts& c, ConvAct act) {
    if ((v.role == Viewer::Role::visitor || v.role == Viewer::Role::bot) && agent_only(act))
        return Refusal{ErrorCode::forbidden, "this frame is for agents"};
    if (v.role != Viewer::Role::bot && act == ConvAct::handoff)
        return Refusal{ErrorCode::forbidden, "this frame is for bots"};
    if (v.role != Viewer::Role::visitor && act == ConvAct::rate)
        return Refusal{ErrorCode::forbidden, "this frame is for visitors"};
    // Supervisors may see everything, so telling them an id is unknown reveals nothing.
    if (v.role == Viewer::Role::supervisor && !c.exists)
        return Refusal{ErrorCode::unknown_conversation, "no such conversation"};
    switch (access_level(v, c)) {
        case AccessLevel::none: return Refusal{ErrorCode::forbidden, "not your conversation"};
        case AccessLevel::look:
            if (is_write(act))
                return Refusal{ErrorCode::forbidden, "held by another agent: read only (ask for a transfer)"};
            return std::nullopt;
        case AccessLevel::write: return std::nullopt;
    }
    return std::nullopt;
}

bool listed(const Viewer& v, const std::optional<route::ConvView>& routing) {
    if (v.role == Viewer::Role::supervisor) return true;
    if (v.role == Viewer::Role::bot) return with_bot(routing);
    if (v.role != Viewer::Role::agent || !routing) return false;
    if (!routing->agent.empty() && routing->agent == v.id) return true;
    return routing->state == route::ConvState::Queued && in_team(v, routing->team);
}

}  // namespace parley::relay
