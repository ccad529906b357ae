#include "replay/core_driver.hpp"

#include <cmath>

#include "parley/triage/analysis.hpp"
#include "parley/triage/pii.hpp"

namespace parley::bot::replay {

CoreDriver::CoreDriver(const BotCore& core, const triage::Model* model, GapLog& gaps)
    : core_(core), model_(model), gaps_(gaps) {}

void CoreDriver::start(const std::string&) {
    state_ = {};
    now_ms_ = 1'780'000'000'000;  // a fixed day: replays are reproducible
}

ObservedTurn CoreDriver::send(const VisitorTurn& turn) {
    now_ms_ += 5000;
    Incoming in;
    in.text = triage::mask_pii(turn.text);  // the relay masks every kind before a bot
    if (!turn.option.empty() || !turn.form.empty()) {
        in.reply = VisitorReply{turn.option, turn.form, turn.values};
    } else if (model_) {
        const triage::Analysis a = triage::analyze(*model_, turn.text, 1);
        protocol::Meta m;
        m.intent = a.intent;
        m.confidence = std::round(static_cast<double>(a.confidence) * 10000.0) / 10000.0;
        m.signals = a.signals;
        in.meta = std::move(m);
    }
    const Decision d = core_.on_message(state_, in, now_ms_);
    ObservedTurn o;
    o.intent = d.meta.intent;
    for (const Reply& r : d.replies) o.replies.push_back({r.text, to_json(r.parts), r.stream});
    if (d.handoff) o.handoff = ObservedHandoff{d.handoff->reason, d.handoff->summary, d.handoff->team};
    if (d.gap) o.gap_recorded = gaps_.record(*d.gap, now_ms_).ok();
    return o;
}

}  // namespace parley::bot::replay
