#include "store/sqlite_webhook_store.hpp"

#include <sqlite3.h>

#include "store/sqlite_sealed_column.hpp"
#include "store/store.hpp"

namespace parley::relay {

namespace {

// state: 0 pending, 2 dead (a delivered row is deleted).
constexpr const char* kAddSubscription =
    "INSERT INTO webhook_subscriptions(id, url, events, secret, enabled, created) VALUES(?1, ?2, ?3, ?4, ?5, ?6)";
constexpr const char* kListSubscriptions =
    "SELECT id, url, events, secret, enabled, created FROM webhook_subscriptions ORDER BY created, id";
constexpr const char* kRemoveDeliveries = "DELETE FROM webhook_deliveries WHERE subscription = ?1";
constexpr const char* kRemoveSubscription = "DELETE FROM webhook_subscriptions WHERE id = ?1";
constexpr const char* kEnableSubscription = "UPDATE webhook_subscriptions SET enabled = ?2 WHERE id = ?1";
// The fan-out: `events` is a comma list; "*" wants every type. An event without an id
// gets one per delivery from SQLite's randomness ("msg_" + 24 hex).
constexpr const char* kEnqueue =
    "INSERT INTO webhook_deliveries(subscription, event_id, type, conv, payload, next_at, created) "
    "SELECT id, CASE WHEN ?1 = '' THEN 'msg_' || lower(hex(randomblob(12))) ELSE ?1 END, ?2, ?3, ?4, ?5, ?5 "
    "FROM webhook_subscriptions WHERE enabled = 1 AND "
    "(events = '*' OR instr(',' || events || ',', ',' || ?2 || ',') > 0)";
constexpr const char* kWanted =
    "SELECT 1 FROM webhook_subscriptions WHERE enabled = 1 AND "
    "(events = '*' OR instr(',' || events || ',', ',' || ?1 || ',') > 0) LIMIT 1";
constexpr const char* kDue =
    "SELECT d.id, d.subscription, s.url, s.secret, d.event_id, d.type, d.conv, d.created, d.payload, d.attempts, "
    "d.next_at, d.last_error, d.state FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription "
    "WHERE d.state = 0 AND d.next_at <= ?1 AND s.enabled = 1 AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e "
    "WHERE e.subscription = d.subscription AND e.conv = d.conv AND e.state = 0 AND e.id < d.id) "
    "ORDER BY d.id LIMIT ?2";
constexpr const char* kDelivered = "DELETE FROM webhook_deliveries WHERE id = ?1";
constexpr const char* kRetryLater =
    "UPDATE webhook_deliveries SET attempts = ?2, next_at = ?3, last_error = ?4 WHERE id = ?1 AND state = 0";
constexpr const char* kDead =
    "UPDATE webhook_deliveries SET attempts = ?2, last_error = ?3, state = 2 WHERE id = ?1 AND state = 0";
constexpr const char* kDeadLetters =
    "SELECT d.id, d.subscription, s.url, s.secret, d.event_id, d.type, d.conv, d.created, d.payload, d.attempts, "
    "d.next_at, d.last_error, d.state FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription "
    "WHERE d.state = 2 AND (?1 = '' OR d.subscription = ?1) ORDER BY d.id LIMIT ?2";
constexpr const char* kReplayCopy =
    "INSERT INTO webhook_deliveries(subscription, event_id, type, conv, payload, next_at, created) "
    "SELECT subscription, event_id, type, conv, payload, ?2, created FROM webhook_deliveries WHERE id = ?1 AND state = 2";
constexpr const char* kReplayDrop = "DELETE FROM webhook_deliveries WHERE id = ?1 AND state = 2";
constexpr const char* kDeadIds = "SELECT id FROM webhook_deliveries WHERE state = 2 AND subscription = ?1 ORDER BY id";
constexpr const char* kQueueLength = "SELECT count(*) FROM webhook_deliveries WHERE state = 0";
// A savepoint, not BEGIN: inside the relay's open batch it nests, from the CLI it is
// its own transaction.
constexpr const char* kSavepoint = "SAVEPOINT webhooks";
constexpr const char* kRelease = "RELEASE webhooks";
constexpr const char* kRollbackTo = "ROLLBACK TO webhooks; RELEASE webhooks";

}  // namespace


SqliteWebhookStore::~SqliteWebhookStore() {
    finalize_all(statements_);
}

Error SqliteWebhookStore::fail(const char* what) const {
    return storage_error(std::string("webhooks: ") + what + ": " + sqlite3_errmsg(db_));
}

Result<sqlite3_stmt*> SqliteWebhookStore::prepare(const char* sql) {
    if (sqlite3_stmt* s = prepared(db_, statements_, sql)) return s;
    return fail("prepare");
}

Status SqliteWebhookStore::run(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) return fail(sql);
    return Ok{};
}

