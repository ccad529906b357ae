// fold_case (relay/core/text_fold.hpp): the form in which the inbox search compares a
// query with a text. Unicode full case folding and NFC, accents kept; invalid UTF-8
// folded around, never refused.
#include <catch2/catch.hpp>

#include "core/text_fold.hpp"

using parley::relay::fold_case;

TEST_CASE("folding lower-cases letters of every script and spells ß as ss", "[search][fold]") {
    const auto [text, folded] = GENERATE(table<std::string, std::string>({
        {"Where is my PARCEL 4711?", "where is my parcel 4711?"},
        {"ÉLODIE", "élodie"},
        {"Élodie", "élodie"},
        {"ÇA", "ça"},
        {"Straße", "strasse"},
        {"STRASSE", "strasse"},
        {"ẞ", "ss"},                          // capital sharp s
        {"ΤΈΛΟΣ τέλος", "τέλοσ τέλοσ"},       // final sigma folds as sigma
        {"ЗАКАЗ Ёлка", "заказ ёлка"},
        {"ﬁle", "file"},                      // the ligature's full folding
        {"", ""},
    }));
    CAPTURE(text);
    CHECK(fold_case(text) == folded);
}

TEST_CASE("folding composes decomposed letters, so both spellings of é are the same", "[search][fold]") {
    CHECK(fold_case("E\xcc\x81lodie") == fold_case("Élodie"));  // "E" + U+0301
    CHECK(fold_case("e\xcc\x81") == "\xc3\xa9");
}

TEST_CASE("folding keeps accents and compatibility forms apart", "[search][fold]") {
    CHECK(fold_case("Élodie") != fold_case("Elodie"));
    CHECK(fold_case("schön") != fold_case("schon"));
    CHECK(fold_case("ＡＢ") == "ａｂ");  // fullwidth stays fullwidth (NFC, not NFKC)
}

TEST_CASE("folding text that is not valid UTF-8 folds the valid runs and keeps the other bytes",
          "[search][fold]") {
    CHECK(fold_case("PARCEL \xff É") == "parcel \xff é");
    CHECK(fold_case("\xc3") == "\xc3");                       // a lead byte, then nothing
    CHECK(fold_case("ÉA\xe2\x82") == "éa\xe2\x82");           // cut in the middle of "€"
    CHECK(fold_case("\xed\xa0\x80X") == "\xed\xa0\x80x");     // an encoded surrogate
    CHECK(fold_case("\xc0\xaf" "A") == "\xc0\xaf" "a");        // an overlong "/"
    CHECK(fold_case(std::string("A\0B", 3)) == std::string("a\0b", 3));
}
