// The relay's limits, heartbeat and drain (docs/protocol.md §1, §6, §7), seen from
// hand-written clients against the real binary started with small limits.
#include <catch2/catch.hpp>

#include <chrono>
#include <set>
#include <thread>

#include "protocol_peer.hpp"
#include "relay_process.hpp"
#include "start_relay.hpp"

using namespace parley::test;

namespace {

constexpr int kWait = 5000;

bool has_type(const json& j, const std::string& type) { return j.is_object() && j.value("type", "") == type; }

int count(const std::vector<json>& frames, const std::function<bool(const json&)>& match) {
    int n = 0;
    for (const auto& f : frames) n += match(f);
    return n;
}

}  // namespace

TEST_CASE("A connection over its frame rate gets 4029 with retry_after_ms; others are not slowed",
          "[integration][limits]") {
    auto relay = start_relay({"--conn-rate", "5", "--conn-burst", "5"});
    ProtocolPeer fast, calm;
    REQUIRE(fast.connect(relay->host(), relay->port()));
    REQUIRE(calm.connect(relay->host(), relay->port()));

    for (int i = 0; i < 20; ++i) REQUIRE(fast.send({{"type", "ping"}, {"n", i}}));
    // The calm connection's ping is answered at once, whatever the fast one does.
    const auto t0 = std::chrono::steady_clock::now();
    REQUIRE(calm.send({{"type", "ping"}, {"n", 1}}));
    REQUIRE(calm.wait_type("pong", kWait));
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(500));

    auto got = fast.drain(400);
    const int pongs = count(got, [](const json& j) { return has_type(j, "pong"); });
    const int limited = count(got, [](const json& j) { return has_type(j, "error") && j.value("code", 0) == 4029; });
    INFO("pongs " << pongs << ", 4029 errors " << limited);
    CHECK(pongs >= 5);
    CHECK(pongs <= 8);  // the burst, plus what refilled while the frames arrived
    CHECK(pongs + limited == 20);
    for (const auto& f : got)
        if (has_type(f, "error")) CHECK(f.value("retry_after_ms", 0) > 0);
    CHECK_FALSE(fast.closed());

    SECTION("a limited send carries its cid, and the resend after retry_after_ms is served") {
        std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // refill
        auto welcome = fast.hello_new_visitor(kWait);
        REQUIRE(welcome);
        const std::string conv = welcome->conv;
        for (int i = 0; i < 10; ++i)
            REQUIRE(fast.send({{"type", "send"}, {"conv", conv}, {"cid", "r." + std::to_string(i)}, {"text", "hi"}}));
        auto err = fast.wait_for([](const json& j) { return has_type(j, "error"); }, kWait);
        REQUIRE(err);
        CHECK(err->value("code", 0) == 4029);
        const std::string cid = err->value("ref", "");
        CHECK(cid.rfind("r.", 0) == 0);
        std::this_thread::sleep_for(std::chrono::milliseconds(err->value("retry_after_ms", 0) + 50));
        (void)fast.drain(0);
        REQUIRE(fast.send({{"type", "send"}, {"conv", conv}, {"cid", cid}, {"text", "hi"}}));
        auto ack = fast.wait_for([&](const json& j) { return has_type(j, "ack") && j.value("cid", "") == cid; }, kWait);
        CHECK(ack);
    }
}

TEST_CASE("Connections beyond the per-address limit are closed with 4002", "[integration][limits]") {
    auto relay = start_relay({"--max-conns-per-ip", "2"});
    ProtocolPeer a, b, c;
    REQUIRE(a.connect(relay->host(), relay->port()));
    REQUIRE(b.connect(relay->host(), relay->port()));
    REQUIRE(c.connect(relay->host(), relay->port()));  // the handshake completes…
    (void)c.drain(500);
    CHECK(c.closed());  // …and the relay closes at once with a transient code
    CHECK(c.close_code() == 4002);
    REQUIRE(a.send({{"type", "ping"}, {"n", 1}}));
    CHECK(a.wait_type("pong", kWait));

    SECTION("when one closes, a new connection is accepted") {
        b.close();
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        ProtocolPeer d;
        REQUIRE(d.connect(relay->host(), relay->port()));
        REQUIRE(d.send({{"type", "ping"}, {"n", 2}}));
        CHECK(d.wait_type("pong", kWait));
        CHECK_FALSE(d.closed());
    }
}

TEST_CASE("A peer that answers no WebSocket ping is hung up on within the dead-peer time",
          "[integration][limits][heartbeat]") {
    auto relay = start_relay({"--heartbeat-secs", "1", "--dead-peer-secs", "2"});
    ProtocolPeer dead, alive;
    REQUIRE(dead.connect(relay->host(), relay->port()));
    REQUIRE(alive.connect(relay->host(), relay->port()));
    // `dead` is not read for 4 s, so it answers no ping; `alive` is (its pongs go out).
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(4);
    while (std::chrono::steady_clock::now() < until) (void)alive.drain(100);
    CHECK_FALSE(alive.closed());
    (void)dead.drain(500);
    CHECK(dead.closed());
    REQUIRE(alive.send({{"type", "ping"}, {"n", 1}}));
    CHECK(alive.wait_type("pong", kWait));
}

TEST_CASE("SIGTERM drains: what was acknowledged is stored, clients get 1001, the relay exits 0",
          "[integration][drain]") {
    auto relay = start_relay({});
    ProtocolPeer visitor;
    REQUIRE(visitor.connect(relay->host(), relay->port()));
    auto welcome = visitor.hello_new_visitor(kWait);
    REQUIRE(welcome);
    const std::string conv = welcome->conv;
    const std::string token = welcome->token;
    for (int i = 0; i < 40; ++i)
        REQUIRE(visitor.send({{"type", "send"}, {"conv", conv}, {"cid", "d." + std::to_string(i)}, {"text", "m"}}));
    REQUIRE(visitor.wait_type("ack", kWait));  // the relay is busy with them
    auto st = relay->stop();
    INFO(st.detail);
    CHECK(st.ok);
    CHECK(relay->exit_code() == 0);
    (void)visitor.drain(300);
    CHECK(visitor.closed());
    CHECK(visitor.close_code() == 1001);
    std::set<std::string> acked;
    for (const auto& f : visitor.seen())
        if (has_type(f, "ack")) acked.insert(f.value("cid", ""));

    REQUIRE(relay->start());
    ProtocolPeer again;
    REQUIRE(again.connect(relay->host(), relay->port()));
    REQUIRE(again.send({{"type", "hello"}, {"role", "visitor"}, {"token", token}}));
    REQUIRE(again.wait_type("welcome", kWait));
    REQUIRE(again.send({{"type", "sync"}, {"conv", conv}, {"after", 0}}));
    REQUIRE(again.wait_type("synced", kWait));
    std::set<std::string> stored;
    for (const auto& f : again.seen())
        if (has_type(f, "msg")) stored.insert(f.value("cid", ""));
    for (const auto& cid : acked) CHECK(stored.count(cid));
}