Status SqliteWebhookStore::add_subscription(const WebhookSubscription& w) {
    auto p = prepare(kAddSubscription);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, w.id).bind(2, w.url).bind(3, join_list(w.events)).bind(5, std::int64_t{w.enabled ? 1 : 0});
    bind_sealed(sealer_, s, 4, w.secret, webhook_secret_binding(w.id));
    s.bind(6, w.created);
    if (s.step() != SQLITE_DONE) return fail("add subscription");
    return Ok{};
}

Result<std::vector<WebhookSubscription>> SqliteWebhookStore::list_subscriptions() {
    auto p = prepare(kListSubscriptions);
    if (!p) return p.error();
    Stmt s(p.value());
    std::vector<WebhookSubscription> out;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
        const std::string id = column_text(s.get(), 0);
        auto secret = open_sealed(sealer_, s.get(), 3, webhook_secret_binding(id));
        if (!secret) return secret.error();
        out.push_back({id, column_text(s.get(), 1), split_list(column_text(s.get(), 2)), std::move(secret).value(),
                       sqlite3_column_int64(s.get(), 4) != 0, sqlite3_column_int64(s.get(), 5)});
    }
    if (rc != SQLITE_DONE) return fail("list subscriptions");
    return out;
}

Result<bool> SqliteWebhookStore::remove_subscription(const std::string& id) {
    if (Status st = run(kSavepoint); !st) return st.error();
    bool existed = false;
    bool ok = true;
    for (const char* sql : {kRemoveDeliveries, kRemoveSubscription}) {
        auto p = prepare(sql);
        if (!p) {
            ok = false;
            break;
        }
        Stmt s(p.value());
        s.bind(1, id);
        if (s.step() != SQLITE_DONE) {
            ok = false;
            break;
        }
        existed = sqlite3_changes(db_) > 0;
    }
    if (!ok) {
        Error e = fail("remove subscription");
        run(kRollbackTo);
        return e;
    }
    if (Status st = run(kRelease); !st) return st.error();
    return existed;
}

Result<bool> SqliteWebhookStore::set_subscription_enabled(const std::string& id, bool enabled) {
    auto p = prepare(kEnableSubscription);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, id).bind(2, std::int64_t{enabled ? 1 : 0});
    if (s.step() != SQLITE_DONE) return fail("enable subscription");
    return sqlite3_changes(db_) > 0;
}

Status SqliteWebhookStore::enqueue(const WebhookEvent& e) {
    auto p = prepare(kEnqueue);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, e.event_id).bind(2, e.type).bind(3, e.conv).bind(5, e.ts);
    bind_sealed(sealer_, s, 4, e.payload, webhook_payload_binding(e.type, e.conv, e.ts));
    if (s.step() != SQLITE_DONE) return fail("enqueue");
    return Ok{};
}

Result<bool> SqliteWebhookStore::wanted(const std::string& type) {
    auto p = prepare(kWanted);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, type);
    const int rc = s.step();
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) return fail("look up webhook subscriptions");
    return false;
}

