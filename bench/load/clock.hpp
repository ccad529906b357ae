// The generator's one clock: CLOCK_MONOTONIC in ns. Send times travel inside message
// texts, and every connection lives in this process, so one clock measures both ends.
#pragma once

#include <time.h>

#include <cstdint>

namespace parley::load {

inline std::int64_t now_ns() {
    timespec ts;
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

}  // namespace parley::load
