#include "store/sqlite_statement.hpp"

#include <sqlite3.h>

namespace parley::relay {

SqliteStatement::~SqliteStatement() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
}

SqliteStatement& SqliteStatement::bind(int i, const std::string& v) {
    if (rc_ == SQLITE_OK) rc_ = sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
}

SqliteStatement& SqliteStatement::bind_blob(int i, const std::string& v) {
    if (rc_ == SQLITE_OK) rc_ = sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
}

SqliteStatement& SqliteStatement::bind(int i, std::int64_t v) {
    if (rc_ == SQLITE_OK) rc_ = sqlite3_bind_int64(s_, i, v);
    return *this;
}

int SqliteStatement::step() { return rc_ == SQLITE_OK ? sqlite3_step(s_) : rc_; }

sqlite3_stmt* prepared(sqlite3* db, SqliteStatements& statements, const char* sql) {
    if (auto it = statements.find(sql); it != statements.end()) return it->second;
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK) return nullptr;
    statements.emplace(sql, s);
    return s;
}

void finalize_all(SqliteStatements& statements) {
    for (auto& entry : statements) sqlite3_finalize(entry.second);
    statements.clear();
}

std::string column_text(sqlite3_stmt* s, int column) {
    const unsigned char* p = sqlite3_column_text(s, column);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(s, column)))
             : std::string();
}

std::vector<std::string> split_list(const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= s.size()) {
        const std::size_t comma = s.find(',', start);
        const std::size_t end = comma == std::string::npos ? s.size() : comma;
        if (end > start) out.push_back(s.substr(start, end - start));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

std::string join_list(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& x : v) out += (out.empty() ? "" : ",") + x;
    return out;
}

}  // namespace parley::relay
