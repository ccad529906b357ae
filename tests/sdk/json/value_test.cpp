// parley::json::Value and its writer, read as a specification (value.hpp).
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>

#include "parley/json/parse.hpp"
#include "parley/json/value.hpp"

using parley::json::Value;

TEST_CASE("objects keep insertion order; assigning an existing key replaces in place", "[json]") {
    Value j = Value::object();
    j["v"] = 1;
    j["type"] = "hello";
    j["z"] = true;
    j["type"] = "send";
    CHECK(j.dump() == R"({"v":1,"type":"send","z":true})");
}

TEST_CASE("scalars and containers are written compactly", "[json]") {
    Value j = Value::object();
    j["n"] = nullptr;
    j["t"] = true;
    j["f"] = false;
    j["i"] = -42;
    j["l"] = std::numeric_limits<long long>::min();
    j["u"] = std::numeric_limits<unsigned long long>::max();
    j["s"] = std::string("x");
    j["a"] = std::vector<std::string>{"p", "q"};
    j["e"] = Value::array();
    j["o"] = Value::object();
    CHECK(j.dump() == R"({"n":null,"t":true,"f":false,"i":-42,"l":-9223372036854775808,)"
                      R"("u":18446744073709551615,"s":"x","a":["p","q"],"e":[],"o":{}})");
    CHECK(Value().dump() == "null");
}

TEST_CASE("doubles are written in shortest round-trip form", "[json]") {
    const auto [d, text] = GENERATE(table<double, std::string>({
        {0.0, "0.0"}, {-0.0, "-0.0"}, {1.0, "1.0"}, {0.5, "0.5"}, {0.9123, "0.9123"},
        {0.1, "0.1"}, {100.0, "100.0"}, {1e14, "100000000000000.0"}, {1e15, "1e+15"},
        {1e-5, "1e-05"}, {0.0001, "0.0001"}, {1.5e300, "1.5e+300"}, {-2.5e-7, "-2.5e-07"},
        {123456.789, "123456.789"},
    }));
    CAPTURE(d);
    CHECK(Value(d).dump() == text);
    CHECK(Value(std::numeric_limits<double>::infinity()).dump() == "null");
    CHECK(Value(std::nan("")).dump() == "null");
}

TEST_CASE("strings: only quote, backslash and control characters are escaped", "[json]") {
    CHECK(Value("a\"b\\c/d").dump() == R"("a\"b\\c/d")");
    CHECK(Value("\b\f\n\r\t").dump() == R"("\b\f\n\r\t")");
    CHECK(Value(std::string("\x00\x01\x1f\x7f", 4)).dump() == "\"\\u0000\\u0001\\u001f\x7f\"");
    CHECK(Value("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80").dump() ==
          "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"");
}

TEST_CASE("strings: each ill-formed UTF-8 part becomes one U+FFFD", "[json]") {
    const std::string R = "\xEF\xBF\xBD";
    const auto [raw, written] = GENERATE_COPY(table<std::string, std::string>({
        {"\x80", R}, {"a\xFFz", "a" + R + "z"}, {"\xC3", R}, {"x\xE2\x82", "x" + R},
        {"\xE2\x28\xA1", R + "(" + R},           // the breaking byte is read again
        {"\xC0\xAF", R + R}, {"\xED\xA0\x80", R + R + R}, {"\xF0\x80\x80\x80", R + R + R + R},
        {"\xF4\x90\x80\x80", R + R + R + R}, {"\xF0\x9F\x98", R}, {"\xF0\x9F\x98\x80\x80", "\xF0\x9F\x98\x80" + R},
        {"\xC3\n", R + "\\n"},
    }));
    CAPTURE(raw);
    CHECK(Value(raw).dump() == "\"" + written + "\"");
}

TEST_CASE("a parsed document is written back unchanged when it was compact", "[json]") {
    const std::string text =
        R"({"v":1,"type":"msg","n":-3,"f":0.87,"s":"a\"\\\n\u0001é","a":[true,false,null,[],{}]})";
    auto v = parley::json::parse(text);
    REQUIRE(v);
    CHECK(v->dump() == text);
}

TEST_CASE("reading a value as the wrong type gives a neutral value", "[json]") {
    CHECK_FALSE(Value("x").as_bool());
    CHECK(Value("x").as_int() == 0);
    CHECK(Value(true).as_string().empty());
    CHECK(Value(3).as_double() == 3.0);
    CHECK(Value(2.9).as_int() == 2);
    CHECK(Value(-1).as_unsigned() == UINT64_MAX);
    CHECK(Value(7).size() == 0);
}
