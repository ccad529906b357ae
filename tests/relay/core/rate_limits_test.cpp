// RateLimits (relay/core/rate_limits.hpp) on a fake clock.
#include <catch2/catch.hpp>

#include "core/rate_limits.hpp"

using namespace parley::relay;

TEST_CASE("a token bucket allows its burst at once, then its rate", "[rate_limit]") {
    TokenBucket b;
    for (int i = 0; i < 5; ++i) CHECK(b.take(1000, 10, 5) == 0);
    const auto wait = b.take(1000, 10, 5);
    CHECK(wait == 100);  // one token per 100 ms at 10/s
    CHECK(b.take(1099, 10, 5) > 0);
    CHECK(b.take(1100, 10, 5) == 0);
    SECTION("it refills to the burst, not beyond") {
        for (int i = 0; i < 5; ++i) CHECK(b.take(100000, 10, 5) == 0);
        CHECK(b.take(100000, 10, 5) > 0);
    }
    SECTION("a rate of 0 means no limit") {
        TokenBucket free;
        for (int i = 0; i < 1000; ++i) CHECK(free.take(0, 0, 0) == 0);
    }
}

TEST_CASE("connections per address are limited and released", "[rate_limit]") {
    RateLimitConfig c;
    c.max_conns_per_ip = 2;
    RateLimits l(c);
    CHECK(l.admit(1, "10.0.0.1"));
    CHECK(l.admit(2, "10.0.0.1"));
    CHECK_FALSE(l.admit(3, "10.0.0.1"));
    CHECK(l.admit(4, "10.0.0.2"));  // another address has its own count
    l.release(3);                   // a refused connection releases nothing
    CHECK(l.connections_of("10.0.0.1") == 2);
    l.release(1);
    CHECK(l.admit(5, "10.0.0.1"));
}

TEST_CASE("frames are charged per connection and per address; one offender slows no one else",
          "[rate_limit]") {
    RateLimitConfig c;
    c.conn_rate = 10;
    c.conn_burst = 3;
    c.ip_rate = 100;
    c.ip_burst = 5;
    RateLimits l(c);
    l.admit(1, "a");
    l.admit(2, "a");
    l.admit(3, "b");
    for (int i = 0; i < 3; ++i) CHECK(l.charge(1, 0) == 0);
    CHECK(l.charge(1, 0) == 100);  // connection 1 is over its own budget
    CHECK(l.charge(2, 0) == 0);    // its neighbour is not
    CHECK(l.charge(2, 0) == 0);    // address a: 5 of 5 used
    CHECK(l.charge(2, 0) > 0);     // now the address is over its budget
    CHECK(l.charge(3, 0) == 0);    // another address is untouched
    SECTION("a frame refused by the address budget costs the connection nothing") {
        CHECK(l.charge(2, 0) > 0);
        CHECK(l.charge(2, 0) > 0);
        // 10 ms later the address has a token again, and connection 2 its own last one
        CHECK(l.charge(2, 10) == 0);
    }
    SECTION("closing and reopening does not refill the address budget") {
        l.release(1);
        l.release(2);
        l.admit(4, "a");
        CHECK(l.charge(4, 0) > 0);
    }
}

TEST_CASE("after a refusal every frame of that connection is refused until the wait is over",
          "[rate_limit]") {
    RateLimitConfig c;
    c.conn_rate = 10;  // one token every 100 ms
    c.conn_burst = 1;
    RateLimits l(c);
    l.admit(1, "a");
    CHECK(l.charge(1, 0) == 0);
    CHECK(l.charge(1, 0) == 100);  // refused: its resend comes at 100 ms at the earliest
    // At 50 ms the bucket has half a token; even with a whole one, a frame sent behind
    // the refused one must not overtake it, so it is refused with the remaining wait.
    CHECK(l.charge(1, 50) == 50);
    CHECK(l.charge(1, 99) == 1);
    CHECK(l.charge(1, 100) == 0);  // the resend is served
}

TEST_CASE("a bot connection has its own frame budget and leaves its address's to the others",
          "[rate_limit][bots]") {
    // One bot connection answers every visitor of a site: ~20 frames per streamed answer.
    RateLimitConfig c;
    c.conn_rate = 20;
    c.conn_burst = 60;
    c.ip_rate = 400;
    c.ip_burst = 800;
    c.bot_rate = 2000;
    c.bot_burst = 4000;
    RateLimits l(c);
    l.admit(1, "127.0.0.1");  // the bot, on the relay's host
    l.admit(2, "127.0.0.1");  // a visitor from the same address
    // A second of 50 answers a second: 1 000 frames at once, none refused.
    for (int i = 0; i < 1000; ++i) REQUIRE(l.charge(1, 0, "b_house") == 0);
    // The address's budget is untouched: the visitor beside it is served.
    CHECK(l.charge(2, 0) == 0);
    SECTION("the same frames from a connection that is not a bot are refused past its burst") {
        l.admit(3, "127.0.0.2");
        int refused = 0;
        for (int i = 0; i < 1000; ++i) refused += l.charge(3, 0) > 0;
        CHECK(refused >= 1000 - 60);
    }
    SECTION("a bot is bounded too, all its connections together") {
        l.admit(4, "10.9.9.9");  // a second connection with the same (stolen) key
        int refused = 0;
        for (int i = 0; i < 2000; ++i) refused += l.charge(1, 0, "b_house") > 0;
        for (int i = 0; i < 2000; ++i) refused += l.charge(4, 0, "b_house") > 0;
        CHECK(refused >= 1000);
        l.admit(5, "10.9.9.9");
        CHECK(l.charge(5, 0, "b_other") == 0);  // another bot has its own budget
    }
}

TEST_CASE("new limits hold from the next frame; a bucket holds at most the new burst", "[rate_limit][config]") {
    RateLimitConfig c;
    c.conn_rate = 1000;
    c.conn_burst = 1000;
    c.ip_rate = 0;  // off: only the connection's budget counts here
    RateLimits limits(c);
    REQUIRE(limits.admit(1, "198.51.100.1"));
    for (int i = 0; i < 10; ++i) REQUIRE(limits.charge(1, 1000) == 0);
    c.conn_rate = 1;
    c.conn_burst = 2;
    limits.set_config(c);
    // A millisecond later the bucket refills to at most 2: two frames, then refused.
    CHECK(limits.charge(1, 1001) == 0);
    CHECK(limits.charge(1, 1001) == 0);
    CHECK(limits.charge(1, 1001) > 0);
}
