// The house bot's decisions: one visitor message, the conversation's state and `now`
// in; what to say and whether to hand over out. No sockets, clocks, threads or files:
// the transport (parley-bot's client) feeds messages in and carries the decision out
// as `send`/`stream` and `handoff` frames; the gap, when there is one, is written to
// the GapLog by the caller.
//
// Theory of operation. A message is read once (the relay's `meta`, or the SDK's triage
// with the same default model when it has none) and then goes down this table, the
// first row that applies deciding:
//
//   paused (handed over)                         → nothing
//   reply: "human"                               → handoff asks_human (kb_miss after a miss)
//   reply: "no_human" / "kb:<id>" / "topic:<i>"  → decline / that passage / that topic
//   reply: form "lead", "timeline:<id>", "lead:start" → lead flow
//   signal "human"                               → handoff asks_human
//   a regulated word                             → handoff regulated_topic
//   signal "frustrated"                          → handoff frustrated
//   lead flow waiting for a step                 → that step
//   "yes" after a person was offered             → handoff kb_miss
//   closing / thanks                             → closing / thanks text
//   a bare greeting                              → greeting + topic quick replies
//   a lead trigger word                          → lead flow (form or steps)
//   template intent, confident                   → its template, personalised
//   knowledge base: clear best passage           → the passage + its source
//                   close runners-up             → clarifying question, quick replies
//                   nothing above the threshold  → clearly oos: topics; unsure (any
//                                                  intent below escalation.low_confidence):
//                                                  handoff low_confidence; else say so,
//                                                  offer a person, record a gap
//
// A reply that does not move the visitor on (a miss, a clarification, the same
// passage again, an out-of-scope answer) counts as a turn without progress; when
// escalation.max_turns_without_progress are reached in a row, the bot hands over
// (no_progress) instead. Every handoff carries a summary for the agent: what the
// visitor asked, the entities, the intent and why; its team is the one of the latest
// specific intent (not general/oos), else escalation.default_team (qualified leads:
// lead.team).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bot_config.hpp"
#include "conversation_state.hpp"
#include "knowledge_base.hpp"
#include "parley/protocol/frames.hpp"
#include "parley/triage/model.hpp"
#include "parts.hpp"

namespace parley::bot {

// A visitor's answer to a rich part (BOTS.md `reply`); `to` is checked by the relay.
struct VisitorReply {
    std::string option;                         // a quick reply or postback id, or
    std::string form;                           // a form id with its values
    std::map<std::string, std::string> values;
};

struct Incoming {
    std::string text;                           // as the bot received it (maybe masked)
    std::optional<protocol::Meta> meta;         // the relay's reading; absent → classify here
    std::optional<VisitorReply> reply;
};

struct Reply {
    std::string text;          // plain-text fallback, always set
    std::vector<Part> parts;
    bool stream = false;       // send as stream deltas, then finalise
    std::string source;        // "refunds.md#Refund window" when from the KB (logs, tests)
};

// Handoff reasons the house bot uses (BOTS.md).
namespace reason {
constexpr const char* asks_human = "asks_human";
constexpr const char* low_confidence = "low_confidence";
constexpr const char* frustrated = "frustrated";
constexpr const char* regulated_topic = "regulated_topic";
constexpr const char* no_progress = "no_progress";
constexpr const char* qualified_lead = "qualified_lead";
constexpr const char* kb_miss = "kb_miss";
}  // namespace reason

struct Handoff {
    std::string reason;
    std::string summary;       // ≤ kMaxSummaryBytes
    std::string team;          // "" = the relay's default routing
};
constexpr std::size_t kMaxSummaryBytes = 1000;

struct Decision {
    std::vector<Reply> replies;          // send in order, before the handoff
    std::optional<Handoff> handoff;
    std::optional<std::string> gap;      // a question to record in the GapLog
    protocol::Meta meta;                 // the reading the decision used
};

class BotCore {
public:
    // `kb` and `model` may be null (no KB: every question misses; no model: messages
    // without meta get signals only). Both must outlive the core, or be replaced with
    // set_knowledge_base / set_config before they go.
    BotCore(std::shared_ptr<const Config> config, const KnowledgeBase* kb, const triage::Model* model);

    // Decides on one visitor message and updates `state`. Never fails.
    Decision on_message(ConversationState& state, const Incoming& in, std::int64_t now_ms) const;
    // An agent handed the conversation back: the bot answers again, from a clean count.
    void on_handback(ConversationState& state) const;

    void set_config(std::shared_ptr<const Config> config) { config_ = std::move(config); }
    void set_knowledge_base(const KnowledgeBase* kb) { kb_ = kb; }
    const Config& config() const { return *config_; }

private:
    struct Turn;  // one decision in progress (bot_core.cpp)
    void free_text(Turn& t) const;
    void answer_option(Turn& t, const VisitorReply& r) const;
    void answer_topic(Turn& t, const std::string& intent, const std::string& label) const;
    void answer_question(Turn& t) const;
    void answer_passage(Turn& t, const Passage& p, const std::string& lead_in) const;
    void start_lead(Turn& t) const;
    void lead_step(Turn& t) const;
    void finish_lead(Turn& t) const;
    void hand_over(Turn& t, const char* why, std::string team = {}) const;
    void reply(Turn& t, std::string text, std::vector<Part> parts = {}, std::string source = {}) const;
    std::string summary(const ConversationState& s, const char* why) const;

    std::shared_ptr<const Config> config_;
    const KnowledgeBase* kb_;
    const triage::Model* model_;
};

}  // namespace parley::bot
