#include "webhooks/webhook_dispatcher.hpp"

#include "webhooks/webhook_signature.hpp"

namespace parley::relay {

WebhookDispatcher::WebhookDispatcher(WebhookStore& store, WebhookSender& sender, RandomSource& random,
                                     WebhookRetryPolicy policy, int concurrency)
    : store_(store), sender_(sender), random_(random), policy_(std::move(policy)),
      concurrency_(concurrency < 1 ? 1 : concurrency) {}

double WebhookDispatcher::unit() {
    std::uint32_t r = 0;
    random_.fill(reinterpret_cast<unsigned char*>(&r), sizeof r);
    return static_cast<double>(r) / 4294967296.0;
}

void WebhookDispatcher::poll(std::int64_t now, WireCounters& counters) {
    // 1. Outcomes of finished attempts.
    for (const WebhookResult& r : sender_.take_results()) {
        auto it = in_flight_.find(r.delivery);
        const int failures = (it == in_flight_.end() ? 0 : it->second) + 1;
        if (it != in_flight_.end()) in_flight_.erase(it);
        if (r.ok) {
            store_.delivered(r.delivery);
            ++counters.webhook_deliveries["ok"];
        } else if (auto delay = webhook_retry_delay(policy_, failures, unit())) {
            store_.retry_later(r.delivery, failures, now + *delay, r.error);
            ++counters.webhook_deliveries["failed"];
        } else {
            store_.dead(r.delivery, failures, r.error);
            ++counters.webhook_deliveries["dead"];
        }
    }
    // 2. New attempts, below the bound.
    const int room = concurrency_ - static_cast<int>(in_flight_.size());
    if (room > 0) {
        auto due = store_.due(now, room + static_cast<int>(in_flight_.size()));
        if (due) {
            for (const WebhookDelivery& d : due.value()) {
                if (static_cast<int>(in_flight_.size()) >= concurrency_) break;
                if (in_flight_.count(d.id)) continue;
                auto key = webhook_secret_key(d.secret);
                const std::int64_t ts = now / 1000;
                WebhookRequest req{d.id, d.url, {}, d.event.payload};
                req.headers.push_back("webhook-id: " + d.event.event_id);
                req.headers.push_back("webhook-timestamp: " + std::to_string(ts));
                if (key)
                    req.headers.push_back("webhook-signature: " +
                                          webhook_signature(key.value(), d.event.event_id, ts, d.event.payload));
                in_flight_.emplace(d.id, d.attempts);
                sender_.submit(std::move(req));
            }
        }
    }
    // 3. The gauge, once a second (a count over the pending rows).
    if (now >= next_count_) {
        if (auto n = store_.queue_length()) counters.webhook_queue = static_cast<std::uint64_t>(n.value());
        next_count_ = now + 1000;
    }
}

}  // namespace parley::relay
