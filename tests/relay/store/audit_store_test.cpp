// The audit log in every Store backend (P7, issue 15): entries get increasing ids and
// come back as written, newest first before a cursor and oldest first after one; the
// log joins a batch like every write; SQLite refuses to change or delete an entry, and
// erasing a visitor leaves the log as it was; the retention window (--retain-audit-days)
// purges only the oldest entries before its cutoff. Same backends as the conformance suite.
#include <sqlite3.h>

#include <catch2/catch.hpp>

#include "support/store_backends.hpp"

using namespace parley::relay;
using namespace parley::relay::test;

namespace {

constexpr std::int64_t T0 = 1'700'000'000'000;

AuditEntry entry(std::int64_t n) {
    AuditEntry e;
    e.id = 999;  // ignored: the store assigns ids
    e.ts = T0 + n;
    e.actor_role = "agent";
    e.actor_id = "a_1";
    e.actor_name = "Sam";
    e.action = "conv.close";
    e.conv = "c_" + std::to_string(n);
    e.target = "team:general";
    e.detail = "n=" + std::to_string(n);
    e.address = "127.0.0.1";
    return e;
}

std::vector<std::string> convs(const std::vector<AuditEntry>& entries) {
    std::vector<std::string> out;
    for (const auto& e : entries) out.push_back(e.conv);
    return out;
}

}  // namespace

TEMPLATE_TEST_CASE("audit entries get increasing ids and read back newest first or oldest first",
                   "[store][audit]", MemoryBackend, SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    CHECK(s.audit_before(0, 10).value().empty());
    std::vector<std::int64_t> ids;
    for (int n = 1; n <= 5; ++n) ids.push_back(s.append_audit(entry(n)).value());
    for (std::size_t i = 1; i < ids.size(); ++i) CHECK(ids[i] > ids[i - 1]);

    auto newest = s.audit_before(0, 3).value();
    CHECK(convs(newest) == std::vector<std::string>{"c_5", "c_4", "c_3"});
    const AuditEntry& e = newest[0];
    CHECK(e.id == ids[4]);
    CHECK(e.ts == T0 + 5);
    CHECK(e.actor_role == "agent");
    CHECK(e.actor_id == "a_1");
    CHECK(e.actor_name == "Sam");
    CHECK(e.action == "conv.close");
    CHECK(e.target == "team:general");
    CHECK(e.detail == "n=5");
    CHECK(e.address == "127.0.0.1");
    // The cursor: entries strictly below it.
    CHECK(convs(s.audit_before(newest.back().id, 10).value()) == std::vector<std::string>{"c_2", "c_1"});
    CHECK(convs(s.audit_after(0, 2).value()) == std::vector<std::string>{"c_1", "c_2"});
    CHECK(convs(s.audit_after(ids[2], 10).value()) == std::vector<std::string>{"c_4", "c_5"});
    CHECK(s.audit_after(ids[4], 10).value().empty());
}

TEMPLATE_TEST_CASE("audit entries written in a batch are stored with it", "[store][audit]", MemoryBackend,
                   SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    REQUIRE(s.begin_batch().ok());
    REQUIRE(s.append_audit(entry(1)).ok());
    REQUIRE(s.append_audit(entry(2)).ok());
    CHECK(s.audit_before(0, 10).value().size() == 2);  // reads see the batch's writes
    REQUIRE(s.commit_batch().ok());
    CHECK(s.audit_after(0, 10).value().size() == 2);
}

TEMPLATE_TEST_CASE("erasing a visitor leaves the audit log as it was", "[store][audit]", MemoryBackend,
                   SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    REQUIRE(s.create_visitor(Visitor{"v_1", "Ada", T0}).ok());
    REQUIRE(s.create_conversation("c_1", "v_1", T0).ok());
    REQUIRE(s.append_audit(entry(1)).ok());
    REQUIRE(s.erase_visitor("v_1").value().visitors == 1);
    CHECK(convs(s.audit_after(0, 10).value()) == std::vector<std::string>{"c_1"});
}

