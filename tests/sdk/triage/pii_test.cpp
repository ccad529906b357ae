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
