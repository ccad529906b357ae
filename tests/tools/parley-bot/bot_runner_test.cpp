// BotRunner (tools/parley-bot/bot_runner.hpp): the session glue around the core.
#include <catch2/catch.hpp>

#include "bot_fixture.hpp"
#include "bot_runner.hpp"
#include "gap_log.hpp"

using namespace parley;
using namespace parley::bot;

TEST_CASE("A knowledge gap is dated by the wall clock, not by the loop's steady clock", "[bot][runner]") {
    // parley-bot's loop runs on a steady clock (milliseconds since boot); `--list-gaps`
    // prints the gap's first and last time as dates, so those must be since the epoch.
    const BotCore core(test::demo_config(), &test::demo_kb(), &test::default_model());
    auto gaps = GapLog::open(":memory:");
    REQUIRE(gaps.ok());
    BotRunner runner(core, &gaps.value());
    protocol::Message m;
    m.conv = "c_1";
    m.seq = 1;
    m.cid = "v.1";
    m.from = protocol::Party{"visitor", "v_1", "Ada"};
    m.text = "what do I get with Enterprise?";  // not in the demo help centre
    const std::int64_t steady = 24'000'000, wall = 1'796'000'000'000;
    runner.on_event(session::Delivered{m, false}, steady, wall);
    auto list = gaps.value().list();
    REQUIRE(list.ok());
    REQUIRE(list.value().size() == 1);
    CHECK(list.value()[0].first_seen == wall);
    CHECK(list.value()[0].last_seen == wall);
}

TEST_CASE("After a hand back the bot answers what comes next, not what a person already answered", "[bot][runner]") {
    // While an agent held the conversation the visitor asked about pricing and the agent
    // answered; the SDK's sync may deliver that question to the bot after the hand back.
    const BotCore core(test::demo_config(), &test::demo_kb(), &test::default_model());
    BotRunner runner(core, nullptr);
    auto conv = [](const std::string& state, const std::string& bot, std::int64_t last_seq) {
        protocol::ConvSummary s;
        s.conv = "c_1";
        s.status = "open";
        s.state = state;
        s.bot = bot;
        s.last_seq = last_seq;
        return session::Event{protocol::ConvUpdate{s}};
    };
    auto visitor = [](std::int64_t seq, const std::string& text) {
        protocol::Message m;
        m.conv = "c_1";
        m.seq = seq;
        m.cid = "v." + std::to_string(seq);
        m.from = protocol::Party{"visitor", "v_1", "Ada"};
        m.text = text;
        return session::Event{session::Delivered{m, false}};
    };
    runner.on_event(conv("bot", "", 1), 0, 0);
    runner.on_event(conv("active", "paused", 3), 0, 0);  // an agent took over
    runner.on_event(conv("bot", "", 6), 0, 0);           // and handed it back at seq 6
    runner.on_event(visitor(4, "how much does the pro plan cost?"), 0, 0);  // synced late
    CHECK(runner.counts().answered == 0);
    runner.on_event(visitor(7, "how do I reset my password?"), 0, 0);
    CHECK(runner.counts().answered == 1);
}
