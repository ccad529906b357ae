// BotRunner: the house bot's session glue. The sans-I/O client's events go in; the
// core's decisions come out as the client's actions: a reply streamed as deltas and then
// finalised with its parts, a handoff with its summary, a knowledge gap recorded.
//
// Theory of operation. The relay gives the bot the conversations that are with it
// (docs/bots.md): their `conv` updates say which (state "bot", not paused; a new
// conversation's first message comes before its `conv`, so a message of a conversation
// not seen yet is one of them), and each visitor `message` of one of them is decided by
// BotCore with that conversation's state.
// A conversation handed back by an agent (state "bot" again after a handoff) starts
// from a clean count (BotCore::on_handback). Messages of conversations that are not the
// bot's, the bot's own messages and history are ignored. A reply longer than the
// config's stream_min_bytes is streamed (bot_wire's pieces, one every kStreamPaceMs, as a
// reader's eye follows) and finalised by a send with the same cid, so the visitor watches
// it grow and the store keeps only the whole text. A decision's actions run in order per
// conversation (a handoff waits for the reply before it), from pump().
//
// No I/O and no clock: the program (main.cpp) drives it with a native Connection, a
// test with a Client it feeds frames. Not thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bot_core.hpp"
#include "gap_log.hpp"
#include "parley/session/client.hpp"

namespace parley::bot {

class BotRunner {
public:
    // `gaps` may be null (gaps are then only logged). Both must outlive the runner.
    BotRunner(const BotCore& core, GapLog* gaps) : core_(core), gaps_(gaps) {}

    // One event of the session: a visitor message of one of the bot's conversations is
    // decided, and its actions queued for pump(). Returns what it did, one line each, for
    // the program's log. `now_ms` is the loop's clock (pump's); `wall_ms`, milliseconds
    // since the epoch, dates a knowledge gap (0: now_ms, for tests on one fake clock).
    std::vector<std::string> on_event(const session::Event& event, std::int64_t now_ms, std::int64_t wall_ms = 0);
    // Carries out what is due: the next delta of each streamed reply, then what follows
    // it. Call it after on_event and at next_deadline().
    std::vector<std::string> pump(session::Client& client, std::int64_t now_ms);
    // When pump() has something to do next; nullopt when nothing waits.
    std::optional<std::int64_t> next_deadline() const;
    static constexpr std::int64_t kStreamPaceMs = 30;

    struct Counts {
        std::int64_t answered = 0;   // visitor messages decided
        std::int64_t replies = 0;    // replies sent (streamed ones included)
        std::int64_t streamed = 0;
        std::int64_t handoffs = 0;
        std::int64_t errors = 0;     // actions the client refused
    };
    const Counts& counts() const { return counts_; }
    // Conversations the bot is answering now.
    std::size_t active() const;

private:
    // One step of a decision, carried out in order.
    struct Action {
        std::optional<Reply> reply;
        std::optional<Handoff> handoff;
        std::vector<std::string> pieces;  // a streamed reply's deltas not yet sent
        int attempts = 0;                  // a handoff the client or the relay refused for now
        std::string cid;                  // its stream's cid, once opened
        std::int64_t next_at = 0;         // when its next delta is due
    };
    struct Conv {
        ConversationState state;
        bool with_bot = false;  // state "bot" and not paused
        bool handed_off = false;
        // Handed back at this seq: what the visitor wrote up to it was the humans' to
        // answer (and the SDK's sync may still deliver it), never the bot's.
        std::int64_t humans_answered_to = 0;
        std::optional<Handoff> last_handoff;  // sent, not yet confirmed: resent after a 4029
        std::deque<Action> actions;
    };
    void on_conv(const protocol::ConvSummary& summary, std::vector<std::string>& log);
    void on_message(const protocol::Message& m, std::int64_t now_ms, std::int64_t wall_ms,
                    std::vector<std::string>& log);
    // Advances the conversation's first action; true when it is done.
    bool step(const std::string& conv, Conv& c, Action& a, session::Client& client, std::int64_t now_ms,
              std::vector<std::string>& log);
    void finish_reply(const std::string& conv, const Reply& reply, const std::string& cid,
                      session::Client& client, std::int64_t now_ms, std::vector<std::string>& log);

    const BotCore& core_;
    GapLog* gaps_;
    std::map<std::string, Conv> convs_;
    // The conversations with actions waiting: pump() and next_deadline() look at these
    // only (convs_ holds every open conversation the bot has seen: thousands).
    // A handoff refused because the connection is down, or with 4029, is tried again:
    // it is the visitor's way to a person (the relay's bot_slow is only the backstop).
    static constexpr std::int64_t kHandoffRetryMs = 500;
    static constexpr int kMaxHandoffAttempts = 120;  // a minute of reconnecting
    void retry_refused(const protocol::ErrorFrame& error, std::int64_t now_ms, std::vector<std::string>& log);
    std::set<std::string> busy_;
    Counts counts_;
};

}  // namespace parley::bot
