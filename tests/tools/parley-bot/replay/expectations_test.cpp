// check(): one expectation against what a client of the protocol saw.
#include <catch2/catch.hpp>

#include "replay/expectations.hpp"

using namespace parley::bot::replay;
using K = Expectation::Kind;

namespace {

ObservedTurn kb_answer() {
    ObservedTurn o;
    ObservedReply r;
    r.text = "Monthly plans are refunded within 14 days.\n\nSource: Refund policy (refunds.md)";
    r.parts = nlohmann::json::parse(R"([{"kind":"quick_replies","options":[{"id":"human","label":"Person"}]}])");
    r.streamed = true;
    o.replies.push_back(r);
    return o;
}

}  // namespace

TEST_CASE("The source of a KB answer is read from its text", "[bot][replay]") {
    CHECK(source_of("x\n\nSource: Refund policy (refunds.md)") == "refunds.md#Refund policy");
    CHECK(source_of("no source here") == "");
}

TEST_CASE("Expectations met by a KB answer pass; the others explain what was seen", "[bot][replay]") {
    const ObservedTurn o = kb_answer();
    CHECK(check({K::contains, "REFUNDED"}, o) == "");
    CHECK(check({K::source, "refunds.md"}, o) == "");
    CHECK(check({K::source, "refunds.md#Refund policy"}, o) == "");
    CHECK(check({K::quick_replies, "", {"human"}}, o) == "");
    CHECK(check({K::streamed, ""}, o) == "");
    CHECK(check({K::no_handoff, ""}, o) == "");

    CHECK(check({K::source, "billing.md"}, o) == "expected an answer from billing.md, got refunds.md#Refund policy");
    CHECK(check({K::quick_replies, "", {"no_human"}}, o) == "quick reply no_human not offered (offered: human)");
    CHECK_THAT(check({K::contains, "invoice"}, o), Catch::StartsWith("no reply contains \"invoice\""));
    CHECK(check({K::handoff, "asks_human"}, o).rfind("expected a handoff (asks_human), none", 0) == 0);
    CHECK(check({K::silent, ""}, o).rfind("expected silence", 0) == 0);
    CHECK(check({K::gap, ""}, o) == "no knowledge gap recorded");
    CHECK(check({K::clarifies, ""}, o).rfind("no clarifying question", 0) == 0);
}

TEST_CASE("A handoff is checked by reason, team and summary", "[bot][replay]") {
    ObservedTurn o;
    o.handoff = ObservedHandoff{"kb_miss", "Asked: \"jira?\"", "general"};
    CHECK(check({K::handoff, "kb_miss"}, o) == "");
    CHECK(check({K::team, "general"}, o) == "");
    CHECK(check({K::summary_contains, "JIRA"}, o) == "");
    CHECK(check({K::handoff, "asks_human"}, o) == "handoff reason kb_miss, expected asks_human");
    CHECK(check({K::no_handoff, ""}, o).rfind("unexpected handoff (kb_miss)", 0) == 0);
    CHECK(check({K::silent, ""}, o) == "");
}

TEST_CASE("Content misses count as wrong answers, escalation misses do not", "[bot][replay]") {
    CHECK(is_answer_expectation(K::contains));
    CHECK(is_answer_expectation(K::source));
    CHECK_FALSE(is_answer_expectation(K::handoff));
    CHECK_FALSE(is_answer_expectation(K::no_handoff));
}
