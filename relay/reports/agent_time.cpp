#include "reports/agent_time.hpp"

#include <algorithm>
#include <set>
#include <utility>

namespace parley::relay::reports {
namespace {

constexpr std::int64_t kDayMs = 24 * 60 * 60 * 1000;

std::string key_of(GroupBy by, const std::string& agent, std::int64_t ts) {
    if (by == GroupBy::day) return utc_day(ts);
    if (by == GroupBy::agent) return agent;
    return "all";
}

// Adds one step of an agent's state, [start, stop), to its groups (cut at midnight
// when grouped by day).
void add_step(std::map<std::string, AgentTime>& out, GroupBy by, const AgentEvent& state, std::int64_t start,
              std::int64_t stop) {
    const bool online = state.status == "available" || state.status == "away";
    if (!online) return;
    while (start < stop) {
        const std::int64_t piece_end = by == GroupBy::day ? std::min(stop, (start / kDayMs + 1) * kDayMs) : stop;
        AgentTime& t = out[key_of(by, state.agent, start)];
        const std::int64_t d = piece_end - start;
        t.online_ms += d;
        if (state.load > 0) t.handling_ms += d;
        else if (state.status == "available") t.idle_ms += d;
        start = piece_end;
    }
}

}  // namespace

bool has_agent_time(GroupBy by) { return by == GroupBy::all || by == GroupBy::day || by == GroupBy::agent; }

std::map<std::string, AgentTime> agent_time(const std::vector<AgentEvent>& availability,
                                            const std::vector<ConvEvent>& assignments, std::int64_t from,
                                            std::int64_t end, GroupBy by) {
    std::map<std::string, AgentTime> out;
    if (!has_agent_time(by)) return out;
    // Each agent's steps: a row holds until that agent's next row.
    std::map<std::string, const AgentEvent*> current;
    for (const AgentEvent& e : availability) {
        auto [it, first] = current.try_emplace(e.agent, &e);
        if (!first) {
            add_step(out, by, *it->second, std::max(from, it->second->ts), std::min(end, std::max(from, e.ts)));
            it->second = &e;
        }
    }
    for (const auto& [agent, last] : current) add_step(out, by, *last, std::max(from, last->ts), end);
    // Handled: each (agent, conversation) once, in the group of its first assignment.
    std::set<std::pair<std::string, std::string>> seen;
    for (const ConvEvent& e : assignments) {
        if (e.kind != "assigned" || e.agent.empty() || e.ts < from || e.ts >= end) continue;
        if (!seen.insert({e.agent, e.conv}).second) continue;
        ++out[key_of(by, e.agent, e.ts)].handled;
    }
    return out;
}

}  // namespace parley::relay::reports
