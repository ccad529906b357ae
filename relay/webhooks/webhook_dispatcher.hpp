// WebhookDispatcher: moves deliveries from the durable queue (store/webhook_store.hpp)
// to the sender (webhooks/webhook_sender.hpp) and their outcomes back (issue 18).
//
// Theory of operation
// -------------------
// The adapter calls poll(now) on the event-loop thread, on its 100 ms tick, and only
// while no group-commit batch is open (so nothing uncommitted is ever read and sent).
// poll() first applies the sender's finished attempts: a 2xx deletes the delivery
// ("ok"); a failure either reschedules it per the retry policy ("failed": attempts + 1,
// next_at = now + jittered delay) or, at the attempt limit, dead-letters it ("dead").
// Then, below the concurrency bound, it reads due deliveries — the heads of their
// (subscription, conversation) lines, so a conversation's events go one at a time, in
// order — skips those already in flight, signs each (a fresh webhook-timestamp per
// attempt, the same webhook-id) and submits it. A delivery stays pending while in
// flight: a relay killed then sends it again after a restart (at least once; receivers
// dedupe by webhook-id, docs/webhooks.md).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

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
    // (webhook_deliveries by result, webhook_queue).
    void poll(std::int64_t now, WireCounters& counters);
    std::size_t in_flight() const { return in_flight_.size(); }
    // The sender's wake (webhook_sender.hpp): the adapter polls again when it fires.
    void set_wake(std::function<void()> wake) { sender_.set_wake(std::move(wake)); }

private:
    WebhookStore& store_;
    WebhookSender& sender_;
    RandomSource& random_;
    WebhookRetryPolicy policy_;
    int concurrency_;
    std::map<std::int64_t, int> in_flight_;  // delivery id → its failed attempts so far
    std::int64_t next_count_ = 0;            // when the queue gauge is read again
    double unit();                           // a random number in [0, 1) for the jitter
};

}  // namespace parley::relay
