// parley::json::parse, read as a specification (parse.hpp). Byte-level cases: every
// one says whether the text is one JSON document and, when it is, what it holds.
#include <catch2/catch.hpp>

#include <string>

#include "parley/json/parse.hpp"

using namespace std::string_literals;
using parley::json::parse;
using parley::json::Type;
using parley::json::Value;

namespace {

bool accepts(const std::string& text) { return parse(text).has_value(); }

Type type_of(const std::string& text) {
    auto v = parse(text);
    REQUIRE(v);
    return v->type();
}

std::string string_of(const std::string& text) {
    auto v = parse(text);
    REQUIRE(v);
    REQUIRE(v->is_string());
    return v->as_string();
}

}  // namespace

TEST_CASE("a document is one value with optional white space around it", "[json]") {
    const auto [text, ok] = GENERATE(table<std::string, bool>({
        {"{}", true}, {" \t\r\n{} \t\r\n", true}, {"[]", true}, {"0", true}, {"\"\"", true},
        {"true", true}, {"false", true}, {"null", true},
        {"", false}, {"   ", false}, {"{} {}", false}, {"{},", false}, {"\v{}", false},
        {"\f{}", false}, {"tru", false}, {"True", false}, {"nul", false}, {"nulll", false},
        {"{}\0"s, true}, {"{} \0 junk"s, true},  // a NUL after the value ends the text
        {"\0{}"s, false}, {"[1,\0]"s, false},
        {"\xEF\xBB\xBF{}", true},     // a byte-order mark, only first
        {" \xEF\xBB\xBF{}", false},
        {"\xEF\xBB{}", false},
    }));
    CAPTURE(text);
    CHECK(accepts(text) == ok);
}

TEST_CASE("objects and arrays: commas between, never trailing", "[json]") {
    const auto [text, ok] = GENERATE(table<std::string, bool>({
        {R"({"a":1,"b":[1,2,{}]})", true}, {R"({ "a" : 1 , "b" : 2 })", true},
        {R"([1,2,])", false}, {R"([,1])", false}, {R"({"a":1,})", false}, {R"({,})", false},
        {R"({"a"})", false}, {R"({"a":})", false}, {R"({a:1})", false}, {R"({1:1})", false},
        {R"({'a':1})", false}, {R"([1 2])", false}, {R"({"a":1 "b":2})", false},
        {"[", false}, {"{", false}, {"]", false}, {"[1", false}, {R"({"a":1)", false},
        {"[1]]", false}, {"{}}", false},
    }));
    CAPTURE(text);
    CHECK(accepts(text) == ok);
}

TEST_CASE("numbers follow RFC 8259 strictly", "[json]") {
    const auto [text, ok] = GENERATE(table<std::string, bool>({
        {"0", true}, {"-0", true}, {"12", true}, {"-12", true}, {"1.5", true}, {"-1.5e3", true},
        {"1E+2", true}, {"1e-2", true}, {"0.0", true},
        {"01", false}, {"-01", false}, {"+1", false}, {"1.", false}, {".5", false},
        {"1e", false}, {"1e+", false}, {"-", false}, {"--1", false}, {"1.5.2", false},
        {"0x10", false}, {"NaN", false}, {"Infinity", false}, {"-Infinity", false},
        {"1e999", false}, {"-1e999", false},  // overflow to infinity is refused
        {"1e-999", true},                     // underflow is zero
    }));
    CAPTURE(text);
    CHECK(accepts(text) == ok);
}

TEST_CASE("integers keep nlohmann's three kinds of number", "[json]") {
    CHECK(type_of("0") == Type::unsigned_integer);
    CHECK(type_of("18446744073709551615") == Type::unsigned_integer);
    CHECK(type_of("18446744073709551616") == Type::number);  // beyond 64 bits: a double
    CHECK(type_of("-1") == Type::integer);
    CHECK(type_of("-0") == Type::integer);
    CHECK(type_of("-9223372036854775808") == Type::integer);
    CHECK(type_of("-9223372036854775809") == Type::number);
    CHECK(type_of("1.0") == Type::number);
    CHECK(type_of("1e2") == Type::number);

    CHECK(parse("-9223372036854775808")->as_int() == INT64_MIN);
    CHECK(parse("18446744073709551615")->as_unsigned() == UINT64_MAX);
    CHECK(parse("18446744073709551616")->as_double() == 18446744073709551616.0);
    CHECK(parse("0.1")->as_double() == 0.1);
    CHECK(parse("1e-999")->as_double() == 0.0);
}

