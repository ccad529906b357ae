#include "store/sqlite_webhook_store.hpp"

#include <sqlite3.h>

#include <set>

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
    "(events = '*' OR instr(',' || events || ',', ',' || ?2 || ',') > 0) RETURNING id, subscription";
constexpr const char* kWanted =
    "SELECT 1 FROM webhook_subscriptions WHERE enabled = 1 AND "
    "(events = '*' OR instr(',' || events || ',', ',' || ?1 || ',') > 0) LIMIT 1";
// The heads, rebuilt (webhook_line_heads.hpp): one pass over the line index; with min(),
// SQLite takes the bare column next_at from the row that has the minimum id.
constexpr const char* kHeads =
    "SELECT d.subscription, d.conv, min(d.id), d.next_at FROM webhook_deliveries d "
    "JOIN webhook_subscriptions s ON s.id = d.subscription WHERE d.state = 0 AND s.enabled = 1 "
    "GROUP BY d.subscription, d.conv";
// One line's head: SEARCH USING INDEX webhook_deliveries_line (subscription=? AND conv=?
// AND state=?), the first entry. The EXISTS does not depend on the row: evaluated once.
constexpr const char* kLineHead =
    "SELECT id, next_at FROM webhook_deliveries WHERE subscription = ?1 AND conv = ?2 AND state = 0 AND "
    "EXISTS (SELECT 1 FROM webhook_subscriptions WHERE id = ?1 AND enabled = 1) ORDER BY id LIMIT 1";
// A head's row, to send: by primary key, still pending, of an enabled subscription.
constexpr const char* kPendingById =
    "SELECT d.id, d.subscription, s.url, s.secret, d.event_id, d.type, d.conv, d.created, d.payload, d.attempts, "
    "d.next_at, d.last_error, d.state FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription "
    "WHERE d.id = ?1 AND d.state = 0 AND s.enabled = 1";
// Changes when another connection (the CLI beside the relay) commits; not for our own.
constexpr const char* kDataVersion = "PRAGMA data_version";
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
// The same for settle(), prepared once: it runs on every loop pass with outcomes.
constexpr const char* kSettleSavepoint = "SAVEPOINT webhook_outcomes";
constexpr const char* kSettleRelease = "RELEASE webhook_outcomes";
constexpr const char* kSettleRollbackTo = "ROLLBACK TO webhook_outcomes; RELEASE webhook_outcomes";

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
    heads_.forget();  // its lines are gone; rare enough to rebuild
    return existed;
}

Result<bool> SqliteWebhookStore::set_subscription_enabled(const std::string& id, bool enabled) {
    auto p = prepare(kEnableSubscription);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, id).bind(2, std::int64_t{enabled ? 1 : 0});
    if (s.step() != SQLITE_DONE) return fail("enable subscription");
    heads_.forget();  // its lines join or leave the heads; rare enough to rebuild
    return sqlite3_changes(db_) > 0;
}

Status SqliteWebhookStore::enqueue(const WebhookEvent& e) {
    auto p = prepare(kEnqueue);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, e.event_id).bind(2, e.type).bind(3, e.conv).bind(5, e.ts);
    bind_sealed(sealer_, s, 4, e.payload, webhook_payload_binding(e.type, e.conv, e.ts));
    // One row per subscription that wants it: a line without a head gets this one (ids
    // only grow, so a line that has a head keeps it).
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
        WebhookLine line{column_text(s.get(), 1), e.conv};
        if (heads_.known() && !heads_.has(line)) heads_.set(line, sqlite3_column_int64(s.get(), 0), e.ts);
    }
    if (rc != SQLITE_DONE) {
        heads_.forget();  // some rows may be in, some not
        return fail("enqueue");
    }
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

