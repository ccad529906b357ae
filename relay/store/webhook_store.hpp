// WebhookStore: the durable side of outbound webhooks (issue 18, docs/webhooks.md):
// subscriptions and the delivery queue, kept in the relay's database so an event is
// enqueued in the same transaction (the same group-commit batch) as the thing it
// reports, and survives a kill -9 once that is acknowledged.
//
// Theory of operation
// -------------------
// enqueue(event) fans one event out, inside the database, into one delivery row per
// enabled subscription that wants its type. A delivery is pending until it is delivered
// (its row is deleted) or dead-lettered (kept, state dead, until replayed or its
// subscription is removed). Deliveries of one (subscription, conversation) form a line
// in id order: due() returns only the head of each line (the oldest pending delivery),
// and only when its next_at has come, so a conversation's next event waits for the
// previous one to be delivered or dead-lettered — whatever the retry schedule does.
// A replay moves a dead delivery to the END of its line (a new row, the same event id
// and body), so it never overtakes what was enqueued after it.
//
// Outcomes of attempts are settled several at a time (settle()), in one savepoint: inside
// the relay's open group-commit batch they commit with it, outside one they are one
// transaction, so a burst of finished webhooks costs one sync to disk, not one each.
//
// Callers: the Hub (enqueue, on the event loop, inside its batch), the relay's webhook
// dispatcher (on the event loop: settle, inside the pass's batch when there is one; due
// and queue_length never while a batch is open, so nothing uncommitted is ever sent),
// the CLI (subscriptions, replay) and later the HTTP API. Not thread-safe, like Store.
// Errors are storage_failed values.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace parley::relay {

struct WebhookSubscription {
    std::string id;                   // "wh_" + 16 hex
    std::string url;                  // http:// or https:// (checked by the caller)
    std::vector<std::string> events;  // event types; {"*"}: every type
    std::string secret;               // "whsec_" + base64 (auth/webhook_signature.hpp)
    bool enabled = true;
    std::int64_t created = 0;         // ms
};

// One event to deliver (the Hub builds it; webhooks/webhook_payload.hpp).
struct WebhookEvent {
    // The webhook-id header, the same on every attempt and replay. Empty at enqueue: each
    // delivery gets its own, "msg_" + 24 random hex digits (no Hub randomness spent).
    std::string event_id;
    std::string type;      // e.g. "message.created"
    std::string conv;      // the ordering line ("" for none)
    std::int64_t ts = 0;   // ms
    std::string payload;   // the JSON body, exactly as signed and sent
};

struct WebhookDelivery {
    std::int64_t id = 0;  // the DELIVERY_ID of --replay-webhook
    std::string subscription;
    std::string url, secret;  // the subscription's, read with the row
    WebhookEvent event;
    int attempts = 0;           // failed attempts so far
    std::int64_t next_at = 0;   // ms: not before
    std::string last_error;     // of the latest failed attempt ("" none)
    bool dead = false;
};

// What became of one attempt (webhooks/webhook_dispatcher.cpp decides which).
struct WebhookOutcome {
    enum class Kind { delivered, retry, dead };
    Kind kind = Kind::delivered;
    std::int64_t id = 0;        // the delivery
    int attempts = 0;           // retry, dead: failed attempts so far, this one included
    std::int64_t next_at = 0;   // retry: not before (ms)
    std::string error;          // retry, dead: why this attempt failed

    static WebhookOutcome delivered(std::int64_t id) { return {Kind::delivered, id, 0, 0, ""}; }
    static WebhookOutcome retry(std::int64_t id, int attempts, std::int64_t next_at, std::string error) {
        return {Kind::retry, id, attempts, next_at, std::move(error)};
    }
    static WebhookOutcome dead(std::int64_t id, int attempts, std::string error) {
        return {Kind::dead, id, attempts, 0, std::move(error)};
    }
};

class WebhookStore {
public:
    virtual ~WebhookStore() = default;

    // ---- subscriptions ------------------------------------------------------------
    // Fails when the id exists.
    virtual Status add_subscription(const WebhookSubscription& s) = 0;
    // Every subscription, oldest first (secrets included: callers show them only once).
    virtual Result<std::vector<WebhookSubscription>> list_subscriptions() = 0;
    // Deletes the subscription and every delivery of it; true when it existed.
    virtual Result<bool> remove_subscription(const std::string& id) = 0;
    virtual Result<bool> set_subscription_enabled(const std::string& id, bool enabled) = 0;

    // ---- the queue ------------------------------------------------------------------
    // One pending delivery (next_at = event.ts) per enabled subscription wanting the type.
    virtual Status enqueue(const WebhookEvent& event) = 0;
    // Whether any enabled subscription wants `type`: one indexed read of a small table,
    // so the Hub builds (masks, encodes) an event's body only when someone will get it.
    // Asked each time, not cached: the CLI changes subscriptions beside a running relay.
    virtual Result<bool> wanted(const std::string& type) = 0;
    // The heads of lines whose next_at <= now, of enabled subscriptions, oldest first,
    // at most `limit`, passing over heads for which skip(id) is true (those in flight:
    // neither read nor counted). Reads the rows it returns, not the queue.
    using Skip = std::function<bool(std::int64_t id)>;
    virtual Result<std::vector<WebhookDelivery>> due(std::int64_t now, int limit, const Skip& skip) = 0;
    Result<std::vector<WebhookDelivery>> due(std::int64_t now, int limit) {
        return due(now, limit, [](std::int64_t) { return false; });
    }
    // Applies the outcomes in order, all or none (one savepoint: see the theory above):
    // delivered deletes the row, retry sets attempts, next_at and last_error, dead makes
    // it a dead letter; an id that is gone or no longer pending is passed over. On an
    // error nothing of them is applied and the caller may settle them again.
    virtual Status settle(const std::vector<WebhookOutcome>& outcomes) = 0;
    Status delivered(std::int64_t id) { return settle({WebhookOutcome::delivered(id)}); }
    Status retry_later(std::int64_t id, int attempts, std::int64_t next_at, const std::string& error) {
        return settle({WebhookOutcome::retry(id, attempts, next_at, error)});
    }
    Status dead(std::int64_t id, int attempts, const std::string& error) {
        return settle({WebhookOutcome::dead(id, attempts, error)});
    }
    // Dead letters of a subscription ("": all), oldest first, at most `limit`.
    virtual Result<std::vector<WebhookDelivery>> dead_letters(const std::string& subscription, int limit) = 0;
    // A dead delivery back to the end of its line, attempts 0, due at `now`: the new
    // delivery id; nullopt when there is no dead delivery with that id.
    virtual Result<std::optional<std::int64_t>> replay(std::int64_t id, std::int64_t now) = 0;
    // Every dead letter of the subscription replayed, in their order; how many.
    virtual Result<std::int64_t> replay_dead(const std::string& subscription, std::int64_t now) = 0;
    // Pending deliveries (the /metrics gauge).
    virtual Result<std::int64_t> queue_length() = 0;
};

}  // namespace parley::relay
