// SocketLimits (relay/core/socket_limits.hpp): TCP connections counted before any
// handshake, per address and in all.
#include <catch2/catch.hpp>

#include "core/socket_limits.hpp"

using namespace parley::relay;

TEST_CASE("an address may hold its cap of sockets and no more, others are unaffected", "[socket_limits]") {
    SocketLimits limits(0, 3);
    for (std::uintptr_t k = 1; k <= 3; ++k) {
        REQUIRE(limits.allows("10.0.0.1"));
        limits.open(k, "10.0.0.1");
    }
    CHECK_FALSE(limits.allows("10.0.0.1"));
    CHECK(limits.allows("10.0.0.2"));
    SECTION("a closed socket frees its slot") {
        limits.close(2);
        CHECK(limits.allows("10.0.0.1"));
        CHECK(limits.open_from("10.0.0.1") == 2);
    }
    SECTION("closing an unknown socket changes nothing") {
        limits.close(99);
        CHECK(limits.open_from("10.0.0.1") == 3);
    }
    SECTION("a key reopened is counted once") {
        limits.open(3, "10.0.0.1");
        CHECK(limits.open_from("10.0.0.1") == 3);
        CHECK(limits.open_sockets() == 3);
    }
}

TEST_CASE("the total cap holds whatever the addresses, and no address takes more than a quarter",
          "[socket_limits]") {
    SocketLimits limits(8, 512);
    CHECK(limits.per_address() == 2);  // a quarter of 8, below the configured 512
    std::uintptr_t key = 1;
    for (const char* a : {"a", "b", "c", "d"}) {
        for (int i = 0; i < 2; ++i) {
            REQUIRE(limits.allows(a));
            limits.open(key++, a);
        }
        CHECK_FALSE(limits.allows(a));
    }
    CHECK(limits.open_sockets() == 8);
    CHECK_FALSE(limits.allows("e"));  // the relay is full
    limits.close(1);
    CHECK(limits.allows("e"));
}

TEST_CASE("zero means no limit", "[socket_limits]") {
    SocketLimits limits(0, 0);
    for (std::uintptr_t k = 1; k <= 1000; ++k) limits.open(k, "x");
    CHECK(limits.allows("x"));
}
