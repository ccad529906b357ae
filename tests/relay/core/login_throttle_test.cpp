// LoginThrottle (relay/core/login_throttle.hpp) on a fake clock.
#include <catch2/catch.hpp>

#include "core/login_throttle.hpp"

using namespace parley::relay;
using Verdict = LoginThrottle::Verdict;

namespace {

// Small numbers: 3 free failures, then 100 ms doubling, a lock of 10 s at the 6th.
LoginThrottleConfig small() {
    LoginThrottleConfig c;
    c.account = {3, 100, 6, 10'000};
    c.address = {8, 100, 12, 60'000};
    c.max_pending_per_address = 2;
    return c;
}

// One attempt, admitted and then failed (or succeeded), at `now`.
LoginThrottle::Decision attempt(LoginThrottle& t, const std::string& account, const std::string& address,
                                std::int64_t now, bool success = false) {
    auto d = t.admit(account, address, now);
    if (d.verdict == Verdict::allowed) t.record(account, address, success, now);
    return d;
}

}  // namespace

TEST_CASE("a few failures are free, then each next attempt waits twice as long", "[login_throttle]") {
    LoginThrottle t(small());
    for (int i = 0; i < 3; ++i) CHECK(attempt(t, "sam@x", "", 0).verdict == Verdict::allowed);
    // The 3rd failure starts the delays: 100 ms after it.
    auto d = t.admit("sam@x", "", 50);
    CHECK(d.verdict == Verdict::throttled);
    CHECK(d.retry_after_ms == 50);
    CHECK(attempt(t, "sam@x", "", 100).verdict == Verdict::allowed);  // 4th failure
    CHECK(t.admit("sam@x", "", 250).retry_after_ms == 50);          // 200 ms after it
    CHECK(attempt(t, "sam@x", "", 300).verdict == Verdict::allowed);  // 5th failure
    CHECK(t.admit("sam@x", "", 300).retry_after_ms == 400);
    SECTION("a refused attempt costs nothing and counts nothing") {
        for (int i = 0; i < 50; ++i) CHECK(t.admit("sam@x", "", 301).verdict == Verdict::throttled);
        CHECK(t.admit("sam@x", "", 700).verdict == Verdict::allowed);
    }
}

TEST_CASE("enough failures lock the account for the lock time, even for the right password",
          "[login_throttle]") {
    LoginThrottle t(small());
    std::int64_t now = 0;
    for (int i = 0; i < 6; ++i) {
        auto d = t.admit("sam@x", "", now);
        if (d.verdict != Verdict::allowed) now += d.retry_after_ms, d = t.admit("sam@x", "", now);
        REQUIRE(d.verdict == Verdict::allowed);
        t.record("sam@x", "", false, now);
    }
    const std::int64_t locked_at = now;
    auto d = t.admit("sam@x", "", now + 1);
    CHECK(d.verdict == Verdict::throttled);
    CHECK(d.retry_after_ms == 10'000 - 1);
    CHECK(t.admit("sam@x", "", locked_at + 9'999).verdict == Verdict::throttled);
    SECTION("after the lock the right password succeeds, and the schedule starts again") {
        CHECK(attempt(t, "sam@x", "", locked_at + 10'000, true).verdict == Verdict::allowed);
        for (int i = 0; i < 3; ++i) CHECK(attempt(t, "sam@x", "", locked_at + 10'001).verdict == Verdict::allowed);
        CHECK(t.admit("sam@x", "", locked_at + 10'001).verdict == Verdict::throttled);
    }
}

TEST_CASE("a success clears the account's failures but not the address's", "[login_throttle]") {
    LoginThrottle t(small());
    for (int i = 0; i < 3; ++i) attempt(t, "sam@x", "10.0.0.1", 0);
    CHECK(t.admit("sam@x", "10.0.0.1", 1).verdict == Verdict::throttled);
    CHECK(attempt(t, "sam@x", "10.0.0.1", 100, true).verdict == Verdict::allowed);
    for (int i = 0; i < 3; ++i) CHECK(attempt(t, "sam@x", "10.0.0.1", 100).verdict == Verdict::allowed);
    // The address holds 6 failures (and the success did not wash them away): 2 more free.
    for (int i = 0; i < 2; ++i) CHECK(attempt(t, "other" + std::to_string(i), "10.0.0.1", 100).verdict == Verdict::allowed);
    CHECK(t.admit("third@x", "10.0.0.1", 100).verdict == Verdict::throttled);
}

TEST_CASE("accounts and addresses are counted apart: a guesser slows only itself and its target",
          "[login_throttle]") {
    LoginThrottle t(small());
    // A guesser at 10.0.0.66 spreads 8 failures over many accounts: its address is slowed...
    for (int i = 0; i < 8; ++i) CHECK(attempt(t, "u" + std::to_string(i), "10.0.0.66", 0).verdict == Verdict::allowed);
    CHECK(t.admit("sam@x", "10.0.0.66", 0).verdict == Verdict::throttled);
    // ...the same account from another address is not,
    CHECK(t.admit("sam@x", "10.0.0.1", 0).verdict == Verdict::allowed);
    t.record("sam@x", "10.0.0.1", true, 0);
    // and a guesser hammering one account slows that account everywhere (the lock is
    // what stops a guesser with many addresses), but no other account.
    for (int i = 0; i < 3; ++i) attempt(t, "sam@x", "10.0.0." + std::to_string(100 + i), 1);
    CHECK(t.admit("sam@x", "10.0.0.1", 2).verdict == Verdict::throttled);
    CHECK(t.admit("kim@x", "10.0.0.1", 2).verdict == Verdict::allowed);
}

TEST_CASE("pending checks count: beyond the free failures one at a time, and few per address",
          "[login_throttle]") {
    LoginThrottle t(small());
    // Within the free failures several checks of one account may run at once.
    CHECK(t.admit("sam@x", "10.0.0.1", 0).verdict == Verdict::allowed);
    CHECK(t.admit("sam@x", "10.0.0.2", 0).verdict == Verdict::allowed);
    CHECK(t.admit("sam@x", "10.0.0.3", 0).verdict == Verdict::allowed);
    CHECK(t.admit("sam@x", "10.0.0.4", 0).verdict == Verdict::throttled);  // 3 pending = the free ones
    SECTION("one address may have only max_pending_per_address checks at once") {
        CHECK(t.admit("kim@x", "10.0.0.1", 0).verdict == Verdict::allowed);
        auto d = t.admit("lee@x", "10.0.0.1", 0);
        CHECK(d.verdict == Verdict::busy);
        CHECK(d.retry_after_ms > 0);
        t.cancel("kim@x", "10.0.0.1");  // never checked: counts nothing
        CHECK(t.admit("lee@x", "10.0.0.1", 0).verdict == Verdict::allowed);
    }
    SECTION("a failure recorded after closing is still counted") {
        for (int i = 1; i <= 3; ++i) t.record("sam@x", "10.0.0." + std::to_string(i), false, 5);
        CHECK(t.admit("sam@x", "10.0.0.9", 6).verdict == Verdict::throttled);
    }
}

TEST_CASE("idle counts are forgotten after the lock time, and the tables stay bounded", "[login_throttle]") {
    LoginThrottleConfig c = small();
    c.max_entries = 100;
    LoginThrottle t(c);
    for (int i = 0; i < 2; ++i) attempt(t, "sam@x", "", 0);
    CHECK(t.accounts() == 1);
    SECTION("failures older than the lock time no longer count") {
        for (int i = 0; i < 3; ++i) CHECK(attempt(t, "sam@x", "", 10'000).verdict == Verdict::allowed);
        CHECK(t.admit("sam@x", "", 10'000).verdict == Verdict::throttled);
    }
    SECTION("idle entries are swept as time passes") {
        for (int i = 0; i < 50; ++i) attempt(t, "u" + std::to_string(i), "10.0.0." + std::to_string(i), 5'000);
        CHECK(t.accounts() == 51);
        CHECK(t.addresses() == 50);
        attempt(t, "late@x", "10.0.1.1", 10'000);  // sam@x has been idle for 10 s
        CHECK(t.accounts() == 51);
        attempt(t, "later@x", "10.0.1.2", 70'000);  // everyone else too
        CHECK(t.accounts() == 1);
        CHECK(t.addresses() == 1);
    }
    SECTION("a full table drops its least recently active key") {
        for (int i = 0; i < 500; ++i) attempt(t, "u" + std::to_string(i), "", 1);
        CHECK(t.accounts() == 100);
    }
    SECTION("a success forgets the account at once") {
        attempt(t, "sam@x", "", 1, true);
        CHECK(t.accounts() == 0);
    }
}

TEST_CASE("address keys group IPv6 by /64; account keys are ASCII lower case", "[login_throttle]") {
    CHECK(login_address_key("10.1.2.3") == "10.1.2.3");
    CHECK(login_address_key("2001:db8:1:2:aaaa::1") == "2001:0db8:0001:0002::/64");
    CHECK(login_address_key("2001:db8:1:2:bbbb::9") == login_address_key("2001:db8:1:2:aaaa::1"));
    CHECK(login_address_key("::ffff:10.1.2.3") == "10.1.2.3");
    CHECK(login_address_key("") == "");
    CHECK(login_account_key("Sam@Example.COM") == "sam@example.com");
}
