// SqliteWebhookStore: WebhookStore on the relay's SQLite connection (schema step 11,
// tables webhook_subscriptions and webhook_deliveries). It shares SqliteStore's
// connection, so its writes join the open group-commit batch like every other write;
// SqliteStore owns it (SqliteStore::webhooks()). With a data key it shares SqliteStore's
// ColumnSealer too: a queued body (message text, names, e-mails) and a signing secret
// are sealed at rest like a transcript (store/column_sealer.hpp), and SqliteStore's
// reseal() rewrites them.
//
// The line rule of webhook_store.hpp: the heads of the lines are kept in memory
// (store/webhook_line_heads.hpp), so due() reads by primary key only the rows it returns,
// and a settled head's successor is one read of the line index (webhook_deliveries_line:
// subscription, conv, state, id) with LIMIT 1. Reading the heads from the table instead
// (a pending row with no older pending row in its line) walked and sorted the whole
// queue on every call: 2.3 ms at 5 000 pending, on the loop, after every webhook. The
// table is scanned once to rebuild the heads: at the first due(), after another
// connection wrote (PRAGMA data_version: the CLI's replay, remove, enable), after a
// rolled-back batch (batch_rolled_back()) and after this store's own admin writes.
#pragma once

#include "store/column_sealer.hpp"
#include "store/sqlite_statement.hpp"
#include "store/webhook_line_heads.hpp"
#include "store/webhook_store.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace parley::relay {

class SqliteWebhookStore final : public WebhookStore {
public:
    SqliteWebhookStore(sqlite3* db, ColumnSealer& sealer) : db_(db), sealer_(sealer) {}
    ~SqliteWebhookStore() override;
    SqliteWebhookStore(const SqliteWebhookStore&) = delete;
    SqliteWebhookStore& operator=(const SqliteWebhookStore&) = delete;

    Status add_subscription(const WebhookSubscription& s) override;
    Result<std::vector<WebhookSubscription>> list_subscriptions() override;
    Result<bool> remove_subscription(const std::string& id) override;
    Result<bool> set_subscription_enabled(const std::string& id, bool enabled) override;
    Status enqueue(const WebhookEvent& event) override;
    Result<bool> wanted(const std::string& type) override;
    using WebhookStore::due;
    Result<std::vector<WebhookDelivery>> due(std::int64_t now, int limit, const Skip& skip) override;
    Status settle(const std::vector<WebhookOutcome>& outcomes) override;
    Result<std::vector<WebhookDelivery>> dead_letters(const std::string& subscription, int limit) override;
    Result<std::optional<std::int64_t>> replay(std::int64_t id, std::int64_t now) override;
    Result<std::int64_t> replay_dead(const std::string& subscription, std::int64_t now) override;
    Result<std::int64_t> queue_length() override;

    // SqliteStore's group-commit batch did not commit: the writes made in it (enqueued
    // rows, settled outcomes) are undone, so the heads in memory are rebuilt before use.
    void batch_rolled_back() { heads_.forget(); }

private:
    using Stmt = SqliteStatement;  // store/sqlite_statement.hpp
    Result<sqlite3_stmt*> prepare(const char* sql);
    Error fail(const char* what) const;
    Status run(const char* sql);  // a statement without parameters or rows
    Result<std::vector<WebhookDelivery>> read_deliveries(Stmt& s, const char* what);
    Status apply(const WebhookOutcome& o);            // one outcome's row and head
    Status rebuild_heads_if_stale();                   // see the class comment
    Status refresh_head(const WebhookLine& line);      // the line's head from the index

    sqlite3* db_;
    ColumnSealer& sealer_;
    SqliteStatements statements_;
    WebhookLineHeads heads_;
    std::int64_t data_version_ = -1;  // PRAGMA data_version when heads_ were last checked
};

}  // namespace parley::relay
