// Reads what a report needs from the store (issue 18, reports/report.hpp): the routing
// events of the conversations opened in a period and the time and sender of each of
// their visible messages. Reads only; a report may run beside the relay.
#pragma once

#include <cstdint>
#include <vector>

#include "parley/core/result.hpp"
#include "reports/report.hpp"
#include "store/store.hpp"

namespace parley::relay::reports {

// Conversations opened in [from, to) (ms, wall clock), in the order they opened.
Result<std::vector<ConversationHistory>> load_histories(Store& store, std::int64_t from, std::int64_t to);

}  // namespace parley::relay::reports
