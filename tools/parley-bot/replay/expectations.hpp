// What a bot did after one visitor turn, as a client of the protocol sees it, and the
// check of a transcript's expectations against it. Kept apart from any driver: the
// pure-core driver and a real-protocol driver fill the same ObservedTurn (texts and
// `parts` JSON of the bot's `msg`s, whether stream deltas came first, the `handoff`
// object of the conversation), so the same checks judge both.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "replay/transcript.hpp"

namespace parley::bot::replay {

struct ObservedReply {
    std::string text;
    nlohmann::json parts = nlohmann::json::array();  // BOTS.md parts, as sent
    bool streamed = false;
};

struct ObservedHandoff {
    std::string reason;
    std::string summary;
    std::string team;
};

struct ObservedTurn {
    std::vector<ObservedReply> replies;
    std::optional<ObservedHandoff> handoff;
    bool gap_recorded = false;
    std::string intent;  // the triage reading (reports only)
    // Over the protocol (ProtocolDriver): ms from the visitor's send to the bot's first
    // stream delta or message at the visitor; and what went wrong on the way (a relay
    // error, no answer at all), reported as a miss of the turn.
    std::optional<double> first_token_ms;
    std::string problem;
};

// Expectations about the content of an answer: a miss of one of these, when the bot
// did answer, counts as a wrong answer (the others are escalation or flow misses).
bool is_answer_expectation(Expectation::Kind kind);

// "" when `observed` meets `e`, else why not (quoting what was seen).
std::string check(const Expectation& e, const ObservedTurn& observed);

// The "Source: <heading> (<file>)" line of a KB answer's text, as "file#heading"; "".
std::string source_of(const std::string& reply_text);

}  // namespace parley::bot::replay
