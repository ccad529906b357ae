// Retention (P7, docs/operations.md "Retention") against the real relay binary: a
// closed conversation is purged by the running relay once its window has passed, and
// afterwards no byte of its text, its visitor's name or page is left in the database
// or its log, while an open conversation stays. A "day" is 300 ms here
// (--retention-day-ms, which exists for this test), the sweep runs every 100 ms. The audit
// log's own window (--retain-audit-days) too.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "protocol_peer.hpp"
#include "relay_process.hpp"

using namespace parley::test;
namespace fs = std::filesystem;

namespace {

constexpr int kWait = 5000;

std::string database_bytes(const RelayProcess& relay) {
    std::string bytes;
    for (const char* name : {"parley.db", "parley.db-wal"}) {
        std::ifstream in(fs::path(relay.data_dir()) / name, std::ios::binary);
        bytes.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return bytes;
}

// Rows of the conversation left in the tables that hold conversations (read through
// SQLite beside the running relay). Its bare id may stay in the audit log, which names
// conversations by id only (docs/security.md, "Audit log"): an id whose rows are gone
// names nobody, so the raw bytes are searched for the text, page and name, not the id.
int rows_of(const RelayProcess& relay, const std::string& conv) {
    sqlite3* db = nullptr;
    const std::string path = (fs::path(relay.data_dir()) / "parley.db").string();
    REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    int rows = 0;
    for (const char* sql : {"SELECT count(*) FROM conversations WHERE id = ?1",
                            "SELECT count(*) FROM messages WHERE conv = ?1",
                            "SELECT count(*) FROM read_marks WHERE conv = ?1"}) {
        sqlite3_stmt* s = nullptr;
        REQUIRE(sqlite3_prepare_v2(db, sql, -1, &s, nullptr) == SQLITE_OK);
        sqlite3_bind_text(s, 1, conv.c_str(), -1, SQLITE_TRANSIENT);
        REQUIRE(sqlite3_step(s) == SQLITE_ROW);
        rows += sqlite3_column_int(s, 0);
        sqlite3_finalize(s);
    }
    sqlite3_close(db);
    return rows;
}

// A visitor's conversation with a few messages; the visitor leaves. Returns its id.
std::string conversation(const RelayProcess& relay, const std::string& name, const std::string& marker) {
    ProtocolPeer v;
    REQUIRE(v.connect(relay.host(), relay.port()));
    REQUIRE(v.send({{"type", "hello"}, {"role", "visitor"}, {"name", name},
                    {"page", "https://shop.example/" + marker + "-page"}}));
    auto welcome = v.wait_type("welcome");
    REQUIRE(welcome);
    const std::string conv = (*welcome)["conv"];
    for (int i = 0; i < 5; ++i) {
        REQUIRE(v.send({{"type", "send"}, {"conv", conv}, {"cid", "m" + std::to_string(i)},
                        {"text", marker + " detail " + std::to_string(i)}}));
        REQUIRE(v.wait_type("ack"));
    }
    v.close();
    return conv;
}

}  // namespace

TEST_CASE("The running relay purges a closed conversation after its window and leaves no byte of it on disk",
          "[integration][retention]") {
    RelayOptions o;
    o.demo_agent = true;
    o.extra_args = {"--retain-closed-days", "1", "--retention-day-ms", "300", "--retention-sweep-ms", "100"};
    RelayProcess relay(o);
    REQUIRE(relay.start());

    const std::string purged = conversation(relay, "Zorro Quince", "zqxpurged");
    const std::string kept = conversation(relay, "Kept Person", "keptopen");

    ProtocolPeer agent;
    REQUIRE(agent.connect(relay.host(), relay.port()));
    REQUIRE(agent.send({{"type", "login"}, {"email", "demo@parley.local"}, {"password", o.demo_password}}));
    REQUIRE(agent.wait_type("welcome", kWait));
    REQUIRE(agent.send({{"type", "close"}, {"conv", purged}}));
    REQUIRE(agent.wait_for([&](const json& j) {
        return j.value("type", "") == "conv" && j.value("conv", "") == purged && j.value("status", "") == "closed";
    }, kWait));
    REQUIRE(database_bytes(relay).find("zqxpurged detail") != std::string::npos);  // the test can see it

    // Polled, not timed: the purge is due 300 ms after the close; 20 s is only a bound.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (database_bytes(relay).find("zqxpurged") != std::string::npos &&
           std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));

    std::string bytes = database_bytes(relay);
    CHECK(bytes.find("zqxpurged") == std::string::npos);  // text and page
    CHECK(bytes.find("Zorro Quince") == std::string::npos);
    CHECK(rows_of(relay, purged) == 0);
    CHECK(rows_of(relay, kept) > 0);
    CHECK(bytes.find("keptopen detail 4") != std::string::npos);  // open: kept

    // The console names it: as for any unknown conversation (the demo agent is a
    // supervisor: 3001; other agents get 2004).
    REQUIRE(agent.send({{"type", "sync"}, {"conv", purged}, {"after", 0}, {"cid", "s1"}}));
    auto refused = agent.wait_type("error", kWait);
    REQUIRE(refused);
    CHECK((*refused)["code"] == 3001);

    agent.close();
    REQUIRE(relay.stop());
    bytes = database_bytes(relay);
    CHECK(bytes.find("zqxpurged") == std::string::npos);
    CHECK(bytes.find("keptopen detail 4") != std::string::npos);
    (void)kept;
}

TEST_CASE("The running relay purges audit entries older than --retain-audit-days, logs the purge, and the "
          "database still refuses to delete newer ones",
          "[integration][retention][audit]") {
    RelayOptions o;
    o.extra_args = {"--retain-audit-days", "1", "--retention-day-ms", "300", "--retention-sweep-ms", "100"};
    RelayProcess relay(o);
    // An entry from before the start (the CLI logs each key it makes): old by the time
    // the relay has run for a "day".
    REQUIRE(relay.command("--create-api-key zqxoldkey --scope read", false).status == 0);
    REQUIRE(relay.command("--export-audit", false).out.find("\"api_key.create\"") != std::string::npos);
    REQUIRE(relay.start());

    // Polled, not timed: due 300 ms after the entry; 20 s is only a bound.
    std::string trail;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
        trail = relay.command("--export-audit", false).out;
        if (trail.find("\"api_key.create\"") == std::string::npos) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    INFO(trail);
    CHECK(trail.find("\"api_key.create\"") == std::string::npos);
    CHECK(trail.find("\"audit.purge\"") != std::string::npos);

    // The newest entries stay out of reach of any DELETE, whoever sends it.
    sqlite3* db = nullptr;
    const std::string path = (fs::path(relay.data_dir()) / "parley.db").string();
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    char* err = nullptr;
    CHECK(sqlite3_exec(db, "DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)", nullptr, nullptr,
                       &err) != SQLITE_OK);
    CHECK(std::string(err ? err : "").find("append-only") != std::string::npos);
    sqlite3_free(err);
    sqlite3_close(db);
}
