// Hub: the visitor's rating of a closed conversation (CSAT, issue 17; docs/protocol.md
// `rate`, docs/reports.md).
//
// Theory of operation
// -------------------
// A rating is one conversation event (kind "csat", detail the score "1"–"5"), written
// beside the routing events reports read, plus an internal system line "Rated 4/5:
// <comment>" so the agents see it in the transcript: live to those who see the
// conversation and to the agent who held it last (a closed one lists nobody else but
// supervisors), then in history for anyone who opens it. Nothing else is kept: the comment
// lives only in that line, masked like any message text by the storage policy, and is
// never sent to the visitor or a bot (internal lines go to agents only).
//
//   event                                       outcome
//   ------------------------------------------  ---------------------------------------
//   rate from an agent or a bot                 2004, nothing stored
//   rate naming another conversation            2004 (access_rule.hpp), nothing stored
//   rate while the conversation is open         3006 not_allowed, nothing stored
//   rate, closed                                csat event + internal line; `rated`
//   rate again, same closure                    a new event and line: the last counts
//
// A report takes each conversation's last csat event, so a visitor who changes their
// mind replaces their rating, and a flood of ratings counts once. The frame passes the
// adapter's rate limit like every other frame; each one stores one short line.
#include <cctype>

#include "core/hub.hpp"

namespace parley::relay {

using protocol::ErrorCode;
namespace p = protocol;

namespace {

bool blank(const std::string& text) {
    for (unsigned char ch : text)
        if (!std::isspace(ch)) return false;
    return true;
}

}  // namespace

void Hub::handle(ConnId id, Conn& c, const p::Rate& f, std::int64_t now) {
    auto conv = accessible(c, f.conv, ConvAct::rate, {});
    if (!conv) return send_error(id, conv.error());
    route_load(now);
    // The router is ahead of the stored status; a conversation closed before its first
    // message was ever routed has only the stored one.
    const std::optional<route::ConvView> view = route_view(f.conv);
    const bool closed = view ? view->state == route::ConvState::Closed : conv.value().status == "closed";
    if (!closed) return send_error(id, ErrorCode::not_allowed, "only a closed conversation can be rated");
    const std::string agent = !view ? "" : view->agent.empty() ? view->previous_agent : view->agent;
    record_event({0, now, f.conv, "csat", view ? view->team : "", agent, std::to_string(f.score), ""});
    std::string line = "Rated " + std::to_string(f.score) + "/5";
    if (!blank(f.comment)) line += ": " + f.comment;
    // A closed conversation is listed for supervisors only: its last holder hears it too.
    const std::set<ConnId> closer = agent.empty() ? std::set<ConnId>{} : conns_of_agents({agent});
    if (auto posted = post_system(f.conv, line, true, now, closer); !posted) return send_error(id, posted.error());
    send(id, p::Rated{f.conv, f.score});
}

}  // namespace parley::relay
