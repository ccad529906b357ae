// The relay's quotas (docs/protocol.md §6 4050–4052, docs/operations.md "Limits"), seen
// from hand-written clients against the real binary started with small quotas.
#include <catch2/catch.hpp>

#include "protocol_peer.hpp"
#include "relay_process.hpp"
#include "start_relay.hpp"

using namespace parley::test;

namespace {

constexpr int kWait = 5000;

bool is_error(const json& j) { return j.is_object() && j.value("type", "") == "error"; }

}  // namespace

TEST_CASE("The 4th new visitor from one address gets 4050 with retry_after_ms; another address is welcomed",
          "[integration][limits][quotas]") {
    auto relay = start_relay({"--quota-new-visitors", "3"});
    std::vector<ProtocolPeer> welcomed(3);
    std::vector<ProtocolPeer::Welcome> welcomes;
    for (auto& peer : welcomed) {
        REQUIRE(peer.connect(relay->host(), relay->port()));
        auto w = peer.hello_new_visitor(kWait);
        REQUIRE(w);
        welcomes.push_back(*w);
    }

    ProtocolPeer fourth;
    REQUIRE(fourth.connect(relay->host(), relay->port()));
    REQUIRE(fourth.send({{"type", "hello"}, {"role", "visitor"}, {"name", "Ada"}}));
    auto err = fourth.wait_for([](const json& j) { return is_error(j) || j.value("type", "") == "welcome"; }, kWait);
    REQUIRE(err);
    INFO(err->dump());
    REQUIRE(is_error(*err));
    CHECK(err->value("code", 0) == 4050);
    CHECK(err->value("frame", "") == "hello");
    const auto retry = err->value("retry_after_ms", std::int64_t{0});
    CHECK(retry > 3'000'000);  // the window opened moments ago and lasts an hour
    CHECK(retry <= 3'600'000);
    // The connection stays open for a later try.
    REQUIRE(fourth.send({{"type", "ping"}, {"n", 7}}));
    CHECK(fourth.wait_type("pong", kWait));
    CHECK_FALSE(fourth.closed());

    // A bystander from another address is welcomed at once.
    ProtocolPeer bystander;
    REQUIRE(bystander.connect(relay->host(), relay->port(), {}, "127.0.0.2"));
    CHECK(bystander.hello_new_visitor(kWait));

    // A returning visitor from the address over its quota is welcomed to their conversation.
    ProtocolPeer back;
    REQUIRE(back.connect(relay->host(), relay->port()));
    REQUIRE(back.send({{"type", "hello"}, {"role", "visitor"}, {"token", welcomes[0].token}}));
    auto w = back.wait_type("welcome", kWait);
    REQUIRE(w);
    CHECK(w->value("conv", "") == welcomes[0].conv);
}

TEST_CASE("A visitor over their daily byte quota gets 4052 with the send's cid; nothing is stored",
          "[integration][limits][quotas]") {
    auto relay = start_relay({"--quota-visitor-bytes", "100"});
    ProtocolPeer visitor;
    REQUIRE(visitor.connect(relay->host(), relay->port()));
    auto welcome = visitor.hello_new_visitor(kWait);
    REQUIRE(welcome);
    const std::string sixty(60, 'x');
    REQUIRE(visitor.send({{"type", "send"}, {"conv", welcome->conv}, {"cid", "k1"}, {"text", sixty}}));
    auto ack = visitor.wait_type("ack", kWait);
    REQUIRE(ack);
    const auto last = ack->value("seq", std::int64_t{-1});
    REQUIRE(visitor.send({{"type", "send"}, {"conv", welcome->conv}, {"cid", "k2"}, {"text", sixty}}));
    auto err = visitor.wait_for([](const json& j) { return is_error(j) || j.value("type", "") == "ack"; }, kWait);
    REQUIRE(err);
    INFO(err->dump());
    REQUIRE(is_error(*err));
    CHECK(err->value("code", 0) == 4052);
    CHECK(err->value("ref", "") == "k2");
    CHECK(err->value("retry_after_ms", std::int64_t{0}) > 80'000'000);  // about a day
    // Nothing stored: the conversation still ends at k1's message.
    (void)visitor.drain(0);
    REQUIRE(visitor.send({{"type", "sync"}, {"conv", welcome->conv}, {"after", 0}}));
    auto synced = visitor.wait_type("synced", kWait);
    REQUIRE(synced);
    CHECK(synced->value("last_seq", std::int64_t{-2}) == last);
}
