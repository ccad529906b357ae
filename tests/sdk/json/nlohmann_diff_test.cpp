// parley::json against nlohmann/json 3.11, which the sdk used before (issue 6): both
// must accept the same texts, read the same values, and write the same bytes. Inputs
// are hand-picked edge cases plus seeded random documents, mutations and truncations,
// so a run is repeatable. nlohmann stays available natively for exactly this check.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "parley/json/parse.hpp"
#include "parley/json/value.hpp"

using parley::json::Type;
using parley::json::Value;

namespace {

using nl = nlohmann::json;            // what the sdk parsed with (std::map objects)
using onl = nlohmann::ordered_json;   // what it wrote with (insertion order)

// Same value? Objects compare by nlohmann's view: one entry per key, the last one.
bool same(const Value& a, const nl& b) {
    switch (a.type()) {
        case Type::null: return b.is_null();
        case Type::boolean: return b.is_boolean() && b.get<bool>() == a.as_bool();
        case Type::unsigned_integer: return b.is_number_unsigned() && b.get<std::uint64_t>() == a.as_unsigned();
        case Type::integer: return b.is_number_integer() && !b.is_number_unsigned() && b.get<std::int64_t>() == a.as_int();
        case Type::number: {
            if (!b.is_number_float()) return false;
            const double x = a.as_double(), y = b.get<double>();
            return std::memcmp(&x, &y, sizeof x) == 0;
        }
        case Type::string: return b.is_string() && b.get_ref<const std::string&>() == a.as_string();
        case Type::array:
            if (!b.is_array() || b.size() != a.size()) return false;
            for (std::size_t i = 0; i < a.size(); ++i)
                if (!same(a.elements()[i], b[i])) return false;
            return true;
        case Type::object: {
            if (!b.is_object()) return false;
            std::size_t unique = 0;
            for (const auto& m : a.members()) {
                if (a.find(m.key) != &m.value) continue;
                ++unique;
                auto it = b.find(m.key);
                if (it == b.end() || !same(m.value, *it)) return false;
            }
            return unique == b.size();
        }
    }
    return false;
}

onl to_nlohmann(const Value& v) {
    switch (v.type()) {
        case Type::null: return nullptr;
        case Type::boolean: return v.as_bool();
        case Type::integer: return v.as_int();
        case Type::unsigned_integer: return v.as_unsigned();
        case Type::number: return v.as_double();
        case Type::string: return v.as_string();
        case Type::array: {
            onl a = onl::array();
            for (const auto& e : v.elements()) a.push_back(to_nlohmann(e));
            return a;
        }
        case Type::object: {
            onl o = onl::object();
            for (const auto& m : v.members()) o[m.key] = to_nlohmann(m.value);
            return o;
        }
    }
    return nullptr;
}

void check_parse(const std::string& text) {
    CAPTURE(text);
    const nl theirs = nl::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    const auto ours = parley::json::parse(text);
    REQUIRE(ours.has_value() == !theirs.is_discarded());
    if (ours) CHECK(same(*ours, theirs));
}

void check_dump(const Value& v) {
    const std::string ours = v.dump();
    const std::string theirs = to_nlohmann(v).dump(-1, ' ', false, onl::error_handler_t::replace);
    CAPTURE(theirs);
    REQUIRE(ours == theirs);
}

// ---- random material -------------------------------------------------------------

struct Gen {
    std::mt19937_64 rng;
    explicit Gen(std::uint64_t seed) : rng(seed) {}
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(rng() % n); }

    // Any bytes, biased towards the interesting ones: escapes, controls, UTF-8 lead and
    // continuation bytes, surrogate encodings.
    std::string bytes(std::size_t max) {
        static const char* const kPieces[] = {
            "a", "Z", " ", "\"", "\\", "/", "\b", "\n", "\x01", "\x1f", "\x7f", "\x80", "\xBF",
            "\xC0", "\xC2", "\xC3\xA9", "\xDF", "\xE0", "\xE0\xA0", "\xE2\x82\xAC", "\xED",
            "\xED\xA0\x80", "\xEF\xBF\xBD", "\xF0", "\xF0\x9F\x98\x80", "\xF4\x8F", "\xF4\x90",
            "\xF5", "\xFF"};
        std::string s;
        const std::size_t n = below(max + 1);
        for (std::size_t i = 0; i < n; ++i) {
            if (below(4) == 0) s += static_cast<char>(rng());
            else s += kPieces[below(std::size(kPieces))];
        }
        return s;
    }

    double any_double() {
        switch (below(4)) {
            case 0: {  // any bit pattern (NaN and infinities are written as null)
                const std::uint64_t bits = rng();
                double d;
                std::memcpy(&d, &bits, sizeof d);
                return d;
            }
            case 1: return std::round(std::uniform_real_distribution<double>(0, 1)(rng) * 10000) / 10000;
            case 2: return std::ldexp(std::uniform_real_distribution<double>(-1, 1)(rng),
                                      static_cast<int>(below(200)) - 100);
            default: return static_cast<double>(static_cast<std::int64_t>(rng() >> below(64)));
        }
    }

