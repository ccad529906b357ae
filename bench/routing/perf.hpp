// The router's own cost: microseconds of process CPU time per routing event with `open` conversations
// and `agents` agents, on a seeded synthetic event stream (virtual time; only this
// harness reads the real clock).
#pragma once

#include <cstdint>

namespace parley::bench {

struct PerfResult {
    int agents = 0, open = 0;
    long events = 0;
    double us_per_event = 0;
    double us_per_inbox = 0;  // one inbox() query (priority order of one agent)
    int queued_at_end = 0;
};

PerfResult measure_router_cost(int agents, int open, long events, std::uint64_t seed);

}  // namespace parley::bench
