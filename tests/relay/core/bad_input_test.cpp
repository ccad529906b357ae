// Hostile input at the Hub (docs/protocol.md "Bad input"): frames no well-behaved client
// sends, each answered with its documented error while the connection and the stored
// data stay as they were. The codec's own table is in tests/sdk/protocol/codec_test.cpp.
#include <catch2/catch.hpp>

#include <cstdio>
#include <limits>
#include <tuple>

#include "support/hub_harness.hpp"

using namespace parley::relay;
using namespace parley::relay::test;
namespace p = parley::protocol;
using p::ErrorCode;

TEST_CASE("hostile frames get their documented error and change nothing", "[hub][errors][bad-input]") {
    HubHarness h;
    p::Welcome w;
    const ConnId v = h.visitor(&w);
    const std::string conv = *w.conv;
    h.send(v, p::Send{conv, "k0", "first"});
    h.drain(v);
    const std::string S = R"({"v":1,"type":"send","conv":")" + conv + R"(","cid":"k1","text":)";
    auto [what, text, code] = GENERATE_COPY(table<std::string, std::string, ErrorCode>({
        {"lone UTF-16 surrogate escape", S + R"("\ud800"})", ErrorCode::bad_json},
        {"invalid UTF-8 bytes inside a string", S + "\"\xff\xfe\"}", ErrorCode::bad_json},
        {"overlong UTF-8 encoding", S + "\"\xc0\xaf\"}", ErrorCode::bad_json},
        {"number beyond double range", R"({"v":1,"type":"read","conv":")" + conv + R"(","seq":1e999})",
         ErrorCode::bad_json},
        {"two JSON objects in one message", R"({"v":1,"type":"ping","n":1}{"v":1,"type":"ping","n":2})",
         ErrorCode::bad_json},
        {"duplicate key: the last one counts", R"({"v":1,"v":2,"type":"ping","n":1})", ErrorCode::bad_version},
        {"read of a sequence number from the future", R"({"v":1,"type":"read","conv":")" + conv + R"(","seq":2})",
         ErrorCode::seq_out_of_range},
        {"sync from a sequence number from the future", R"({"v":1,"type":"sync","conv":")" + conv + R"(","after":99})",
         ErrorCode::seq_out_of_range},
        {"the largest int64 as a sequence number",
         R"({"v":1,"type":"sync","conv":")" + conv + R"(","after":9223372036854775807})", ErrorCode::seq_out_of_range},
        {"null where a value is required", R"({"v":1,"type":"sync","conv":")" + conv + R"(","after":null})",
         ErrorCode::missing_field},
        {"a conversation id of the right shape that does not exist",
         R"({"v":1,"type":"send","conv":"c_ffffffffffffffff","cid":"k1","text":"x"})", ErrorCode::forbidden},
        {"hello again after welcome", R"({"v":1,"type":"hello","role":"visitor"})", ErrorCode::already_authenticated},
        {"an agent-only frame from a visitor",
         R"({"v":1,"type":"note","conv":")" + conv + R"(","cid":"n1","text":"psst"})", ErrorCode::forbidden},
    }));
    CAPTURE(what, text.substr(0, 120));
    h.text(v, text);
    CHECK(h.error(v).code == code);
    CHECK(h.idle(v));
    CHECK(h.closed.empty());
    auto stored = h.store.messages_after(conv, 0, 10).value();
    REQUIRE(stored.size() == 1);
    CHECK(stored[0].text == "first");
    h.send(v, p::Ping{5});
    CHECK(h.next<p::Pong>(v).n == 5);
}

