// The client core and routing (P4), through the C API: a visitor's stream skips the
// seqs of internal notes without losing a message, and an agent's routing actions
// become the documented frames.
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "parley/c_api.h"

using nlohmann::json;

namespace {

using Handle = std::unique_ptr<parley_client, decltype(&parley_client_free)>;

json events(parley_client* c) { return json::parse(parley_client_take_events(c)); }
json outgoing(parley_client* c) { return json::parse(parley_client_take_outgoing(c)); }

std::string msg(int seq, const std::string& text, int prev = 0) {
    std::string s = R"({"v":1,"type":"msg","conv":"c_00000000000000aa","seq":)" + std::to_string(seq) +
                    R"(,"cid":"x)" + std::to_string(seq) +
                    R"(","ts":9,"from":{"role":"agent","id":"a_1","name":"Sam"},"text":")" + text + "\"";
    if (prev) s += R"(,"prev":)" + std::to_string(prev);
    return s + "}";
}

// The texts of the message events, in order.
std::vector<std::string> texts(const json& ev) {
    std::vector<std::string> out;
    for (const auto& e : ev)
        if (e["event"] == "message") out.push_back(e["text"]);
    return out;
}

Handle ready(const char* config, const char* welcome) {
    Handle h(parley_client_new(config), parley_client_free);
    REQUIRE(h);
    REQUIRE(parley_client_act(h.get(), R"({"do":"connect"})", 1) == 0);
    REQUIRE(parley_client_opened(h.get(), 2) == 0);
    REQUIRE(parley_client_receive(h.get(), welcome, 3) == 0);
    parley_client_take_events(h.get());
    parley_client_take_outgoing(h.get());
    return h;
}

const char* kVisitor = R"({"role":"visitor","instance":"w1","seed":3})";
const char* kVisitorWelcome =
    R"({"v":1,"type":"welcome","role":"visitor","token":"vt","me":{"role":"visitor","id":"v_1","name":"Ada"},"conv":"c_00000000000000aa","last_seq":1})";

}  // namespace

TEST_CASE("a visitor's stream skips internal seqs without a loss", "[client][routing]") {
    Handle h = ready(kVisitor, kVisitorWelcome);
    parley_client* c = h.get();
    REQUIRE(parley_client_receive(c, R"({"v":1,"type":"synced","conv":"c_00000000000000aa","last_seq":1})", 4) == 0);
    events(c);

    SECTION("a msg whose prev is the last one seen is delivered at once") {
        REQUIRE(parley_client_receive(c, msg(3, "after a note", 1).c_str(), 5) == 0);
        CHECK(texts(events(c)) == std::vector<std::string>{"after a note"});
        CHECK(outgoing(c).empty());  // no sync needed
    }
    SECTION("without prev it syncs, and the answer (with prev) delivers it exactly once") {
        REQUIRE(parley_client_receive(c, msg(3, "after a note").c_str(), 5) == 0);
        CHECK(texts(events(c)).empty());
        auto out = outgoing(c);
        REQUIRE(out.size() == 1);
        CHECK(json::parse(out[0].get<std::string>())["type"] == "sync");
        REQUIRE(parley_client_receive(c, msg(3, "after a note", 1).c_str(), 6) == 0);
        REQUIRE(parley_client_receive(c, R"({"v":1,"type":"synced","conv":"c_00000000000000aa","last_seq":3})", 7) == 0);
        REQUIRE(parley_client_receive(c, msg(4, "next").c_str(), 8) == 0);
        CHECK(texts(events(c)) == std::vector<std::string>{"after a note", "next"});
    }
    SECTION("synced marks the conversation known up to its last_seq") {
        REQUIRE(parley_client_receive(c, R"({"v":1,"type":"synced","conv":"c_00000000000000aa","last_seq":2})", 5) == 0);
        REQUIRE(parley_client_receive(c, msg(3, "live").c_str(), 6) == 0);
        CHECK(texts(events(c)) == std::vector<std::string>{"live"});
    }
}

TEST_CASE("an agent's routing actions become note, transfer, close and reopen frames", "[client][routing]") {
    Handle h = ready(R"({"role":"agent","instance":"a1","seed":3,"token":"t"})",
                     R"({"v":1,"type":"welcome","role":"agent","token":"t","me":{"role":"agent","id":"a_1","name":"Sam"}})");
    parley_client* c = h.get();
    REQUIRE(parley_client_act(c, R"({"do":"note","conv":"c_00000000000000aa","text":"psst"})", 10) == 0);
    REQUIRE(parley_client_act(c, R"({"do":"transfer","conv":"c_00000000000000aa","to_team":"billing","note":"n"})", 11) == 0);
    REQUIRE(parley_client_act(c, R"({"do":"close","conv":"c_00000000000000aa"})", 12) == 0);
    REQUIRE(parley_client_act(c, R"({"do":"reopen","conv":"c_00000000000000aa"})", 13) == 0);
    auto out = outgoing(c);
    REQUIRE(out.size() == 4);
    auto note = json::parse(out[0].get<std::string>());
    CHECK(note["type"] == "note");
    CHECK(note["text"] == "psst");
    CHECK(note["cid"] == "n.10.1");
    CHECK(out[1] == R"({"v":1,"type":"transfer","conv":"c_00000000000000aa","to_team":"billing","note":"n"})");
    CHECK(out[2] == R"({"v":1,"type":"close","conv":"c_00000000000000aa"})");
    CHECK(out[3] == R"({"v":1,"type":"reopen","conv":"c_00000000000000aa"})");
    // Exactly one target.
    CHECK(parley_client_act(c, R"({"do":"transfer","conv":"c_00000000000000aa","note":""})", 14) == 1005);
}
