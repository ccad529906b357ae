// Agents' availability over time (issue 18, store.hpp AgentEvent): what occupancy and
// conversations per agent-hour are computed from (reports/agent_time.hpp).
//
// Theory of operation
// -------------------
// The router holds each agent's status (available, away, offline) and load (the
// conversations holding a seat). Whenever either may have changed — a presence change
// (connect, disconnect, a status the agent set: route_presence) or a routing decision
// (route_apply) — the Hub compares them with the last row it wrote for the agent and
// writes a row only when they differ. Both happen while a frame's or a tick's batch is
// open, so a row commits with the decision it records. A row that cannot be written is
// counted like a conversation event (/metrics: event failures) and never holds up routing.
//
// A relay that stops (shutdown) writes an `offline` row, reason `stop`, for every agent
// it last wrote as online, in the batch its shutdown output commits: the connections it
// then closes are gone after the last commit, so their own disconnect rows would never be.
// A relay that stopped without its agents' last `offline` rows (a crash, a kill) would
// leave them available until the next row; so when routing loads (the first use after a
// start) every agent whose last stored row is not offline gets one, reason `restart`,
// at that time. The time between the crash and the restart is counted as it was last
// known (docs/reports.md says so): the relay cannot know when it stopped.
#include "core/hub.hpp"

namespace parley::relay {

void Hub::record_availability(const std::string& agent_id, const char* reason, std::int64_t now) {
    const auto view = router_.agent(agent_id);
    if (!view) return;
    std::pair<std::string, std::int64_t> state{route::status_name(view->status), view->load};
    auto [it, added] = availability_written_.try_emplace(agent_id, "offline", 0);
    if (it->second == state) return;
    it->second = state;
    if (!store_.append_agent_event(AgentEvent{0, now, agent_id, state.first, state.second, reason}))
        ++counters_.event_failures;
}

void Hub::record_loads(std::int64_t now) {
    for (const auto& [id, agent] : route_agents_) record_availability(id, "load", now);
}

void Hub::availability_stop(std::int64_t now) {
    batch_begin(0);  // committed with the shutdown's outputs (take_outputs)
    for (auto& [agent, state] : availability_written_) {
        if (state.first == "offline") continue;
        state = {"offline", state.second};
        if (!store_.append_agent_event(AgentEvent{0, now, agent, "offline", state.second, "stop"}))
            ++counters_.event_failures;
    }
}

void Hub::availability_restart(std::int64_t now) {
    auto last = store_.agent_events_between(now, now);  // each agent's last row
    if (!last) return;
    for (const AgentEvent& e : last.value()) {
        availability_written_[e.agent] = {e.status, e.load};
        if (e.status == "offline") continue;
        // Load 0 like the router's now; restored conversations write their own row.
        availability_written_[e.agent] = {"offline", 0};
        if (!store_.append_agent_event(AgentEvent{0, now, e.agent, "offline", 0, "restart"}))
            ++counters_.event_failures;
    }
}

}  // namespace parley::relay
