// Agents' time for reports (issue 18, docs/reports.md "Agents"): hours online, time
// handling conversations and idle, and the conversations each agent handled, per group.
//
// Theory of operation. The store keeps a row per change of an agent's availability
// (store.hpp AgentEvent: status and seat-holding load after the change), so an agent's
// state over time is a step function: each row holds from its time until the next row
// of that agent (the last one: until the end). Every step is clipped to the period
// [from, end) — `end` is the period's end or now, whichever is first, so today's report
// does not count hours yet to come — and, grouped by day, cut at UTC midnight. A step
// counts as online when the status is available or away; as handling when online with
// load ≥ 1; as idle when available with load 0. An agent away with no conversation is
// on a break: in neither handling nor idle, so a break lowers no one's occupancy.
// Conversations handled are the distinct conversations assigned to the agent (an
// `assigned` event naming them) in the period: a transfer counts for both agents.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "reports/report.hpp"
#include "store/store.hpp"

namespace parley::relay::reports {

// Whether agents' time makes sense for the grouping: all, day and agent. Not team (an
// agent of several teams serves them all in the same hour) nor intent.
bool has_agent_time(GroupBy by);

// The agents' time per group key ("all", a UTC day, an agent id); `availability` in id
// order as Store::agent_events_between gives it (each agent's state at `from` first),
// `assignments` the `assigned` conversation events of the period. Empty for a grouping
// without agents' time.
std::map<std::string, AgentTime> agent_time(const std::vector<AgentEvent>& availability,
                                            const std::vector<ConvEvent>& assignments, std::int64_t from,
                                            std::int64_t end, GroupBy by);

}  // namespace parley::relay::reports
