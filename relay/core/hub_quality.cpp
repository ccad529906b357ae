// Quality flags (issue 18, quality/quality_rules.hpp, docs/quality.md): the Hub's side.
// Like webhooks, flags come from the Hub's recording points — a new stored message
// (Hub::append) and a routing event (Hub::record_event) — plus a look at the queues on
// the tick for long waits, so no rule of the Hub needs to know about them. A flag is
// written in the Hub's open batch, with what raised it. A failed write is counted
// (parley_quality_flag_failures_total) and the conversation goes on: a flag is advice.
#include <algorithm>

#include "core/hub.hpp"
#include "quality/quality_rules.hpp"
#include "webhooks/webhook_payload.hpp"

namespace parley::relay {

namespace p = protocol;

void Hub::raise_flag(const std::string& conv, const char* kind, std::string detail, std::int64_t seq,
                     std::int64_t ts) {
    auto open = store_.has_open_flag(conv, kind);
    if (open && open.value()) return;  // one open flag per conversation and kind
    QualityFlag flag;
    flag.ts = ts;
    flag.conv = conv;
    flag.kind = kind;
    flag.detail = std::move(detail);
    flag.seq = seq;
    if (!open || !store_.add_flag(flag)) {
        ++counters_.quality_flag_failures;
        return;
    }
    counters_.quality_flags.add(kind);
}

void Hub::quality_of_message(const NewMessage& m, const Appended& a) {
    if (m.internal || m.from.role == "system") return;
    if (m.from.role == "visitor" && m.meta) {
        const auto& signals = m.meta->signals;
        if (std::find(signals.begin(), signals.end(), "frustrated") != signals.end())
            raise_flag(m.conv, quality::kNegativeSentiment, "", a.seq, a.ts);
    }
    for (const std::string& word : quality::compliance_hits(config_.quality, m.text))
        raise_flag(m.conv, quality::kCompliance, m.from.role + ": " + word, a.seq, a.ts);
}

void Hub::quality_of_event(const ConvEvent& event) {
    if (event.kind == "handoff" && is_knowledge_gap_reason(event.detail))
        raise_flag(event.conv, quality::kKnowledgeGap, event.detail, 0, event.ts);
}

// Every queued conversation that has waited long_wait_ms: O(queued) every
// check_every_ms, with a store read only for those past the limit.
void Hub::quality_tick(std::int64_t now) {
    const quality::QualityRules& rules = config_.quality;
    if (rules.long_wait_ms <= 0 || now < next_quality_check_) return;
    next_quality_check_ = now + std::max<std::int64_t>(rules.check_every_ms, 1);
    std::set<std::string> teams{config_.routing.default_team};
    for (const auto& [id, agent] : route_agents_) teams.insert(agent.teams.begin(), agent.teams.end());
    for (const std::string& team : teams)
        for (const std::string& conv : router_.queued(team)) {
            const auto snap = router_.snapshot(conv);
            if (!snap || now - snap->since < rules.long_wait_ms) continue;
            raise_flag(conv, quality::kLongWait, std::to_string((now - snap->since) / 1000) + " s in " + team, 0, now);
        }
}

}  // namespace parley::relay
