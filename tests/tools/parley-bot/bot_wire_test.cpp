// bot_wire: the core's decisions as BOTS.md frames, and a visitor's msg read back.
#include <catch2/catch.hpp>

#include "bot_wire.hpp"

using namespace parley::bot;
using nlohmann::json;

TEST_CASE("A visitor's msg with meta and a form reply reads as an Incoming", "[bot][wire]") {
    const json msg = json::parse(R"({"v":1,"type":"msg","message":{"conv":"c_1","seq":14,"text":"email: ada@acme.io",
        "from":{"role":"visitor","id":"v_1","name":"Ada"},
        "meta":{"intent":"pricing","confidence":0.91,"signals":["pii"]},
        "reply":{"to":13,"form":"lead","values":{"email":"ada@acme.io","timeline":"now"}}}})");
    const auto in = incoming_from_msg(msg);
    REQUIRE(in);
    CHECK(in->text == "email: ada@acme.io");
    REQUIRE(in->meta);
    CHECK(in->meta->intent == "pricing");
    CHECK(in->meta->confidence == Approx(0.91));
    CHECK(in->meta->signals == std::vector<std::string>{"pii"});
    REQUIRE(in->reply);
    CHECK(in->reply->form == "lead");
    CHECK(in->reply->values.at("timeline") == "now");
}

TEST_CASE("A msg without meta or reply, or without text, reads as such", "[bot][wire]") {
    const auto plain = incoming_from_msg(json::parse(R"({"text":"hi","reply":{"to":3}})"));
    REQUIRE(plain);
    CHECK_FALSE(plain->meta);
    CHECK_FALSE(plain->reply);
    const auto chip = incoming_from_msg(json::parse(R"({"text":"Pricing","reply":{"to":3,"option":"topic:pricing"}})"));
    REQUIRE(chip);
    REQUIRE(chip->reply);
    CHECK(chip->reply->option == "topic:pricing");
    CHECK_FALSE(incoming_from_msg(json::parse(R"({"text":7})")));
    CHECK_FALSE(incoming_from_msg(json::parse(R"([1,2])")));
}

TEST_CASE("A reply becomes a send frame with its parts; a handoff a handoff frame", "[bot][wire]") {
    Reply r;
    r.text = "Pick one";
    r.parts.push_back(quick_replies({{"human", "Talk to a person"}}));
    CHECK(send_frame("c_1", "b1.1", r) == json::parse(R"({"v":1,"type":"send","conv":"c_1","cid":"b1.1",
        "text":"Pick one","parts":[{"kind":"quick_replies","options":[{"id":"human","label":"Talk to a person"}]}]})"));
    CHECK(handoff_frame("c_1", Handoff{"asks_human", "Asked: \"x\".", "billing"}) ==
          json::parse(R"({"v":1,"type":"handoff","conv":"c_1","reason":"asks_human","summary":"Asked: \"x\".","team":"billing"})"));
    CHECK_FALSE(handoff_frame("c_1", Handoff{"kb_miss", "s", ""}).contains("team"));
}

TEST_CASE("A streamed reply's deltas join to its text, at spaces, never splitting a character",
          "[bot][wire]") {
    Reply r;
    r.text = "Monthly plans are refunded in full within 14 days — annual plans pro rata. Ünïcödé ✓✓✓✓✓✓";
    const auto frames = stream_frames("c_1", "b1.2", r, 10);
    REQUIRE(frames.size() > 3);
    std::string joined;
    for (const auto& f : frames) {
        CHECK(f["type"] == "stream");
        CHECK(f["cid"] == "b1.2");
        const std::string d = f["delta"];
        CHECK_FALSE(d.empty());
        CHECK(d.size() <= 2000);
        CHECK((static_cast<unsigned char>(d[0]) & 0xC0) != 0x80);  // starts on a character
        joined += d;
    }
    CHECK(joined == r.text);
}
