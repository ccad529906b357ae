#include "parley/triage/features.hpp"

#include <catch2/catch.hpp>
#include <cmath>

using namespace parley::triage;

namespace {
float norm2(const std::vector<Feature>& f) {
    float s = 0;
    for (const auto& x : f) s += x.value * x.value;
    return s;
}
}  // namespace

TEST_CASE("features are sorted, unique, inside the hash space and L2-normalised", "[triage][features]") {
    FeatureConfig cfg;
    cfg.hash_bits = 12;
    std::vector<Feature> f;
    extract_features("How much does the Pro plan cost per month?", cfg, f);
    REQUIRE(!f.empty());
    for (size_t i = 0; i < f.size(); ++i) {
        CHECK(f[i].key < (1u << 12));
        if (i) CHECK(f[i - 1].key < f[i].key);
    }
    CHECK(norm2(f) == Approx(1.0f).epsilon(1e-5));
}

TEST_CASE("spellings that normalise alike give identical features", "[triage][features]") {
    FeatureConfig cfg;
    std::vector<Feature> a, b;
    extract_features("Ça coûte combien ?", cfg, a);
    extract_features("CA COUTE    combien", cfg, b);
    REQUIRE(a.size() == b.size());
    for (size_t i = 0; i < a.size(); ++i) {
        CHECK(a[i].key == b[i].key);
        CHECK(a[i].value == b[i].value);
    }
}

TEST_CASE("feature counts follow the configuration", "[triage][features]") {
    FeatureConfig cfg;
    cfg.hash_bits = 32;  // no collisions to blur the counts
    std::vector<Feature> f;
    SECTION("words only") {
        cfg.word_ngrams = 1;
        cfg.char_min = cfg.char_max = 0;
        extract_features("refund my order", cfg, f);
        CHECK(f.size() == 3);
    }
    SECTION("words and pairs") {
        cfg.word_ngrams = 2;
        cfg.char_min = cfg.char_max = 0;
        extract_features("refund my order", cfg, f);
        CHECK(f.size() == 5);
    }
    SECTION("character trigrams of <abc>") {
        cfg.word_ngrams = 1;
        cfg.char_min = cfg.char_max = 3;
        extract_features("abc", cfg, f);
        CHECK(f.size() == 1 + 3);  // word + "<ab" "abc" "bc>"
    }
    SECTION("character n-grams count code points, not bytes") {
        cfg.word_ngrams = 1;
        cfg.char_min = cfg.char_max = 3;
        extract_features("\xD0\xB4\xD0\xB0", cfg, f);  // "да": "<да", "да>"
        CHECK(f.size() == 1 + 2);
    }
}

TEST_CASE("repeated words use sublinear term frequency", "[triage][features]") {
    FeatureConfig cfg;
    cfg.hash_bits = 32;
    cfg.word_ngrams = 1;
    cfg.char_min = cfg.char_max = 0;
    std::vector<Feature> f;
    extract_features("bug bug bug crash", cfg, f);
    REQUIRE(f.size() == 2);
    const uint32_t bug = feature_hash("bug", cfg.seed, 1);
    const Feature& rep = (f[0].key == bug) ? f[0] : f[1];
    const Feature& one = (&rep == &f[0]) ? f[1] : f[0];
    CHECK(rep.value / one.value == Approx(1.0 + std::log(3.0)).epsilon(1e-5));
}

TEST_CASE("the seed changes every key", "[triage][features]") {
    CHECK(feature_hash("refund", 1, 1) != feature_hash("refund", 2, 1));
    CHECK(feature_hash("refund", 1, 1) != feature_hash("refund", 1, 2));
    CHECK(feature_hash("refund", 1, 1) == feature_hash("refund", 1, 1));
}

TEST_CASE("empty and punctuation-only text has no features", "[triage][features]") {
    std::vector<Feature> f{{1, 1.0f}};
    extract_features("", FeatureConfig{}, f);
    CHECK(f.empty());
    extract_features("?!", FeatureConfig{}, f);
    CHECK(f.empty());
}
