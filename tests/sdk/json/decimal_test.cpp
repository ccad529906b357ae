// Numbers with a fraction or exponent (sdk/src/json/decimal.cpp): every one must read
// as the very double strtod gives (what nlohmann used), ties to even, overflow refused.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

#include "parley/json/parse.hpp"

namespace {

// The parser's double, or NaN when it refused the text.
double ours(const std::string& text) {
    auto v = parley::json::parse(text);
    if (!v) return std::nan("");
    REQUIRE(v->is_number());
    return v->as_double();
}

void check(const std::string& text) {
    CAPTURE(text);
    const double want = std::strtod(text.c_str(), nullptr);
    const double got = ours(text);
    if (!std::isfinite(want)) {
        CHECK(std::isnan(got));  // refused: "number overflow"
        return;
    }
    std::uint64_t a, b;
    std::memcpy(&a, &want, sizeof a);
    std::memcpy(&b, &got, sizeof b);
    REQUIRE(a == b);
}

}  // namespace

TEST_CASE("decimal numbers round to the nearest double, ties to even", "[json]") {
    const char* const cases[] = {
        "0.0", "-0.0", "0e0", "-0e-5", "1.0", "0.1", "0.87", "0.9123", "1e22", "1e23",
        "9007199254740993",        // 2^53 + 1: a tie, to even (down)
        "9007199254740995",        // 2^53 + 3: a tie, to even (up)
        "9007199254740993.0000000000000000000000001",  // just above the tie: up
        "18446744073709551616", "123456789012345678901234567890",
        "1.7976931348623157e308",  // DBL_MAX
        "1.7976931348623158e308",  // rounds down to DBL_MAX
        "1.7976931348623159e308",  // rounds to infinity: refused
        "2.2250738585072014e-308", "2.2250738585072011e-308",  // around the smallest normal
        "4.9406564584124654e-324", "2.4703282292062328e-324",  // the smallest subnormal
        "2.4703282292062327e-324", "1e-400", "1e400", "-1e400",
        "0.000000000000000000000000000000000000000000000000000000001",
        "7.2057594037927933e16", "5e-324", "3e-324", "1e-323",
        "8.988465674311579e307", "4.4501477170144023e-308", "2.2250738585072012e-308",
        "1.00000000000000011102230246251565404236316680908203125",   // exactly halfway
        "1.00000000000000011102230246251565404236316680908203124",
        "1.00000000000000011102230246251565404236316680908203126",
    };
    for (const char* text : cases) check(text);
}

TEST_CASE("a number of 800 digits and more rounds like strtod", "[json]") {
    // Exactly the midpoint between 1 and the next double, then one more nonzero digit
    // far beyond the 800 kept: must round up.
    std::string tie = "1.00000000000000011102230246251565404236316680908203125";
    check(tie + std::string(1000, '0'));
    check(tie + std::string(1000, '0') + "1");
    check(std::string(900, '9') + "e-600");
    check("0." + std::string(900, '0') + "1e900");
    check(std::string(310, '1'));
}

TEST_CASE("random decimal texts read as strtod reads them", "[json]") {
    std::mt19937_64 rng(1121);
    auto digits = [&](std::size_t n) {
        std::string s;
        for (std::size_t i = 0; i < n; ++i) s += static_cast<char>('0' + rng() % 10);
        return s;
    };
    for (int round = 0; round < 100000; ++round) {
        std::string text = (rng() % 2) ? "-" : "";
        std::string head = digits(1 + rng() % 20);
        while (head.size() > 1 && head[0] == '0') head.erase(0, 1);
        text += head;
        // A fraction, an exponent or both: plain integers that fit 64 bits are integers.
        const auto form = rng() % 3;
        if (form != 1) text += "." + digits(1 + rng() % 25);
        if (form != 0) text += "e" + std::to_string(static_cast<int>(rng() % 700) - 350);
        check(text);
    }
    // Shortest round-trip images of random doubles, written by the same library.
    for (int round = 0; round < 100000; ++round) {
        const std::uint64_t bits = rng();
        double d;
        std::memcpy(&d, &bits, sizeof d);
        if (!std::isfinite(d)) continue;
        check(parley::json::Value(d).dump());
    }
}
