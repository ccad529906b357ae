#include "sim.hpp"

#include <algorithm>
#include <cmath>
#include <queue>
#include <stdexcept>

namespace parley::bench {
namespace {

enum class Kind { Arrive, Customer, Decline, Thanks, AgentDone };

struct Event {
    Millis at;
    std::uint64_t seq;  // FIFO among equal times: deterministic
    Kind kind;
    int who;            // conversation, or agent for AgentDone
    bool operator>(const Event& o) const { return at != o.at ? at > o.at : seq > o.seq; }
};

struct ConvRun {
    int replies_done = 0;
    std::vector<Millis> pending;  // unanswered customer messages
    std::vector<int> seen_by;     // agents who replied here already
    bool first_answered = false;
};

struct AgentRun {
    int typing = -1;  // conversation, -1 idle
    std::size_t answering = 0;  // pending messages the reply covers
};

}  // namespace

Millis percentile(std::vector<Millis> v, double q) {
    if (v.empty()) return 0;
    const std::size_t k = std::min(v.size() - 1, static_cast<std::size_t>(std::ceil(q * v.size())) - 1);
    std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
    return v[k];
}

Metrics simulate(const Traffic& tr, Policy& policy, Millis overtime_cap_ms) {
    const ModelParams& p = tr.params;
    const Millis stop_at = p.day_ms + overtime_cap_ms;
    Metrics m;
    m.name = policy.name();
    std::vector<ConvRun> convs(tr.convs.size());
    std::vector<AgentRun> agents(p.agents);
    std::priority_queue<Event, std::vector<Event>, std::greater<Event>> events;
    std::uint64_t seq = 0;
    auto push = [&](Millis at, Kind k, int who) { events.push({at, seq++, k, who}); };
    for (std::size_t c = 0; c < tr.convs.size(); ++c) push(tr.convs[c].arrival, Kind::Arrive, static_cast<int>(c));

    Millis now = 0, last_work = 0;
    int pending_total = 0;
    auto record = [&](int c, Millis wait) {
        m.waits.push_back(wait);
        (tr.convs[c].engaged ? m.engaged_waits : m.slow_waits).push_back(wait);
    };
    auto start_idle_agents = [&] {
        for (int a = 0; a < p.agents; ++a) {
            if (agents[a].typing >= 0) continue;
            const int c = policy.pick(a, now);
            if (c < 0) continue;
            ConvRun& cr = convs[c];
            if (cr.pending.empty() || cr.replies_done >= tr.convs[c].replies)
                throw std::logic_error(std::string(policy.name()) + " picked a conversation not awaiting a reply");
            Millis service = tr.convs[c].service[cr.replies_done];
            if (std::find(cr.seen_by.begin(), cr.seen_by.end(), a) == cr.seen_by.end()) {
                service += static_cast<Millis>(1000 * p.context_read_s);
                cr.seen_by.push_back(a);
            }
            agents[a].typing = c;
            agents[a].answering = cr.pending.size();
            m.busy_ms += static_cast<double>(service);
            push(now + service, Kind::AgentDone, a);
        }
    };

    for (;;) {
        const auto deadline = policy.next_deadline();
        const bool have_event = !events.empty();
        if (!have_event && pending_total == 0) break;
        if (!have_event && !deadline) break;  // nobody can ever answer: stop
        const Millis next_event = have_event ? events.top().at : stop_at + 1;
        if (deadline && *deadline <= next_event) {  // timers due first, like the router
            if (*deadline > stop_at) break;
            now = std::max(now, *deadline);
            policy.tick(now);
            start_idle_agents();
            continue;
        }
        if (next_event > stop_at) break;
        now = next_event;
        const Event e = events.top();
        events.pop();
        const int c = e.kind == Kind::AgentDone ? agents[e.who].typing : e.who;
        const Script& s = tr.convs[c];
        ConvRun& cr = convs[c];
        switch (e.kind) {
            case Kind::Arrive:
                cr.pending.push_back(now);
                ++pending_total;
                policy.arrive(c, now);
                break;
            case Kind::Customer:
                cr.pending.push_back(now);
                ++pending_total;
                policy.customer(c, now);
                break;
            case Kind::Decline:
                policy.decline(c, now);
                ++m.resolved;
                if (s.thanks_after_close >= 0) push(now + s.thanks_after_close, Kind::Thanks, c);
                break;
            case Kind::Thanks:
                policy.thanks(c, now);
                break;
            case Kind::AgentDone: {
                AgentRun& ar = agents[e.who];
                for (std::size_t i = 0; i < ar.answering; ++i) {
                    const Millis w = now - cr.pending[i];
                    record(c, w);
                    if (!cr.first_answered) { m.first_waits.push_back(w); cr.first_answered = true; }
                }
                cr.pending.erase(cr.pending.begin(), cr.pending.begin() + static_cast<long>(ar.answering));
                pending_total -= static_cast<int>(ar.answering);
                const int k = cr.replies_done++;
                const bool last = cr.replies_done == s.replies;
                ar.typing = -1;
                last_work = now;
                policy.agent_reply(c, e.who, last, now);
                if (k == s.quiet_after && s.abandons) break;
                push(now + s.gap[k], last ? Kind::Decline : Kind::Customer, c);
                break;
            }
        }
        start_idle_agents();
    }
    // Unanswered at the stop: counted up to the stop (a lower bound of their wait).
    const Millis end = std::min(std::max(now, p.day_ms), stop_at);
    for (std::size_t c = 0; c < convs.size(); ++c)
        for (Millis t : convs[c].pending) {
            record(static_cast<int>(c), std::max<Millis>(end - t, 0));
            ++m.censored;
        }
    m.shift_ms = std::max(p.day_ms, last_work);
    const double agent_ms = static_cast<double>(m.shift_ms) * p.agents;
    m.utilisation = m.busy_ms / agent_ms;
    m.conv_per_agent_hour = m.resolved / (agent_ms / 3.6e6);
    m.p50 = percentile(m.waits, 0.5);
    m.p90 = percentile(m.waits, 0.9);
    m.first_p90 = percentile(m.first_waits, 0.9);
    m.engaged_p90 = percentile(m.engaged_waits, 0.9);
    m.slow_p90 = percentile(m.slow_waits, 0.9);
    return m;
}

}  // namespace parley::bench
