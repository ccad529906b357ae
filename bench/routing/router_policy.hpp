// The Parley router (relay/route) driven by the simulator: every customer and agent
// action becomes the same call the relay makes, with the same texts a person would send
// ("no" to "anything else?", a lone "thanks"), and the router's own timers.
#pragma once

#include <queue>
#include <string>
#include <utility>
#include <vector>

#include "policy.hpp"
#include "route/router.hpp"

namespace parley::bench {

struct EtaSample {
    Millis predicted, actual;
};

class RouterPolicy final : public Policy {
public:
    // housekeeping_ms > 0: agents also close a conversation after that much customer
    // silence, as in the baselines (used by the "no inactive state" ablation only).
    RouterPolicy(const Traffic& tr, route::RouterConfig cfg, int preferred, int max_load,
                 Millis housekeeping_ms = 0);

    const char* name() const override { return "parley-router"; }
    void arrive(int conv, Millis now) override;
    void customer(int conv, Millis now) override;
    void decline(int conv, Millis now) override;
    void thanks(int conv, Millis now) override;
    void agent_reply(int conv, int agent, bool last, Millis now) override;
    int pick(int agent, Millis now) override;
    std::optional<Millis> next_deadline() const override;
    void tick(Millis now) override;

    // Queue honesty: the expected wait told at enqueue against the wait that followed.
    const std::vector<EtaSample>& eta_samples() const { return eta_; }
    int returned_to_same_agent() const { return returned_; }

private:
    void apply(const route::Outcome& o, Millis now);
    static int index(const std::string& id) { return std::stoi(id.substr(1)); }

    route::Router router_;
    std::vector<std::string> conv_ids_, agent_ids_, convs_team_;
    std::vector<Millis> queued_at_, predicted_;
    std::vector<EtaSample> eta_;
    int returned_ = 0;
    Millis housekeeping_ms_ = 0;
    std::vector<Millis> last_reply_;  // per conversation, -1 when the customer wrote last
    std::priority_queue<std::pair<Millis, int>, std::vector<std::pair<Millis, int>>,
                        std::greater<std::pair<Millis, int>>> closes_;
};

}  // namespace parley::bench
