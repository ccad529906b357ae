// Entities taken from a visitor's message for personalised replies.
#include <catch2/catch.hpp>

#include "entities.hpp"

using namespace parley::bot;

TEST_CASE("Order numbers, amounts, e-mail addresses and products are found in a message", "[bot][entities]") {
    const std::vector<std::string> products = {"Starter", "Pro", "Shopify app"};
    using R = std::tuple<const char*, const char*, const char*>;
    auto [text, kind, value] = GENERATE(table<const char*, const char*, const char*>({
        R{"I was charged twice for order #48213", "order", "48213"},
        R{"order number: A-10442 never arrived", "order", "A-10442"},
        R{"invoice INV-2041 has the wrong name", "order", "INV-2041"},
        R{"see #99812", "order", "99812"},
        R{"why was I charged $49 this month", "amount", "$49"},
        R{"a refund of 120.50 EUR please", "amount", "120.50 EUR"},
        R{"€19,99 twice", "amount", "€19,99"},
        R{"write to ada@example.com please", "email", "ada@example.com"},
        R{"my address is [email]", "email", "[email]"},
        R{"is the shopify app free?", "product", "Shopify app"},
        R{"upgrade to pro please", "product", "Pro"},
    }));
    CAPTURE(text);
    const Entities e = extract_entities(text, products);
    REQUIRE(e.count(kind) == 1);
    CHECK(e.at(kind) == value);
}

TEST_CASE("Words that only contain a product name or digits are not entities", "[bot][entities]") {
    const Entities e = extract_entities("I have a problem with 3 agents on my profile", {"Pro"});
    CHECK(e.count("product") == 0);
    CHECK(e.count("order") == 0);
    CHECK(e.count("amount") == 0);
}

TEST_CASE("Phrases match on word boundaries only", "[bot][entities]") {
    CHECK(contains_phrase("we will sue you", "sue"));
    CHECK_FALSE(contains_phrase("there is an issue", "sue"));
    CHECK(contains_phrase("file a chargeback now", "chargeback"));
    CHECK(contains_phrase("talk to sales.", "talk to sales"));
}

TEST_CASE("An e-mail field value must be one address", "[bot][entities]") {
    CHECK(looks_like_email("ada@example.com"));
    CHECK(looks_like_email(" ada@example.com. "));
    CHECK(looks_like_email("[email]"));
    CHECK_FALSE(looks_like_email("ada at example dot com"));
    CHECK_FALSE(looks_like_email("mail ada@example.com"));
}

TEST_CASE("Long hostile messages are read without deep recursion", "[bot][entities]") {
    // The relay lets 8000 bytes through; each of these once drove a backtracking
    // regex engine deep (a run of what a pattern repeats). Under ASan a stack
    // overflow would end the test.
    const std::vector<std::string> texts = {
        "order" + std::string(7990, ' ') + "12345",
        std::string(8000, '7'),
        std::string(4000, '$') + std::string(4000, '9'),
        "#" + std::string(7999, '1'),
        std::string(2000, 'o') + std::string(2000, ' ') + "invoice no. " + std::string(3900, '-'),
    };
    for (const std::string& t : texts) {
        const Entities e = extract_entities(t, {"Pro"});
        CHECK(e.count("product") == 0);
    }
}