TEST_CASE("replayed and misused tokens give no one else's identity", "[hub][hello][bad-input]") {
    HubHarness h;
    p::Welcome first;
    h.visitor(&first);
    const std::string agent_token = h.make_agent("a_1", "sam@example.com", "Sam");

    SECTION("a visitor token replayed on a second connection is the same visitor (a bearer token)") {
        p::Welcome again;
        h.visitor(&again, first.token);
        CHECK(again.me.id == first.me.id);
    }
    SECTION("a visitor token presented as an agent token gets 2003") {
        const ConnId c = h.open();
        h.send(c, p::Hello{"agent", first.token, std::nullopt});
        CHECK(h.error(c).code == ErrorCode::bad_token);
    }
    SECTION("an agent session token presented as a visitor token gives a new visitor") {
        p::Welcome w;
        h.visitor(&w, agent_token);
        CHECK(w.me.role == "visitor");
        CHECK(w.me.id != first.me.id);
        CHECK(w.me.id != "a_1");
    }
    SECTION("an expired agent session token gets 2003") {
        h.now += 2 * 3600'000;
        const ConnId c = h.open();
        h.send(c, p::Hello{"agent", agent_token, std::nullopt});
        CHECK(h.error(c).code == ErrorCode::bad_token);
    }
}

TEST_CASE("a resend with the same cid but other text keeps the stored text", "[hub][send][bad-input]") {
    HubHarness h;
    p::Welcome w;
    const ConnId v = h.visitor(&w);
    h.send(v, p::Send{*w.conv, "k1", "original"});
    CHECK(h.next<p::Ack>(v).seq == 1);
    h.drain(v);
    h.send(v, p::Send{*w.conv, "k1", "rewritten"});
    CHECK(h.next<p::Ack>(v).seq == 1);
    CHECK(h.idle(v));
    auto stored = h.store.messages_after(*w.conv, 0, 10).value();
    REQUIRE(stored.size() == 1);
    CHECK(stored[0].text == "original");
}

TEST_CASE("a NUL character and control characters in text are stored and sent back as text",
          "[hub][send][bad-input]") {
    HubHarness h;
    p::Welcome w;
    const ConnId v = h.visitor(&w);
    const std::string text = std::string("a\0b\x01<script>", 12);
    h.send(v, p::Send{*w.conv, "k1", text});
    h.next<p::Ack>(v);
    std::optional<p::Msg> msg;
    for (auto& f : h.received[v])
        if (auto* m = std::get_if<p::Msg>(&f)) msg = *m;
    REQUIRE(msg);
    CHECK(msg->message.text == text);
}

TEST_CASE("a frame over the rate limit gets 4029 with retry_after_ms and its cid, and is not processed",
          "[hub][rate_limit][bad-input]") {
    HubHarness h;
    p::Welcome w;
    const ConnId v = h.visitor(&w);
    h.hub.on_rate_limited(v, p::encode(p::Send{*w.conv, "k7", "too fast"}), 1234, h.now);
    h.pump();
    auto e = h.error(v);
    CHECK(e.code == ErrorCode::rate_limited);
    CHECK(e.ref == "k7");
    CHECK(e.retry_after_ms == 1234);
    CHECK(p::is_retryable(e.code));
    CHECK(h.idle(v));
    CHECK(h.store.messages_after(*w.conv, 0, 10).value().empty());
    SECTION("an undecodable frame over the limit gets it too, without ref") {
        h.hub.on_rate_limited(v, "garbage", 10, h.now);
        h.pump();
        auto e2 = h.error(v);
        CHECK(e2.code == ErrorCode::rate_limited);
        CHECK(e2.ref.empty());
    }
}

TEST_CASE("a frame without a cid refused by the rate limit is named by its type and conversation",
          "[hub][rate_limit][bad-input]") {
    HubHarness h;
    p::Welcome w;
    const ConnId v = h.visitor(&w);
    const std::string conv = *w.conv;
    using Case = std::tuple<std::string, p::ClientFrame, std::string>;  // type, frame, conv echoed
    const auto [type, frame, echoed] = GENERATE_COPY(table<std::string, p::ClientFrame, std::string>({
        Case{"sync", p::Sync{conv, 0}, conv},
        Case{"history", p::History{conv, std::nullopt, 50}, conv},
        Case{"read", p::Read{conv, 0}, conv},
        Case{"typing", p::Typing{conv, true}, conv},
        Case{"ping", p::Ping{7}, ""},
        Case{"send", p::Send{conv, "k8", "hi"}, conv},
    }));
    CAPTURE(type);
    h.hub.on_rate_limited(v, p::encode(frame), 500, h.now);
    h.pump();
    const p::ErrorFrame e = h.error(v);
    CHECK(e.code == ErrorCode::rate_limited);
    CHECK(e.frame == type);
    CHECK(e.conv == echoed);
    CHECK(e.retry_after_ms == 500);
    CHECK(h.idle(v));
    SECTION("and the wire says so, with neither field when unknown") {
        h.hub.on_rate_limited(v, p::encode(frame), 500, h.now);
        auto out = h.hub.take_outputs();
        REQUIRE(out.size() == 1);
        CHECK(out[0].text().find("\"frame\":\"" + type + "\"") != std::string::npos);
        h.hub.on_rate_limited(v, "garbage", 10, h.now);
        out = h.hub.take_outputs();
        REQUIRE(out.size() == 1);
        CHECK(out[0].text().find("\"frame\"") == std::string::npos);
        CHECK(out[0].text().find("\"conv\"") == std::string::npos);
    }
}