    Value value(int depth) {
        switch (below(depth > 4 ? 7 : 9)) {
            case 0: return Value();
            case 1: return Value(below(2) == 0);
            case 2: return Value(static_cast<long long>(rng()) >> below(64));
            case 3: return Value(static_cast<unsigned long long>(rng() >> below(64)));
            case 4: return Value(any_double());
            case 5:
            case 6: return Value(bytes(12));
            case 7: {
                Value a = Value::array();
                for (std::size_t i = below(5); i > 0; --i) a.push_back(value(depth + 1));
                return a;
            }
            default: {
                Value o = Value::object();
                for (std::size_t i = below(5); i > 0; --i) o[bytes(4)] = value(depth + 1);
                return o;
            }
        }
    }

    // A JSON-looking text: tokens glued with little regard for the grammar.
    std::string tokens(std::size_t max) {
        static const char* const kTokens[] = {
            "{", "}", "[", "]", ",", ":", " ", "\t", "\n", "\r", "\v", "\"a\"", "\"k\"", "\"",
            "\\", "\\u", "\\uD800", "\\uDC00", "\\u0041", "\\n", "\\x", "0", "1", "-", "+",
            ".", "e", "E", "01", "-0", "1.5", "1e400", "18446744073709551616",
            "-9223372036854775809", "9223372036854775808", "true", "false", "null", "nul",
            "\xC3\xA9", "\xC3", "\x80", "\xED\xA0\x80", "\xEF\xBB\xBF", "\x01"};
        std::string s;
        const std::size_t n = below(max + 1);
        for (std::size_t i = 0; i < n; ++i) {
            if (below(40) == 0) s += '\0';
            else s += kTokens[below(std::size(kTokens))];
        }
        return s;
    }
};

}  // namespace

TEST_CASE("parse agrees with nlohmann on hand-picked edge cases", "[json][nlohmann]") {
    const std::string cases[] = {
        "", " ", "{}", "[]", "0", "-0", "-", "01", "1.", ".1", "1e5", "1E-5", "1e+", "+1",
        "1e309", "-1e309", "1e-400", "4.9e-324", "2.2250738585072014e-308", "1.7976931348623157e308",
        "18446744073709551615", "18446744073709551616", "-9223372036854775808",
        "-9223372036854775809", "123456789012345678901234567890", "0.30000000000000004",
        "true", "false", "null", "tru", "nulll", "\"\"", "\"", "\"\\u0000\"",
        "\"\\uD83D\\uDE00\"", "\"\\uD83D\"", "\"\\uDE00\"", "\"\\uD83D\\u0041\"", "\"\\ud83d\\ude00\"",
        "\"\\/\"", "\"\\a\"", "\"\x7F\"", "\"\x1F\"", "\"\xC0\x80\"", "\"\xED\xA0\x80\"",
        "\"\xF4\x90\x80\x80\"", "\"\xEF\xBB\xBF\"", "\xEF\xBB\xBF{}", "\xEF\xBB\xBF", "\xEF\xBB{}",
        "{\"a\":1,\"a\":2}", "{\"a\":[1],\"a\":{\"b\":2}}", "{\"a\":1,}", "[1,]", "[1 2]",
        "{\"a\" 1}", "{\"a\":1}x", "{} ", " {}", "{}\n\n", "[[[[[[[[]]]]]]]]", "[[[]]",
        std::string("[1]\0", 4), std::string("\"a\0b\"", 5), "\"\t\"", "\"a\\\nb\"",
    };
    for (const auto& text : cases) check_parse(text);
}

TEST_CASE("parse agrees with nlohmann on random documents, mutations and prefixes", "[json][nlohmann]") {
    Gen g(20261121);
    for (int round = 0; round < 3000; ++round) {
        // A valid document (non-finite doubles are written as null, still valid)...
        const std::string doc = g.value(0).dump();
        check_parse(doc);
        // ...cut short, with a byte changed, and spliced with a random token run.
        check_parse(doc.substr(0, g.below(doc.size() + 1)));
        std::string mutated = doc;
        if (!mutated.empty()) mutated[g.below(mutated.size())] = static_cast<char>(g.rng());
        check_parse(mutated);
        std::string spliced = doc;
        spliced.insert(g.below(spliced.size() + 1), g.tokens(3));
        check_parse(spliced);
        check_parse(g.tokens(12));
        check_parse("\"" + g.bytes(10) + "\"");
    }
}

TEST_CASE("dump agrees with nlohmann byte for byte", "[json][nlohmann]") {
    Gen g(6);
    for (int round = 0; round < 5000; ++round) check_dump(g.value(0));
    for (int round = 0; round < 20000; ++round) check_dump(Value(g.any_double()));
    for (int round = 0; round < 20000; ++round) check_dump(Value(g.bytes(16)));
}
