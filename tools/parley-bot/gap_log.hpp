// Knowledge gaps: questions the knowledge base could not answer, kept in the bot's own
// SQLite file (never the relay's) so a supervisor can list them (`parley-bot
// --list-gaps`) and write the missing article. The same question asked again (same
// words, any case, spacing or end punctuation) bumps its count and last time.
//
// Visitors write these rows, so they are bounded: a question is kept to its first
// kMaxGapQuestionBytes, and beyond kMaxGaps rows the least asked, least recent ones
// are dropped (a flood of one-off questions cannot grow the file without end).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bot_error.hpp"

struct sqlite3;

namespace parley::bot {

constexpr std::size_t kMaxGapQuestionBytes = 500;
constexpr std::int64_t kMaxGaps = 10000;

struct Gap {
    std::string question;  // as first asked
    std::int64_t first_seen = 0;  // ms since the epoch
    std::int64_t last_seen = 0;
    std::int64_t count = 0;
};

class GapLog {
public:
    // Opens or creates the file (":memory:" for tests). Errors: index.
    static BotResult<GapLog> open(const std::string& path);
    GapLog(GapLog&&) noexcept;
    GapLog& operator=(GapLog&&) noexcept;
    ~GapLog();

    // Errors: index (the write failed; the caller logs it, the visitor's answer goes on).
    // `max_rows` is kMaxGaps but for tests.
    BotResult<bool> record(std::string_view question, std::int64_t now_ms, std::int64_t max_rows = kMaxGaps);
    // Most asked first, then most recent. Errors: index.
    BotResult<std::vector<Gap>> list(int limit = 100) const;

private:
    GapLog() = default;
    sqlite3* db_ = nullptr;
};

// The listing `parley-bot --list-gaps` prints: one gap a line, most asked first,
//   "  3  2026-12-07 10:42  2026-12-07 14:05  Do you integrate with Jira?"
// (count, first and last asked in UTC, the question with control bytes as spaces);
// "no knowledge gaps recorded\n" when there are none.
std::string format_gaps(const std::vector<Gap>& gaps);

// The key two askings of one question share: lowercase, single spaces, no end
// punctuation ("How do I export?? " → "how do i export").
std::string gap_key(std::string_view question);

}  // namespace parley::bot
