// The HTTP API's acts (issue 18, hub.hpp api_act): a client frame handled for a party
// that has no connection. A transient Conn under kApiConn carries the party for the
// length of one call; it is in no audience (not an agent, visitor or bot connection), so
// nothing is fanned out to it but the frame's own answer (ack or error), which is taken
// back out of the outputs here.
#include <limits>

#include "core/hub.hpp"
#include "parley/protocol/codec.hpp"

namespace parley::relay {

namespace p = protocol;

namespace {
// Never a connection's id: the adapter numbers connections from 1 upwards.
constexpr ConnId kApiConn = std::numeric_limits<ConnId>::max();
}  // namespace

Hub::ApiOutcome Hub::api_act(const p::Party& as, bool supervisor, const p::ClientFrame& frame, std::int64_t now) {
    ApiOutcome out;
    now_ = std::max(now_, now);
    route_load(now);
    batch_begin(kApiConn);
    Conn& c = conns_[kApiConn];
    c = Conn{};
    c.ready = true;
    c.party = as;
    c.api_supervisor = supervisor;
    if (const auto* f = std::get_if<p::Send>(&frame)) handle(kApiConn, c, *f, now);
    else if (const auto* f = std::get_if<p::CloseConv>(&frame)) handle(kApiConn, c, *f, now);
    else if (const auto* f = std::get_if<p::Reopen>(&frame)) handle(kApiConn, c, *f, now);
    else if (const auto* f = std::get_if<p::Transfer>(&frame)) handle(kApiConn, c, *f, now);
    else send_error(kApiConn, p::ErrorCode::unknown_type, "not an API act");
    const bool committed = commit_batch_now();
    conns_.erase(kApiConn);

    // The call's own answer, out of the outputs (the adapter has no such connection).
    std::vector<Output> rest;
    rest.reserve(outputs_.size());
    for (Output& o : outputs_) {
        if (o.conn != kApiConn) {
            rest.push_back(std::move(o));
            continue;
        }
        if (o.kind != Output::Kind::frame) continue;
        auto decoded = p::decode_relay(o.text());
        if (!decoded) continue;
        if (const auto* ack = std::get_if<p::Ack>(&decoded.value()); ack && !out.ack) out.ack = *ack;
        if (const auto* e = std::get_if<p::ErrorFrame>(&decoded.value()); e && !out.error) out.error = *e;
    }
    outputs_ = std::move(rest);
    if (!committed) {
        out.ack.reset();
        out.error = p::ErrorFrame{p::ErrorCode::storage_failed, "could not store; retry later", {}};
    }
    return out;
}

p::ConvSummary Hub::api_describe(p::ConvSummary summary, std::int64_t now) {
    route_load(now);
    route_summary(summary);
    return summary;
}

// The board's queues (publish_board) with the start of each one's longest wait: the
// board frame lists conversations but not since when they wait, and the dashboard reads
// it over HTTP rather than growing a frame every client core decodes. A conversation's
// wait starts when it entered the queue (the router's `since`; a rerouted one waits
// anew, as reports count it: docs/reports.md `queue_waits`). Returning and rerouted
// conversations go to the front, so the longest wait is the earliest start among them
// all, not the first in line's.
std::vector<Hub::QueueNow> Hub::api_queues(std::int64_t now) {
    route_load(now);
    std::set<std::string> teams{config_.routing.default_team};
    for (const auto& [id, a] : route_agents_) teams.insert(a.teams.begin(), a.teams.end());
    std::vector<QueueNow> out;
    for (const std::string& team : teams) {
        QueueNow q{team, 0, 0};
        for (const std::string& conv : router_.queued(team)) {
            ++q.length;
            if (auto s = router_.snapshot(conv); s && (q.waiting_since == 0 || s->since < q.waiting_since))
                q.waiting_since = s->since;
        }
        out.push_back(std::move(q));
    }
    return out;
}

}  // namespace parley::relay
