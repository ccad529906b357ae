// Messages that drive workflow: closing replies, acknowledgements, closing prompts.
//
// The relay stores and shows every message; this file only decides what a message
// *means* for routing:
//
//   - a staff message containing a closing prompt ("anything else?") arms the prompt;
//   - a customer message made only of closing replies and acknowledgements, with at
//     least one closing reply ("no", "no thanks", "nope, that's all"), answers an armed
//     prompt and closes the conversation. Without an armed prompt "no" is an ordinary
//     answer ("Did the reset email arrive?" "no");
//   - a customer message made only of acknowledgements and emoji ("thanks", "ok 👍",
//     "thank you!!") is an acknowledgement: it is not a question, so it neither asks
//     for an agent reply nor wakes an inactive or closed conversation (router.cpp).
//
// Matching is on normalised text: ASCII letters lowered, runs of spaces collapsed,
// sentence punctuation (. , ! ? ; …) dropped, then the words are consumed greedily by the
// longest configured phrase. Lists are configuration: operators add "merci", "danke",
// "c'est tout" without a code change.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "route/decision.hpp"

namespace parley::route {

struct WorkflowConfig {
    std::vector<std::string> closing_prompts{
        "anything else", "something else", "any other question", "anything more",
        "help you with anything", "is there more", "can i help with anything"};
    std::vector<std::string> closing_replies{
        "no", "nope", "nah", "no thanks", "no thank you", "that's all", "thats all",
        "that's it", "thats it", "all good", "nothing else", "i'm good", "im good",
        "all set", "no more", "nothing", "non", "nein"};
    std::vector<std::string> acknowledgements{
        "thanks", "thank you", "thanks a lot", "many thanks", "thx", "ty", "ok", "okay",
        "k", "kk", "great", "cool", "perfect", "got it", "awesome", "cheers", "merci",
        "danke", "gracias", ":)", ":-)", ":d", "<3"};
    // Within this long after a conversation went inactive or closed, an acknowledgement
    // is stored and shown but changes nothing. After it, it counts as a new message.
    Millis ack_window_ms = 24 * 3600 * 1000LL;
};

enum class CustomerMeaning {
    Ordinary,         // needs an agent reply
    Acknowledgement,  // "thanks", "ok", an emoji: needs no reply
    Decline,          // "no" to an armed "anything else?": closes
};

// Lower-cased, punctuation-stripped words of `text` (exposed for tests and docs).
std::vector<std::string> normalise_words(std::string_view text);

// The configured lists, split into words once (the router classifies every message).
class Workflow {
public:
    explicit Workflow(const WorkflowConfig& cfg);

    // True when `text` holds one of the configured closing prompts.
    bool is_closing_prompt(std::string_view text) const;

    // What a customer message means; `prompt_armed` is whether the last staff message
    // was a closing prompt the customer has not answered yet.
    CustomerMeaning classify(std::string_view text, bool prompt_armed) const;

private:
    using Phrases = std::vector<std::vector<std::string>>;
    Phrases prompts_, replies_, acks_;
};

}  // namespace parley::route