Status SqliteWebhookStore::rebuild_heads_if_stale() {
    std::int64_t version = 0;
    {
        auto p = prepare(kDataVersion);
        if (!p) return p.error();
        Stmt s(p.value());
        if (s.step() != SQLITE_ROW) return fail("read data_version");
        version = sqlite3_column_int64(s.get(), 0);
    }
    if (heads_.known() && version == data_version_) return Ok{};
    // The version is read first: a write by another connection after it is seen by the
    // scan or, at worst, makes the next call rebuild again.
    auto p = prepare(kHeads);
    if (!p) return p.error();
    Stmt s(p.value());
    heads_.rebuilt();
    int rc;
    while ((rc = s.step()) == SQLITE_ROW)
        heads_.set({column_text(s.get(), 0), column_text(s.get(), 1)}, sqlite3_column_int64(s.get(), 2),
                   sqlite3_column_int64(s.get(), 3));
    if (rc != SQLITE_DONE) {
        heads_.forget();
        return fail("read the webhook lines");
    }
    data_version_ = version;
    return Ok{};
}

Status SqliteWebhookStore::refresh_head(const WebhookLine& line) {
    auto p = prepare(kLineHead);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, line.subscription).bind(2, line.conv);
    const int rc = s.step();
    if (rc == SQLITE_ROW) heads_.set(line, sqlite3_column_int64(s.get(), 0), sqlite3_column_int64(s.get(), 1));
    else if (rc == SQLITE_DONE) heads_.drop(line);
    else return fail("read a webhook line's head");
    return Ok{};
}

Result<std::vector<WebhookDelivery>> SqliteWebhookStore::due(std::int64_t now, int limit, const Skip& skip) {
    if (Status st = rebuild_heads_if_stale(); !st) return st.error();
    std::vector<WebhookDelivery> out;
    std::set<std::int64_t> taken;
    // Rounds: a head whose row turns out gone or settled (a write this store could not
    // follow) is re-read from its line, and the next round looks again.
    for (bool stale = true; stale && static_cast<int>(out.size()) < limit;) {
        stale = false;
        const auto heads = heads_.due(now, limit - static_cast<int>(out.size()),
                                      [&](std::int64_t id) { return taken.count(id) || skip(id); });
        for (const auto& [id, line] : heads) {
            auto p = prepare(kPendingById);
            if (!p) return p.error();
            Stmt s(p.value());
            s.bind(1, id);
            auto rows = read_deliveries(s, "read a due delivery");
            if (!rows) return rows.error();
            if (rows.value().empty()) {
                if (Status st = refresh_head(line); !st) return st.error();
                stale = true;
                continue;
            }
            taken.insert(id);
            out.push_back(std::move(rows.value().front()));
        }
    }
    return out;
}

Status SqliteWebhookStore::apply(const WebhookOutcome& o) {
    using Kind = WebhookOutcome::Kind;
    auto p = prepare(o.kind == Kind::delivered ? kDelivered : o.kind == Kind::retry ? kRetryLater : kDead);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, o.id);
    if (o.kind == Kind::retry) s.bind(2, std::int64_t{o.attempts}).bind(3, o.next_at).bind(4, o.error);
    if (o.kind == Kind::dead) s.bind(2, std::int64_t{o.attempts}).bind(3, o.error);
    if (s.step() != SQLITE_DONE) return fail("settle a webhook attempt");
    // The heads: a retried head stays, later; a settled one gives way to its line's next.
    if (!heads_.known()) return Ok{};
    if (o.kind == Kind::retry) {
        heads_.reschedule(o.id, o.next_at);
        return Ok{};
    }
    if (auto line = heads_.line_of(o.id)) return refresh_head(*line);
    return Ok{};
}

Status SqliteWebhookStore::settle(const std::vector<WebhookOutcome>& outcomes) {
    if (outcomes.empty()) return Ok{};
    auto step = [&](const char* sql) -> Status {
        auto p = prepare(sql);
        if (!p) return p.error();
        Stmt s(p.value());
        if (s.step() != SQLITE_DONE) return fail(sql);
        return Ok{};
    };
    if (Status st = step(kSettleSavepoint); !st) return st;
    for (const WebhookOutcome& o : outcomes) {
        if (Status st = apply(o); !st) {
            run(kSettleRollbackTo);
            heads_.forget();  // they followed writes that are undone now
            return st;
        }
    }
    if (Status st = step(kSettleRelease); !st) {
        run(kSettleRollbackTo);
        heads_.forget();
        return st;
    }
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
    if (fresh) heads_.forget();  // its line may have had no head; rare enough to rebuild
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
