// The seeded traffic model: one day of conversations, generated once and replayed
// identically against every router, so the only difference between runs is routing.
//
// Each conversation is a script: arrival time, team, the customer's pace, how many
// agent replies it needs, the agent's typing time for each reply, the customer's gap
// before each next message, and whether (and where) the customer goes quiet. Agent work
// is attached to the conversation, not to the agent, so every router faces the same work.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace parley::bench {

using Millis = std::int64_t;

struct ModelParams {
    std::uint64_t seed = 42;
    int agents = 20;
    Millis day_ms = 10LL * 3600 * 1000;
    double peak_arrivals_per_agent_hour = 18.0;  // rate at midday; mornings/evenings lower
    double engaged_share = 0.6;          // customers who answer quickly
    double engaged_gap_median_s = 20, slow_gap_median_s = 120, gap_sigma = 0.7;
    double mean_extra_turns = 3.0;       // agent replies needed = 1 + geometric(mean)
    double service_median_s = 30, service_sigma = 0.5;  // typing one reply
    double context_read_s = 20;          // first reply of an agent in a conversation
    double quiet_share = 0.15;           // customers who go quiet once
    double quiet_abandon_share = 0.5;    // ...and never come back (else pause, then return)
    double pause_min_s = 6 * 60, pause_max_s = 40 * 60;
    double thanks_after_close_share = 0.3;
};

struct Script {
    Millis arrival = 0;
    int team = 0;
    bool engaged = true;
    int replies = 1;                 // agent replies needed; the last asks "anything else?"
    std::vector<Millis> service;     // typing time of agent reply k (0-based)
    std::vector<Millis> gap;         // customer's gap after agent reply k
    int quiet_after = -1;            // after agent reply k the customer goes quiet (-1: never)
    bool abandons = false;           // quiet for good; otherwise gap[quiet_after] is a pause
    Millis thanks_after_close = -1;  // a lone "thanks" this long after closing (-1: none)
};

struct Traffic {
    ModelParams params;
    std::vector<std::string> teams;  // team t has agents_per_team[t] agents
    std::vector<int> agents_per_team;
    std::vector<Script> convs;       // by arrival time
};

Traffic generate(const ModelParams& p);

}  // namespace parley::bench
