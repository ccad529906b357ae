// Compliance words (quality/quality_rules.hpp): matched as whole words or phrases on
// normalised text, so case, accents and punctuation do not matter and a word inside
// another never matches.
#include <catch2/catch.hpp>

#include "quality/quality_rules.hpp"

using namespace parley::relay::quality;

namespace {
QualityRules with_words(std::vector<std::string> words) {
    QualityRules r;
    r.compliance_words = normalize_words(words);
    return r;
}
}  // namespace

TEST_CASE("the operator's words are normalised once, empty and repeated ones dropped", "[quality]") {
    CHECK(normalize_words({"Lawyer", " lawyer ", "", "!!", "Chargeback", "Guaranteed  REFUND"}) ==
          std::vector<std::string>{"lawyer", "chargeback", "guaranteed refund"});
}

TEST_CASE("a compliance word matches whole words, whatever the case, accents or punctuation", "[quality]") {
    const QualityRules r = with_words({"lawyer", "guaranteed refund", "résilier"});
    CHECK(compliance_hits(r, "I'll call my LAWYER!") == std::vector<std::string>{"lawyer"});
    CHECK(compliance_hits(r, "We offer a guaranteed, refund... no: a Guaranteed refund.") ==
          std::vector<std::string>{"guaranteed refund"});
    CHECK(compliance_hits(r, "je veux RESILIER mon contrat") == std::vector<std::string>{"resilier"});
    SECTION("a word inside another, or a phrase split by other words, does not match") {
        CHECK(compliance_hits(r, "the lawyers' office") .empty());
        CHECK(compliance_hits(r, "guaranteed full refund").empty());
    }
    SECTION("several words: each once, in the rules' order") {
        CHECK(compliance_hits(r, "résilier, lawyer, lawyer") == std::vector<std::string>{"lawyer", "resilier"});
    }
    SECTION("no words configured: nothing is read") {
        CHECK(compliance_hits(QualityRules{}, "lawyer").empty());
    }
}

TEST_CASE("the flag kinds are the four documented ones", "[quality]") {
    for (const char* k : {kNegativeSentiment, kCompliance, kKnowledgeGap, kLongWait}) CHECK(is_flag_kind(k));
    CHECK_FALSE(is_flag_kind("angry"));
}
