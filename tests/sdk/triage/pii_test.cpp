#include "parley/triage/pii.hpp"

#include <catch2/catch.hpp>

using namespace parley::triage;

TEST_CASE("luhn_valid checks the card checksum", "[triage][pii]") {
    CHECK(luhn_valid("4111111111111111"));
    CHECK(luhn_valid("5555555555554444"));
    CHECK(luhn_valid("378282246310005"));
    CHECK_FALSE(luhn_valid("4111111111111112"));
    CHECK_FALSE(luhn_valid("41111111x1111111"));
    CHECK_FALSE(luhn_valid("0"));
}

TEST_CASE("iban_valid checks ISO 13616 mod-97", "[triage][pii]") {
    CHECK(iban_valid("DE89370400440532013000"));
    CHECK(iban_valid("GB82 WEST 1234 5698 7654 32"));
    CHECK(iban_valid("fr1420041010050500013m02606"));
    CHECK_FALSE(iban_valid("DE89370400440532013001"));
    CHECK_FALSE(iban_valid("DE89"));
}

TEST_CASE("mask_pii masks e-mails, also inside URLs, but not look-alikes", "[triage][pii]") {
    auto [text, expected] = GENERATE(table<std::string, std::string>({
        {"mail me at Ann.Lee+shop@example.co.uk.", "mail me at [email]."},
        {"<a href=\"mailto:ann@example.com\">", "<a href=\"mailto:[email]\">"},
        {"https://app.example.com/invite?to=ann@example.com&x=1",
         "https://app.example.com/invite?to=[email]&x=1"},
        {"https://app.example.com/invite?to=ann%40example.com", "https://app.example.com/invite?to=[email]"},
        {"see https://medium.com/@ann/post", "see https://medium.com/@ann/post"},
        {"ssh to root@localhost", "ssh to root@localhost"},
        {"ping @team about it", "ping @team about it"},
        {"a@b.c is not valid", "a@b.c is not valid"},
    }));
    CAPTURE(text);
    CHECK(mask_pii(text) == expected);
}

TEST_CASE("mask_pii masks card numbers only when they pass Luhn", "[triage][pii]") {
    CHECK(mask_pii("card 4111 1111 1111 1111 exp 12/27") == "card [card] exp 12/27");
    CHECK(mask_pii("4111-1111-1111-1111") == "[card]");
    CHECK(mask_pii("amex 378282246310005.") == "amex [card].");
    CHECK(mask_pii("card 4111 1111 1111 1112") == "card 4111 1111 1111 1112");  // fails Luhn
    CHECK(mask_pii("order 1234567812345678") == "order 1234567812345678");      // fails Luhn
    MaskOptions keep;
    keep.keep_card_last4 = true;
    CHECK(mask_pii("4111 1111 1111 1111", keep) == "[card \xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2" "1111]");
}

TEST_CASE("mask_pii masks phone numbers in many formats", "[triage][pii]") {
    auto text = GENERATE(as<std::string>{},
        "+1 (555) 123-4567", "555-123-4567", "(555) 123 4567", "555.123.4567", "+44 20 7946 0958",
        "020 7946 0958", "06 12 34 56 78", "06.12.34.56.78", "+33612345678", "0033 6 12 34 56 78",
        "+49 30/1234567", "5551234567", "555-1234", "+91 98765 43210", "+1-555-123-4567");
    CAPTURE(text);
    CHECK(mask_pii("call " + text + " today") == "call [phone] today");
}

TEST_CASE("mask_pii leaves dates, times, amounts and ids that are not phones", "[triage][pii]") {
    for (const char* t : {"on 2024-03-15 at 12:30", "pi is 3.14159265", "order #12345678",
                          "paid $1 250 000 already", "version 10.2.3", "invoice INV-2024-0042",
                          "ticket 1234567", "on 15/03/2024", "between 9-17h"}) {
        CAPTURE(t);
        CHECK(mask_pii(t) == t);
    }
}

