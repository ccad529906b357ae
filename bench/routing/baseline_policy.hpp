// The two baselines, one honest implementation with two settings:
//
//   fifo         one conversation per agent; a team queue served first in, first out;
//                a free agent takes the queue head (the agent idle longest goes first).
//   round_robin  up to `cap` conversations per agent (the router's preferred
//                concurrency); new ones go to the next agent in rotation who has a
//                free seat, else the team queue; each agent answers the oldest waiting
//                message first (no adaptive priority).
//
// Neither has an inactive state: a seat is held until the conversation closes, either by
// the customer's "no" (closed at once, as generous as the router) or by the agent's
// housekeeping after `close_after_ms` of customer silence. A customer who writes after
// that starts over as a new chat at the back of the queue or in the rotation.
#pragma once

#include <deque>
#include <queue>
#include <vector>

#include "policy.hpp"

namespace parley::bench {

class BaselinePolicy final : public Policy {
public:
    static BaselinePolicy fifo(const Traffic& tr, Millis close_after_ms) {
        return BaselinePolicy(tr, 1, false, close_after_ms, "fifo-1");
    }
    static BaselinePolicy round_robin(const Traffic& tr, int cap, Millis close_after_ms) {
        return BaselinePolicy(tr, cap, true, close_after_ms, "round-robin");
    }

    const char* name() const override { return name_; }
    void arrive(int conv, Millis now) override;
    void customer(int conv, Millis now) override;
    void decline(int conv, Millis now) override;
    void thanks(int, Millis) override {}
    void agent_reply(int conv, int agent, bool last, Millis now) override;
    int pick(int agent, Millis now) override;
    std::optional<Millis> next_deadline() const override;
    void tick(Millis now) override;

private:
    BaselinePolicy(const Traffic& tr, int cap, bool rotate, Millis close_after, const char* name);
    void route(int conv, Millis now);
    void close(int conv, Millis now);
    void seat(int conv, int agent);

    struct Conv {
        int agent = -1;
        bool open = false, awaiting = false;
        Millis waiting_since = 0;
        unsigned gen = 0;
    };
    struct Agent {
        int team = 0;
        std::vector<int> held;
        Millis idle_since = 0;
    };
    struct Timer {
        Millis at;
        int conv;
        unsigned gen;
        bool operator>(const Timer& o) const { return at != o.at ? at > o.at : conv > o.conv; }
    };
    const Traffic* tr_;
    int cap_;
    bool rotate_;
    Millis close_after_;
    const char* name_;
    std::vector<Conv> convs_;
    std::vector<Agent> agents_;
    std::vector<std::vector<int>> team_agents_;
    std::vector<std::deque<int>> queues_;
    std::vector<std::size_t> rotation_;
    std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> timers_;
};

}  // namespace parley::bench
