#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "parley/c_api.h"

using nlohmann::json;

namespace {

using Handle = std::unique_ptr<parley_client, decltype(&parley_client_free)>;

Handle make(const char* config) { return Handle(parley_client_new(config), parley_client_free); }

const char* kVisitor = R"({"role":"visitor","instance":"w1","seed":3,"name":"Ada"})";
const char* kWelcome =
    R"({"v":1,"type":"welcome","role":"visitor","token":"vt","me":{"role":"visitor","id":"v_1","name":"Ada"},"conv":"c_00000000000000aa","last_seq":0})";

json events(parley_client* c) { return json::parse(parley_client_take_events(c)); }
json outgoing(parley_client* c) { return json::parse(parley_client_take_outgoing(c)); }

}  // namespace

TEST_CASE("a client is refused for a config that is not usable", "[c_api]") {
    const char* bad = GENERATE(static_cast<const char*>(nullptr), "", "{", "[]",
                               R"({"instance":"w1"})", R"({"role":"visitor"})",
                               R"({"role":"robot","instance":"w1"})",
                               R"({"role":"visitor","instance":"has space"})",
                               R"({"role":"visitor","instance":"w1","token":5})",
                               R"({"role":"agent","instance":"w1"})",
                               R"({"role":"visitor","instance":"w1","known":{"c_00000000000000aa":"3"}})");
    CAPTURE(bad ? bad : "NULL");
    CHECK(parley_client_new(bad) == nullptr);
}

TEST_CASE("the C API runs a handshake and a send as JSON in and out", "[c_api]") {
    Handle h = make(kVisitor);
    REQUIRE(h);
    parley_client* c = h.get();

    REQUIRE(parley_client_act(c, R"({"do":"connect"})", 1000) == 0);
    CHECK(events(c) == json::parse(R"([{"event":"state","state":"connecting"},{"event":"connect"}])"));

    REQUIRE(parley_client_opened(c, 1001) == 0);
    auto out = outgoing(c);
    REQUIRE(out.size() == 1);
    CHECK(out[0] == R"({"v":1,"type":"hello","role":"visitor","name":"Ada"})");

    REQUIRE(parley_client_receive(c, kWelcome, 1002) == 0);
    auto ev = events(c);
    REQUIRE(ev.size() == 2);
    CHECK(ev[0] == json::parse(R"({"event":"state","state":"connected"})"));
    CHECK(ev[1]["event"] == "welcome");
    CHECK(ev[1]["conv"] == "c_00000000000000aa");
    CHECK(ev[1]["me"]["id"] == "v_1");
    CHECK(outgoing(c).size() == 1);  // sync of the conversation

    REQUIRE(parley_client_act(c, R"({"do":"send","conv":"c_00000000000000aa","text":"Hi"})", 1003) == 0);
    CHECK(events(c) == json::parse(
                           R"([{"event":"queued","conv":"c_00000000000000aa","cid":"w1.1","text":"Hi"}])"));
    out = outgoing(c);
    REQUIRE(out.size() == 1);
    CHECK(out[0] == R"({"v":1,"type":"send","conv":"c_00000000000000aa","cid":"w1.1","text":"Hi"})");

    REQUIRE(parley_client_receive(
                c, R"({"v":1,"type":"ack","conv":"c_00000000000000aa","cid":"w1.1","seq":1,"ts":9})", 1004) == 0);
    REQUIRE(parley_client_receive(
                c,
                R"({"v":1,"type":"msg","conv":"c_00000000000000aa","seq":1,"cid":"w1.1","ts":9,"from":{"role":"visitor","id":"v_1","name":"Ada"},"text":"Hi"})",
                1005) == 0);
    // Key order is part of the contract the TypeScript wrapper reads: "event" first.
    CHECK(std::string(parley_client_take_events(c)) ==
          R"([{"event":"ack","conv":"c_00000000000000aa","cid":"w1.1","seq":1,"ts":9},)"
          R"({"event":"message","conv":"c_00000000000000aa","seq":1,"cid":"w1.1","ts":9,)"
          R"("from":{"role":"visitor","id":"v_1","name":"Ada"},"text":"Hi","mine":true}])");
}