TEST_CASE("mask_pii masks valid IBANs, with or without spaces", "[triage][pii]") {
    CHECK(mask_pii("IBAN: DE89 3704 0044 0532 0130 00 thanks") == "IBAN: [iban] thanks");
    CHECK(mask_pii("send to GB82WEST12345698765432.") == "send to [iban].");
    CHECK(mask_pii("DE89 3704 0044 0532 0130 01") != "[iban]");  // bad checksum
}

TEST_CASE("find_pii reports kinds and byte spans in order", "[triage][pii]") {
    const std::string text = "Ann (ann@example.com, +33 6 12 34 56 78) paid with 4111111111111111";
    const auto spans = find_pii(text);
    REQUIRE(spans.size() == 3);
    CHECK(spans[0].kind == PiiKind::email);
    CHECK(text.substr(spans[0].begin, spans[0].end - spans[0].begin) == "ann@example.com");
    CHECK(spans[1].kind == PiiKind::phone);
    CHECK(text.substr(spans[1].begin, spans[1].end - spans[1].begin) == "+33 6 12 34 56 78");
    CHECK(spans[2].kind == PiiKind::card);
}

TEST_CASE("mask options switch kinds off, and text around matches stays intact", "[triage][pii]") {
    MaskOptions o;
    o.phone = false;
    CHECK(mask_pii("ann@example.com or 555-123-4567", o) == "[email] or 555-123-4567");
    CHECK(mask_pii("écrivez à zoé@example.com") == "écrivez à zoé@example.com");  // non-ASCII local part: left alone
    CHECK(mask_pii("écrivez à zoe@example.com ✉") == "écrivez à [email] ✉");
    CHECK(mask_pii("") == "");
}

TEST_CASE("masking with spans found once equals masking from the text", "[triage][pii]") {
    const std::string text = "card 4111 1111 1111 1111, mail ada@example.com, call +44 20 7946 0958";
    MaskOptions only_card;
    only_card.email = only_card.phone = only_card.iban = false;
    for (const MaskOptions& o : {MaskOptions{}, only_card}) {
        CHECK(mask_pii(text, find_pii(text), o) == mask_pii(text, o));
    }
    CHECK(mask_pii(text, {}, MaskOptions{}) == text);  // no spans: nothing masked
}

// ---- look-alikes (issue 15): the same card, phone or address in other characters -----

TEST_CASE("mask_pii masks cards grouped by dots, slashes, Unicode spaces or dashes", "[triage][pii][lookalike]") {
    auto [how, card] = GENERATE(table<std::string, std::string>({
        {"dots", "4111.1111.1111.1111"},
        {"slashes", "4111/1111/1111/1111"},
        {"no-break spaces U+00A0", "4111\u00A01111\u00A01111\u00A01111"},
        {"narrow no-break spaces U+202F", "4111\u202F1111\u202F1111\u202F1111"},
        {"figure spaces U+2007", "4111\u20071111\u20071111\u20071111"},
        {"thin spaces U+2009", "4111\u20091111\u20091111\u20091111"},
        {"ideographic spaces U+3000", "4111\u30001111\u30001111\u30001111"},
        {"en dashes", "4111\u20131111\u20131111\u20131111"},
        {"zero-width spaces", "4111\u200B1111\u200B1111\u200B1111"},
        {"soft hyphens", "4111\u00AD1111\u00AD1111\u00AD1111"},
        {"a bidi override", "4111\u202E1111 1111 1111"},
        {"mixed separators", "4111.1111 1111-1111"},
        {"amex in dots", "3782.822463.10005"},
    }));
    CAPTURE(how);
    CHECK(mask_pii("card " + card + " thanks") == "card [card] thanks");
}