TEST_CASE("strings: escapes", "[json]") {
    CHECK(string_of(R"("\"\\\/\b\f\n\r\t")") == "\"\\/\b\f\n\r\t");
    CHECK(string_of(R"("\u0041\u00e9\u20AC")") == "A\xC3\xA9\xE2\x82\xAC");
    CHECK(string_of(R"("\u0000")") == std::string(1, '\0'));
    CHECK(string_of(R"("\uD83D\uDE00")") == "\xF0\x9F\x98\x80");  // a surrogate pair
    CHECK(string_of(R"("\udbff\udfff")") == "\xF4\x8F\xBF\xBF");

    const auto [text, ok] = GENERATE(table<std::string, bool>({
        {R"("\x")", false}, {R"("\a")", false}, {R"("\')", false}, {R"("\U0041")", false},
        {R"("\u12")", false}, {R"("\u12G4")", false}, {R"("\u")", false}, {"\"\\", false},
        {R"("\uD800")", false},          // a lone high surrogate
        {R"("\uD800x")", false},
        {R"("\uD800\n")", false},
        {R"("\uD800\u0041")", false},    // not followed by a low one
        {R"("\uD800\uD800")", false},
        {R"("\uDC00")", false},          // a lone low surrogate
        {R"("\uDFFF\uD800")", false},
    }));
    CAPTURE(text);
    CHECK(accepts(text) == ok);
}

TEST_CASE("strings: raw bytes must be well-formed UTF-8 without control characters", "[json]") {
    const auto [text, ok] = GENERATE(table<std::string, bool>({
        {"\"\x7F\"", true},                       // DEL is not a control character here
        {"\"\xC3\xA9\"", true}, {"\"\xE2\x82\xAC\"", true}, {"\"\xF0\x9F\x98\x80\"", true},
        {"\"\xF4\x8F\xBF\xBF\"", true},           // U+10FFFF
        {"\"\xED\x9F\xBF\"", true},               // U+D7FF
        {"\"\xEE\x80\x80\"", true},               // U+E000
        {"\"\x01\"", false}, {"\"\x1F\"", false}, {"\"a\nb\"", false}, {"\"\t\"", false},
        {"\"\0\""s, false},
        {"\"\x80\"", false},                      // a lone continuation byte
        {"\"\xC3\"", false},                      // truncated before the quote
        {"\"\xC3", false},
        {"\"\xC0\xAF\"", false}, {"\"\xC1\xBF\"", false},  // overlong 2-byte
        {"\"\xE0\x80\xAF\"", false}, {"\"\xE0\x9F\xBF\"", false},  // overlong 3-byte
        {"\"\xF0\x80\x80\xAF\"", false}, {"\"\xF0\x8F\xBF\xBF\"", false},  // overlong 4-byte
        {"\"\xED\xA0\x80\"", false}, {"\"\xED\xBF\xBF\"", false},  // encoded surrogates
        {"\"\xF4\x90\x80\x80\"", false},          // beyond U+10FFFF
        {"\"\xF5\x80\x80\x80\"", false}, {"\"\xFF\"", false}, {"\"\xFE\"", false},
        {"\"\xE2\x82\"", false}, {"\"\xE2\x28\xA1\"", false},
    }));
    CAPTURE(text);
    CHECK(accepts(text) == ok);
}

TEST_CASE("a repeated key: both kept, find() gives the last", "[json]") {
    auto v = parse(R"({"a":1,"b":2,"a":{"x":true}})");
    REQUIRE(v);
    CHECK(v->size() == 3);
    REQUIRE(v->find("a"));
    CHECK(v->find("a")->is_object());
    CHECK(v->find("b")->as_int() == 2);
    CHECK(v->find("c") == nullptr);
    CHECK(Value(1).find("a") == nullptr);  // not an object
}

TEST_CASE("nesting deeper than the limit is refused", "[json]") {
    auto nested = [](int depth) { return std::string(depth, '[') + std::string(depth, ']'); };
    CHECK(accepts(nested(256)));
    CHECK_FALSE(accepts(nested(257)));
    CHECK(parse(nested(16), 16));
    CHECK_FALSE(parse(nested(17), 16));
    CHECK_FALSE(parse("{\"a\":" + nested(16) + "}", 16));
    CHECK_FALSE(accepts(std::string(100000, '[')));  // refused without running out of stack
}

TEST_CASE("any prefix of a document is refused, without crashing", "[json]") {
    const std::string doc = R"({"a":[1,-2.5e3,"x\u00e9\ud83d\ude00y",true,false,null,{}],"b":"é"})";
    REQUIRE(accepts(doc));
    for (std::size_t n = 0; n < doc.size(); ++n) {
        CAPTURE(n);
        CHECK_FALSE(accepts(doc.substr(0, n)));
    }
}
