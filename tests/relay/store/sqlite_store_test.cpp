// What only SqliteStore promises: data survives closing and reopening the file, and a
// file it cannot use is an error value.
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <memory>
#include <thread>

#include <sqlite3.h>

#include "support/store_backends.hpp"

using namespace parley::relay;
using namespace parley::relay::test;

TEST_CASE("a reopened SQLite store still holds everything", "[store][sqlite]") {
    TempDir dir;
    const std::string path = dir.file("parley.db");
    {
        auto s = SqliteBackend::open(path);
        REQUIRE(s->create_visitor(Visitor{"v_1", "Ada", 1}).ok());
        REQUIRE(s->create_conversation("c_1", "v_1", 1).ok());
        REQUIRE(s->append_message(NewMessage{"c_1", "k1", Party{"visitor", "v_1", "Ada"}, "one", 2}).ok());
        REQUIRE(s->append_message(NewMessage{"c_1", "k2", Party{"visitor", "v_1", "Ada"}, "two", 3}).ok());
        REQUIRE(s->mark_read("c_1", "a_1", 2).ok());
        REQUIRE(s->create_agent(Agent{"a_1", "sam@example.com", "Sam", "h", 1}).ok());
        REQUIRE(s->create_session(AgentSession{"th", "a_1", 99}).ok());
        REQUIRE(s->put_setting("secret", "xyz").ok());
    }
    auto s = SqliteBackend::open(path);
    CHECK(s->find_visitor("v_1").value()->name == "Ada");
    CHECK(s->find_conversation("c_1").value()->last_seq == 2);
    auto msgs = s->messages_after("c_1", 0, 10).value();
    REQUIRE(msgs.size() == 2);
    CHECK(msgs[1].text == "two");
    CHECK(s->read_mark("c_1", "a_1").value() == 2);
    CHECK(s->find_agent_by_email("sam@example.com").value()->id == "a_1");
    CHECK(s->find_session("th").value()->expires == 99);
    CHECK(s->get_setting("secret").value() == std::optional<std::string>("xyz"));
    // Idempotence holds across restarts too, and the next seq follows on.
    auto again = s->append_message(NewMessage{"c_1", "k1", Party{"visitor", "v_1", "Ada"}, "one", 7});
    CHECK(again.value().seq == 1);
    CHECK_FALSE(again.value().inserted);
    CHECK(s->append_message(NewMessage{"c_1", "k3", Party{"visitor", "v_1", "Ada"}, "3", 8}).value().seq == 3);
}

TEST_CASE("a file that is not a database is an error, not a crash", "[store][sqlite]") {
    TempDir dir;
    const std::string path = dir.file("parley.db");
    std::ofstream(path) << std::string(8192, 'x');
    auto s = SqliteStore::open(path);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code == parley::protocol::ErrorCode::storage_failed);
}

TEST_CASE("a database from a newer relay is refused", "[store][sqlite]") {
    TempDir dir;
    const std::string path = dir.file("parley.db");
    { SqliteBackend::open(path); }
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
    auto s = SqliteStore::open(path);
    REQUIRE_FALSE(s.ok());
    CHECK_THAT(s.error().detail, Catch::Contains("newer"));
}

TEST_CASE("a database of schema version 1 is migrated in place and keeps its messages",
          "[store][sqlite]") {
    TempDir dir;
    const std::string path = dir.file("parley.db");
    {
        auto s = SqliteBackend::open(path);
        REQUIRE(s->create_visitor(Visitor{"v_1", "Ada", 1}).ok());
        REQUIRE(s->create_conversation("c_1", "v_1", 1).ok());
        REQUIRE(s->append_message(NewMessage{"c_1", "k1", Party{"visitor", "v_1", "Ada"}, "kept", 2}).ok());
    }
    // Turn the file back into what a version-1 relay wrote.
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db,
                         "ALTER TABLE messages DROP COLUMN meta; ALTER TABLE messages DROP COLUMN internal;"
                         "ALTER TABLE agents DROP COLUMN teams; ALTER TABLE agents DROP COLUMN skills;"
                         "ALTER TABLE agents DROP COLUMN preferred; ALTER TABLE agents DROP COLUMN max_load;"
                         "ALTER TABLE agents DROP COLUMN supervisor; ALTER TABLE conversations DROP COLUMN route;"
                         "DROP INDEX agent_sessions_by_agent; DROP INDEX agent_sessions_by_expiry;"
                         "ALTER TABLE agents DROP COLUMN disabled; ALTER TABLE agent_sessions DROP COLUMN created;"
                         "ALTER TABLE agent_sessions DROP COLUMN last_used; DROP TABLE audit_log;"
                         "ALTER TABLE messages DROP COLUMN parts; ALTER TABLE messages DROP COLUMN reply;"
                         "PRAGMA user_version = 1",
                         nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);

    auto s = SqliteBackend::open(path);
    auto msgs = s->messages_after("c_1", 0, 10).value();
    REQUIRE(msgs.size() == 1);
    CHECK(msgs[0].text == "kept");
    CHECK(s->append_message(NewMessage{"c_1", "k2", Party{"visitor", "v_1", "Ada"}, "new", 3}).value().seq == 2);

    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    CHECK(sqlite3_column_int(st, 0) == SqliteStore::kSchemaVersion);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