TEST_CASE("mask_pii masks cards written in full-width and other Unicode digits", "[triage][pii][lookalike]") {
    auto [how, card] = GENERATE(table<std::string, std::string>({
        {"full-width", "４１１１１１１１１１１１１１１１"},
        {"full-width, ideographic spaces", "４１１１　１１１１　１１１１　１１１１"},
        {"full-width, full-width dashes", "４１１１－１１１１－１１１１－１１１１"},
        {"Arabic-Indic", "٤١١١ ١١١١ ١١١١ ١١١١"},
        {"Devanagari", "४१११ ११११ ११११ ११११"},
        {"mathematical bold", "\U0001D7D2\U0001D7CF\U0001D7CF\U0001D7CF 1111 1111 1111"},
        {"mixed digits and separators", "４１１１.1111\u00A0１１１１/1111"},
    }));
    CAPTURE(how);
    CHECK(mask_pii("card " + card + " thanks") == "card [card] thanks");
}

TEST_CASE("look-alike numbers that are not cards stay as they are", "[triage][pii][lookalike]") {
    for (const char* t : {
             "card ４１１１ １１１１ １１１１ １１１２ fails Luhn",
             "card 4111.1111.1111.1112 fails Luhn",
             "card 4111\u00A01111\u00A01111\u00A01112 fails Luhn",
             "stay 2024-03-01/2024-03-09",   // digits pass Luhn: a date range, not a card
             "stay 01.03.2024-09.03.2024",   // the same, day first
             "x = 41111111.11111111",        // a decimal, whatever its digits
             "prix : 1\u00A0250\u00A0000\u00A0€", // thousands with no-break spaces: no phone
             "le ２０２４－０３－１５ à 12:30",  // a full-width date: no phone
             "version ４.２.１"}) {
        CAPTURE(t);
        CHECK(mask_pii(t) == t);
    }
}

TEST_CASE("an invisible character between a word and a card still parts them", "[triage][pii][lookalike]") {
    CHECK(mask_pii("x\u200B4111 1111 1111 1111") == "x\u200B[card]");
    CHECK(mask_pii("4111 1111 1111 1111\u200Bx") == "[card]\u200Bx");
}

TEST_CASE("mask_pii keeps the last four of a look-alike card as ASCII digits", "[triage][pii][lookalike]") {
    MaskOptions keep;
    keep.keep_card_last4 = true;
    CHECK(mask_pii("４１１１ １１１１ １１１１ １１１１!", keep) ==
          "[card \xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2" "1111]!");
    CHECK(mask_pii("5555\u00A05555\u00A05555\u00A04444", keep) ==
          "[card \xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2" "4444]");
}

TEST_CASE("find_pii reports the original bytes of a look-alike match", "[triage][pii][lookalike]") {
    const std::string card = "４１１１\u00A01111\u200B1111-1111";
    const std::string text = "é " + card + "\u200B é";
    const auto spans = find_pii(text);
    REQUIRE(spans.size() == 1);
    CHECK(spans[0].kind == PiiKind::card);
    CHECK(text.substr(spans[0].begin, spans[0].end - spans[0].begin) == card);
}

TEST_CASE("mask_pii masks look-alike phones, e-mails and IBANs", "[triage][pii][lookalike]") {
    auto [text, expected] = GENERATE(table<std::string, std::string>({
        {"call ０６ １２ ３４ ５６ ７８ today", "call [phone] today"},
        {"call +33\u00A06\u00A012\u00A034\u00A056\u00A078 today", "call [phone] today"},
        {"call ＋４４ ２０ ７９４６ ０９５８ today", "call [phone] today"},
        {"mail jane＠example.com now", "mail [email] now"},
        {"mail ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ now", "mail [email] now"},
        {"mail jane\uFE6Bexample.com now", "mail [email] now"},
        {"mail jane@example\u3002com now", "mail [email] now"},
        {"mail ja\u200Bne@exa\u200Bmple.com now", "mail [email] now"},
        {"IBAN DE89\u00A03704\u00A00044\u00A00532\u00A00130\u00A000 ok", "IBAN [iban] ok"},
    }));
    CAPTURE(text);
    CHECK(mask_pii(text) == expected);
}
