#include "router_policy.hpp"

#include <stdexcept>

namespace parley::bench {

RouterPolicy::RouterPolicy(const Traffic& tr, route::RouterConfig cfg, int preferred, int max_load,
                           Millis housekeeping_ms)
    : router_(std::move(cfg)), queued_at_(tr.convs.size(), -1), predicted_(tr.convs.size(), -1),
      housekeeping_ms_(housekeeping_ms), last_reply_(tr.convs.size(), -1) {
    for (std::size_t c = 0; c < tr.convs.size(); ++c) conv_ids_.push_back("c" + std::to_string(c));
    for (int a = 0; a < tr.params.agents; ++a) {
        agent_ids_.push_back("a" + std::to_string(a));
        router_.upsert_agent({agent_ids_[a], {tr.teams[team_of_agent(tr, a)]}, {}, preferred, max_load}, 0);
        router_.set_status(agent_ids_[a], route::AgentStatus::Available, 0);
    }
    convs_team_.reserve(tr.convs.size());
    for (const auto& s : tr.convs) convs_team_.push_back(tr.teams[s.team]);
}

void RouterPolicy::apply(const route::Outcome& o, Millis now) {
    if (!o.ok()) throw std::runtime_error("router refused a simulated call: " + o.error->detail);
    for (const auto& d : o.decisions) {
        if (auto q = std::get_if<route::Queued>(&d)) {
            const int c = index(q->conv);
            if (queued_at_[c] < 0) {  // first place told, the one the visitor remembers
                queued_at_[c] = now;
                predicted_[c] = q->expected_wait_ms;
            }
        } else if (auto a = std::get_if<route::Assigned>(&d)) {
            const int c = index(a->conv);
            if (queued_at_[c] >= 0 && predicted_[c] >= 0) eta_.push_back({predicted_[c], now - queued_at_[c]});
            queued_at_[c] = predicted_[c] = -1;
            if (a->reason == route::AssignReason::Returning) ++returned_;
        }
    }
}

void RouterPolicy::arrive(int conv, Millis now) {
    route::ConvSpec s;
    s.id = conv_ids_[conv];
    s.intent = convs_team_[conv];  // the triage tag names the team; rules map it
    apply(router_.open(s, now), now);
}

std::optional<Millis> RouterPolicy::next_deadline() const {
    auto d = router_.next_deadline();
    if (!closes_.empty() && (!d || closes_.top().first < *d)) d = closes_.top().first;
    return d;
}

void RouterPolicy::tick(Millis now) {
    while (!closes_.empty() && closes_.top().first <= now) {
        const auto [at, conv] = closes_.top();
        closes_.pop();
        if (last_reply_[conv] >= 0 && last_reply_[conv] + housekeeping_ms_ == at)
            apply(router_.close(conv_ids_[conv], route::CloseReason::Agent, now), now);
    }
    apply(router_.tick(now), now);
}

void RouterPolicy::customer(int conv, Millis now) {
    last_reply_[conv] = -1;
    apply(router_.customer_message(conv_ids_[conv], "One more question about my order", now), now);
}

void RouterPolicy::decline(int conv, Millis now) {
    // Already closed by housekeeping (ablation only): the customer's late "no" to a
    // stale prompt is not sent, as the baselines ignore it too.
    if (router_.conversation(conv_ids_[conv])->state == route::ConvState::Closed) return;
    apply(router_.customer_message(conv_ids_[conv], "No, thanks!", now), now);
}

void RouterPolicy::thanks(int conv, Millis now) {
    apply(router_.customer_message(conv_ids_[conv], "thanks \xF0\x9F\x91\x8D", now), now);
}

void RouterPolicy::agent_reply(int conv, int agent, bool last, Millis now) {
    const char* text = last ? "That should do it. Anything else I can help with?"
                            : "Here is what I found.";
    apply(router_.agent_message(conv_ids_[conv], agent_ids_[agent], text, now), now);
    if (housekeeping_ms_ > 0) {
        last_reply_[conv] = now;
        closes_.push({now + housekeeping_ms_, conv});
    }
}

int RouterPolicy::pick(int agent, Millis now) {
    for (const auto& e : router_.inbox(agent_ids_[agent], now)) {
        if (e.attention != route::Attention::AwaitingAgent) break;
        return index(e.conv);
    }
    return -1;
}

}  // namespace parley::bench
