// Replaying transcripts through a BotDriver and summing up: containment (conversations
// the bot finished without a handoff), escalations by reason, wrong answers (answer
// expectations missed while the bot did answer) and every expectation missed, with the
// transcript line it was written on.
#pragma once

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "replay/core_driver.hpp"

namespace parley::bot::replay {

struct Miss {
    std::string transcript;
    int line = 0;
    std::string what;      // kind_name + argument
    std::string why;       // check()'s explanation
    bool wrong_answer = false;
};

struct TranscriptResult {
    std::string name;
    std::string handoff_reason;  // "" = contained
    int expectations = 0;
    std::vector<Miss> misses;
};

struct ReplayReport {
    std::vector<TranscriptResult> results;
    int expectations = 0;
    int contained = 0;
    std::map<std::string, int> escalations;  // reason → conversations
    int wrong_answers = 0;
    std::vector<Miss> misses;

    double containment() const { return results.empty() ? 0 : double(contained) / double(results.size()); }
    bool passed() const { return misses.empty(); }
};

TranscriptResult replay_transcript(const Transcript& t, BotDriver& driver);
ReplayReport replay_all(const std::vector<Transcript>& transcripts, BotDriver& driver);
void print_report(const ReplayReport& report, std::ostream& out);

}  // namespace parley::bot::replay
