// The transcripts over the real protocol: a real parley-relay, the real parley-bot
// program, and each transcript's visitor as a real client over WebSocket (the SDK's
// native Connection), judged by the same expectations as the pure core (CoreDriver).
//
// Theory of operation
// -------------------
// ProtocolRig sets up what an operator would: a fresh data dir, a bot key made with
// `parley-relay --create-bot-key replay` (given to the bot in a 0600 key file), the relay
// started with the demo agents (teams "general" and "billing", which deploy/bot/bot.toml
// names) and with the per-address quotas of new visitors and conversations off (every
// replay visitor comes from 127.0.0.1, and 58 of them in a minute is a test's load, not
// an abuse), then parley-bot with the rules file and its own gap file. Everything else is
// the relay's defaults, masking included: `--mask-outbound all` masks e-mail addresses
// and phone numbers before a message reaches the bot, exactly what CoreDriver feeds the
// core, and form values reach it unmasked (docs/bots.md), so no expectation is adapted.
// One supervisor connection (the demo agent) watches every conversation: a visitor
// learns that it was handed over (`queue`), only agents see why (`conv.handoff`: reason
// and summary), and only agents see the relay's triage reading (`meta`, for --verbose).
//
// ProtocolDriver plays one transcript at a time as one new visitor per transcript:
//   - a typed turn is a `send`; a [press]/[form] turn a `send` with `reply`, whose `to`
//     is the latest bot message offering that option or form (the relay checks it);
//   - time to first token: from the send to the first `stream` delta or `msg` of the bot
//     at the visitor;
//   - the turn is over when, after the bot's last message, `queue` came (a handoff: the
//     last thing a decision does) or nothing more came for a settle time (3 × the turn's
//     first-token time, at least 700 ms, at most 5 s, so a loaded machine waits longer);
//     with no bot message, after 1 s when the conversation is already handed over (the
//     bot must stay silent), else after the relay's own bot_slow rule would have fired;
//   - a knowledge gap is read from the bot's gap file: the question's row (its masked
//     text, as the bot records it) counted once more than before the turn.
// Drivers run in parallel threads, one Connection (one lws context) each; contexts are
// created and destroyed one at a time (lws's process-wide setup is not meant to race).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "replay/child_process.hpp"
#include "replay/core_driver.hpp"

namespace parley::bot::replay {

struct RigOptions {
    std::string relay_bin;    // parley-relay
    std::string bot_bin;      // parley-bot
    std::string bot_config;   // the rules file (deploy/bot/bot.toml)
    std::string work_dir;     // empty: a fresh one under $TMPDIR, removed at the end
    std::vector<std::string> relay_args;  // more relay options
    int start_timeout_ms = 30000;
};

// What the supervisor saw of one conversation.
struct Watched {
    std::optional<ObservedHandoff> handoff;
    std::map<std::string, std::string> intents;  // visitor message cid → meta intent
};

class ProtocolRig {
public:
    explicit ProtocolRig(RigOptions options);
    ~ProtocolRig();  // stops the bot, the watcher and the relay; removes a temp work dir
    ProtocolRig(const ProtocolRig&) = delete;
    ProtocolRig& operator=(const ProtocolRig&) = delete;

    // "" when the relay, the bot and the watcher are up; else why.
    std::string start();
    std::string relay_url() const;
    const std::string& gaps_path() const { return gaps_path_; }
    // The handoff of `conv` as the supervisor sees it, waiting up to timeout_ms for one.
    std::optional<ObservedHandoff> wait_handoff(const std::string& conv, int timeout_ms);
    // The relay's intent for the visitor message `cid` of `conv`, if the supervisor saw it.
    std::string intent_of(const std::string& conv, const std::string& cid, int timeout_ms);
    std::string bot_log() const { return bot_ ? bot_->log() : std::string(); }
    std::string relay_log() const { return relay_ ? relay_->log() : std::string(); }

private:
    void watch();  // the supervisor's thread

    RigOptions options_;
    bool own_work_dir_ = false;
    int port_ = 0;
    std::string gaps_path_;
    std::unique_ptr<ChildProcess> relay_, bot_;
    std::thread watcher_;
    std::mutex mu_;
    std::condition_variable changed_;
    std::map<std::string, Watched> seen_;
    bool stopping_ = false;
    std::string watch_error_;
    bool watching_ = false;
};

class ProtocolDriver : public BotDriver {
public:
    explicit ProtocolDriver(ProtocolRig& rig);
    ~ProtocolDriver() override;
    void start(const std::string& name) override;
    ObservedTurn send(const VisitorTurn& turn) override;

private:
    struct Visitor;
    ProtocolRig& rig_;
    std::unique_ptr<Visitor> visitor_;
    std::unique_ptr<GapLog> gaps_;
    std::string problem_;  // why the visitor could not start, reported at its first turn
};

}  // namespace parley::bot::replay
