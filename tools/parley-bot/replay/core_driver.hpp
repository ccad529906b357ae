// Drivers put a transcript's visitor turns to a bot and report what it did. The
// interface is all replay_transcript() needs, so a driver over the real protocol
// (relay + parley-bot + a visitor client) plugs in beside CoreDriver.
//
// CoreDriver runs the pure core in-process, feeding each message as the relay would:
// `meta` computed by the default triage model on the text as typed, the text itself
// masked with every personal-data kind (the relay's outbound policy for bots), form
// values unmasked. Time advances 5 s per turn from a fixed start.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "bot_core.hpp"
#include "gap_log.hpp"
#include "replay/expectations.hpp"
#include "replay/transcript.hpp"

namespace parley::bot::replay {

class BotDriver {
public:
    virtual ~BotDriver() = default;
    // A new conversation (a new visitor) named after the transcript.
    virtual void start(const std::string& name) = 0;
    virtual ObservedTurn send(const VisitorTurn& turn) = 0;
};

class CoreDriver : public BotDriver {
public:
    // `core` and `model` must outlive the driver; `model` may be null (no meta).
    CoreDriver(const BotCore& core, const triage::Model* model, GapLog& gaps);
    void start(const std::string& name) override;
    ObservedTurn send(const VisitorTurn& turn) override;

private:
    const BotCore& core_;
    const triage::Model* model_;
    GapLog& gaps_;
    ConversationState state_;
    std::int64_t now_ms_ = 0;
};

}  // namespace parley::bot::replay
