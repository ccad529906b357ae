// Erasure on disk (P7, docs/security.md): after SqliteStore::erase_visitor, the bytes of
// the visitor's messages, name and pages are in neither the database file nor its
// write-ahead log. The raw files are read as bytes and searched, as an auditor would.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "support/store_backends.hpp"

using namespace parley::relay;
using namespace parley::relay::test;

namespace {

constexpr std::int64_t T0 = 1'700'000'000'000;

// A visitor with a distinctive name and many distinctive messages (enough to need
// overflow and several leaf pages), beside another visitor whose data must stay.
void fill(Store& s, const std::string& visitor, const std::string& conv, const std::string& marker) {
    REQUIRE(s.create_visitor(Visitor{visitor, marker + "-name", T0}).ok());
    REQUIRE(s.create_conversation(conv, visitor, T0).ok());
    for (int i = 0; i < 300; ++i) {
        // Long enough that some messages spill onto overflow pages (> ~4 KB).
        const std::string text = marker + "-text-" + std::to_string(i) + std::string(i % 7 == 0 ? 5000 : 40, 'x');
        REQUIRE(s.append_message(NewMessage{conv, "m" + std::to_string(i), Party{"visitor", visitor, marker + "-name"},
                                            text, T0 + i})
                    .ok());
    }
}

}  // namespace

TEST_CASE("After erasure no byte of the visitor's text or name remains in the database file or its log",
          "[store][privacy][sqlite]") {
    TempDir dir;
    {
        auto opened = SqliteStore::open(dir.file("parley.db"));
        REQUIRE(opened.ok());
        Store& s = *opened.value();
        fill(s, "v_gone", "c_gone", "ZQXERASEME");
        fill(s, "v_kept", "c_kept", "KEEPMEPLEASE");
        REQUIRE(raw_files(dir).find("ZQXERASEME-text-1") != std::string::npos);  // the test can see it

        auto erased = s.erase_visitor("v_gone");
        REQUIRE(erased.ok());
        CHECK(erased.value().messages == 300);

        const std::string bytes = raw_files(dir);  // while the store is open: the log as it stands
        CHECK(bytes.find("ZQXERASEME") == std::string::npos);
        CHECK(bytes.find("KEEPMEPLEASE-text-299") != std::string::npos);
    }
    // And after the store is closed (its final checkpoint) too.
    const std::string bytes = raw_files(dir);
    CHECK(bytes.find("ZQXERASEME") == std::string::npos);
    CHECK(bytes.find("KEEPMEPLEASE-name") != std::string::npos);
}

TEST_CASE("Erasure empties the log even when its own commit sets the background checkpointer going",
          "[store][privacy][sqlite]") {
    // Deleting a large visitor writes over a thousand pages of log, so the commit asks the
    // background checkpointer (store/wal_checkpointer.hpp) for a round, which then races
    // the erasure's TRUNCATE checkpoint for SQLite's checkpoint lock: the erasure must win
    // (wait for the round) rather than fail or leave the log as it was.
    TempDir dir;
    auto opened = SqliteStore::open(dir.file("parley.db"));
    REQUIRE(opened.ok());
    SqliteStore& s = *opened.value();
    REQUIRE(s.checkpointer() != nullptr);
    const std::string big(6000, 'z');
    for (int round = 0; round < 6; ++round) {
        CAPTURE(round);
        const std::string visitor = "v_big" + std::to_string(round), conv = "c_big" + std::to_string(round);
        REQUIRE(s.create_visitor(Visitor{visitor, "BIGNAME", T0}).ok());
        REQUIRE(s.create_conversation(conv, visitor, T0).ok());
        REQUIRE(s.begin_batch().ok());  // one commit: the log grows fast, few checkpoints during the fill
        for (int i = 0; i < 800; ++i)
            REQUIRE(s.append_message(NewMessage{conv, "m" + std::to_string(i), Party{"visitor", visitor, "BIGNAME"},
                                                "BIGTEXT-" + std::to_string(i) + big, T0 + i})
                        .ok());
        REQUIRE(s.commit_batch().ok());
        auto erased = s.erase_visitor(visitor);
        REQUIRE(erased.ok());
        CHECK(erased.value().messages == 800);
        CHECK(std::filesystem::file_size(dir.file("parley.db-wal")) == 0);
        CHECK(raw_files(dir).find("BIGTEXT-") == std::string::npos);
    }
}

TEST_CASE("An erasure beside another process's reader deletes the rows at once and empties the log once it is gone",
          "[store][privacy][sqlite]") {
    TempDir dir;
    auto opened = SqliteStore::open(dir.file("parley.db"));
    REQUIRE(opened.ok());
    SqliteStore& s = *opened.value();
    fill(s, "v_gone", "c_gone", "ZQXHELDLOG");
    // A backup, say: a read transaction of another connection pins the log.
    sqlite3* reader = nullptr;
    REQUIRE(sqlite3_open(dir.file("parley.db").c_str(), &reader) == SQLITE_OK);
    REQUIRE(sqlite3_exec(reader, "BEGIN; SELECT count(*) FROM messages;", nullptr, nullptr, nullptr) == SQLITE_OK);

    auto erased = s.erase_visitor("v_gone");
    REQUIRE(erased.ok());
    CHECK(erased.value().messages == 300);
    CHECK_FALSE(erased.value().log_emptied);  // waited briefly (kEmptyLogBusyMs per try), not 5 s
    CHECK_FALSE(s.empty_log().ok());          // still held

    REQUIRE(sqlite3_exec(reader, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(reader);
    REQUIRE(s.empty_log().ok());
    CHECK(std::filesystem::file_size(dir.file("parley.db-wal")) == 0);
    CHECK(raw_files(dir).find("ZQXHELDLOG") == std::string::npos);
}
