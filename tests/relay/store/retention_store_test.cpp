// Retention in the store (P7): Store::closed_before pages through closed conversations
// past a cutoff, and Store::erase_conversations deletes them with their messages, read
// marks, routing record and any visitor left with nothing; the same on every backend.
// On SQLite the purged bytes are then in neither the database file nor its log.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>

#include "support/store_backends.hpp"

using namespace parley::relay;
using namespace parley::relay::test;

namespace {

constexpr std::int64_t T0 = 1'700'000'000'000;

// A visitor's conversation with one message at `ts` (its updated), closed or not.
void conversation(Store& s, const std::string& visitor, const std::string& conv, std::int64_t ts,
                  bool closed, const std::string& text = "hello") {
    if (!s.find_visitor(visitor).value()) REQUIRE(s.create_visitor(Visitor{visitor, visitor + "-name", T0}).ok());
    REQUIRE(s.create_conversation(conv, visitor, T0).ok());
    REQUIRE(s.append_message(NewMessage{conv, "m1", Party{"visitor", visitor, ""}, text, ts}).ok());
    if (closed) REQUIRE(s.set_conversation_status(conv, "closed").ok());
}

std::vector<std::string> ids(const std::vector<ClosedConversation>& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(r.conv);
    return out;
}

}  // namespace

TEMPLATE_TEST_CASE("closed conversations past a cutoff are listed oldest first, from a cursor",
                   "[store][retention]", MemoryBackend, SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType backend;
    Store& s = *backend.store;
    conversation(s, "v_1", "c_b", T0 + 10, true);
    conversation(s, "v_1", "c_a", T0 + 10, true);   // same updated: ordered by id
    conversation(s, "v_2", "c_c", T0 + 5, true);
    conversation(s, "v_3", "c_open", T0 + 1, false);  // open: never listed
    conversation(s, "v_4", "c_late", T0 + 50, true);  // not before the cutoff
    REQUIRE(s.set_route("c_a", "{\"team\":\"billing\"}").ok());

    auto all = s.closed_before(T0 + 50, INT64_MIN, "", 100);
    REQUIRE(all.ok());
    CHECK(ids(all.value()) == std::vector<std::string>{"c_c", "c_a", "c_b"});
    CHECK(all.value()[1].updated == T0 + 10);
    CHECK(all.value()[1].route == std::optional<std::string>("{\"team\":\"billing\"}"));
    CHECK(all.value()[0].route == std::nullopt);

    // Paged: two, then from the last row on.
    auto first = s.closed_before(T0 + 50, INT64_MIN, "", 2);
    REQUIRE(first.ok());
    CHECK(ids(first.value()) == std::vector<std::string>{"c_c", "c_a"});
    auto rest = s.closed_before(T0 + 50, first.value().back().updated, first.value().back().conv, 2);
    REQUIRE(rest.ok());
    CHECK(ids(rest.value()) == std::vector<std::string>{"c_b"});
}

TEMPLATE_TEST_CASE("erasing conversations deletes their messages, marks, route, and visitors left with none",
                   "[store][retention]", MemoryBackend, SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType backend;
    Store& s = *backend.store;
    conversation(s, "v_gone", "c_1", T0, true);
    conversation(s, "v_half", "c_2", T0, true);
    conversation(s, "v_half", "c_3", T0, false);  // v_half keeps this one, so stays
    REQUIRE(s.append_message(NewMessage{"c_1", "m2", Party{"visitor", "v_gone", ""}, "again", T0 + 1}).ok());
    REQUIRE(s.mark_read("c_1", "a_1", 2).ok());
    REQUIRE(s.set_route("c_1", "{\"team\":\"general\"}").ok());
    REQUIRE(s.find_conversation("c_1").value());  // a cached summary, for the cache backend

    auto erased = s.erase_conversations({"c_1", "c_2", "c_missing"});
    REQUIRE(erased.ok());
    CHECK(erased.value().conversations == 2);
    CHECK(erased.value().messages == 3);
    CHECK(erased.value().visitors == 1);

    CHECK_FALSE(s.find_conversation("c_1").value());
    CHECK_FALSE(s.find_conversation("c_2").value());
    CHECK(s.messages_after("c_1", 0, 10).value().empty());
    CHECK(s.read_mark("c_1", "a_1").value() == 0);
    CHECK_FALSE(s.route_of("c_1").value());
    CHECK_FALSE(s.find_visitor("v_gone").value());
    CHECK(s.find_visitor("v_half").value());
    CHECK(s.find_conversation("c_3").value());
    CHECK(s.closed_before(T0 + 100, INT64_MIN, "", 10).value().empty());
    // Nothing to do is no error.
    CHECK(s.erase_conversations({}).value().conversations == 0);
}

TEST_CASE("Purged conversations leave no byte of their text in the database file or its log",
          "[store][retention][sqlite]") {
    TempDir dir;
    auto raw = [&] {
        std::string bytes;
        for (const char* name : {"parley.db", "parley.db-wal"}) {
            std::ifstream in(dir.file(name), std::ios::binary);
            bytes.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        }
        return bytes;
    };
    auto opened = SqliteStore::open(dir.file("parley.db"));
    REQUIRE(opened.ok());
    Store& s = *opened.value();
    for (int i = 0; i < 50; ++i)
        conversation(s, "v_" + std::to_string(i), "c_" + std::to_string(i), T0 + i, true,
                     "PURGEDTEXT-" + std::to_string(i) + std::string(i % 5 == 0 ? 5000 : 40, 'y'));
    conversation(s, "v_kept", "c_kept", T0, false, "KEPTTEXT");
    REQUIRE(raw().find("PURGEDTEXT-7") != std::string::npos);  // the test can see it

    auto due = s.closed_before(T0 + 1000, INT64_MIN, "", 100);
    REQUIRE(due.ok());
    REQUIRE(due.value().size() == 50);
    REQUIRE(s.erase_conversations(ids(due.value())).ok());
    const std::string bytes = raw();
    CHECK(bytes.find("PURGEDTEXT") == std::string::npos);
    CHECK(bytes.find("v_7-name") == std::string::npos);
    CHECK(bytes.find("KEPTTEXT") != std::string::npos);
}

TEST_CASE("Erasing conversations is refused inside a group-commit batch", "[store][retention][sqlite]") {
    SqliteBackend backend;
    Store& s = *backend.store;
    conversation(s, "v_1", "c_1", T0, true);
    REQUIRE(s.begin_batch().ok());
    CHECK_FALSE(s.erase_conversations({"c_1"}).ok());
    REQUIRE(s.commit_batch().ok());
    CHECK(s.erase_conversations({"c_1"}).value().conversations == 1);
}
