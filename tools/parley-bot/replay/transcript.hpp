// Transcript files: realistic conversations with the house bot, written as visitor
// turns and the behaviour expected after each (tests/tools/parley-bot/transcripts/).
// This parser knows nothing of the bot: the same files drive the pure core
// (core_driver.hpp) and, later, a real relay and parley-bot over the protocol.
//
//   # A comment, or the first one: the conversation's title.
//   > I was charged twice for order #48213            a visitor message
//   > [press human] Talk to a person                  a quick reply/button (id, then label)
//   > [form lead] email=ada@acme.io timeline=now       a form submission (values)
//   < contains: refund                                 what the bot's replies must show
//   < not contains: sorry
//   < source: refunds.md#Refund window                 a KB answer from that file (and section)
//   < quick replies: human, no_human                   offered, among others
//   < clarifies                                        a clarifying question (≥ 2 kb: choices)
//   < form: lead
//   < handoff: asks_human                              handed over for that reason
//   < team: billing
//   < summary contains: 48213
//   < no handoff
//   < gap                                              a knowledge gap was recorded
//   < silent                                           no reply at all (the bot is paused)
//   < streamed                                         the (first) reply was streamed
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "bot_error.hpp"

namespace parley::bot::replay {

struct Expectation {
    enum class Kind {
        contains, not_contains, source, quick_replies, clarifies, form, handoff, team,
        summary_contains, no_handoff, gap, silent, streamed
    } kind;
    std::string arg;                // text, file#heading, form id, reason, team
    std::vector<std::string> ids;   // quick_replies
    int line = 0;                   // in the transcript file
};

struct VisitorTurn {
    std::string text;                           // what the visitor's message shows
    std::string option;                         // [press ID]
    std::string form;                           // [form ID]
    std::map<std::string, std::string> values;  // its values
    std::vector<Expectation> expect;
    int line = 0;
};

struct Transcript {
    std::string name;   // file stem
    std::string title;  // first comment
    std::vector<VisitorTurn> turns;
};

const char* kind_name(Expectation::Kind kind);

// Errors: bad_config with "<name>:<line>: …" (an expectation before any visitor turn,
// an unknown expectation, a malformed [press]/[form] line).
BotResult<Transcript> parse_transcript(std::string_view name, std::string_view text);
// Every *.txt of a folder, in name order. Errors: io, bad_config.
BotResult<std::vector<Transcript>> load_transcripts(const std::string& dir);

}  // namespace parley::bot::replay
