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

TEST_CASE("decide refuses scores no model could give: none, or more than kMaxClasses", "[triage][model]") {
    const Model& m = fixtures::small_model();
    for (size_t n : {size_t{0}, kMaxClasses + 1, size_t{4096}}) {
        CAPTURE(n);
        const Prediction p = m.decide(std::vector<float>(n, 1.0f), 3);
        CHECK(p.label == -1);
        CHECK(p.top.empty());
    }
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

namespace {

// CRC-32 (IEEE), to forge files whose checksum is right but whose content is not.
uint32_t test_crc32(const uint8_t* p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; ++i) {
        c ^= p[i];
        for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xFFFFFFFFu;
}

void reseal(std::vector<uint8_t>& b) {
    const uint32_t c = test_crc32(b.data(), b.size() - 4);
    for (int k = 0; k < 4; ++k) b[b.size() - 4 + k] = static_cast<uint8_t>(c >> (8 * k));
}

Model linear_only_model() {
    TrainOptions o = fixtures::fast_options();
    o.hidden_dim = 0;
    return train(fixtures::small_dataset(), {}, o).value().model;
}

}  // namespace

TEST_CASE("the fixture model has a hidden part, and it takes part in every score", "[triage][model]") {
    const Model& m = fixtures::small_model();
    REQUIRE(m.parts().hidden.dim == fixtures::fast_options().hidden_dim);
    REQUIRE(m.num_hidden_rows() > 0);
    ModelParts without = m.parts();
    without.hidden = HiddenPart{};
    const Model linear = Model::from_parts(without).value();
    std::vector<float> a, b;
    m.scores("how much is the pro plan", a);
    linear.scores("how much is the pro plan", b);
    REQUIRE(a.size() == b.size());
    CHECK(a != b);
}

TEST_CASE("a version 1 file (linear only) still loads and predicts the same", "[triage][model]") {
    const Model m = linear_only_model();
    REQUIRE(m.parts().hidden.dim == 0);
    std::vector<uint8_t> b = m.save();
    CHECK(b[4] == kModelFormatVersion);
    b[4] = 1;
    reseal(b);
    auto r = Model::load(b.data(), b.size());
    REQUIRE(r.ok());
    for (const char* text : {"how much is the pro plan", "refund please", "zzz"}) {
        CAPTURE(text);
        CHECK(r.value().predict(text, 1).confidence == m.predict(text, 1).confidence);
    }
}

TEST_CASE("load rejects damaged hidden parts with bad_model", "[triage][model]") {
    const std::vector<uint8_t> good = fixtures::small_model().save();
    SECTION("a version 1 file cannot carry a hidden part") {
        std::vector<uint8_t> b = good;
        b[4] = 1;
        reseal(b);
        auto r = Model::load(b.data(), b.size());
        REQUIRE(!r.ok());
        CHECK(r.error().code == TriageErrc::bad_model);
        CHECK(r.error().detail == "unknown flags");
    }
    SECTION("an unknown flag bit") {
        std::vector<uint8_t> b = good;
        b[6] |= 0x04;
        reseal(b);
        auto r = Model::load(b.data(), b.size());
        REQUIRE(!r.ok());
        CHECK(r.error().detail == "unknown flags");
    }
    SECTION("trailing bytes after the payload") {
        std::vector<uint8_t> b = good;
        b.insert(b.end() - 4, uint8_t{0});
        reseal(b);
        auto r = Model::load(b.data(), b.size());
        REQUIRE(!r.ok());
        CHECK(r.error().code == TriageErrc::bad_model);
    }
    SECTION("the hidden part cut short, checksum resealed") {
        for (size_t cut : {1u, 7u, 64u, 300u}) {
            CAPTURE(cut);
            std::vector<uint8_t> b = good;
            REQUIRE(b.size() > cut + 4);
            b.erase(b.end() - 4 - cut, b.end() - 4);
            reseal(b);
            auto r = Model::load(b.data(), b.size());
            REQUIRE(!r.ok());
            CHECK(r.error().code == TriageErrc::bad_model);
        }
    }
    SECTION("a hidden dimension of 0 with the hidden flag set") {
        // The hidden section is the last one before the checksum: locate it by its size.
        const HiddenPart& h = fixtures::small_model().parts().hidden;
        const size_t classes = fixtures::small_model().num_classes();
        size_t key_bytes = 0;
        uint32_t prev = 0;
        for (uint32_t k : h.keys) {
            for (uint32_t v = k - prev; ; v >>= 7) { ++key_bytes; if (v < 0x80) break; }
            prev = k;
        }
        const size_t section = 2 + 4 + key_bytes + 4 * (2 * h.dim + h.dim * classes + classes) + h.embed.size();
        std::vector<uint8_t> b = good;
        const size_t at = b.size() - 4 - section;
        REQUIRE(b[at] == (h.dim & 0xFF));
        b[at] = 0;
        b[at + 1] = 0;
        reseal(b);
        auto r = Model::load(b.data(), b.size());
        REQUIRE(!r.ok());
        CHECK(r.error().detail == "hidden header");
    }
}

TEST_CASE("from_parts refuses an inconsistent hidden part", "[triage][model]") {
    ModelParts p = fixtures::small_model().parts();
    SECTION("embedding size") { p.hidden.embed.pop_back(); }
    SECTION("dense layer size") { p.hidden.out.pop_back(); }
    SECTION("keys out of order") { std::swap(p.hidden.keys.front(), p.hidden.keys.back()); }
    SECTION("rows without a dimension") { p.hidden.dim = 0; }
    auto r = Model::from_parts(p);
    REQUIRE(!r.ok());
    CHECK(r.error().code == TriageErrc::invalid_argument);
}