TEST_CASE("a database of schema version 4 keeps its agents and sessions, enabled, of unknown age",
          "[store][sqlite][sessions]") {
    TempDir dir;
    const std::string path = dir.file("parley.db");
    {
        auto s = SqliteBackend::open(path);
        REQUIRE(s->create_agent(Agent{"a_1", "sam@example.com", "Sam", "h", 1}).ok());
        REQUIRE(s->create_session(AgentSession{"hash1", "a_1", 500, 7, 8}).ok());
    }
    // Turn the file back into what a version-4 relay wrote.
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db,
                         "DROP INDEX agent_sessions_by_agent; DROP INDEX agent_sessions_by_expiry;"
                         "ALTER TABLE agents DROP COLUMN disabled; ALTER TABLE agent_sessions DROP COLUMN created;"
                         "ALTER TABLE agent_sessions DROP COLUMN last_used; DROP TABLE audit_log;"
                         "ALTER TABLE messages DROP COLUMN parts; ALTER TABLE messages DROP COLUMN reply;"
                         "PRAGMA user_version = 4",
                         nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);

    auto s = SqliteBackend::open(path);
    auto session = s->find_session("hash1").value();
    REQUIRE(session);
    CHECK(session->agent_id == "a_1");
    CHECK(session->expires == 500);
    CHECK(session->created == 0);
    CHECK(session->last_used == 0);
    CHECK_FALSE(s->find_agent("a_1").value()->disabled);
    CHECK(s->purge_sessions(500).value() == 1);
}

TEST_CASE("a directory that does not exist is an error", "[store][sqlite]") {
    auto s = SqliteStore::open("/nonexistent-parley-dir/x/parley.db");
    CHECK_FALSE(s.ok());
}

// A store on a fresh file whose background checkpointer is running.
struct CheckpointedStore {
    TempDir dir;
    std::string path = dir.file("parley.db");
    std::unique_ptr<SqliteStore> store;
    CheckpointedStore() {
        auto opened = SqliteStore::open(path);
        REQUIRE(opened.ok());
        store = std::move(opened).value();
        REQUIRE(store->checkpointer() != nullptr);
    }
};

