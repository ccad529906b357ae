#include "gap_log.hpp"

#include <sqlite3.h>

#include <cstdio>
#include <ctime>

#include "entities.hpp"

namespace parley::bot {

std::string gap_key(std::string_view question) {
    std::string out;
    for (char c : lower_ascii(question)) {
        const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
        if (space) {
            if (!out.empty() && out.back() != ' ') out += ' ';
        } else {
            out += c;
        }
    }
    while (!out.empty() && (out.back() == ' ' || out.back() == '?' || out.back() == '!' || out.back() == '.'))
        out.pop_back();
    return out;
}

namespace {

std::string utc_minute(std::int64_t ms) {
    const std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
    return buf;
}

}  // namespace

std::string format_gaps(const std::vector<Gap>& gaps) {
    if (gaps.empty()) return "no knowledge gaps recorded\n";
    std::string out = "count  first asked (UTC)  last asked (UTC)   question\n";
    for (const Gap& g : gaps) {
        char head[80];
        std::snprintf(head, sizeof head, "%5lld  %s   %s   ", static_cast<long long>(g.count),
                      utc_minute(g.first_seen).c_str(), utc_minute(g.last_seen).c_str());
        out += head;
        // A visitor wrote the question: no terminal control bytes reach the operator.
        for (char c : g.question) out += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? ' ' : c;
        out += '\n';
    }
    return out;
}

GapLog::GapLog(GapLog&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
GapLog& GapLog::operator=(GapLog&& o) noexcept {
    if (this != &o) {
        sqlite3_close(db_);
        db_ = o.db_;
        o.db_ = nullptr;
    }
    return *this;
}
GapLog::~GapLog() { sqlite3_close(db_); }

BotResult<GapLog> GapLog::open(const std::string& path) {
    GapLog log;
    if (sqlite3_open_v2(path.c_str(), &log.db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK)
        return BotError{BotErrc::index, "cannot open " + path + ": " + (log.db_ ? sqlite3_errmsg(log.db_) : "no memory")};
    sqlite3_busy_timeout(log.db_, 2000);  // `--list-gaps` may read while the bot writes
    const char* schema =
        "CREATE TABLE IF NOT EXISTS gaps (key TEXT PRIMARY KEY, question TEXT NOT NULL,"
        " first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL, count INTEGER NOT NULL);";
    if (sqlite3_exec(log.db_, schema, nullptr, nullptr, nullptr) != SQLITE_OK)
        return BotError{BotErrc::index, "cannot create the gaps table in " + path + ": " + sqlite3_errmsg(log.db_)};
    return log;
}

BotResult<bool> GapLog::record(std::string_view question, std::int64_t now_ms, std::int64_t max_rows) {
    if (question.size() > kMaxGapQuestionBytes) {
        size_t cut = kMaxGapQuestionBytes;
        while (cut > 0 && (static_cast<unsigned char>(question[cut]) & 0xC0) == 0x80) --cut;
        question = question.substr(0, cut);
    }
    const std::string key = gap_key(question);
    if (key.empty()) return false;
    sqlite3_stmt* st = nullptr;
    const char* sql =
        "INSERT INTO gaps(key, question, first_seen, last_seen, count) VALUES (?1, ?2, ?3, ?3, 1)"
        " ON CONFLICT(key) DO UPDATE SET last_seen = ?3, count = count + 1";
    if (sqlite3_prepare_v2(db_, sql, -1, &st, nullptr) != SQLITE_OK)
        return BotError{BotErrc::index, std::string("gap log: ") + sqlite3_errmsg(db_)};
    sqlite3_bind_text(st, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
    sqlite3_bind_text(st, 2, question.data(), static_cast<int>(question.size()), SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now_ms);
    const int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return BotError{BotErrc::index, std::string("gap log: ") + sqlite3_errmsg(db_)};
    // Over the bound: drop the least asked, least recent rows down to it.
    sqlite3_stmt* trim = nullptr;
    const char* trim_sql =
        "DELETE FROM gaps WHERE key IN (SELECT key FROM gaps ORDER BY count ASC, last_seen ASC"
        " LIMIT max(0, (SELECT count(*) FROM gaps) - ?1))";
    if (sqlite3_prepare_v2(db_, trim_sql, -1, &trim, nullptr) != SQLITE_OK)
        return BotError{BotErrc::index, std::string("gap log: ") + sqlite3_errmsg(db_)};
    sqlite3_bind_int64(trim, 1, max_rows);
    const int trc = sqlite3_step(trim);
    sqlite3_finalize(trim);
    if (trc != SQLITE_DONE) return BotError{BotErrc::index, std::string("gap log: ") + sqlite3_errmsg(db_)};
    return true;
}

BotResult<std::vector<Gap>> GapLog::list(int limit) const {
    sqlite3_stmt* st = nullptr;
    const char* sql =
        "SELECT question, first_seen, last_seen, count FROM gaps ORDER BY count DESC, last_seen DESC LIMIT ?";
    if (sqlite3_prepare_v2(db_, sql, -1, &st, nullptr) != SQLITE_OK)
        return BotError{BotErrc::index, std::string("gap log: ") + sqlite3_errmsg(db_)};
    sqlite3_bind_int(st, 1, limit);
    std::vector<Gap> out;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        Gap g;
        g.question = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
        g.first_seen = sqlite3_column_int64(st, 1);
        g.last_seen = sqlite3_column_int64(st, 2);
        g.count = sqlite3_column_int64(st, 3);
        out.push_back(std::move(g));
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return BotError{BotErrc::index, std::string("gap log: ") + sqlite3_errmsg(db_)};
    return out;
}

}  // namespace parley::bot
