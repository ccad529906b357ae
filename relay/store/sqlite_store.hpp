// SqliteStore: the Store on one SQLite file (WAL journal, synchronous=FULL), so a
// committed write survives a crash of the relay or the machine ("durable before ack").
//
// Every write is one transaction; append_message runs BEGIN IMMEDIATE … COMMIT so the
// idempotence lookup, the seq assignment and the insert cannot interleave with another
// writer. Statements are prepared once and reused. The schema version lives in
// PRAGMA user_version: 0 = empty file (the schema is created), 1 = this schema, higher
// = written by a newer relay (open fails rather than guess).
//
// Privacy (P7): secure_delete is on, so SQLite overwrites deleted content with zeros in
// the pages it writes; erase_visitor then checkpoints with TRUNCATE, so the log no longer
// holds the pages as they were before (empty_log: in a running relay it first holds the
// background checkpointer's rounds off, which would otherwise make TRUNCATE fail busy). After it returns, the database file and its log
// hold none of the erased bytes (tests/relay/store/erasure_test.cpp greps them).
//
// Sealing (P7, store/column_sealer.hpp): given data keys, the columns holding what people
// wrote or are called are sealed with the first key; reseal() rewrites every value under
// it (rotation, or sealing a store that was plain).
//
// Errors (I/O, a corrupt file, a full disk, a constraint) come back as
// storage_failed values carrying SQLite's message; nothing throws.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>

#include "store/column_sealer.hpp"
#include "store/sqlite_statement.hpp"
#include "store/sqlite_webhook_store.hpp"
#include "store/store.hpp"
#include "store/wal_checkpointer.hpp"
#include "store/webhook_store.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace parley::relay {

struct SqliteOptions {
    std::optional<DataKey> data_key;  // seals new values (none: stored plain)
    std::vector<DataKey> old_keys;    // open what they sealed, seal nothing
    bool allow_missing_keys = false;  // open even when a key that sealed values is not
                                      // given (reseal with forget_unreadable only)
};

// What reseal() did.
struct Resealed {
    std::int64_t values = 0;      // values rewritten under the sealing key (or plain)
    std::int64_t unreadable = 0;  // values no key opened, replaced by kUnreadableText
};

class SqliteStore : public Store {
public:
    static constexpr int kSchemaVersion = 16;  // steps in kMigrations (sqlite_store.cpp)

    // Opens (creating if needed) the database file at `path`. Fails with
    // storage_failed when the file cannot be opened, is not a database, or holds a
    // newer schema.
    // Sealed stores: fails too when the file holds values sealed with a key that
    // `options` lacks (unless allow_missing_keys).
    static Result<std::unique_ptr<SqliteStore>> open(const std::string& path,
                                                     SqliteOptions options = {});

    // Rewrites every sealed column's value under the data key (none given: as
    // plain text), in transactions of a few hundred rows, skipping values already
    // sealed with it; then records that key alone in "sealed_with" and empties the log,
    // so no older form stays in the files. A value no key opens is an error, or, with
    // forget_unreadable (a lost key), replaced by kUnreadableText. Offline: the caller
    // holds the data directory's lock.
    Result<Resealed> reseal(bool forget_unreadable);
    static constexpr const char* kUnreadableText = "[unreadable: sealed with a lost data key]";

    ~SqliteStore() override;
    SqliteStore(const SqliteStore&) = delete;
    SqliteStore& operator=(const SqliteStore&) = delete;

    Status create_visitor(const Visitor& visitor) override;
    Result<std::optional<Visitor>> find_visitor(const std::string& id) override;
    Status rename_visitor(const std::string& id, const std::string& name) override;
    Status put_contact(const std::string& visitor_id, const Contact& contact, std::int64_t now) override;
    Result<std::optional<Contact>> find_contact(const std::string& visitor_id) override;
    Result<std::optional<std::string>> verified_visitor(const std::string& user_id) override;

