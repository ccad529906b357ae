// What every SQLite-backed store of the relay does with its connection's statements:
// prepare each SQL literal once and keep it (SQLITE_PREPARE_PERSISTENT), borrow it for
// one use that resets it at scope exit, and read text columns and comma lists. Shared by
// SqliteStore and SqliteWebhookStore, which use one connection between them.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace parley::relay {

// A cached statement borrowed for one use: binds, steps, and resets itself when it goes
// out of scope so the next user starts clean (and read transactions end promptly).
class SqliteStatement {
public:
    explicit SqliteStatement(sqlite3_stmt* s) : s_(s) {}
    ~SqliteStatement();
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    SqliteStatement& bind(int i, const std::string& v);
    SqliteStatement& bind_blob(int i, const std::string& v);
    SqliteStatement& bind(int i, std::int64_t v);
    // SQLITE_ROW, SQLITE_DONE, or an error code (a failed bind included).
    int step();
    sqlite3_stmt* get() const { return s_; }

private:
    sqlite3_stmt* s_;
    int rc_ = 0;  // SQLITE_OK
};

// Statements of one connection keyed by their SQL literal (the pointer: each is a
// constexpr string of the store's file).
using SqliteStatements = std::unordered_map<const char*, sqlite3_stmt*>;

// The statement for `sql`, prepared on first use; nullptr when it does not prepare
// (sqlite3_errmsg(db) says why).
sqlite3_stmt* prepared(sqlite3* db, SqliteStatements& statements, const char* sql);
// Finalises them all; before the connection closes.
void finalize_all(SqliteStatements& statements);

// A text column as a string; "" for NULL.
std::string column_text(sqlite3_stmt* s, int column);

// Lists stored comma-separated (teams, skills, webhook event types: names hold no commas,
// their parsers check), empty items dropped.
std::vector<std::string> split_list(const std::string& s);
std::string join_list(const std::vector<std::string>& v);

}  // namespace parley::relay
