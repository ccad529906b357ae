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

void WebhookDispatcher::settle(std::int64_t now, WireCounters& counters) {
    // Outcomes of finished attempts; their deliveries stay in flight until settled.
    std::vector<WebhookOutcome> outcomes = std::move(unsettled_);
    unsettled_.clear();
    for (const WebhookResult& r : sender_.take_results()) {
        auto it = in_flight_.find(r.delivery);
        const int failures = (it == in_flight_.end() ? 0 : it->second) + 1;
        if (r.ok) {
            outcomes.push_back(WebhookOutcome::delivered(r.delivery));
            ++counters.webhook_deliveries["ok"];
        } else if (auto delay = webhook_retry_delay(policy_, failures, unit())) {
            outcomes.push_back(WebhookOutcome::retry(r.delivery, failures, now + *delay, r.error));
            ++counters.webhook_deliveries["failed"];
        } else {
            outcomes.push_back(WebhookOutcome::dead(r.delivery, failures, r.error));
            ++counters.webhook_deliveries["dead"];
        }
    }
    if (outcomes.empty()) return;
    if (!store_.settle(outcomes)) {
        unsettled_ = std::move(outcomes);  // nothing of them applied: again next time
        return;
    }
    for (const WebhookOutcome& o : outcomes) in_flight_.erase(o.id);
}

void WebhookDispatcher::start(std::int64_t now, WireCounters& counters) {
    // New attempts, below the bound; the store passes over those in flight.
    const int room = concurrency_ - static_cast<int>(in_flight_.size());
    if (room > 0) {
        auto due = store_.due(now, room, [this](std::int64_t id) { return in_flight_.count(id) != 0; });
        if (due) {
            for (WebhookDelivery& d : due.value()) {
                auto key = webhook_secret_key(d.secret);
                const std::int64_t ts = now / 1000;
                WebhookRequest req{d.id, std::move(d.url), {}, {}};
                req.headers.reserve(3);
                req.headers.push_back("webhook-id: " + d.event.event_id);
                req.headers.push_back("webhook-timestamp: " + std::to_string(ts));
                if (key)
                    req.headers.push_back("webhook-signature: " +
                                          webhook_signature(key.value(), d.event.event_id, ts, d.event.payload));
                req.body = std::move(d.event.payload);  // signed above; moved, not copied, to the sender
                in_flight_.emplace(d.id, d.attempts);
                sender_.submit(std::move(req));
            }
        }
    }
    // The gauge, once a second (a count over the pending rows).
    if (now >= next_count_) {
        if (auto n = store_.queue_length()) counters.webhook_queue = static_cast<std::uint64_t>(n.value());
        next_count_ = now + 1000;
    }
}

}  // namespace parley::relay
