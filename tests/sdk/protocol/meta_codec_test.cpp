// Triage on the wire (docs/protocol.md §4 send, §5 welcome/msg/page/inbox): `meta` on
// messages, the welcome's `mask.client`, the summaries' `intent`, and how a client sees
// them as events.
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "parley/c_api.h"
#include "parley/protocol/codec.hpp"

using namespace parley::protocol;
using nlohmann::json;

namespace {

Message tagged() {
    Message m{"c_00000000000000aa", 3, "w1.3", 9, Party{"visitor", "v_1", "Ada"}, "my card is [card], refund please"};
    m.meta = Meta{"refund", 0.8731, {"pii"}};
    return m;
}

}  // namespace

TEST_CASE("meta, mask and intent survive encode then decode", "[codec][triage]") {
    SECTION("msg with meta, encoded after the text") {
        const std::string text = encode(RelayFrame{Msg{tagged()}});
        CHECK(text.find(R"("text":"my card is [card], refund please","meta":{"intent":"refund","confidence":0.8731,"signals":["pii"]})") != std::string::npos);
        auto back = decode_relay(text);
        REQUIRE(back.ok());
        CHECK(std::get<Msg>(back.value()).message.meta == tagged().meta);
    }
    SECTION("a message without meta has no meta field") {
        Message m = tagged();
        m.meta.reset();
        const std::string text = encode(RelayFrame{Msg{m}});
        CHECK(text.find("meta") == std::string::npos);
        CHECK_FALSE(std::get<Msg>(decode_relay(text).value()).message.meta);
    }
    SECTION("page entries carry their meta") {
        Page p{"c_00000000000000aa", {tagged()}, false};
        auto back = decode_relay(encode(RelayFrame{p}));
        REQUIRE(back.ok());
        CHECK(std::get<Page>(back.value()).msgs.at(0).meta == tagged().meta);
    }
    SECTION("a visitor's welcome carries the in-browser masking policy") {
        Welcome w;
        w.role = "visitor";
        w.token = "t";
        w.me = Party{"visitor", "v_1", "Ada"};
        w.conv = "c_00000000000000aa";
        w.mask_client = {"card", "iban", "email"};
        const std::string text = encode(RelayFrame{w});
        CHECK(text.find(R"("mask":{"client":["card","iban","email"]})") != std::string::npos);
        CHECK(std::get<Welcome>(decode_relay(text).value()).mask_client == w.mask_client);
    }
    SECTION("summaries carry the latest intent, absent when empty") {
        ConvSummary s;
        s.conv = "c_00000000000000aa";
        s.visitor = Party{"visitor", "v_1", "Ada"};
        s.status = "open";
        CHECK(encode(RelayFrame{ConvUpdate{s}}).find("intent") == std::string::npos);
        s.intent = "billing";
        CHECK(std::get<ConvUpdate>(decode_relay(encode(RelayFrame{ConvUpdate{s}})).value()).summary.intent == "billing");
    }
    SECTION("a send's own meta is encoded, and the relay's decoder ignores it") {
        Send s{"c_00000000000000aa", "w1.1", "refund please", Meta{"refund", 0.5, {}}};
        const std::string text = encode(ClientFrame{s});
        CHECK(text.find(R"("meta":{"intent":"refund")") != std::string::npos);
        auto back = decode_client(R"({"v":1,"type":"send","conv":"c_00000000000000aa","cid":"w1.1","text":"x","meta":"anything"})");
        REQUIRE(back.ok());
        CHECK_FALSE(std::get<Send>(back.value()).meta);
    }
}

TEST_CASE("a malformed meta is bad_field, named by its path", "[codec][triage]") {
    const std::string head = R"({"v":1,"type":"msg","conv":"c_00000000000000aa","seq":1,"cid":"w1.1","ts":1,)"
                             R"("from":{"role":"visitor","id":"v_1","name":"Ada"},"text":"hi","meta":)";
    auto detail = [&](const std::string& meta) {
        auto r = decode_relay(head + meta + "}");
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == ErrorCode::bad_field);
        return r.error().detail;
    };
    CHECK(detail(R"("refund")") == "bad field: meta");
    CHECK(detail(R"({"intent":"refund","confidence":1.5})") == "bad field: meta.confidence");
    CHECK(detail(R"({"intent":"refund","confidence":"high"})") == "bad field: meta.confidence");
    CHECK(detail(R"({"intent":"refund","confidence":0.5,"signals":[1]})") == "bad field: meta.signals");
    CHECK(detail(R"({"intent":7,"confidence":0.5})") == "bad field: meta.intent");
    auto missing = decode_relay(head + R"({"intent":"refund"})" + "}");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().detail == "missing field: meta.confidence");
}

TEST_CASE("events carry meta, the welcome's mask and the summary's intent", "[c_api][triage]") {
    std::unique_ptr<parley_client, decltype(&parley_client_free)> c(
        parley_client_new(R"({"role":"visitor","instance":"w1","seed":3,"name":"Ada"})"), parley_client_free);
    REQUIRE(c);
    parley_client_act(c.get(), R"({"do":"connect"})", 1000);
    parley_client_opened(c.get(), 1001);
    parley_client_take_events(c.get());
    REQUIRE(parley_client_receive(c.get(),
        R"({"v":1,"type":"welcome","role":"visitor","token":"vt","me":{"role":"visitor","id":"v_1","name":"Ada"},)"
        R"("conv":"c_00000000000000aa","last_seq":0,"mask":{"client":["card","email"]}})", 1002) == 0);
    json ev = json::parse(parley_client_take_events(c.get()));
    json welcome;
    for (const auto& e : ev) if (e["event"] == "welcome") welcome = e;
    CHECK(welcome["mask"] == json{{"client", {"card", "email"}}});

    REQUIRE(parley_client_receive(c.get(), encode(RelayFrame{Msg{[] { Message m = tagged(); m.seq = 1; return m; }()}}).c_str(), 1003) == 0);
    ev = json::parse(parley_client_take_events(c.get()));
    json message;
    for (const auto& e : ev) if (e["event"] == "message") message = e;
    CHECK(message["meta"] == json{{"intent", "refund"}, {"confidence", 0.8731}, {"signals", {"pii"}}});
}
