// GapLog: unanswered questions counted in the bot's own SQLite file.
#include <filesystem>

#include <catch2/catch.hpp>
#include <unistd.h>

#include "gap_log.hpp"

using namespace parley::bot;

TEST_CASE("The same question asked again bumps its count and last time", "[bot][gaps]") {
    auto log = GapLog::open(":memory:");
    REQUIRE(log.ok());
    REQUIRE(log.value().record("Do you integrate with Jira?", 1000).ok());
    REQUIRE(log.value().record("do you  integrate with jira", 2000).ok());
    REQUIRE(log.value().record("Can I schedule messages?", 1500).ok());
    auto gaps = log.value().list();
    REQUIRE(gaps.ok());
    REQUIRE(gaps.value().size() == 2);
    const Gap& top = gaps.value()[0];
    CHECK(top.question == "Do you integrate with Jira?");
    CHECK(top.count == 2);
    CHECK(top.first_seen == 1000);
    CHECK(top.last_seen == 2000);
    CHECK(gaps.value()[1].count == 1);
}

TEST_CASE("Gaps survive closing and reopening the bot's file", "[bot][gaps]") {
    const std::string path =
        (std::filesystem::temp_directory_path() / ("parley-bot-gaps-" + std::to_string(::getpid()) + ".db")).string();
    {
        auto log = GapLog::open(path);
        REQUIRE(log.ok());
        REQUIRE(log.value().record("what is the meaning of seats", 5).ok());
    }
    auto again = GapLog::open(path);
    REQUIRE(again.ok());
    auto gaps = again.value().list();
    REQUIRE(gaps.ok());
    REQUIRE(gaps.value().size() == 1);
    CHECK(gaps.value()[0].question == "what is the meaning of seats");
    std::filesystem::remove(path);
}

TEST_CASE("Gap keys ignore case, spacing and end punctuation", "[bot][gaps]") {
    CHECK(gap_key("  How do I  export?? ") == "how do i export");
    CHECK(gap_key("?!") == "");
}

TEST_CASE("An unwritable gap file is an index error naming it", "[bot][gaps]") {
    auto log = GapLog::open("/nonexistent/dir/gaps.db");
    REQUIRE_FALSE(log.ok());
    CHECK(log.error().code == BotErrc::index);
    CHECK_THAT(log.error().detail, Catch::Contains("/nonexistent/dir/gaps.db"));
}

TEST_CASE("The gap listing shows count, first and last time in UTC, and the question", "[bot][gaps]") {
    const std::vector<Gap> gaps = {
        {"Do you integrate with Jira?", 1780000000000, 1780003600000, 3},
        {"bell\x07 and\nnewline", 1780000000000, 1780000000000, 1},
    };
    CHECK(format_gaps(gaps) ==
          "count  first asked (UTC)  last asked (UTC)   question\n"
          "    3  2026-05-28 20:26   2026-05-28 21:26   Do you integrate with Jira?\n"
          "    1  2026-05-28 20:26   2026-05-28 20:26   bell  and newline\n");
    CHECK(format_gaps({}) == "no knowledge gaps recorded\n");
}

TEST_CASE("The gap log stays bounded: long questions are cut, the least asked rows dropped",
          "[bot][gaps]") {
    auto log = GapLog::open(":memory:");
    REQUIRE(log.ok());
    GapLog& g = log.value();
    REQUIRE(g.record("popular question", 1, 3).ok());
    REQUIRE(g.record("popular question", 2, 3).ok());
    REQUIRE(g.record(std::string(3000, 'a') + "é", 3, 3).ok());
    REQUIRE(g.record("one-off b", 4, 3).ok());
    REQUIRE(g.record("one-off c", 5, 3).ok());
    auto gaps = g.list();
    REQUIRE(gaps.ok());
    REQUIRE(gaps.value().size() == 3);
    CHECK(gaps.value()[0].question == "popular question");
    CHECK(gaps.value()[1].question == "one-off c");
    CHECK(gaps.value()[2].question == "one-off b");  // the long one, least recent, went first
    REQUIRE(g.record(std::string(3000, 'x'), 6, 10).ok());
    auto again = g.list();
    REQUIRE(again.ok());
    bool found = false;
    for (const Gap& x : again.value())
        if (x.question[0] == 'x') {
            found = true;
            CHECK(x.question.size() == kMaxGapQuestionBytes);
        }
    CHECK(found);
}
