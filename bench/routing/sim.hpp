// The discrete-event simulator: replays one Traffic against one Policy with the same
// simulated people, and measures what customers and agents experience.
//
// People, identical for every policy:
//   - a customer writes once per turn and waits for the agent's reply before writing
//     again (after their scripted gap); a quiet customer stops, for good or for a pause;
//   - an agent types one reply at a time; a reply takes the scripted typing time of that
//     turn, plus a context-reading time when this agent has not replied in this
//     conversation before (new chat, handoff, or a returning chat given to someone else);
//   - an idle agent asks the policy which conversation to answer next.
//
// Measures:
//   perceived wait   every customer message → the next agent reply in its conversation
//                    (queue time included); messages still unanswered when the
//                    simulation stops count up to that moment (a lower bound)
//   utilisation      agents' typing time ÷ (agents × shift); the shift is the day, or
//                    longer when agents stay on to clear the backlog (capped)
//   conv/agent-hour  conversations resolved (customer said "no") ÷ (agents × shift hours)
#pragma once

#include <string>
#include <vector>

#include "policy.hpp"
#include "traffic.hpp"

namespace parley::bench {

struct Metrics {
    std::string name;
    std::vector<Millis> waits, first_waits, engaged_waits, slow_waits;
    int censored = 0;  // messages unanswered at the stop
    int resolved = 0;
    double busy_ms = 0;
    Millis shift_ms = 0;
    double utilisation = 0, conv_per_agent_hour = 0;
    Millis p50 = 0, p90 = 0, first_p90 = 0, engaged_p90 = 0, slow_p90 = 0;
};

Metrics simulate(const Traffic& tr, Policy& policy, Millis overtime_cap_ms);

Millis percentile(std::vector<Millis> v, double q);

}  // namespace parley::bench
