// What the house bot remembers of one conversation between two visitor messages. The
// core reads and updates it; the transport keeps one per conversation (and may drop it
// when the conversation closes). Plain data, copyable, no pointers into the KB or the
// config, so a config or KB reload never leaves it dangling.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "entities.hpp"

namespace parley::bot {

enum class LeadStep { none, form, email, company, timeline, done };

struct ConversationState {
    bool greeted = false;
    bool paused = false;            // handed over: no turns until handed back
    int bot_turns = 0;              // bot replies so far
    int turns_without_progress = 0; // in a row: misses, clarifications, repeats
    Entities entities;              // latest value of each kind (+ lead answers)
    std::vector<std::string> questions;  // the visitor's recent free-text messages, oldest first
    std::string intent;             // of the latest classified visitor message
    double confidence = 0;
    std::string topic;              // latest intent other than general/oos: picks the team
    std::string last_passage;       // id of the passage answered last
    bool human_offered = false;     // the last reply offered a person (after a KB miss)
    LeadStep lead = LeadStep::none;
    std::int64_t last_message_at = 0;  // ms, the `now` of the latest visitor message
};

constexpr std::size_t kRememberedQuestions = 4;

}  // namespace parley::bot
