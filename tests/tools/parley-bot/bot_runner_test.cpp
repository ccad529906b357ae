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

namespace {

// A bot session that has said hello and got its welcome, as parley-bot's would.
session::Client connected_bot() {
    session::Config config;
    config.role = "bot";
    config.instance = "bot1";
    config.key = "pk_" + std::string(43, 'A');
    session::Client client(config);
    client.connect(1);
    client.opened(2);
    (void)client.receive(R"({"v":1,"type":"welcome","role":"bot","token":"","me":{"role":"bot","id":"b_house","name":"Parley Bot"}})", 3);
    (void)client.take_outgoing();
    return client;
}

session::Event asks_for_a_person(const std::string& conv) {
    protocol::Message m;
    m.conv = conv;
    m.seq = 1;
    m.cid = "v.1";
    m.from = protocol::Party{"visitor", "v_1", "Ada"};
    m.text = "I want to talk to a human please";
    return session::Delivered{m, false};
}

int handoffs_in(const std::vector<std::string>& frames) {
    int n = 0;
    for (const auto& f : frames) n += f.find("\"type\":\"handoff\"") != std::string::npos;
    return n;
}

}  // namespace

TEST_CASE("A handoff the relay refused with 4029 is sent again after retry_after_ms", "[bot][runner]") {
    const BotCore core(test::demo_config(), &test::demo_kb(), &test::default_model());
    BotRunner runner(core, nullptr);
    session::Client client = connected_bot();
    const std::string conv = "c_0123456789abcdef";
    runner.on_event(asks_for_a_person(conv), 10, 10);
    for (std::int64_t t = 10; t < 5'000; t += 50) (void)runner.pump(client, t);  // its reply, then the handoff
    REQUIRE(handoffs_in(client.take_outgoing()) == 1);

    protocol::ErrorFrame refused{protocol::ErrorCode::rate_limited, "too many frames; retry later", {}, 700};
    refused.frame = "handoff";
    refused.conv = conv;
    runner.on_event(refused, 5'000, 5'000);
    REQUIRE(runner.next_deadline() == 5'700);
    (void)runner.pump(client, 5'600);
    CHECK(handoffs_in(client.take_outgoing()) == 0);
    (void)runner.pump(client, 5'700);
    CHECK(handoffs_in(client.take_outgoing()) == 1);

    // Once the relay shows the conversation left the bot, a late refusal resends nothing.
    protocol::ConvSummary s;
    s.conv = conv;
    s.status = "open";
    s.state = "queued";
    s.bot = "paused";
    runner.on_event(protocol::ConvUpdate{s}, 5'800, 5'800);
    runner.on_event(refused, 5'900, 5'900);
    CHECK_FALSE(runner.next_deadline());
}

TEST_CASE("A handoff decided while the connection is down goes out once it is back", "[bot][runner]") {
    const BotCore core(test::demo_config(), &test::demo_kb(), &test::default_model());
    BotRunner runner(core, nullptr);
    session::Config config;
    config.role = "bot";
    config.instance = "bot1";
    config.key = "pk_" + std::string(43, 'A');
    session::Client client(config);  // not connected yet
    const std::string conv = "c_0123456789abcdef";
    runner.on_event(asks_for_a_person(conv), 10, 10);
    for (std::int64_t t = 10; t < 5'000; t += 50) (void)runner.pump(client, t);
    CHECK(runner.next_deadline());  // the handoff waits; it was not dropped
    client.connect(5'000);
    client.opened(5'001);
    (void)client.receive(R"({"v":1,"type":"welcome","role":"bot","token":"","me":{"role":"bot","id":"b_house","name":"Parley Bot"}})", 5'002);
    (void)client.take_outgoing();
    for (std::int64_t t = 5'002; t < 6'000; t += 50) (void)runner.pump(client, t);
    CHECK(handoffs_in(client.take_outgoing()) == 1);
}
