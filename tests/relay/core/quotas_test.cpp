// QuotaWindow and Quotas (relay/core/quotas.hpp) on a fake clock.
#include <catch2/catch.hpp>

#include <string>

#include "core/quotas.hpp"

using namespace parley::relay;

TEST_CASE("a window admits its limit, then says how long until it closes", "[quotas]") {
    QuotaWindow q(3, 1000, 100);
    for (int i = 0; i < 3; ++i) {
        REQUIRE(q.wait("a", 1, 100 + i) == 0);
        q.add("a", 1, 100 + i);
    }
    CHECK(q.wait("a", 1, 102) == 998);  // opened at 100, closes at 1100
    CHECK(q.wait("a", 1, 1099) == 1);
    SECTION("when it has closed, the key starts afresh") {
        CHECK(q.wait("a", 1, 1100) == 0);
        q.add("a", 1, 1100);
        CHECK(q.keys() == 1);
        CHECK(q.wait("a", 3, 1100) == 1000);  // 1 + 3 > 3: until the new window closes
        CHECK(q.wait("a", 2, 1100) == 0);
    }
    SECTION("a refused amount counts nothing") {
        for (int i = 0; i < 100; ++i) CHECK(q.wait("a", 1, 500) > 0);
        CHECK(q.wait("a", 1, 1100) == 0);
    }
}

TEST_CASE("each key has its own window", "[quotas]") {
    QuotaWindow q(2, 1000, 100);
    q.add("a", 2, 0);
    CHECK(q.wait("a", 1, 10) == 990);
    CHECK(q.wait("b", 1, 10) == 0);
    CHECK(q.wait("b", 2, 10) == 0);
    q.add("b", 1, 500);
    CHECK(q.wait("b", 2, 600) == 900);  // b's window opened at 500
    CHECK(q.wait("a", 1, 1000) == 0);
}

TEST_CASE("amounts add up within a window, as bytes do", "[quotas]") {
    QuotaWindow q(1000, kQuotaDayMs, 100);
    q.add("v", 600, 0);
    CHECK(q.wait("v", 400, 1) == 0);
    CHECK(q.wait("v", 401, 1) == kQuotaDayMs - 1);
    q.add("v", 400, 1);
    CHECK(q.wait("v", 1, kQuotaDayMs - 1) == 1);
    CHECK(q.wait("v", 1, kQuotaDayMs) == 0);  // the next day
}

TEST_CASE("an amount larger than the limit fits a fresh window only", "[quotas]") {
    QuotaWindow q(100, 1000, 100);
    CHECK(q.wait("v", 5000, 0) == 0);
    q.add("v", 5000, 0);
    CHECK(q.wait("v", 1, 1) == 999);
    CHECK(q.wait("v", 5000, 1000) == 0);
}

TEST_CASE("a limit of 0 switches a quota off, and an empty key has none", "[quotas]") {
    QuotaWindow off(0, 1000, 100);
    for (int i = 0; i < 1000; ++i) {
        CHECK(off.wait("a", 1, i) == 0);
        off.add("a", 1, i);
    }
    CHECK(off.keys() == 0);
    CHECK_FALSE(off.enabled());

    QuotaWindow q(1, 1000, 100);
    q.add("", 1, 0);
    q.add("", 1, 0);
    CHECK(q.wait("", 1, 0) == 0);
    CHECK(q.keys() == 0);
}

TEST_CASE("closed windows are swept, so idle keys take no memory", "[quotas]") {
    QuotaWindow q(5, 1000, 1'000'000);
    for (int i = 0; i < 10'000; ++i) q.add("k" + std::to_string(i), 1, i / 100);  // within 100 ms
    CHECK(q.keys() == 10'000);
    q.add("late", 1, 1050);  // the first ~50 ms of keys have closed
    CHECK(q.keys() < 10'000);
    CHECK(q.wait("other", 1, 2000) == 0);  // any call sweeps
    CHECK(q.keys() == 1);                  // only "late" (opened at 1050) is open
    CHECK(q.wait("late", 5, 2000) == 50);
}

TEST_CASE("a full table drops its oldest window first", "[quotas]") {
    QuotaWindow q(1, 1000, 3);
    q.add("a", 1, 0);
    q.add("b", 1, 1);
    q.add("c", 1, 2);
    q.add("d", 1, 3);  // full: a (the oldest) goes
    CHECK(q.keys() == 3);
    CHECK(q.wait("a", 1, 4) == 0);
    CHECK(q.wait("b", 1, 4) == 997);
    CHECK(q.wait("d", 1, 4) == 1000 - 1);
}

TEST_CASE("the relay's quotas: per hour per address, bytes per day per visitor", "[quotas]") {
    QuotaConfig c;
    CHECK(c.new_visitors_per_hour == 30);
    CHECK(c.new_conversations_per_hour == 30);
    CHECK(c.visitor_bytes_per_day == 1'000'000);
    Quotas q(c);
    for (int i = 0; i < 30; ++i) q.new_visitors.add("198.51.100.7", 1, 0);
    CHECK(q.new_visitors.wait("198.51.100.7", 1, 0) == kQuotaHourMs);
    CHECK(q.new_conversations.wait("198.51.100.7", 1, 0) == 0);  // counted apart
    q.visitor_bytes.add("v_1", 1'000'000, 0);
    CHECK(q.visitor_bytes.wait("v_1", 1, kQuotaHourMs) == kQuotaDayMs - kQuotaHourMs);

    c.new_visitors_per_hour = 0;
    Quotas off(c);
    CHECK_FALSE(off.new_visitors.enabled());
    CHECK(off.new_conversations.enabled());
}