    Status create_conversation(const std::string& conv, const std::string& visitor_id,
                               std::int64_t now) override;
    Result<std::optional<ConvSummary>> find_conversation(const std::string& conv) override;
    Result<std::optional<ConvSummary>> conversation_of_visitor(
        const std::string& visitor_id) override;
    Result<std::vector<ConvSummary>> open_conversations(int limit) override;
    Result<std::vector<ConvSummary>> conversations_before(const std::string& status, std::int64_t before_updated,
                                                          const std::string& before_conv, int limit) override;
    Result<std::vector<ConvSummary>> closed_conversations_of_visitor(const std::string& visitor_id,
                                                                     int limit) override;
    Status put_attachment(const AttachmentRecord& record) override;
    Result<std::optional<AttachmentRecord>> find_attachment(const std::string& id) override;
    Result<ConversationScan> scan_conversations(std::int64_t after, std::int64_t created_before,
                                                std::int64_t updated_since, int scan) override;
    Result<std::vector<ConvSummary>> conversations_page(const std::string& status, std::int64_t since,
                                                        std::int64_t after_updated, const std::string& after_conv,
                                                        int limit) override;
    Status set_conversation_status(const std::string& conv, const std::string& status) override;
    Status set_route(const std::string& conv, const std::string& record) override;
    Status begin_batch() override;
    Status commit_batch() override;
    Result<std::optional<std::string>> route_of(const std::string& conv) override;

    Result<Appended> append_message(const NewMessage& message) override;
    Result<std::optional<Appended>> find_sent(const std::string& conv, const std::string& sender_id,
                                              const std::string& cid) override;
    Result<std::vector<Message>> messages_after(const std::string& conv, std::int64_t after,
                                                int limit) override;
    Result<std::vector<Message>> messages_before(const std::string& conv, std::int64_t before,
                                                 int limit) override;
    Result<std::optional<Message>> last_visible_said(const std::string& conv) override;

    Result<std::int64_t> mark_read(const std::string& conv, const std::string& reader_id,
                                   std::int64_t seq) override;
    Result<std::int64_t> read_mark(const std::string& conv, const std::string& reader_id) override;

    Status create_agent(const Agent& agent) override;
    Result<std::optional<Agent>> find_agent_by_email(const std::string& email) override;
    Result<std::optional<Agent>> find_agent(const std::string& id) override;
    Result<std::vector<Agent>> list_agents() override;
    Status create_session(const AgentSession& session) override;
    Result<std::optional<AgentSession>> find_session(const std::string& token_hash) override;
    Status touch_session(const std::string& token_hash, std::int64_t now) override;
    Result<std::vector<AgentSession>> sessions_of_agent(const std::string& agent_id) override;
    Result<bool> delete_session(const std::string& token_hash) override;
    Result<std::int64_t> delete_sessions_of_agent(const std::string& agent_id) override;
    Result<std::int64_t> purge_sessions(std::int64_t now) override;
    Status set_agent_disabled(const std::string& agent_id, bool disabled) override;
    Status update_agent(const Agent& agent, bool revoke_sessions) override;
    Status delete_agent(const std::string& agent_id) override;
    Status create_bot_key(const BotKey& key) override;
    Result<std::optional<BotKey>> find_bot_key(const std::string& key_hash) override;
    Status touch_bot_key(const std::string& key_hash, std::int64_t now) override;
    Result<std::vector<BotKey>> list_bot_keys() override;
    Result<bool> delete_bot_key(const std::string& name) override;

    Result<std::optional<VisitorRecord>> visitor_record(const std::string& visitor_id) override;
    Result<Erased> erase_visitor(const std::string& visitor_id) override;
    // A TRUNCATE checkpoint, holding the background checkpointer off while it runs; a
    // reader of another process is waited for kEmptyLogBusyMs per attempt, not the
    // usual 5 s (the relay's loop is waiting), then it fails and is retried later.
    Status empty_log() override;
    Result<std::vector<ClosedConversation>> closed_before(std::int64_t cutoff, std::int64_t after_updated,
                                                          const std::string& after_conv, int limit) override;
    Result<Erased> erase_conversations(const std::vector<std::string>& convs) override;