TEST_CASE("the write-ahead log is checkpointed beside the writer, which goes on writing",
          "[store][sqlite]") {
    CheckpointedStore db;
    SqliteStore& s = *db.store;
    REQUIRE(s.create_visitor(Visitor{"v_1", "Ada", 1}).ok());
    REQUIRE(s.create_conversation("c_1", "v_1", 1).ok());

    // One batch of ~1 500 pages (1.5 KB texts) crosses the 1 000-page threshold.
    const std::string text(1500, 'x');
    const int n = 3000;
    REQUIRE(s.begin_batch().ok());
    for (int i = 1; i <= n; ++i)
        REQUIRE(s.append_message(NewMessage{"c_1", "k" + std::to_string(i), Party{"visitor", "v_1", "Ada"},
                                            text, i}).ok());
    REQUIRE(s.commit_batch().ok());

    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (s.checkpointer()->checkpoints() == 0 && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    CHECK(s.checkpointer()->checkpoints() >= 1);
    CHECK(s.checkpointer()->failures() == 0);

    // The writer was never blocked and lost nothing.
    REQUIRE(s.append_message(NewMessage{"c_1", "last", Party{"visitor", "v_1", "Ada"}, "end", n + 1}).ok());
    CHECK(s.find_conversation("c_1").value()->last_seq == n + 1);
    CHECK(s.messages_after("c_1", n - 1, 10).value().size() == 2);
}

TEST_CASE("under a steady stream of commits the write-ahead log is reused, not grown",
          "[store][sqlite]") {
    // A PASSIVE checkpoint beside a busy writer never quite catches up, and SQLite
    // restarts the log only at a transaction that finds it wholly copied back; without
    // help the log grew by every commit (200 MB in ten seconds at 5 000 messages/s).
    CheckpointedStore db;
    SqliteStore& s = *db.store;
    const int convs = 100;
    for (int c = 0; c < convs; ++c) {
        const std::string id = std::to_string(c);
        REQUIRE(s.create_visitor(Visitor{"v_" + id, "Ada", 1}).ok());
        REQUIRE(s.create_conversation("c_" + id, "v_" + id, 1).ok());
    }
    // 2 000 batches of 10 messages spread over the conversations: about 100 000 log
    // frames in all, written without a pause.
    const std::string text(200, 'x');
    int k = 0;
    for (int batch = 0; batch < 2000; ++batch) {
        REQUIRE(s.begin_batch().ok());
        for (int i = 0; i < 10; ++i, ++k) {
            const std::string c = std::to_string((k * 37) % convs);
            REQUIRE(s.append_message(NewMessage{"c_" + c, "k" + std::to_string(k),
                                                Party{"visitor", "v_" + c, "Ada"}, text, k}).ok());
        }
        REQUIRE(s.commit_batch().ok());
    }
    std::ifstream wal(db.path + "-wal", std::ios::binary | std::ios::ate);
    REQUIRE(wal.good());
    const auto wal_bytes = static_cast<std::int64_t>(wal.tellg());
    INFO("log file: " << wal_bytes << " bytes");
    CHECK(wal_bytes <= std::int64_t{SqliteStore::kLogRestartPages + 2000} * (4096 + 24));
    CHECK(s.checkpointer()->failures() == 0);
    CHECK(s.messages_after("c_0", 0, 1000).value().size() == 200);
}

TEST_CASE("a database of schema version 5 gains an empty audit log (step 6)", "[store][sqlite][audit]") {
    TempDir dir;
    const std::string path = dir.file("parley.db");
    {
        auto s = SqliteBackend::open(path);
        REQUIRE(s->create_agent(Agent{"a_1", "sam@example.com", "Sam", "h", 1}).ok());
    }
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db,
                         "DROP TABLE audit_log; ALTER TABLE messages DROP COLUMN parts;"
                         "ALTER TABLE messages DROP COLUMN reply; PRAGMA user_version = 5",
                         nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);

    auto s = SqliteBackend::open(path);
    CHECK(s->find_agent("a_1").value());
    CHECK(s->audit_before(0, 10).value().empty());
    AuditEntry e;
    e.actor_role = "relay";
    e.action = "config.routing";
    CHECK(s->append_audit(e).value() == 1);
}

TEST_CASE("a database of schema version 6 gains an empty table of bot keys (step 7)", "[store][sqlite][bots]") {
    TempDir dir;
    const std::string path = dir.file("parley.db");
    {
        auto s = SqliteBackend::open(path);
        REQUIRE(s->create_agent(Agent{"a_1", "sam@example.com", "Sam", "h", 1}).ok());
    }
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "DROP TABLE bot_keys; ALTER TABLE messages DROP COLUMN parts;"
                             "ALTER TABLE messages DROP COLUMN reply; PRAGMA user_version = 6", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);

    auto s = SqliteBackend::open(path);
    CHECK(s->find_agent("a_1").value());
    CHECK(s->list_bot_keys().value().empty());
    CHECK(s->create_bot_key(BotKey{"helper", "Helper", "hash", 1, 0}).ok());
}

TEST_CASE("a database of schema version 6 keeps its messages, without parts or reply (step 8)",
          "[store][sqlite][rich]") {
    TempDir dir;
    const std::string path = dir.file("parley.db");
    {
        auto s = SqliteBackend::open(path);
        REQUIRE(s->create_visitor(Visitor{"v_1", "Ada", 1}).ok());
        REQUIRE(s->create_conversation("c_1", "v_1", 1).ok());
        REQUIRE(s->append_message(NewMessage{"c_1", "k1", Party{"visitor", "v_1", "Ada"}, "kept", 2}).ok());
    }
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db,
                         "ALTER TABLE messages DROP COLUMN parts; ALTER TABLE messages DROP COLUMN reply;"
                         "PRAGMA user_version = 6",
                         nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);

    auto s = SqliteBackend::open(path);
    auto msgs = s->messages_after("c_1", 0, 10).value();
    REQUIRE(msgs.size() == 1);
    CHECK(msgs[0].text == "kept");
    CHECK(msgs[0].parts.empty());
    CHECK_FALSE(msgs[0].reply);
}
