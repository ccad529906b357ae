#include "baseline_policy.hpp"

#include <algorithm>

namespace parley::bench {

BaselinePolicy::BaselinePolicy(const Traffic& tr, int cap, bool rotate, Millis close_after,
                               const char* name)
    : tr_(&tr), cap_(cap), rotate_(rotate), close_after_(close_after), name_(name),
      convs_(tr.convs.size()), agents_(tr.params.agents), team_agents_(tr.teams.size()),
      queues_(tr.teams.size()), rotation_(tr.teams.size(), 0) {
    for (int a = 0; a < tr.params.agents; ++a) {
        agents_[a].team = team_of_agent(tr, a);
        team_agents_[agents_[a].team].push_back(a);
    }
}

void BaselinePolicy::seat(int conv, int agent) {
    convs_[conv].agent = agent;
    agents_[agent].held.push_back(conv);
}

void BaselinePolicy::route(int conv, Millis now) {
    const int team = tr_->convs[conv].team;
    const auto& members = team_agents_[team];
    int chosen = -1;
    if (rotate_) {
        for (std::size_t i = 0; i < members.size() && chosen < 0; ++i) {
            const std::size_t k = (rotation_[team] + i) % members.size();
            if (static_cast<int>(agents_[members[k]].held.size()) < cap_) {
                chosen = members[k];
                rotation_[team] = k + 1;
            }
        }
    } else {
        for (int a : members)  // the agent idle longest
            if (static_cast<int>(agents_[a].held.size()) < cap_ &&
                (chosen < 0 || agents_[a].idle_since < agents_[chosen].idle_since))
                chosen = a;
    }
    (void)now;
    if (chosen >= 0) seat(conv, chosen);
    else queues_[team].push_back(conv);
}

void BaselinePolicy::arrive(int conv, Millis now) {
    Conv& c = convs_[conv];
    c.open = true;
    c.awaiting = true;
    c.waiting_since = now;
    route(conv, now);
}

void BaselinePolicy::customer(int conv, Millis now) {
    Conv& c = convs_[conv];
    ++c.gen;  // cancels the housekeeping close
    if (!c.open) {  // closed by housekeeping: starts over as a new chat
        arrive(conv, now);
        return;
    }
    if (!c.awaiting) {
        c.awaiting = true;
        c.waiting_since = now;
    }
}

void BaselinePolicy::close(int conv, Millis now) {
    Conv& c = convs_[conv];
    c.open = false;
    c.awaiting = false;
    ++c.gen;
    if (c.agent < 0) {  // still queued
        auto& q = queues_[tr_->convs[conv].team];
        q.erase(std::remove(q.begin(), q.end(), conv), q.end());
        return;
    }
    Agent& ag = agents_[c.agent];
    ag.held.erase(std::remove(ag.held.begin(), ag.held.end(), conv), ag.held.end());
    const int agent = c.agent;
    c.agent = -1;
    if (ag.held.empty()) ag.idle_since = now;
    auto& q = queues_[ag.team];
    if (!q.empty()) {  // the freed seat takes the queue head
        const int next = q.front();
        q.pop_front();
        seat(next, agent);
    }
}

void BaselinePolicy::decline(int conv, Millis now) { close(conv, now); }

void BaselinePolicy::agent_reply(int conv, int, bool, Millis now) {
    Conv& c = convs_[conv];
    c.awaiting = false;
    ++c.gen;
    timers_.push({now + close_after_, conv, c.gen});
}

int BaselinePolicy::pick(int agent, Millis) {
    int best = -1;
    for (int conv : agents_[agent].held) {  // oldest waiting message first
        const Conv& c = convs_[conv];
        if (c.awaiting && (best < 0 || c.waiting_since < convs_[best].waiting_since)) best = conv;
    }
    return best;
}

std::optional<Millis> BaselinePolicy::next_deadline() const {
    if (timers_.empty()) return std::nullopt;
    return timers_.top().at;
}

void BaselinePolicy::tick(Millis now) {
    while (!timers_.empty() && timers_.top().at <= now) {
        const Timer t = timers_.top();
        timers_.pop();
        const Conv& c = convs_[t.conv];
        if (c.gen == t.gen && c.open && !c.awaiting) close(t.conv, t.at);
    }
}

}  // namespace parley::bench
