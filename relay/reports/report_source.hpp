// Reads what a report needs from the store (issue 18, reports/report.hpp): the routing
// events of the conversations opened in a period and the time and sender of each of
// their visible messages; the agents' availability and assignments of the period.
// Reads only; a report may run beside the relay.
#pragma once

#include <cstdint>
#include <vector>

#include "parley/core/result.hpp"
#include "reports/agent_time.hpp"
#include "reports/report.hpp"
#include "store/store.hpp"

namespace parley::relay::reports {

// Conversations opened in [from, to) (ms, wall clock), in the order they opened.
Result<std::vector<ConversationHistory>> load_histories(Store& store, std::int64_t from, std::int64_t to);

// The agents' time of [from, to) up to `now` (agent_time.hpp) for a grouping that has
// it; nullopt for one that has not (compute_report's `agents`).
Result<std::optional<std::map<std::string, AgentTime>>> load_agent_time(Store& store, std::int64_t from,
                                                                         std::int64_t to, std::int64_t now,
                                                                         GroupBy by);

}  // namespace parley::relay::reports
