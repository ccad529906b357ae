#include "parley/triage/normalize.hpp"

#include <catch2/catch.hpp>

using parley::triage::normalize;
using parley::triage::tokens;

TEST_CASE("normalize folds case and strips accents across scripts", "[triage][normalize]") {
    auto [input, expected] = GENERATE(table<std::string, std::string>({
        {"Hello World", "hello world"},
        {"Ça coûte COMBIEN ?", "ca coute combien"},
        {"Straße", "strasse"},
        {"ŁÓDŹ Żółć", "lodz zolc"},
        {"Œuvre Æsir", "oeuvre aesir"},
        {"ΚΑΛΗΜΈΡΑ", "καλημερα"},
        {"Привет ЁЖ", "привет еж"},
        {"ﬁ", "ﬁ"},                                          // unknown letters pass through
        {"Cafe\xCC\x81", "cafe"},                             // decomposed é (NFD)
        {"ＨＥＬＬＯ！", "hello"},                             // fullwidth
    }));
    CAPTURE(input);
    CHECK(normalize(input) == expected);
}

TEST_CASE("normalize turns punctuation into single spaces and joins apostrophes", "[triage][normalize]") {
    CHECK(normalize("  don't   stop!!!  ") == "dont stop");
    CHECK(normalize("don\xE2\x80\x99t") == "dont");                      // ’
    CHECK(normalize("sign-up/log_in (now)...") == "sign up log in now");
    CHECK(normalize("\xC2\xBFQu\xC3\xA9 tal?") == "que tal");             // ¿Qué tal?
    CHECK(normalize("\xE2\x80\x9Cquoted\xE2\x80\x9D \xE2\x80\x94 dash") == "quoted dash");
    CHECK(normalize("").empty());
    CHECK(normalize("?!...").empty());
}

TEST_CASE("normalize collapses each digit run into the token 0", "[triage][normalize]") {
    CHECK(normalize("I paid $1,299.00 on 2024-03-05") == "i paid 0 0 0 on 0 0 0");
    CHECK(normalize("3d secure") == "0d secure");
    CHECK(normalize("order #A1B2") == "order a0b0");
    CHECK(normalize("\xD9\xA3\xD9\xA4") == "0");  // Arabic-Indic digits
}

TEST_CASE("normalize keeps each emoji as its own token", "[triage][normalize]") {
    CHECK(normalize("thanks\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD") == "thanks \xF0\x9F\x91\x8D");  // 👍🏽 → 👍
    CHECK(normalize("\xE2\x9D\xA4\xEF\xB8\x8F\xE2\x9D\xA4") == "\xE2\x9D\xA4 \xE2\x9D\xA4");   // ❤️❤
}

TEST_CASE("normalize drops invalid UTF-8 instead of failing", "[triage][normalize]") {
    CHECK(normalize("ab\xFF" "cd") == "abcd");
    CHECK(normalize("x\xC3") == "x");               // truncated sequence
    CHECK(normalize("\xC0\xAF" "ok") == "ok");      // overlong '/'
    CHECK(normalize("\xED\xA0\x80" "ok") == "ok");  // surrogate
}

TEST_CASE("tokens splits normalised text on spaces", "[triage][normalize]") {
    const auto t = tokens("a bb ccc");
    REQUIRE(t.size() == 3);
    CHECK(t[0] == "a");
    CHECK(t[2] == "ccc");
    CHECK(tokens("").empty());
}