TEST_CASE("the C API reports bad actions and bad frames with protocol error codes", "[c_api]") {
    Handle h = make(kVisitor);
    parley_client* c = h.get();
    CHECK(parley_client_act(c, "not json", 0) == 1005);
    CHECK(parley_client_act(c, R"({"do":"dance"})", 0) == 1005);
    CHECK(parley_client_act(c, R"({"do":"send","conv":"c_00000000000000aa"})", 0) == 1004);
    CHECK(parley_client_act(c, R"({"do":"send","conv":"c_00000000000000aa","text":" "})", 0) == 1005);
    CHECK(parley_client_act(c, R"({"do":"typing","conv":"c_00000000000000aa","on":"yes"})", 0) == 1005);
    CHECK(parley_client_act(c, R"({"do":"read","conv":"c_00000000000000aa","seq":1.5})", 0) == 1005);
    CHECK(parley_client_act(c, R"({"do":"history","conv":"c_00000000000000aa","limit":500})", 0) == 1005);
    CHECK(parley_client_act(c, R"({"do":"history","conv":"c_00000000000000aa"})", 0) == 2001);
    CHECK(parley_client_act(c, R"({"do":"presence","status":"away"})", 0) == 0);
    CHECK(parley_client_receive(c, "{", 0) == 1001);
    CHECK(parley_client_receive(c, nullptr, 0) == 1005);
    CHECK(parley_client_act(nullptr, R"({"do":"connect"})", 0) == 1005);
    CHECK(std::string(parley_client_take_events(nullptr)) == "[]");
}

TEST_CASE("the C API exposes the reconnect deadline and honours it on tick", "[c_api]") {
    Handle h = make(R"({"role":"visitor","instance":"w1","seed":3,"backoff_base_ms":100,"backoff_cap_ms":100})");
    parley_client* c = h.get();
    CHECK(parley_client_next_deadline(c) == -1);
    parley_client_act(c, R"({"do":"connect"})", 0);
    parley_client_opened(c, 0);
    parley_client_closed(c, 1006, 50);
    const double at = parley_client_next_deadline(c);
    CHECK(at >= 50);
    CHECK(at < 150);
    events(c);
    parley_client_tick(c, at);
    CHECK(events(c) == json::parse(R"([{"event":"connect"}])"));
}

TEST_CASE("an outbox handed over in the config is resent with its cids", "[c_api]") {
    Handle h = make(
        R"({"role":"visitor","instance":"w2","outbox":[{"conv":"","cid":"w1.7","text":"from last time"}]})");
    REQUIRE(h);
    parley_client* c = h.get();
    parley_client_act(c, R"({"do":"connect"})", 0);
    parley_client_opened(c, 0);
    parley_client_receive(c, kWelcome, 0);
    auto out = outgoing(c);
    REQUIRE(out.size() == 3);
    CHECK(out[2] ==
          R"({"v":1,"type":"send","conv":"c_00000000000000aa","cid":"w1.7","text":"from last time"})");
}

TEST_CASE("the C API streams, sends parts and replies, and reports stream events (issue 16)",
          "[c_api][streams][rich]") {
    Handle h = make(kVisitor);
    parley_client* c = h.get();
    REQUIRE(parley_client_act(c, R"({"do":"connect"})", 1) == 0);
    REQUIRE(parley_client_opened(c, 2) == 0);
    REQUIRE(parley_client_receive(c, kWelcome, 3) == 0);
    events(c);
    outgoing(c);

    // A visitor answers a quick reply and a form.
    REQUIRE(parley_client_act(c, R"({"do":"reply","text":"Pricing","to":13,"option":"pricing"})", 4) == 0);
    REQUIRE(parley_client_act(c, R"({"do":"reply","text":"ada@example.com","to":14,"form":"lead","values":{"email":"ada@example.com"}})", 4) == 0);
    CHECK(parley_client_act(c, R"({"do":"reply","text":"x","to":13})", 4) == 1005);
    CHECK(parley_client_act(c, R"({"do":"reply","text":"x","option":"a"})", 4) == 1004);
    CHECK(parley_client_act(c, R"({"do":"reply","text":"x","to":13,"form":"f","values":{"a":1}})", 4) == 1005);
    json out = outgoing(c);
    REQUIRE(out.size() == 2);
    CHECK(json::parse(out[0].get<std::string>())["reply"] == json::parse(R"({"to":13,"option":"pricing"})"));
    CHECK(json::parse(out[1].get<std::string>())["reply"]["values"]["email"] == "ada@example.com");

    // Deltas and their end become events.
    const std::string from = R"("from":{"role":"agent","id":"a_1","name":"Sam"})";
    REQUIRE(parley_client_receive(c, (R"({"v":1,"type":"stream","conv":"c_00000000000000aa","cid":"b1",)" + from +
                                      R"(,"delta":"Hi","offset":0})").c_str(), 5) == 0);
    REQUIRE(parley_client_receive(c, (R"({"v":1,"type":"stream_end","conv":"c_00000000000000aa","cid":"b1",)" + from +
                                      R"(,"reason":"timeout"})").c_str(), 5) == 0);
    json ev = events(c);
    REQUIRE(ev.size() >= 2);
    CHECK(ev[ev.size() - 2]["event"] == "stream");
    CHECK(ev[ev.size() - 2]["delta"] == "Hi");
    CHECK(ev.back()["event"] == "stream_end");
    CHECK(ev.back()["reason"] == "timeout");

    // An agent streams and finalises with parts.
    Handle a = make(R"({"role":"agent","instance":"a1","token":"st-1"})");
    parley_client* g = a.get();
    REQUIRE(parley_client_act(g, R"({"do":"connect"})", 1) == 0);
    REQUIRE(parley_client_opened(g, 2) == 0);
    REQUIRE(parley_client_receive(g, R"({"v":1,"type":"welcome","role":"agent","token":"st-1","me":{"role":"agent","id":"a_1","name":"Sam"}})", 3) == 0);
    outgoing(g);
    REQUIRE(parley_client_act(g, R"({"do":"stream","conv":"c_00000000000000aa","cid":"b2","delta":"Our"})", 4) == 0);
    REQUIRE(parley_client_act(g, R"({"do":"cancel_stream","conv":"c_00000000000000aa","cid":"b3"})", 4) == 0);
    REQUIRE(parley_client_act(g, R"({"do":"send","conv":"c_00000000000000aa","cid":"b2","text":"Our plans",)"
                                 R"("parts":[{"kind":"card","title":"Pro"}]})", 4) == 0);
    CHECK(parley_client_act(g, R"({"do":"stream","conv":"c_00000000000000aa","delta":"x"})", 4) == 1004);
    CHECK(parley_client_act(g, R"({"do":"send","conv":"c_00000000000000aa","text":"x","parts":{"kind":"card"}})", 4) == 1005);
    out = outgoing(g);
    REQUIRE(out.size() == 3);
    CHECK(out[0] == R"({"v":1,"type":"stream","conv":"c_00000000000000aa","cid":"b2","delta":"Our"})");
    CHECK(out[1] == R"({"v":1,"type":"stream_end","conv":"c_00000000000000aa","cid":"b3"})");
    CHECK(out[2] == R"({"v":1,"type":"send","conv":"c_00000000000000aa","cid":"b2","text":"Our plans","parts":[{"kind":"card","title":"Pro"}]})");
}

