// The triage C API (parley/triage_c_api.h): what the Wasm module exports to the widget.
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "parley/triage_c_api.h"
#include "triage_fixtures.hpp"

using nlohmann::json;

namespace {

struct Handle {
    parley_triage* t = nullptr;
    explicit Handle(const std::vector<uint8_t>& bytes) : t(parley_triage_load(bytes.data(), bytes.size())) {}
    ~Handle() { parley_triage_free(t); }
};

}  // namespace

TEST_CASE("triage C API: a model loads from bytes and analyses a message", "[triage][c_api]") {
    Handle h(fixtures::small_model().save());
    REQUIRE(h.t != nullptr);
    CHECK(std::string(parley_triage_load_error()).empty());

    const json a = json::parse(parley_triage_analyze(h.t, "I want a refund, card 4111 1111 1111 1111", 3));
    CHECK(a["intent"] == "refund");
    CHECK(a["confidence"].get<double>() > 0.3);
    REQUIRE(a["top"].size() == 3);
    CHECK(a["top"][0]["label"] == "refund");
    CHECK(a["top"][0]["confidence"] == a["confidence"]);
    CHECK(a["signals"] == json::array({"pii"}));
    CHECK(a["pii"] == json::array({"card"}));

    SECTION("confidences have four decimals, the same as the model's rounded") {
        const double c = a["confidence"].get<double>();
        CHECK(c * 10000 == Approx(static_cast<double>(static_cast<long>(c * 10000 + 0.5))));
    }
    SECTION("signals") {
        const json b = json::parse(parley_triage_analyze(h.t, "I want to talk to a human NOW!!", 1));
        CHECK(b["top"].size() == 1);
        CHECK(b["signals"][0] == "human");
    }
    SECTION("top_k below 1 counts as 1") {
        CHECK(json::parse(parley_triage_analyze(h.t, "refund", 0))["top"].size() == 1);
    }
}

TEST_CASE("triage C API: bad bytes give NULL and a reason, never a crash", "[triage][c_api]") {
    std::vector<uint8_t> bytes = fixtures::small_model().save();
    bytes[bytes.size() / 2] ^= 0x5A;  // the checksum no longer holds
    CHECK(parley_triage_load(bytes.data(), bytes.size()) == nullptr);
    CHECK(std::string(parley_triage_load_error()).rfind("bad_model", 0) == 0);
    CHECK(parley_triage_load(nullptr, 0) == nullptr);
    CHECK(parley_triage_load(bytes.data(), 3) == nullptr);
    CHECK(json::parse(parley_triage_analyze(nullptr, "x", 1)).contains("error"));
    parley_triage_free(nullptr);  // allowed
}

TEST_CASE("triage C API: mask replaces only the listed kinds", "[triage][c_api][pii]") {
    const char* text = "card 4111 1111 1111 1111, mail ada@example.com";
    CHECK(std::string(parley_triage_mask(text, "card")) == "card [card], mail ada@example.com");
    CHECK(std::string(parley_triage_mask(text, "card,email")) == "card [card], mail [email]");
    CHECK(std::string(parley_triage_mask(text, " email , card ")) == "card [card], mail [email]");
    CHECK(std::string(parley_triage_mask(text, "all")) == "card [card], mail [email]");
    CHECK(std::string(parley_triage_mask(text, "")) == text);
    CHECK(std::string(parley_triage_mask(text, "none")) == text);
    CHECK(parley_triage_mask(text, "cards") == nullptr);  // unknown kind: refused
    CHECK(parley_triage_mask(nullptr, "card") == nullptr);
}
