// The stored form of a conversation's routing snapshot (core/route_record.hpp): what a
// restarted relay reads back must be what it wrote, and a damaged record is refused
// whole rather than half-read.
#include <catch2/catch.hpp>

#include "core/route_record.hpp"

using namespace parley::relay;
namespace route = parley::route;

TEST_CASE("a routing snapshot survives its stored form", "[route][record]") {
    route::ConvSnapshot s;
    s.state = GENERATE(route::ConvState::Bot, route::ConvState::Queued, route::ConvState::Assigned,
                       route::ConvState::Inactive, route::ConvState::Closed);
    s.turn = route::Turn::Customer;
    s.team = "billing";
    s.agent = "a_1";
    s.previous_agent = "a_0";
    s.skills = {"de", "vip"};
    s.since = 1732200000000;
    s.last_customer = 1732200001000;
    s.last_staff = 1732200002000;
    s.order = 17;
    s.closed_with_bot = GENERATE(false, true);
    auto back = decode_route_record(encode_route_record(s));
    REQUIRE(back);
    CHECK(back->state == s.state);
    CHECK(back->turn == s.turn);
    CHECK(back->team == s.team);
    CHECK(back->agent == s.agent);
    CHECK(back->previous_agent == s.previous_agent);
    CHECK(back->skills == s.skills);
    CHECK(back->since == s.since);
    CHECK(back->last_customer == s.last_customer);
    CHECK(back->last_staff == s.last_staff);
    CHECK(back->order == s.order);
    CHECK(back->closed_with_bot == s.closed_with_bot);
}

TEST_CASE("a damaged routing record is refused whole", "[route][record]") {
    const char* bad = GENERATE(
        "", "{", "[]", "null", R"({"state":"lost"})", R"({"state":"queued","turn":"nobody"})",
        R"({"state":"queued","since":"yesterday"})", R"({"state":"queued","skills":"de"})",
        R"({"state":"queued","skills":[1]})", R"({"state":7})", R"({})",
        R"({"state":"closed","closed_with_bot":1})");
    CAPTURE(bad);
    CHECK_FALSE(decode_route_record(bad));
}

TEST_CASE("keys a later version adds are ignored", "[route][record]") {
    auto s = decode_route_record(R"({"state":"inactive","agent":"a_1","since":5,"mood":"calm"})");
    REQUIRE(s);
    CHECK(s->state == route::ConvState::Inactive);
    CHECK(s->agent == "a_1");
    CHECK(s->turn == route::Turn::Agent);
}

TEST_CASE("a bot's handoff and pause ride in the routing record and survive it", "[route][record][bots]") {
    route::ConvSnapshot s;
    s.state = route::ConvState::Assigned;
    s.agent = "a_1";
    s.team = "general";
    const std::string plain = encode_route_record(s);
    CHECK_FALSE(decode_bot_record(plain).handoff);
    CHECK_FALSE(decode_bot_record(plain).paused);
    BotRecord bot;
    bot.paused = true;
    bot.handoff = parley::protocol::HandoffInfo{{"bot", "b_helper", "Helper"}, "asks_human", "Wants a human.", 17};
    const std::string record = with_bot_record(plain, bot);
    const BotRecord back = decode_bot_record(record);
    REQUIRE(back.handoff);
    CHECK(*back.handoff == *bot.handoff);
    CHECK(back.paused);
    REQUIRE(decode_route_record(record));  // the snapshot reads as before
    CHECK(decode_route_record(record)->agent == "a_1");
    SECTION("a malformed bot member reads as none, and the snapshot still reads") {
        std::string bad = record;
        bad.replace(bad.find("\"ts\":17"), 7, "\"ts\":\"x\"");
        CHECK_FALSE(decode_bot_record(bad).handoff);
        CHECK(decode_route_record(bad));
    }
}
