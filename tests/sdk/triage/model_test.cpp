#include "parley/triage/model.hpp"
#include "parley/triage/trainer.hpp"

#include <catch2/catch.hpp>

#include "triage_fixtures.hpp"

using namespace parley::triage;

TEST_CASE("a model survives a save/load round trip byte for byte", "[triage][model]") {
    const Model& m = fixtures::small_model();
    const std::vector<uint8_t> bytes = m.save();
    auto loaded = Model::load(bytes.data(), bytes.size());
    REQUIRE(loaded.ok());
    CHECK(loaded.value().save() == bytes);
    CHECK(loaded.value().labels() == m.labels());
    for (const char* text : {"how much is the pro plan", "the app crashes on login", "hello", "zzz"}) {
        CAPTURE(text);
        const Prediction a = m.predict(text, 3), b = loaded.value().predict(text, 3);
        CHECK(a.label == b.label);
        REQUIRE(a.top.size() == b.top.size());
        for (size_t k = 0; k < a.top.size(); ++k) {
            CHECK(a.top[k].index == b.top[k].index);
            CHECK(a.top[k].confidence == b.top[k].confidence);
        }
    }
}

TEST_CASE("predictions are ranked, calibrated probabilities", "[triage][model]") {
    const Model& m = fixtures::small_model();
    const Prediction p = m.predict("I want my money back, please refund me", 3);
    REQUIRE(p.top.size() == 3);
    CHECK(m.labels()[p.label] == "refund");
    CHECK(p.top[0].confidence >= p.top[1].confidence);
    CHECK(p.top[1].confidence >= p.top[2].confidence);
    float sum = 0;
    const Prediction all = m.predict("x", 100);
    for (const Scored& s : all.top) sum += s.confidence;
    CHECK(sum == Approx(1.0f).epsilon(1e-4));
}

TEST_CASE("top_k is clamped to the number of classes", "[triage][model]") {
    const Model& m = fixtures::small_model();
    CHECK(m.predict("hello", 0).top.size() == 1);
    CHECK(m.predict("hello", 1000).top.size() == m.num_classes());
}

TEST_CASE("load rejects damaged model files with a typed error", "[triage][model]") {
    const std::vector<uint8_t> good = fixtures::small_model().save();
    SECTION("wrong magic") {
        std::vector<uint8_t> b = good;
        b[0] = 'X';
        auto r = Model::load(b.data(), b.size());
        REQUIRE(!r.ok());
        CHECK(r.error().code == TriageErrc::bad_model);
    }
    SECTION("every truncation") {
        for (size_t n = 0; n < good.size(); n += 1 + n / 8) {
            CAPTURE(n);
            auto r = Model::load(good.data(), n);
            REQUIRE(!r.ok());
            CHECK(r.error().code == TriageErrc::bad_model);
        }
    }
    SECTION("a flipped byte fails the checksum") {
        std::vector<uint8_t> b = good;
        b[b.size() / 2] ^= 0x40;
        auto r = Model::load(b.data(), b.size());
        REQUIRE(!r.ok());
        CHECK(r.error().code == TriageErrc::bad_model);
    }
    SECTION("a newer format version") {
        std::vector<uint8_t> b = good;
        b[4] = 99;
        auto r = Model::load(b.data(), b.size());
        REQUIRE(!r.ok());
        CHECK(r.error().code == TriageErrc::unsupported_version);
    }
}

TEST_CASE("from_parts refuses inconsistent parts", "[triage][model]") {
    ModelParts p = fixtures::small_model().parts();
    p.bias.pop_back();
    auto r = Model::from_parts(p);
    REQUIRE(!r.ok());
    CHECK(r.error().code == TriageErrc::invalid_argument);
}

TEST_CASE("a message below the threshold is rejected as out-of-scope", "[triage][model]") {
    Model m = fixtures::small_model();
    REQUIRE(m.has_oos());
    m.set_threshold(1.01f);  // nothing is confident enough
    const Prediction p = m.predict("how much is the pro plan", 1);
    CHECK(p.rejected);
    CHECK(m.labels()[p.label] == "oos");
    m.set_threshold(0.0f);
    CHECK(!m.predict("how much is the pro plan", 1).rejected);
}
