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
