// Replaying transcripts through a BotDriver and summing up: containment (conversations
// the bot finished without a handoff), escalations by reason, wrong answers (answer
// expectations missed while the bot did answer), every expectation missed with the
// transcript line it was written on, and, over the protocol, the time to the bot's
// first token (p50/p95/max; printed, never judged: the machine may be loaded).
// replay_parallel() plays several transcripts at once, each worker with its own driver
// (a visitor of its own), and reports them in file order.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "replay/core_driver.hpp"

namespace parley::bot::replay {

struct Miss {
    std::string transcript;
    int line = 0;
    std::string what;      // kind_name + argument, or "protocol"
    std::string why;       // check()'s explanation, or the driver's problem
    bool wrong_answer = false;
};

struct TranscriptResult {
    std::string name;
    std::string handoff_reason;  // "" = contained
    int expectations = 0;
    std::vector<Miss> misses;
    std::vector<double> first_token_ms;  // one per turn the bot answered (protocol)
};

struct ReplayReport {
    std::vector<TranscriptResult> results;
    int expectations = 0;
    int contained = 0;
    std::map<std::string, int> escalations;  // reason → conversations
    int wrong_answers = 0;
    std::vector<Miss> misses;
    std::vector<double> first_token_ms;  // sorted
    double seconds = 0;                  // wall time of the replay (set by the caller)

    double containment() const { return results.empty() ? 0 : double(contained) / double(results.size()); }
    bool passed() const { return misses.empty(); }
};

TranscriptResult replay_transcript(const Transcript& t, BotDriver& driver);
ReplayReport replay_all(const std::vector<Transcript>& transcripts, BotDriver& driver);
// `workers` threads, each with the driver make() gives it (called on that thread).
ReplayReport replay_parallel(const std::vector<Transcript>& transcripts,
                             const std::function<std::unique_ptr<BotDriver>()>& make, int workers);
// The report of results already replayed (in the order given).
ReplayReport summarise(std::vector<TranscriptResult> results);
void print_report(const ReplayReport& report, std::ostream& out);

}  // namespace parley::bot::replay
