// SqliteWebhookStore: WebhookStore on the relay's SQLite connection (schema step 11,
// tables webhook_subscriptions and webhook_deliveries). It shares SqliteStore's
// connection, so its writes join the open group-commit batch like every other write;
// SqliteStore owns it (SqliteStore::webhooks()). With a data key it shares SqliteStore's
// ColumnSealer too: a queued body (message text, names, e-mails) and a signing secret
// are sealed at rest like a transcript (store/column_sealer.hpp), and SqliteStore's
// reseal() rewrites them. The line rule of webhook_store.hpp is
// one SQL query (due): the head of a line is a pending row with no older pending row of
// the same (subscription, conv), found through the index on exactly those columns.
#pragma once

#include "store/column_sealer.hpp"
#include "store/sqlite_statement.hpp"
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
    Result<std::vector<WebhookDelivery>> due(std::int64_t now, int limit) override;
    Status delivered(std::int64_t id) override;
    Status retry_later(std::int64_t id, int attempts, std::int64_t next_at, const std::string& error) override;
    Status dead(std::int64_t id, int attempts, const std::string& error) override;
    Result<std::vector<WebhookDelivery>> dead_letters(const std::string& subscription, int limit) override;
    Result<std::optional<std::int64_t>> replay(std::int64_t id, std::int64_t now) override;
    Result<std::int64_t> replay_dead(const std::string& subscription, std::int64_t now) override;
    Result<std::int64_t> queue_length() override;

private:
    using Stmt = SqliteStatement;  // store/sqlite_statement.hpp
    Result<sqlite3_stmt*> prepare(const char* sql);
    Error fail(const char* what) const;
    Status run(const char* sql);  // a statement without parameters or rows
    Result<std::vector<WebhookDelivery>> read_deliveries(Stmt& s, const char* what);

    sqlite3* db_;
    ColumnSealer& sealer_;
    SqliteStatements statements_;
};

}  // namespace parley::relay