TEST_CASE("SQLite refuses to change or delete an audit entry", "[store][audit]") {
    TempDir dir;
    const std::string path = dir.file("parley.db");
    {
        auto s = SqliteStore::open(path);
        REQUIRE(s.ok());
        REQUIRE(s.value()->append_audit(entry(1)).ok());
    }
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db, "UPDATE audit_log SET action = 'x'", nullptr, nullptr, nullptr) != SQLITE_OK);
    CHECK(sqlite3_exec(db, "DELETE FROM audit_log", nullptr, nullptr, nullptr) != SQLITE_OK);
    sqlite3_close(db);
    auto s = SqliteStore::open(path);
    REQUIRE(s.ok());
    auto all = s.value()->audit_after(0, 10).value();
    REQUIRE(all.size() == 1);
    CHECK(all[0].action == "conv.close");
}

TEMPLATE_TEST_CASE("the retention window purges the oldest entries before its cutoff, a page at a time, and "
                   "keeps ids and cursors",
                   "[store][audit][retention]", MemoryBackend, SqliteBackend, CachedSqliteBackend,
                   SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    std::vector<std::int64_t> ids;
    for (int n = 1; n <= 10; ++n) ids.push_back(s.append_audit(entry(n)).value());
    // Cutoff T0 + 7: entries 1..6 are older. A page of 4, then the 2 left, then none.
    CHECK(s.purge_audit_before(T0 + 7, 4).value() == 4);
    CHECK(convs(s.audit_after(0, 2).value()) == std::vector<std::string>{"c_5", "c_6"});
    CHECK(s.purge_audit_before(T0 + 7, 4).value() == 2);
    CHECK(s.purge_audit_before(T0 + 7, 4).value() == 0);
    CHECK(convs(s.audit_after(0, 10).value()) == std::vector<std::string>{"c_7", "c_8", "c_9", "c_10"});
    // Cursors are ids, which do not move: before an id that was purged, and after one.
    CHECK(convs(s.audit_before(ids[7], 10).value()) == std::vector<std::string>{"c_7"});
    CHECK(convs(s.audit_after(ids[2], 1).value()) == std::vector<std::string>{"c_7"});
    CHECK(s.audit_before(ids[3], 10).value().empty());
    // New entries get ids after every earlier one, purged or not.
    const std::int64_t next = s.append_audit(entry(11)).value();
    CHECK(next > ids.back());
    CHECK(s.audit_before(0, 1).value().front().id == next);
}

TEMPLATE_TEST_CASE("the purge stops at the first entry at or after its cutoff, even if older ones follow it",
                   "[store][audit][retention]", MemoryBackend, SqliteBackend) {
    TestType b;
    Store& s = *b.store;
    REQUIRE(s.append_audit(entry(1)).ok());
    REQUIRE(s.append_audit(entry(9)).ok());  // a later clock (another process's)
    REQUIRE(s.append_audit(entry(2)).ok());
    CHECK(s.purge_audit_before(T0 + 5, 100).value() == 1);
    CHECK(convs(s.audit_after(0, 10).value()) == std::vector<std::string>{"c_9", "c_2"});
}

TEST_CASE("SQLite lets a delete through only for entries before the recorded cutoff", "[store][audit][retention]") {
    TempDir dir;
    const std::string path = dir.file("parley.db");
    {
        auto s = SqliteStore::open(path);
        REQUIRE(s.ok());
        for (int n = 1; n <= 4; ++n) REQUIRE(s.value()->append_audit(entry(n)).ok());
        CHECK(s.value()->purge_audit_before(T0 + 3, 100).value() == 2);
    }
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    // Newer than the cutoff: refused, by the database itself.
    CHECK(sqlite3_exec(db, "DELETE FROM audit_log WHERE ts >= 1700000000000 + 3", nullptr, nullptr, nullptr) !=
          SQLITE_OK);
    CHECK(sqlite3_exec(db, "UPDATE audit_log SET action = 'x'", nullptr, nullptr, nullptr) != SQLITE_OK);
    sqlite3_close(db);
    auto s = SqliteStore::open(path);
    REQUIRE(s.ok());
    CHECK(convs(s.value()->audit_after(0, 10).value()) == std::vector<std::string>{"c_3", "c_4"});
}
