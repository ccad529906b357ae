// The house bot's rules, as read from its TOML file (deploy/bot/bot.toml is the
// documented example; docs/bots.md). parse_config() is pure: text in, Config or a
// BotError naming the field out; config_file.hpp owns reading and reloading the file.
//
// Every field has a default, so a file needs only what it changes. Unknown intents are
// allowed (a site may train its own model); each intent either answers from the
// knowledge base (`kb = true`, its templates then open the answer when their entities
// are known) or from its templates alone (`kb = false`).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "bot_error.hpp"
#include "parts.hpp"

namespace parley::bot {

// One template of an intent: used when every entity it `needs` is known.
// Placeholders: {email} {order} {amount} {product} {company} {bot}.
struct ReplyTemplate {
    std::vector<std::string> needs;
    std::string text;
};

struct IntentRule {
    bool use_kb = true;                   // look the answer up in the knowledge base
    std::vector<ReplyTemplate> replies;   // first whose needs are met is used
    std::string team;                     // handoff team for this intent ("" = none)
};

struct EscalationRules {
    double low_confidence = 0.45;         // below this (in scope, KB miss): hand over
    int max_turns_without_progress = 3;   // bot turns that did not help, in a row
    bool on_asks_human = true;            // signal "human"
    bool on_frustrated = true;            // signal "frustrated"
    std::vector<std::string> regulated_words;  // whole words or phrases, any case
    std::string default_team;             // team when the intent names none
};

struct KbSettings {
    std::string dir;                 // folder of Markdown files (relative to the config file)
    double min_score = 2.0;          // -bm25 of the best passage must reach this
    double close_ratio = 0.85;       // a runner-up at >= ratio × best, from another topic: ask
    int max_choices = 3;             // quick replies of a clarifying question
    std::string base_url;            // "https://help.example.com/": a link button per answer
    std::size_t max_answer_bytes = 900;
};

struct LeadRules {
    bool enabled = true;
    std::string mode = "form";                 // "form" | "steps"
    std::vector<std::string> trigger_words;    // "demo", "quote", "talk to sales", …
    std::vector<std::string> trigger_intents;  // with a trigger word, or alone when listed here
    std::vector<Option> timelines;             // choice options of the timeline field
    std::vector<std::string> qualified_timelines;  // ids that make a lead high-intent
    bool business_email_required = true;       // a free-mail address does not qualify
    std::vector<std::string> free_email_domains;
    std::string team;                          // where qualified leads go
};

struct Texts {
    std::string greeting = "Hi! I'm {bot}. Ask me anything about our product, or pick a topic.";
    std::string kb_intro = "";
    std::string kb_miss = "I'm sorry, I couldn't find an answer to that in our help centre.";
    std::string offer_human = "Would you like me to bring in someone from our team?";
    std::string declined_human = "No problem. Ask me something else whenever you like.";
    std::string clarify = "I found a few things that might help. Which one do you mean?";
    std::string out_of_scope = "I can only help with questions about our product. Here are some topics I know:";
    std::string thanks = "You're welcome! Anything else I can help with?";
    std::string closing = "Thanks for chatting with us. Have a great day!";
    std::string handoff = "I'm passing you to a colleague; they can see what you've told me so far.";
    std::string handoff_frustrated = "I'm sorry this has been frustrating. I'm bringing in a colleague right now.";
    std::string lead_intro = "Happy to help you with that. A few details and our sales team will follow up:";
    std::string lead_ask_email = "What's your work e-mail address?";
    std::string lead_ask_company = "Which company are you with?";
    std::string lead_ask_timeline = "When are you planning to start?";
    std::string lead_bad_email = "That doesn't look like an e-mail address. Could you check it?";
    std::string lead_qualified = "Thank you! I'm connecting you with our sales team now.";
    std::string lead_thanks = "Thank you! We'll be in touch at {email}.";
};

struct Config {
    std::string bot_name = "Parley Bot";
    Texts texts;
    std::vector<Option> topics;            // quick replies of the greeting and of out-of-scope
    std::map<std::string, IntentRule> intents;
    EscalationRules escalation;
    KbSettings kb;
    LeadRules lead;
    std::vector<std::string> products;     // product names recognised in messages
    std::size_t stream_min_bytes = 160;    // longer replies are streamed
};

// Parses TOML text. `source` names the file in error details ("bot.toml:12:3: …").
// Errors: bad_config (syntax, or a field of the wrong type/range, named by its path).
BotResult<Config> parse_config(std::string_view toml_text, std::string_view source = "config");

}  // namespace parley::bot
