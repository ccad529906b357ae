#include <catch2/catch.hpp>

#include "net/client_address.hpp"

using namespace parley::relay;

namespace {

TrustedProxies trusting(std::initializer_list<const char*> specs) {
    std::vector<IpNetwork> nets;
    for (const char* s : specs) {
        auto n = IpNetwork::parse(s);
        REQUIRE(n);
        nets.push_back(*n);
    }
    return TrustedProxies(nets);
}

}  // namespace

TEST_CASE("trusted proxies are addresses or networks of either family", "[client-address]") {
    CHECK(IpNetwork::parse("127.0.0.1"));
    CHECK(IpNetwork::parse("10.0.0.0/8"));
    CHECK(IpNetwork::parse("::1"));
    CHECK(IpNetwork::parse("fd00::/8"));
    CHECK(IpNetwork::parse("0.0.0.0/0"));
    CHECK_FALSE(IpNetwork::parse(""));
    CHECK_FALSE(IpNetwork::parse("proxy.example"));
    CHECK_FALSE(IpNetwork::parse("10.0.0.0/33"));
    CHECK_FALSE(IpNetwork::parse("10.0.0.0/"));
    CHECK_FALSE(IpNetwork::parse("10.0.0.0/8x"));
    CHECK_FALSE(IpNetwork::parse("::/129"));
    CHECK_FALSE(IpNetwork::parse("10.0.0.1:80"));

    const TrustedProxies t = trusting({"10.0.0.0/8", "192.168.1.7", "fd00::/8"});
    CHECK(t.contains("10.200.3.4"));
    CHECK(t.contains("192.168.1.7"));
    CHECK_FALSE(t.contains("192.168.1.8"));
    CHECK_FALSE(t.contains("11.0.0.1"));
    CHECK(t.contains("fd12::1"));
    CHECK_FALSE(t.contains("fe80::1"));
    CHECK(t.contains("::ffff:10.1.1.1"));  // IPv4-mapped IPv6 is the IPv4 address
    CHECK_FALSE(t.contains("garbage"));
    CHECK(trusting({"10.1.2.3/8"}).contains("10.9.9.9"));  // host bits ignored
    CHECK(trusting({"172.16.0.0/12"}).contains("172.31.255.255"));
    CHECK_FALSE(trusting({"172.16.0.0/12"}).contains("172.32.0.0"));
}

TEST_CASE("a peer that is not a trusted proxy cannot choose its address with X-Forwarded-For",
          "[client-address]") {
    const TrustedProxies t = trusting({"127.0.0.1"});
    const ClientAddress a = client_address(t, "127.0.0.2", std::string_view("203.0.113.9"));
    CHECK(a.address == "127.0.0.2");
    CHECK_FALSE(a.forwarded);
    CHECK_FALSE(a.malformed);
    // An IPv4 peer on a dual-stack socket is spelled as IPv4, forwarded or not.
    CHECK(client_address(t, "::ffff:127.0.0.2", std::string_view("203.0.113.9")).address == "127.0.0.2");
    // With no proxy trusted at all, the header never counts.
    CHECK(client_address(TrustedProxies(), "127.0.0.1", std::string_view("203.0.113.9")).address == "127.0.0.1");
}

TEST_CASE("from a trusted proxy the client is the right-most address that is not a trusted proxy",
          "[client-address]") {
    const TrustedProxies t = trusting({"127.0.0.1", "10.0.0.0/8"});
    SECTION("one hop") {
        const ClientAddress a = client_address(t, "127.0.0.1", std::string_view("203.0.113.9"));
        CHECK(a.address == "203.0.113.9");
        CHECK(a.forwarded);
    }
    SECTION("what the client wrote itself, left of the real hop, is ignored") {
        CHECK(client_address(t, "127.0.0.1", std::string_view("1.2.3.4, 203.0.113.9")).address == "203.0.113.9");
    }
    SECTION("a chain of our own proxies is skipped") {
        CHECK(client_address(t, "127.0.0.1", std::string_view("6.6.6.6,203.0.113.9, 10.0.0.5 ,10.1.1.1"))
                  .address == "203.0.113.9");
    }
    SECTION("only trusted proxies in the chain: the left-most one") {
        CHECK(client_address(t, "127.0.0.1", std::string_view("10.0.0.7, 10.0.0.5")).address == "10.0.0.7");
    }
    SECTION("no header: the proxy's own address") {
        const ClientAddress a = client_address(t, "127.0.0.1", std::nullopt);
        CHECK(a.address == "127.0.0.1");
        CHECK_FALSE(a.forwarded);
        CHECK_FALSE(a.malformed);
    }
}

TEST_CASE("forwarded IPv6 addresses come out in one spelling", "[client-address]") {
    const TrustedProxies t = trusting({"::1", "127.0.0.1"});
    CHECK(client_address(t, "::1", std::string_view("2001:DB8:0:0::1")).address == "2001:db8::1");
    CHECK(client_address(t, "127.0.0.1", std::string_view("::ffff:203.0.113.9")).address == "203.0.113.9");
    CHECK(client_address(t, "::ffff:127.0.0.1", std::string_view("2001:db8::2")).address == "2001:db8::2");
}

TEST_CASE("a malformed X-Forwarded-For from a trusted proxy falls back to the proxy's address",
          "[client-address]") {
    const TrustedProxies t = trusting({"127.0.0.1"});
    const auto header = GENERATE(as<std::string>{}, "", " ", "not-an-address", "203.0.113.9, ", ",203.0.113.9",
                                 "203.0.113.9:4711", "[2001:db8::1]", "203.0.113.9 198.51.100.1",
                                 "unknown, 203.0.113.9", "203.0.113.9\x01", "999.1.1.1",
                                 std::string(5000, '1'));
    CAPTURE(header);
    const ClientAddress a = client_address(t, "127.0.0.1", std::string_view(header));
    CHECK(a.address == "127.0.0.1");
    CHECK(a.malformed);
    CHECK_FALSE(a.forwarded);
}
