// parse_config: the TOML rules file to a Config, every mistake named by file, line and
// field; absent fields keep their defaults.
#include <catch2/catch.hpp>

#include "bot_config.hpp"
#include "bot_fixture.hpp"

using namespace parley::bot;

TEST_CASE("An empty config file gives the documented defaults", "[bot][config]") {
    auto c = parse_config("", "bot.toml");
    REQUIRE(c.ok());
    CHECK(c.value().escalation.max_turns_without_progress == 3);
    CHECK(c.value().escalation.low_confidence == Approx(0.45));
    CHECK(c.value().lead.mode == "form");
    CHECK(c.value().intents.empty());
}

TEST_CASE("The demo config reads whole: every default intent has a rule", "[bot][config]") {
    const auto c = test::demo_config();
    for (const char* intent : {"pricing", "billing", "onboarding", "integrations", "bug_report", "refund",
                               "feature_request", "general"}) {
        CAPTURE(intent);
        CHECK(c->intents.count(intent) == 1);
    }
    CHECK_FALSE(c->intents.at("refund").use_kb);
    CHECK(c->intents.at("refund").replies.size() == 3);
    CHECK(c->intents.at("refund").replies[0].needs == std::vector<std::string>{"order", "amount"});
    CHECK(c->kb.dir == "kb");
    CHECK(c->lead.timelines.size() == 3);
    CHECK_FALSE(c->escalation.regulated_words.empty());
}

TEST_CASE("A TOML syntax error names the file, line and column", "[bot][config]") {
    auto c = parse_config("[bot]\nname = \"Ada\n", "bot.toml");
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().code == BotErrc::bad_config);
    CHECK_THAT(c.error().detail, Catch::StartsWith("bot.toml:2:"));
}

TEST_CASE("A field of the wrong type or range is named by its path and line", "[bot][config]") {
    using R = std::pair<const char*, const char*>;
    auto [toml, expected] = GENERATE(table<const char*, const char*>({
        R{"[escalation]\nlow_confidence = \"high\"\n", "bot.toml:2:18: escalation.low_confidence: expected a number"},
        R{"[escalation]\nlow_confidence = 1.5\n", "bot.toml:2:18: escalation.low_confidence: out of range"},
        R{"[escalation]\nmax_turns_without_progress = 0\n", "escalation.max_turns_without_progress: out of range"},
        R{"[lead]\nmode = \"wizard\"\n", "lead.mode: must be \"form\" or \"steps\""},
        R{"[kb]\nbase_url = \"ftp://x\"\n", "kb.base_url: must start with https:// or http://"},
        R{"[bot]\ntopics = [{ id = \"a\" }]\n", "bot.topics: each option needs string `id` and `label`"},
        R{"[intent.refund]\nkb = \"no\"\n", "intent.refund.kb: expected true or false"},
        R{"[[intent.refund.reply]]\nneeds = [\"order\"]\n", "intent.refund.reply.text: a reply needs a text"},
        R{"escalation = 3\n", "escalation: expected a table"},
        R{"[bot]\ntopics = [{ id = \"a b\", label = \"A\" }]\n", "bot.topics: an id is 1-64 of [A-Za-z0-9_.:-]"},
        R{"[lead]\ntimelines = [{ id = \"now\", label = \"\" }]\n", "lead.timelines: a label is 1-80 bytes"},
        R{"[bot]\ntopics = [{id=\"a\",label=\"A\"},{id=\"a\",label=\"A\"},{id=\"a\",label=\"A\"},"
          "{id=\"a\",label=\"A\"},{id=\"a\",label=\"A\"},{id=\"a\",label=\"A\"},{id=\"a\",label=\"A\"},"
          "{id=\"a\",label=\"A\"},{id=\"a\",label=\"A\"},{id=\"a\",label=\"A\"},{id=\"a\",label=\"A\"}]\n",
          "bot.topics: at most 10 options"},
    }));
    CAPTURE(toml);
    auto c = parse_config(toml, "bot.toml");
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().code == BotErrc::bad_config);
    CHECK_THAT(c.error().detail, Catch::Contains(expected));
}
