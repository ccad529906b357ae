#include <catch2/catch.hpp>

#include <tuple>

#include "route/workflow.hpp"

using namespace parley::route;

TEST_CASE("Text is normalised into lower-case words without sentence punctuation", "[route][workflow]") {
    CHECK(normalise_words("  No,  THANKS!! ") == std::vector<std::string>{"no", "thanks"});
    CHECK(normalise_words("that's all.") == std::vector<std::string>{"that's", "all"});
    CHECK(normalise_words(":)") == std::vector<std::string>{":)"});
    CHECK(normalise_words("thanks\xF0\x9F\x99\x8F") ==
          std::vector<std::string>{"thanks", "\xF0\x9F\x99\x8F"});  // thanks🙏
}

TEST_CASE("Staff closing prompts are recognised anywhere in the message", "[route][workflow]") {
    Workflow wf{WorkflowConfig{}};
    CHECK(wf.is_closing_prompt("Done! Anything else I can do?"));
    CHECK(wf.is_closing_prompt("Is there anything else?"));
    CHECK(wf.is_closing_prompt("Can I help you with anything more today?"));
    CHECK_FALSE(wf.is_closing_prompt("Let me check your invoice."));
}

TEST_CASE("Customer messages are classified by the configured lists", "[route][workflow]") {
    Workflow wf{WorkflowConfig{}};
    auto [text, armed, meaning] = GENERATE(table<std::string, bool, CustomerMeaning>({
        {"no", true, CustomerMeaning::Decline},
        {"No.", true, CustomerMeaning::Decline},
        {"no thanks!", true, CustomerMeaning::Decline},
        {"Nope, that's all :)", true, CustomerMeaning::Decline},
        {"no", false, CustomerMeaning::Ordinary},  // an answer to a real question
        {"no, but the invoice is wrong", true, CustomerMeaning::Ordinary},
        {"thanks", false, CustomerMeaning::Acknowledgement},
        {"Thank you!!", true, CustomerMeaning::Acknowledgement},
        {"ok", false, CustomerMeaning::Acknowledgement},
        {"ok thanks", false, CustomerMeaning::Acknowledgement},
        {"\xF0\x9F\x91\x8D", false, CustomerMeaning::Acknowledgement},          // 👍
        {"\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD", false, CustomerMeaning::Acknowledgement},  // 👍🏽
        {"thanks\xF0\x9F\x99\x8F", false, CustomerMeaning::Acknowledgement},    // thanks🙏
        {"thanks, but it still fails", false, CustomerMeaning::Ordinary},
        {"", false, CustomerMeaning::Ordinary},
        {"what about refunds?", false, CustomerMeaning::Ordinary},
    }));
    CAPTURE(text, armed);
    CHECK(wf.classify(text, armed) == meaning);
}

TEST_CASE("The word lists are configuration", "[route][workflow]") {
    WorkflowConfig cfg;
    cfg.closing_replies.push_back("c'est tout");
    cfg.acknowledgements = {"merci"};
    Workflow wf{cfg};
    CHECK(wf.classify("C'est tout, merci", true) == CustomerMeaning::Decline);
    CHECK(wf.classify("merci", false) == CustomerMeaning::Acknowledgement);
    CHECK(wf.classify("thanks", false) == CustomerMeaning::Ordinary);  // removed from the list
}