TEST_CASE("a queued reply is reported whole and resent whole from an outbox handed over (issue 16)",
          "[c_api][rich]") {
    Handle h = make(kVisitor);
    parley_client* c = h.get();
    REQUIRE(parley_client_act(c, R"({"do":"reply","text":"Pricing","to":13,"option":"pricing"})", 1) == 0);
    json ev = events(c);
    REQUIRE(ev.size() == 1);
    CHECK(ev[0]["event"] == "queued");
    CHECK(ev[0]["reply"] == json::parse(R"({"to":13,"option":"pricing"})"));

    // What a host persisted from that event comes back in a new client's config.
    json config = json::parse(kVisitor);
    json entry = ev[0];
    entry.erase("event");
    config["outbox"] = json::array({entry});
    Handle again = make(config.dump().c_str());
    REQUIRE(again);
    parley_client* d = again.get();
    REQUIRE(parley_client_act(d, R"({"do":"connect"})", 1) == 0);
    REQUIRE(parley_client_opened(d, 2) == 0);
    REQUIRE(parley_client_receive(d, kWelcome, 3) == 0);
    bool resent = false;
    for (const auto& f : outgoing(d)) {
        json frame = json::parse(f.get<std::string>());
        if (frame["type"] == "send") {
            CHECK(frame["reply"] == json::parse(R"({"to":13,"option":"pricing"})"));
            resent = true;
        }
    }
    CHECK(resent);
    CHECK_FALSE(make(R"({"role":"visitor","instance":"w1","outbox":[{"conv":"","cid":"w1.1","text":"x","parts":{"a":1}}]})"));
    CHECK_FALSE(make(R"({"role":"visitor","instance":"w1","outbox":[{"conv":"","cid":"w1.1","text":"x","reply":{"to":1}}]})"));
}

TEST_CASE("the C API carries a visitor's identity in its config and an identify action", "[c_api][identity]") {
    Handle h = make(R"({"role":"visitor","instance":"w1","seed":3,
        "identity":{"user_id":"u_42","email":"ada@example.com","attributes":{"plan":"pro"},"user_hash":"ab"}})");
    REQUIRE(h);
    parley_client* c = h.get();
    REQUIRE(parley_client_act(c, R"({"do":"connect"})", 1000) == 0);
    REQUIRE(parley_client_opened(c, 1001) == 0);
    auto out = outgoing(c);
    REQUIRE(out.size() == 1);
    CHECK(out[0] == R"({"v":1,"type":"hello","role":"visitor","user_id":"u_42","email":"ada@example.com",)"
                    R"("attributes":{"plan":"pro"},"user_hash":"ab"})");
    CHECK(parley_client_act(c, R"({"do":"identify","identity":{"user_hash":"ab"}})", 1002) == 1004);
    CHECK(parley_client_act(c, R"({"do":"identify","identity":{"user_id":"u","attributes":{"n":1}}})", 1002) == 1005);
    CHECK(parley_client_act(c, R"({"do":"identify","identity":null})", 1002) == 0);
    CHECK(parley_client_new(R"({"role":"visitor","instance":"w1","identity":{"user_id":""}})") == nullptr);
}