TEST_CASE("after a send refused for rate, later sends of that conversation wait for it, so order holds",
          "[hub][rate_limit][order]") {
    // A client pipelines k1, k2, k3; the rate limit refuses k1, then has room again by
    // the time k2 arrives. Stored, k2 would take seq 1 and the resent k1 seq 3.
    HubHarness h;
    p::Welcome w;
    const ConnId v = h.visitor(&w);
    h.hub.on_rate_limited(v, p::encode(p::Send{*w.conv, "k1", "first"}), 200, h.now);
    h.send(v, p::Send{*w.conv, "k2", "second"});
    h.send(v, p::Send{*w.conv, "k3", "third"});
    h.pump();
    for (const char* cid : {"k1", "k2", "k3"}) {
        const p::ErrorFrame e = h.error(v);
        CHECK(e.code == ErrorCode::rate_limited);
        CHECK(e.ref == cid);
        CHECK(e.frame == "send");
        CHECK(e.conv == *w.conv);
    }
    CHECK(h.store.messages_after(*w.conv, 0, 10).value().empty());
    // The client resends its outbox in order: each takes the next seq.
    h.now += 200;
    for (const char* cid : {"k1", "k2", "k3"}) h.send(v, p::Send{*w.conv, cid, std::string("resent ") + cid});
    const auto stored = h.store.messages_after(*w.conv, 0, 10).value();
    REQUIRE(stored.size() == 3);
    CHECK(stored[0].cid == "k1");
    CHECK(stored[1].cid == "k2");
    CHECK(stored[2].cid == "k3");
    SECTION("a client that never resends the refused one is held back 30 s at most") {
        h.hub.on_rate_limited(v, p::encode(p::Send{*w.conv, "k4", "lost"}), 200, h.now);
        h.send(v, p::Send{*w.conv, "k5", "next"});
        h.pump();
        h.drain(v);
        h.now += 30'000;  // Hub::kHoldSendMs
        h.send(v, p::Send{*w.conv, "k5", "next"});
        h.pump();
        auto msgs = h.store.messages_after(*w.conv, 3, 10).value();
        REQUIRE(msgs.size() == 1);
        CHECK(msgs[0].cid == "k5");
    }
}

TEST_CASE("refusals naming made-up conversations hold at most 16 of them per connection",
          "[hub][rate_limit][order]") {
    // A hostile client floods refused sends, each naming another conversation id: the
    // holds it can make are capped, so its connection's state stays bounded.
    HubHarness h;
    p::Welcome w;
    const ConnId v = h.visitor(&w);
    for (int i = 0; i < 1000; ++i) {
        char conv[19];
        std::snprintf(conv, sizeof conv, "c_%016x", i + 1);
        h.hub.on_rate_limited(v, p::encode(p::Send{conv, "x" + std::to_string(i), "flood"}), 200, h.now);
    }
    h.pump();
    h.drain(v);
    // The cap is full of made-up ids: a refusal of the visitor's own send holds nothing
    // more, so their next send is stored (their own order is theirs to keep here).
    h.hub.on_rate_limited(v, p::encode(p::Send{*w.conv, "k1", "first"}), 200, h.now);
    h.send(v, p::Send{*w.conv, "k2", "second"});
    const auto stored = h.store.messages_after(*w.conv, 0, 10).value();
    REQUIRE(stored.size() == 1);
    CHECK(stored[0].cid == "k2");
}
