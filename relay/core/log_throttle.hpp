// LogThrottle: what the relay's log sink writes, so a client can neither flood the log
// nor forge lines in it (issue 15, defect 4). Pure: the time comes in, the lines to write
// come out; net/log_sink.cpp feeds it every log line (libwebsockets' and ours), text or JSON.
//
//   control characters   every byte below 0x20 and 0x7f inside a line is written as
//                        \xNN, so text a client chose (an Origin header, an address)
//                        cannot end the line and start a forged one
//   repeats              a line equal to the previous one is counted, not written; the
//                        count is written as "<line> (repeated N times)" when another
//                        line comes, or every repeat_window_ms while the repeats go on
//   volume               at most `rate` lines a second (bursts of `burst`); lines over
//                        it are counted and reported once the budget allows:
//                        "(N log lines suppressed)"
//
// So a flood of one line costs one line per window, and a flood of varied lines costs
// `rate` lines a second: the log grows by a bounded amount whatever the clients do.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/rate_limits.hpp"

namespace parley::relay {

struct LogThrottleConfig {
    double rate = 20;                   // lines per second
    double burst = 200;
    std::int64_t repeat_window_ms = 10'000;
};

class LogThrottle {
public:
    explicit LogThrottle(LogThrottleConfig config = {}) : config_(config) {}

    // One log line (a trailing newline is ignored) at `now_ms`: the lines to write now,
    // each without its newline (none, when it repeats or is over the budget).
    std::vector<std::string> admit(std::string_view line, std::int64_t now_ms);

    // `line` with control characters as \xNN (and no trailing newline).
    static std::string escape(std::string_view line);

private:
    void emit(std::string line, std::int64_t now_ms, std::vector<std::string>& out);

    LogThrottleConfig config_;
    TokenBucket budget_;
    std::string last_;            // the last line admitted (escaped)
    std::int64_t repeats_ = 0;    // of last_, not yet reported
    std::int64_t repeat_since_ = 0;
    std::int64_t suppressed_ = 0; // over the budget, not yet reported
};

}  // namespace parley::relay
