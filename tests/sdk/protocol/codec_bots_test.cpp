// Bot frames and fields (issue 16): hello role bot with its key, handoff, handback, and
// a summary's handoff/bot members, byte for byte where the wire format matters, and
// the documented errors.
#include <catch2/catch.hpp>

#include "parley/protocol/codec.hpp"
#include "codec_checks.hpp"

using namespace parley::protocol;
using namespace parley::test;

namespace {
const std::string kConv = "c_0123456789abcdef";
}  // namespace

TEST_CASE("a bot's hello carries its key, and only a bot's does", "[codec][bots]") {
    const std::string key = "pk_" + std::string(43, 'A');
    const Hello hello{"bot", std::nullopt, std::nullopt, std::nullopt, key};
    CHECK(encode(ClientFrame{hello}) == R"({"v":1,"type":"hello","role":"bot","key":")" + key + R"("})");
    CHECK(client_round_trip(hello).key == std::optional<std::string>(key));
    CHECK(client_error(R"({"v":1,"type":"hello","role":"bot"})") == ErrorCode::missing_field);
    CHECK(client_error(R"({"v":1,"type":"hello","role":"bot","key":"pk_x","token":"t"})") == ErrorCode::bad_field);
    CHECK(client_error(R"({"v":1,"type":"hello","role":"visitor","key":"pk_x"})") == ErrorCode::bad_field);
    CHECK(client_error(R"({"v":1,"type":"hello","role":"agent","token":"t","key":"pk_x"})") == ErrorCode::bad_field);
    CHECK(client_error(R"({"v":1,"type":"hello","role":"bot","key":7})") == ErrorCode::bad_field);
}

TEST_CASE("handoff and handback have pinned wire forms and round-trip", "[codec][bots]") {
    const Handoff h{kConv, "asks_human", "Wants a refund.", std::string("billing")};
    CHECK(encode(ClientFrame{h}) ==
          R"({"v":1,"type":"handoff","conv":"c_0123456789abcdef","reason":"asks_human","summary":"Wants a refund.","team":"billing"})");
    const Handoff back = client_round_trip(h);
    CHECK(back.reason == "asks_human");
    CHECK(back.summary == "Wants a refund.");
    CHECK(back.team == std::optional<std::string>("billing"));
    auto bare = decode_client(R"({"v":1,"type":"handoff","conv":"c_0123456789abcdef","reason":"kb_miss"})");
    REQUIRE(bare.ok());
    CHECK(std::get<Handoff>(bare.value()).summary.empty());
    CHECK_FALSE(std::get<Handoff>(bare.value()).team);
    CHECK(encode(ClientFrame{Handback{kConv}}) == R"({"v":1,"type":"handback","conv":"c_0123456789abcdef"})");
    CHECK(client_round_trip(Handback{kConv}).conv == kConv);
}

TEST_CASE("handoff refuses a bad reason, a long summary, a bad team or conversation", "[codec][bots]") {
    const std::string head = R"({"v":1,"type":"handoff","conv":"c_0123456789abcdef",)";
    CHECK(client_error(R"({"v":1,"type":"handoff","conv":"c_0123456789abcdef"})") == ErrorCode::missing_field);
    CHECK(client_error(head + R"("reason":""})") == ErrorCode::bad_field);
    CHECK(client_error(head + R"("reason":"Asks_Human"})") == ErrorCode::bad_field);
    CHECK(client_error(head + R"("reason":"asks human"})") == ErrorCode::bad_field);
    CHECK(client_error(head + R"("reason":")" + std::string(41, 'a') + R"("})") == ErrorCode::bad_field);
    REQUIRE(decode_client(head + R"("reason":")" + std::string(40, 'a') + R"("})").ok());
    CHECK(client_error(head + R"("reason":"x","summary":")" + std::string(1001, 's') + R"("})") ==
          ErrorCode::text_too_long);
    REQUIRE(decode_client(head + R"("reason":"x","summary":")" + std::string(1000, 's') + R"("})").ok());
    CHECK(client_error(head + R"("reason":"x","team":""})") == ErrorCode::bad_field);
    CHECK(client_error(head + R"("reason":"x","summary":5})") == ErrorCode::bad_field);
    CHECK(client_error(R"({"v":1,"type":"handoff","conv":"c_1","reason":"x"})") == ErrorCode::bad_field);
    CHECK(client_error(R"({"v":1,"type":"handback"})") == ErrorCode::missing_field);
}

TEST_CASE("a summary's handoff and bot members are encoded only when set, and round-trip", "[codec][bots]") {
    ConvSummary s{kConv, Party{"visitor", "v_1", "Ada"}, 3, "hi", 1700000000000, "open"};
    s.state = "queued";
    const std::string plain = encode(RelayFrame{ConvUpdate{s}});
    CHECK(plain.find("handoff") == std::string::npos);
    CHECK(plain.find("\"bot\"") == std::string::npos);
    s.handoff = HandoffInfo{Party{"bot", "b_helper", "Helper"}, "asks_human", "Wants a human.", 1700000000001};
    s.bot = "paused";
    const std::string wire = encode(RelayFrame{ConvUpdate{s}});
    CHECK(wire.find(R"("handoff":{"by":{"role":"bot","id":"b_helper","name":"Helper"},"reason":"asks_human",)"
                    R"("summary":"Wants a human.","ts":1700000000001},"bot":"paused")") != std::string::npos);
    auto d = decode_relay(wire);
    REQUIRE(d.ok());
    const ConvSummary back = std::get<ConvUpdate>(d.value()).summary;
    REQUIRE(back.handoff);
    CHECK(*back.handoff == *s.handoff);
    CHECK(back.bot == "paused");
    auto in = decode_relay(encode(RelayFrame{Inbox{{s}}}));
    REQUIRE(in.ok());
    CHECK(std::get<Inbox>(in.value()).convs[0].handoff->reason == "asks_human");
    CHECK(decode_relay(R"({"v":1,"type":"conv","conv":"c_0123456789abcdef","visitor":{"role":"visitor","id":"v","name":""},)"
                       R"("last_seq":0,"last_text":"","updated":0,"status":"open","handoff":{"reason":"x"}})")
              .error()
              .code == ErrorCode::missing_field);
}

TEST_CASE("a bot is a party and a welcome's role", "[codec][bots]") {
    Welcome w;
    w.role = "bot";
    w.me = Party{"bot", "b_helper", "Helper"};
    auto d = decode_relay(encode(RelayFrame{w}));
    REQUIRE(d.ok());
    CHECK(std::get<Welcome>(d.value()).me.role == "bot");
}
