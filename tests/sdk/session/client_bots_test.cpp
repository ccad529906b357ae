// The sans-I/O client as a bot (issue 16): its hello carries the key and no token, and
// handoff / handback become the documented frames, refused locally when malformed.
#include <catch2/catch.hpp>

#include "parley/c_api.h"
#include "parley/protocol/codec.hpp"
#include "parley/session/client.hpp"

using namespace parley;

namespace {

const std::string kKey = "pk_" + std::string(43, 'A');
const std::string kConv = "c_0123456789abcdef";

session::Config bot_config() {
    session::Config c;
    c.role = "bot";
    c.instance = "bot1";
    c.key = kKey;
    return c;
}

}  // namespace

TEST_CASE("a bot's config needs its key, and only a bot's may have one", "[client][bots]") {
    CHECK_FALSE(session::validate(bot_config()));
    session::Config no_key = bot_config();
    no_key.key.reset();
    CHECK(session::validate(no_key)->code == protocol::ErrorCode::missing_field);
    session::Config visitor;
    visitor.instance = "v1";
    visitor.key = kKey;
    CHECK(session::validate(visitor)->code == protocol::ErrorCode::bad_field);
}

TEST_CASE("a bot says hello with its key, then hands off and back as frames", "[client][bots]") {
    session::Client c(bot_config());
    c.connect(1);
    c.opened(2);
    const auto hello = c.take_outgoing();
    REQUIRE(hello.size() == 1);
    CHECK(hello[0] == R"({"v":1,"type":"hello","role":"bot","key":")" + kKey + R"("})");
    CHECK(c.handoff(kConv, "asks_human", "s", std::nullopt, 3).error().code == protocol::ErrorCode::not_authenticated);
    REQUIRE(c.receive(R"({"v":1,"type":"welcome","role":"bot","token":"","me":{"role":"bot","id":"b_helper","name":"Helper"}})", 3)
                .ok());
    (void)c.take_outgoing();
    REQUIRE(c.handoff(kConv, "asks_human", "Wants a human.", std::string("billing"), 4).ok());
    REQUIRE(c.handback(kConv, 5).ok());
    const auto out = c.take_outgoing();
    REQUIRE(out.size() == 2);
    CHECK(out[0] ==
          R"({"v":1,"type":"handoff","conv":"c_0123456789abcdef","reason":"asks_human","summary":"Wants a human.","team":"billing"})");
    CHECK(out[1] == R"({"v":1,"type":"handback","conv":"c_0123456789abcdef"})");
    CHECK(c.handoff(kConv, "Asks Human", "", std::nullopt, 6).error().code == protocol::ErrorCode::bad_field);
    CHECK(c.handoff(kConv, "x", std::string(1001, 's'), std::nullopt, 6).error().code ==
          protocol::ErrorCode::text_too_long);
    CHECK(c.handoff("c_1", "x", "", std::nullopt, 6).error().code == protocol::ErrorCode::bad_field);
    CHECK(c.take_outgoing().empty());
}

TEST_CASE("through the C API a bot is configured with its key, and handoff and handback are actions",
          "[client][bots]") {
    const std::string config = R"({"role":"bot","instance":"b1","key":")" + kKey + R"("})";
    parley_client* c = parley_client_new(config.c_str());
    REQUIRE(c);
    REQUIRE(parley_client_act(c, R"({"do":"connect"})", 1) == 0);
    REQUIRE(parley_client_opened(c, 2) == 0);
    CHECK(std::string(parley_client_take_outgoing(c)).find(R"(\"key\":\")" + kKey) != std::string::npos);
    REQUIRE(parley_client_receive(
                c, R"({"v":1,"type":"welcome","role":"bot","token":"","me":{"role":"bot","id":"b_h","name":"H"}})", 3) == 0);
    parley_client_take_outgoing(c);
    CHECK(parley_client_act(c, R"({"do":"handoff","conv":"c_0123456789abcdef","reason":"kb_miss"})", 4) == 0);
    CHECK(parley_client_act(c, R"({"do":"handback","conv":"c_0123456789abcdef"})", 5) == 0);
    CHECK(parley_client_act(c, R"({"do":"handoff","conv":"c_0123456789abcdef"})", 6) == 1004);
    CHECK(parley_client_act(c, R"({"do":"handoff","conv":"c_0123456789abcdef","reason":7})", 6) == 1005);
    const std::string out = parley_client_take_outgoing(c);
    CHECK(out.find(R"(\"type\":\"handoff\",\"conv\":\"c_0123456789abcdef\",\"reason\":\"kb_miss\",\"summary\":\"\")") !=
          std::string::npos);
    CHECK(out.find(R"(\"type\":\"handback\")") != std::string::npos);
    parley_client_free(c);
}
