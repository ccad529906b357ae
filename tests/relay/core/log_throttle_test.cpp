// LogThrottle (relay/core/log_throttle.hpp) on a fake clock: what reaches the log.
#include <catch2/catch.hpp>

#include "core/log_throttle.hpp"

using namespace parley::relay;
using Lines = std::vector<std::string>;

TEST_CASE("control characters in a log line are written as \\xNN, so no line can be forged",
          "[log_throttle]") {
    CHECK(LogThrottle::escape("refusing origin http://a\n[2026/01/01] N: forged\n") ==
          "refusing origin http://a\\x0a[2026/01/01] N: forged");
    CHECK(LogThrottle::escape("tab\tbell\x07 del\x7f esc\x1b[31m") == "tab\\x09bell\\x07 del\\x7f esc\\x1b[31m");
    CHECK(LogThrottle::escape("caf\xc3\xa9") == "caf\xc3\xa9");  // UTF-8 is kept
    LogThrottle t;
    CHECK(t.admit("a\rb\n", 0) == Lines{"a\\x0db"});
}

TEST_CASE("a repeated line is written once, then as a count", "[log_throttle]") {
    LogThrottle t;
    CHECK(t.admit("accept: errno 24\n", 0) == Lines{"accept: errno 24"});
    for (int i = 1; i <= 1000; ++i) CHECK(t.admit("accept: errno 24\n", i).empty());
    SECTION("the count comes with the next different line") {
        CHECK(t.admit("other\n", 2000) == Lines{"accept: errno 24 (repeated 1000 times)", "other"});
    }
    SECTION("or every repeat window while the repeats go on") {
        CHECK(t.admit("accept: errno 24\n", 10'000) == Lines{"accept: errno 24 (repeated 1001 times)"});
        CHECK(t.admit("accept: errno 24\n", 10'001).empty());
    }
}

TEST_CASE("varied lines beyond the rate are counted and reported, not written", "[log_throttle]") {
    LogThrottle t(LogThrottleConfig{10, 5, 10'000});
    std::size_t written = 0;
    for (int i = 0; i < 100; ++i) written += t.admit("line " + std::to_string(i), 0).size();
    CHECK(written == 5);  // the burst
    const Lines later = t.admit("late", 1000);
    REQUIRE(later.size() == 2);
    CHECK(later[0] == "(95 log lines suppressed)");
    CHECK(later[1] == "late");
}
