// The priority of an agent's conversations: the documented scoring formula.
//
// An agent holds several conversations; the console lists them in this order and the
// agent answers the top one first. The order has three tiers:
//
//   1. awaiting the agent   (the customer wrote last)      ranked by `score` below
//   2. awaiting the customer (the agent wrote last)        most recently answered last
//   3. inactive             (customer silent, seat freed)  most recently active first
//
// Within tier 1 the score is an adaptive response timer:
//
//   score = w_wait · wait / 1 min  +  w_engaged · wait / (gap + gap_floor)
//
//   wait  time since the customer's oldest unanswered message
//   gap   the customer's recent reply gap: an exponentially weighted mean of the time
//         they took to answer the agent (newest gap weighted gap_alpha), default_gap
//         before the first one is measured
//
// The second term counts how many of the customer's own reply cycles they have waited.
// Someone who answers within 15 s notices a 1-minute silence; someone who answers every
// 5 minutes has likely not even looked yet. So an engaged customer climbs faster and
// is not starved by a slow one who merely waited longer, while the first term keeps
// every customer climbing linearly so nobody waits forever. With w_engaged = 0 the
// order is plain longest-wait-first. docs/routing.md §3 works through examples.
#pragma once

#include <cstdint>

#include "route/decision.hpp"

namespace parley::route {

struct PriorityWeights {
    double wait_per_minute = 1.0;   // w_wait: points per minute waited
    double engaged = 4.0;           // w_engaged: points per reply cycle waited
    Millis gap_floor_ms = 20'000;   // stops a 0-second gap from dominating
    Millis default_gap_ms = 60'000; // assumed before the customer's first measured gap
    double gap_alpha = 0.5;         // weight of the newest gap in the moving mean
};

// Score of a conversation awaiting the agent. `gap_ms` < 0 means "not measured yet".
// Pure; never negative; grows without bound with wait.
double awaiting_agent_score(const PriorityWeights& w, Millis wait_ms, double gap_ms);

// Folds one measured reply gap into the customer's moving mean (`mean_ms` < 0: none yet).
double update_gap(const PriorityWeights& w, double mean_ms, Millis gap_ms);

}  // namespace parley::route