Result<std::vector<WebhookDelivery>> SqliteWebhookStore::read_deliveries(Stmt& s, const char* what) {
    std::vector<WebhookDelivery> out;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
        sqlite3_stmt* r = s.get();
        WebhookDelivery d;
        d.id = sqlite3_column_int64(r, 0);
        d.subscription = column_text(r, 1);
        d.url = column_text(r, 2);
        auto secret = open_sealed(sealer_, r, 3, webhook_secret_binding(d.subscription));
        if (!secret) return secret.error();
        d.secret = std::move(secret).value();
        d.event = {column_text(r, 4), column_text(r, 5), column_text(r, 6), sqlite3_column_int64(r, 7), ""};
        auto payload = open_sealed(sealer_, r, 8, webhook_payload_binding(d.event.type, d.event.conv, d.event.ts));
        if (!payload) return payload.error();
        d.event.payload = std::move(payload).value();
        d.attempts = static_cast<int>(sqlite3_column_int64(r, 9));
        d.next_at = sqlite3_column_int64(r, 10);
        d.last_error = column_text(r, 11);
        d.dead = sqlite3_column_int64(r, 12) == 2;
        out.push_back(std::move(d));
    }
    if (rc != SQLITE_DONE) return fail(what);
    return out;
}

Result<std::vector<WebhookDelivery>> SqliteWebhookStore::due(std::int64_t now, int limit) {
    auto p = prepare(kDue);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, now).bind(2, std::int64_t{limit});
    return read_deliveries(s, "read due deliveries");
}

Status SqliteWebhookStore::delivered(std::int64_t id) {
    auto p = prepare(kDelivered);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, id);
    if (s.step() != SQLITE_DONE) return fail("mark delivered");
    return Ok{};
}

Status SqliteWebhookStore::retry_later(std::int64_t id, int attempts, std::int64_t next_at, const std::string& error) {
    auto p = prepare(kRetryLater);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, id).bind(2, std::int64_t{attempts}).bind(3, next_at).bind(4, error);
    if (s.step() != SQLITE_DONE) return fail("reschedule");
    return Ok{};
}

Status SqliteWebhookStore::dead(std::int64_t id, int attempts, const std::string& error) {
    auto p = prepare(kDead);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, id).bind(2, std::int64_t{attempts}).bind(3, error);
    if (s.step() != SQLITE_DONE) return fail("dead-letter");
    return Ok{};
}

Result<std::vector<WebhookDelivery>> SqliteWebhookStore::dead_letters(const std::string& subscription, int limit) {
    auto p = prepare(kDeadLetters);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, subscription).bind(2, std::int64_t{limit});
    return read_deliveries(s, "read dead letters");
}

Result<std::optional<std::int64_t>> SqliteWebhookStore::replay(std::int64_t id, std::int64_t now) {
    if (Status st = run(kSavepoint); !st) return st.error();
    std::optional<std::int64_t> fresh;
    bool ok = true;
    {
        auto p = prepare(kReplayCopy);
        if (!p) return p.error();
        Stmt s(p.value());
        s.bind(1, id).bind(2, now);
        ok = s.step() == SQLITE_DONE;
        if (ok && sqlite3_changes(db_) > 0) fresh = sqlite3_last_insert_rowid(db_);
    }
    if (ok && fresh) {
        auto p = prepare(kReplayDrop);
        if (!p) return p.error();
        Stmt s(p.value());
        s.bind(1, id);
        ok = s.step() == SQLITE_DONE;
    }
    if (!ok) {
        Error e = fail("replay");
        run(kRollbackTo);
        return e;
    }
    if (Status st = run(kRelease); !st) return st.error();
    return fresh;
}

Result<std::int64_t> SqliteWebhookStore::replay_dead(const std::string& subscription, std::int64_t now) {
    std::vector<std::int64_t> ids;
    {
        auto p = prepare(kDeadIds);
        if (!p) return p.error();
        Stmt s(p.value());
        s.bind(1, subscription);
        int rc;
        while ((rc = s.step()) == SQLITE_ROW) ids.push_back(sqlite3_column_int64(s.get(), 0));
        if (rc != SQLITE_DONE) return fail("read dead letters");
    }
    std::int64_t n = 0;
    for (std::int64_t id : ids) {
        auto r = replay(id, now);
        if (!r) return r.error();
        if (r.value()) ++n;
    }
    return n;
}

Result<std::int64_t> SqliteWebhookStore::queue_length() {
    auto p = prepare(kQueueLength);
    if (!p) return p.error();
    Stmt s(p.value());
    if (s.step() != SQLITE_ROW) return fail("count the queue");
    return sqlite3_column_int64(s.get(), 0);
}

}  // namespace parley::relay
