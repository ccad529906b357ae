#include "perf.hpp"

#include <ctime>
#include <string>
#include <vector>

#include "rng.hpp"
#include "route/router.hpp"

namespace parley::bench {

// 10 teams of agents/10; preferred 6, max 10, so 10k open conversations over 1k agents
// fill every preferred seat and leave a real queue behind. The stream: customer
// messages (ordinary, "thanks", "no"), agent replies (some "anything else?"), closes
// replaced by new conversations so `open` stays constant, agents going away and coming
// back, and the virtual clock advancing 40 ms per event so silence timers fire.
PerfResult measure_router_cost(int agents, int open, long events, std::uint64_t seed) {
    using namespace parley::route;
    RouterConfig cfg;
    cfg.inactive_after_ms = 5 * 60 * 1000;
    constexpr int kTeams = 10;
    for (int t = 0; t < kTeams; ++t) cfg.rules.push_back({"i" + std::to_string(t), "", "t" + std::to_string(t), {}});
    Router r(cfg);
    Rng rng(seed);
    Millis now = 0;
    std::vector<std::string> agent_ids, conv_ids;
    for (int a = 0; a < agents; ++a) {
        agent_ids.push_back("agent-" + std::to_string(a));
        r.upsert_agent({agent_ids[a], {"t" + std::to_string(a % kTeams)}, {}, 6, 10}, now);
        r.set_status(agent_ids[a], AgentStatus::Available, now);
    }
    long next_id = 0;
    auto new_conv = [&](std::size_t slot) {
        ConvSpec s;
        s.id = "c_" + std::to_string(next_id++);
        s.intent = "i" + std::to_string(rng.below(kTeams));
        if (slot < conv_ids.size()) conv_ids[slot] = s.id; else conv_ids.push_back(s.id);
        r.open(s, now);
    };
    for (int c = 0; c < open; ++c) new_conv(conv_ids.size());

    std::vector<int> away;  // agents currently away
    long done = 0;
    const std::clock_t t0 = std::clock();  // process CPU time: robust on a shared machine
    for (; done < events; ++done) {
        now += 40;
        const double u = rng.uniform();
        const std::size_t slot = rng.below(conv_ids.size());
        const std::string& id = conv_ids[slot];
        if (u < 0.40) {
            const double k = rng.uniform();
            r.customer_message(id, k < 0.85 ? "My order has not arrived yet" : k < 0.95 ? "thanks" : "no", now);
        } else if (u < 0.80) {
            const auto v = r.conversation(id);
            if (v && v->state == ConvState::Assigned)
                r.agent_message(id, v->agent, rng.chance(0.2) ? "Anything else?" : "Let me check.", now);
            else
                r.tick(now);
        } else if (u < 0.90) {
            r.close(id, CloseReason::Agent, now);
            r.forget(id);
            new_conv(slot);
        } else if (u < 0.999) {
            r.tick(now);
        } else if (!away.empty() && rng.chance(0.5)) {
            r.set_status(agent_ids[away.back()], AgentStatus::Available, now);
            away.pop_back();
        } else {
            const int a = static_cast<int>(rng.below(agent_ids.size()));
            r.set_status(agent_ids[a], AgentStatus::Away, now);
            away.push_back(a);
        }
    }
    const std::clock_t t1 = std::clock();
    const int probes = 20000;
    volatile std::size_t sink = 0;  // keeps the probe loop from being optimised away
    for (int i = 0; i < probes; ++i) sink = sink + r.inbox(agent_ids[rng.below(agent_ids.size())], now).size();
    const std::clock_t t2 = std::clock();
    PerfResult res;
    res.agents = agents;
    res.open = open;
    res.events = done;
    const double us_per_tick = 1e6 / CLOCKS_PER_SEC;
    res.us_per_event = static_cast<double>(t1 - t0) * us_per_tick / static_cast<double>(done);
    res.us_per_inbox = static_cast<double>(t2 - t1) * us_per_tick / probes;
    for (int t = 0; t < kTeams; ++t) res.queued_at_end += r.queue_length("t" + std::to_string(t));
    return res;
}

}  // namespace parley::bench
