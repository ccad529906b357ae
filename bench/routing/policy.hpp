// What the simulator asks of a router. The simulator owns the people (customers who
// write, agents who type); a Policy only decides who holds which conversation and which
// one an idle agent answers next. Conversations and agents are indices into Traffic.
#pragma once

#include <optional>

#include "traffic.hpp"

namespace parley::bench {

class Policy {
public:
    virtual ~Policy() = default;
    virtual const char* name() const = 0;
    virtual void arrive(int conv, Millis now) = 0;    // the customer's first message
    virtual void customer(int conv, Millis now) = 0;  // a further message (maybe after a pause)
    virtual void decline(int conv, Millis now) = 0;   // "no" to "anything else?"
    virtual void thanks(int conv, Millis now) = 0;    // a lone "thanks" after closing
    // The agent's reply went out; `last` replies end with "anything else?".
    virtual void agent_reply(int conv, int agent, bool last, Millis now) = 0;
    // The conversation an idle agent answers next (one awaiting that agent), or -1.
    virtual int pick(int agent, Millis now) = 0;
    virtual std::optional<Millis> next_deadline() const = 0;
    virtual void tick(Millis now) = 0;
};

// Agents are numbered team by team: team 0's first, then team 1's, ...
inline int team_of_agent(const Traffic& tr, int agent) {
    for (int t = 0, first = 0; t < static_cast<int>(tr.agents_per_team.size()); ++t) {
        first += tr.agents_per_team[t];
        if (agent < first) return t;
    }
    return -1;
}

}  // namespace parley::bench
