// The transcript suite: every conversation in transcripts/ replayed through the pure
// core with the demo rules, the demo help centre and the default triage model, fed as
// the relay feeds a bot (meta computed, personal data masked). Fails on any
// expectation missed, naming the file and line. `parley-bot-replay` prints the same
// run with containment and escalations (ctest: bot_transcripts_replay).
#include <set>
#include <sstream>

#include <catch2/catch.hpp>

#include "bot_fixture.hpp"
#include "replay/replay_report.hpp"

using namespace parley::bot;

namespace {

std::vector<replay::Transcript> all_transcripts() {
    auto list = replay::load_transcripts(std::string(PARLEY_SOURCE_DIR) + "/tests/tools/parley-bot/transcripts");
    INFO((list.ok() ? std::string() : list.error().detail));
    REQUIRE(list.ok());
    return std::move(list).value();
}

}  // namespace

TEST_CASE("Every transcript gets the bot behaviour it expects", "[bot][transcripts]") {
    const auto transcripts = all_transcripts();
    const BotCore core(test::demo_config(), &test::demo_kb(), &test::default_model());
    auto gaps = GapLog::open(":memory:");
    REQUIRE(gaps.ok());
    replay::CoreDriver driver(core, &test::default_model(), gaps.value());
    const replay::ReplayReport report = replay::replay_all(transcripts, driver);
    std::ostringstream printed;
    replay::print_report(report, printed);
    INFO(printed.str());
    CHECK(report.misses.empty());
    CHECK(report.wrong_answers == 0);
}

TEST_CASE("The transcripts cover every default intent, KB hits and misses, close candidates, lead "
          "capture and each escalation reason", "[bot][transcripts]") {
    const auto transcripts = all_transcripts();
    CHECK(transcripts.size() >= 40);
    std::set<std::string> reasons, intents;
    bool kb_hit = false, kb_miss_gap = false, clarify = false, lead_form = false;
    const BotCore core(test::demo_config(), &test::demo_kb(), &test::default_model());
    auto gaps = GapLog::open(":memory:");
    REQUIRE(gaps.ok());
    replay::CoreDriver driver(core, &test::default_model(), gaps.value());
    for (const auto& t : transcripts) {
        driver.start(t.name);
        for (const auto& v : t.turns) {
            const replay::ObservedTurn o = driver.send(v);
            if (!o.intent.empty()) intents.insert(o.intent);
            for (const auto& e : v.expect) {
                using K = replay::Expectation::Kind;
                if (e.kind == K::handoff) reasons.insert(e.arg);
                kb_hit |= e.kind == K::source;
                kb_miss_gap |= e.kind == K::gap;
                clarify |= e.kind == K::clarifies;
                lead_form |= e.kind == K::form;
            }
        }
    }
    for (const char* intent : {"pricing", "billing", "onboarding", "integrations", "bug_report", "refund",
                               "feature_request", "general", "oos"}) {
        CAPTURE(intent);
        CHECK(intents.count(intent) == 1);
    }
    for (const char* reason : {"asks_human", "low_confidence", "frustrated", "regulated_topic", "no_progress",
                               "qualified_lead", "kb_miss"}) {
        CAPTURE(reason);
        CHECK(reasons.count(reason) == 1);
    }
    CHECK(kb_hit);
    CHECK(kb_miss_gap);
    CHECK(clarify);
    CHECK(lead_form);
}
