// WebhookDispatcher: moves deliveries from the durable queue (store/webhook_store.hpp)
// to the sender (webhooks/webhook_sender.hpp) and their outcomes back (issue 18).
//
// Theory of operation
// -------------------
// The adapter runs the dispatcher at most once per event-loop pass (its 100 ms tick and
// the sender's wake only ask for a pass), in two steps around the pass's group commit:
//
// settle(now), before the commit, applies the sender's finished attempts, all of them in
// one store call (WebhookStore::settle): inside the pass's open batch they commit with
// it, so a burst of webhooks costs no sync of its own; with no batch open they are one
// transaction. A 2xx deletes the delivery ("ok"); a failure either reschedules it per the
// retry policy ("failed": attempts + 1, next_at = now + jittered delay) or, at the
// attempt limit, dead-letters it ("dead"). If the store refuses them, they are kept and
// settled again next time, their deliveries still counted in flight so none goes twice.
//
// start(now), after the commit and only while no batch is open (so nothing uncommitted
// is ever read and sent), reads due deliveries below the concurrency bound — the heads
// of their (subscription, conversation) lines, so a conversation's events go one at a
// time, in order; those in flight are passed over in the store —, signs each (a fresh
// webhook-timestamp per attempt, the same webhook-id) and submits it.
//
// At least once: a delivery stays pending while in flight, and its 2xx is durable only
// once its settle commits (with the pass's batch). A relay killed in between, or a batch
// that fails to commit, sends it again (receivers dedupe by webhook-id,
// docs/webhooks.md); the line's order is kept, since its later events were not
// recorded as delivered either.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/random_source.hpp"
#include "ops/relay_counters.hpp"
#include "store/webhook_store.hpp"
#include "webhooks/webhook_retry.hpp"
#include "webhooks/webhook_sender.hpp"

namespace parley::relay {

class WebhookDispatcher {
public:
    // All must outlive the dispatcher. `concurrency`: deliveries in flight at most.
    WebhookDispatcher(WebhookStore& store, WebhookSender& sender, RandomSource& random, WebhookRetryPolicy policy,
                      int concurrency);

    // See the theory above. `now`: wall clock, ms. Counts into `counters`
    // (webhook_deliveries by result; start: webhook_queue). settle may run inside a
    // group-commit batch, start never.
    void settle(std::int64_t now, WireCounters& counters);
    void start(std::int64_t now, WireCounters& counters);
    void poll(std::int64_t now, WireCounters& counters) {  // both, outside a batch
        settle(now, counters);
        start(now, counters);
    }
    std::size_t in_flight() const { return in_flight_.size(); }
    // A config reload: the retry schedule and attempts count for the next failure
    // settled; the concurrency for the next start() (deliveries in flight finish).
    void set_policy(WebhookRetryPolicy policy, int concurrency) {
        policy_ = std::move(policy);
        concurrency_ = concurrency;
    }
    // The sender's wake (webhook_sender.hpp): the adapter polls again when it fires.
    void set_wake(std::function<void()> wake) { sender_.set_wake(std::move(wake)); }

private:
    WebhookStore& store_;
    WebhookSender& sender_;
    RandomSource& random_;
    WebhookRetryPolicy policy_;
    int concurrency_;
    std::map<std::int64_t, int> in_flight_;  // delivery id → its failed attempts so far
    std::vector<WebhookOutcome> unsettled_;  // refused by the store: settled next time
    std::int64_t next_count_ = 0;            // when the queue gauge is read again
    double unit();                           // a random number in [0, 1) for the jitter
};

}  // namespace parley::relay
