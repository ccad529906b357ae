#include "parley/triage/signals.hpp"

#include <catch2/catch.hpp>

using namespace parley::triage;

TEST_CASE("asks_for_human recognises requests for a person", "[triage][signals]") {
    auto [text, expected] = GENERATE(table<std::string, bool>({
        {"Can I talk to a human?", true},
        {"I want to speak to a real person", true},
        {"agent", true},
        {"AGENT PLEASE!!", true},
        {"get me a representative", true},
        {"is there someone real there, not a bot", true},
        {"Je veux parler à un conseiller", true},
        {"quiero hablar con una persona", true},
        {"Ich möchte mit einem Menschen sprechen", true},
        {"connect me to an agent", true},
        {"How do I add an agent seat to my plan?", false},  // "agent" as a product noun
        {"How much is the pro plan?", false},
        {"The export button is broken", false},
    }));
    CAPTURE(text);
    CHECK(asks_for_human(text) == expected);
}

TEST_CASE("sentiment flags frustration and leaves calm messages alone", "[triage][signals]") {
    SECTION("angry") {
        for (const char* t : {"This is ridiculous, I've been waiting for hours!!!",
                              "WHY IS NOTHING WORKING AGAIN", "worst support ever 😡",
                              "I'm so fed up with this useless app", "c'est inacceptable",
                              "das ist eine Frechheit"}) {
            CAPTURE(t);
            CHECK(sentiment(t).negative);
        }
    }
    SECTION("calm") {
        for (const char* t : {"How much is the pro plan?", "Thanks, that worked!",
                              "Can you help me set up Slack?", "ok", "I still need an invoice"}) {
            CAPTURE(t);
            CHECK_FALSE(sentiment(t).negative);
        }
    }
    SECTION("more complaints score higher") {
        CHECK(sentiment("this is annoying").frustration < sentiment("this is annoying and useless!!").frustration);
    }
}

TEST_CASE("reply_kind tells closing words from acknowledgements", "[triage][signals]") {
    auto [text, expected] = GENERATE(table<std::string, Reply>({
        {"no", Reply::closing},
        {"No.", Reply::closing},
        {"nope, that's all", Reply::closing},
        {"No thanks", Reply::closing},
        {"thanks, that's all!", Reply::closing},
        {"that's it, bye", Reply::closing},
        {"nothing else", Reply::closing},
        {"non merci, c'est tout", Reply::closing},
        {"nein danke", Reply::closing},
        {"thanks", Reply::acknowledgement},
        {"Thank you so much!", Reply::acknowledgement},
        {"ok", Reply::acknowledgement},
        {"👍", Reply::acknowledgement},
        {"ok 👍🏼", Reply::acknowledgement},
        {"great, got it", Reply::acknowledgement},
        {"merci beaucoup", Reply::acknowledgement},
        {"no, it still fails", Reply::none},
        {"thanks but the export is still broken", Reply::none},
        {"ok how do I add a seat?", Reply::none},
        {"", Reply::none},
        {"yes", Reply::none},
    }));
    CAPTURE(text);
    CHECK(reply_kind(text) == expected);
}

TEST_CASE("urgency picks up priority keywords", "[triage][signals]") {
    CHECK(urgency("URGENT: checkout is down") == Urgency::high);
    CHECK(urgency("please fix asap") == Urgency::high);
    CHECK(urgency("our production site is down for everyone") == Urgency::high);
    CHECK(urgency("we are losing money every minute") == Urgency::high);
    CHECK(urgency("c'est urgent") == Urgency::high);
    CHECK(urgency("bitte dringend zurückrufen") == Urgency::high);
    CHECK(urgency("How much is the pro plan?") == Urgency::normal);
    CHECK(urgency("thanks!") == Urgency::normal);
}

TEST_CASE("read_signals gives every reading of the single functions from one normalisation",
          "[triage][signals]") {
    const char* texts[] = {"",
                           "Can I talk to a human please?",
                           "agent",
                           "This is RIDICULOUS, still broken!!! 😡",
                           "thanks, that's all",
                           "no",
                           "No, it still fails",
                           "ok 👍",
                           "Production is down, urgent!",
                           "Je veux parler à un conseiller, c'est inacceptable",
                           "Das war alles, danke",
                           "how much is the pro plan?"};
    for (const char* text : texts) {
        CAPTURE(text);
        const Signals s = read_signals(text);
        CHECK(s.asks_for_human == asks_for_human(text));
        CHECK(s.sentiment.frustration == sentiment(text).frustration);
        CHECK(s.sentiment.negative == sentiment(text).negative);
        CHECK(s.reply == reply_kind(text));
        CHECK(s.urgency == urgency(text));
    }
    CHECK(read_signals("Can I talk to a human please?").asks_for_human);
    CHECK(read_signals("thanks, that's all").reply == Reply::closing);
    CHECK(read_signals("Production is down, urgent!").urgency == Urgency::high);
}