    Result<std::int64_t> add_flag(const QualityFlag& flag) override;
    Result<std::vector<QualityFlag>> flags_before(std::int64_t before, bool open_only, int limit) override;
    Result<std::optional<QualityFlag>> find_flag(std::int64_t id) override;
    Result<bool> review_flag(std::int64_t id, const std::string& by, std::int64_t at) override;
    Result<bool> has_open_flag(const std::string& conv, const std::string& kind) override;
    Result<std::int64_t> open_flag_count() override;
    Status append_event(const ConvEvent& event) override;
    Result<std::vector<ConvEvent>> events_of_conversations_opened(std::int64_t from, std::int64_t to) override;
    Result<std::vector<MessageStamp>> visible_message_stamps(const std::string& conv) override;
    Result<std::vector<ConvEvent>> events_of_kind(const std::string& kind, std::int64_t from,
                                                  std::int64_t to) override;
    Status append_agent_event(const AgentEvent& event) override;
    Result<std::vector<AgentEvent>> agent_events_between(std::int64_t from, std::int64_t to) override;
    Result<std::int64_t> purge_agent_events_before(std::int64_t before_ts) override;
    Status put_conv_context(const std::string& conv, const ConvContext& context) override;
    Result<std::optional<ConvContext>> find_conv_context(const std::string& conv) override;
    Result<std::vector<ConvSummary>> conversations_of(const std::string& visitor_id, int limit) override;
    Result<std::vector<ConvEvent>> events_of_conversation(const std::string& conv) override;
    Status put_canned(const CannedRecord& record) override;
    Result<std::optional<CannedRecord>> find_canned(const std::string& id) override;
    Result<std::vector<CannedRecord>> canned_of(const std::string& owner) override;
    Result<bool> delete_canned(const std::string& id) override;
    Result<std::int64_t> append_audit(const AuditEntry& entry) override;
    Result<std::vector<AuditEntry>> audit_before(std::int64_t before, int limit) override;
    Result<std::vector<AuditEntry>> audit_after(std::int64_t after, int limit) override;
    Result<std::int64_t> purge_audit_before(std::int64_t before_ts, int limit) override;

    Result<std::optional<std::string>> get_setting(const std::string& key) override;
    Status put_setting(const std::string& key, const std::string& value) override;
    WebhookStore* webhooks() override { return webhooks_.get(); }  // issue 18

    // The background checkpointer; null when it could not start (checkpoints inline).
    const WalCheckpointer* checkpointer() const { return checkpointer_.get(); }

    // The log is restarted (written again from its start) once it holds this many
    // pages, 16 MB: see on_wal_commit. Under load the log file stays about this size.
    static constexpr int kLogRestartPages = 4000;

private:
    using Stmt = SqliteStatement;  // store/sqlite_statement.hpp

    SqliteStore(sqlite3* db, ColumnSealer sealer) : db_(db), sealer_(std::move(sealer)) {}
    // Sealing: binds a personal value (sealed as a BLOB when sealing), reads one back.
    void bind_personal(Stmt& s, int i, const std::string& plain, const std::string& binding);
    Result<std::string> personal(sqlite3_stmt* s, int column, const std::string& binding) const;
    Result<ConvSummary> read_summary(sqlite3_stmt* s) const;
    Result<std::vector<ConvSummary>> read_summaries(Stmt& s, const char* what, bool with_intent);
    Result<Message> read_message(sqlite3_stmt* s) const;
    // Records the sealing key in "sealed_with" (check_key_ring first).
    Status check_and_record_keys(bool allow_missing);

    // After each commit (sqlite3_wal_hook): asks for a background checkpoint every
    // kCheckpointPages new pages of log (4 MB, SQLite's own default; small because
    // closing the database checkpoints what is left, on the way out of a SIGTERM), and
    // past kLogRestartPages copies the last pages back itself so the log restarts.
    static int on_wal_commit(void* self, sqlite3* db, const char* name, int log_pages);
    static constexpr int kCheckpointPages = 1000;
    static constexpr int kInlineCheckpointPages = 65536;
    int checkpoint_asked_at_ = 0;  // log pages when the checkpointer was last asked
    std::unique_ptr<WalCheckpointer> checkpointer_;
    Status migrate();
    // Erasure: the files of the attachments whose records were deleted (committed).
    void remove_attachment_files(const std::vector<std::string>& ids);
    std::string attachments_dir_;  // DATA_DIR/attachments; empty for an in-memory database
    static constexpr int kBusyTimeoutMs = 5000;
    static constexpr int kEmptyLogAttempts = 3;
    static constexpr int kEmptyLogBusyMs = 100;  // per attempt: the event loop waits this
    Status exec(const char* sql);
    void step_prepared(const char* sql);  // a statement whose result is not needed
    bool batch_open_ = false;  // begin_batch() .. commit_batch()
    Result<sqlite3_stmt*> prepare(const char* sql);
    Error fail(const char* what) const;
    Result<std::optional<ConvSummary>> one_summary(const char* sql, const std::string& key);
    // Triage (P5): sets s.intent from the latest visitor message with meta.
    Status fill_intent(ConvSummary& s);

    sqlite3* db_ = nullptr;
    ColumnSealer sealer_;
    std::unique_ptr<SqliteWebhookStore> webhooks_;  // on db_; made by open() after migrate()
    SqliteStatements statements_;
};

}  // namespace parley::relay
