// The Store conformance suite: every guarantee of relay/store/store.hpp, run against
// every backend in support/store_backends.hpp.
#include <catch2/catch.hpp>

#include "support/store_backends.hpp"

using namespace parley::relay;
using namespace parley::relay::test;
using parley::protocol::ErrorCode;

namespace {

constexpr std::int64_t T0 = 1'700'000'000'000;

// A visitor "v_1" with conversation "c_1" (created at T0).
void seed(Store& s) {
    REQUIRE(s.create_visitor(Visitor{"v_1", "Ada", T0}).ok());
    REQUIRE(s.create_conversation("c_1", "v_1", T0).ok());
}

NewMessage message(const std::string& cid, const std::string& text = "hi",
                   std::int64_t ts = T0 + 1, Party from = Party{"visitor", "v_1", "Ada"}) {
    return NewMessage{"c_1", cid, from, text, ts};
}

}  // namespace

TEMPLATE_TEST_CASE("a visitor is stored, found and renamed", "[store]", MemoryBackend, SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    REQUIRE(s.create_visitor(Visitor{"v_1", "Ada", T0}).ok());
    auto found = s.find_visitor("v_1");
    REQUIRE(found.ok());
    REQUIRE(found.value());
    CHECK(found.value()->name == "Ada");
    CHECK(found.value()->created == T0);
    CHECK_FALSE(s.find_visitor("v_2").value());

    REQUIRE(s.rename_visitor("v_1", "Ada L.").ok());
    CHECK(s.find_visitor("v_1").value()->name == "Ada L.");

    SECTION("a second visitor with the same id is refused") {
        auto again = s.create_visitor(Visitor{"v_1", "Eve", T0});
        REQUIRE_FALSE(again.ok());
        CHECK(again.error().code == ErrorCode::storage_failed);
        CHECK(s.find_visitor("v_1").value()->name == "Ada L.");
    }
    SECTION("renaming an unknown visitor fails") { CHECK_FALSE(s.rename_visitor("v_9", "x").ok()); }
}

TEMPLATE_TEST_CASE("a conversation belongs to an existing visitor and starts empty", "[store]",
                   MemoryBackend, SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    seed(s);
    auto conv = s.find_conversation("c_1");
    REQUIRE(conv.ok());
    REQUIRE(conv.value());
    CHECK(conv.value()->visitor == Party{"visitor", "v_1", "Ada"});
    CHECK(conv.value()->last_seq == 0);
    CHECK(conv.value()->last_text.empty());
    CHECK(conv.value()->updated == T0);
    CHECK(conv.value()->status == "open");
    CHECK(s.conversation_of_visitor("v_1").value()->conv == "c_1");
    CHECK_FALSE(s.conversation_of_visitor("v_2").value());
    CHECK_FALSE(s.find_conversation("c_2").value());

    SECTION("not for an unknown visitor") { CHECK_FALSE(s.create_conversation("c_2", "v_9", T0).ok()); }
    SECTION("not twice with one id") { CHECK_FALSE(s.create_conversation("c_1", "v_1", T0).ok()); }
    SECTION("the visitor's newest open conversation is theirs") {
        REQUIRE(s.create_conversation("c_2", "v_1", T0 + 5).ok());
        CHECK(s.conversation_of_visitor("v_1").value()->conv == "c_2");
    }
}

TEMPLATE_TEST_CASE("appending assigns gap-free sequence numbers from 1", "[store]", MemoryBackend,
                   SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    seed(s);
    for (int i = 1; i <= 5; ++i) {
        auto a = s.append_message(message("k" + std::to_string(i), "m" + std::to_string(i), T0 + i));
        REQUIRE(a.ok());
        CHECK(a.value().seq == i);
        CHECK(a.value().ts == T0 + i);
        CHECK(a.value().inserted);
    }
    auto conv = s.find_conversation("c_1").value();
    CHECK(conv->last_seq == 5);
    CHECK(conv->last_text == "m5");
    CHECK(conv->updated == T0 + 5);
}

TEMPLATE_TEST_CASE("appending the same (conversation, sender, cid) again returns the first seq and ts",
                   "[store]", MemoryBackend, SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    seed(s);
    REQUIRE(s.append_message(message("a", "first", T0 + 1)).ok());
    REQUIRE(s.append_message(message("b", "second", T0 + 2)).ok());

    auto again = s.append_message(message("a", "different text", T0 + 9));
    REQUIRE(again.ok());
    CHECK(again.value().seq == 1);
    CHECK(again.value().ts == T0 + 1);
    CHECK_FALSE(again.value().inserted);
    auto all = s.messages_after("c_1", 0, 100).value();
    REQUIRE(all.size() == 2);
    CHECK(all[0].text == "first");

    SECTION("another sender's identical cid is another message") {
        auto other = s.append_message(message("a", "agent", T0 + 3, Party{"agent", "a_1", "Sam"}));
        REQUIRE(other.ok());
        CHECK(other.value().seq == 3);
        CHECK(other.value().inserted);
    }
}

TEMPLATE_TEST_CASE("find_sent finds a stored (conversation, sender, cid) and nothing else", "[store]",
                   MemoryBackend, SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType backend;
    Store& s = *backend.store;
    REQUIRE(s.create_visitor(Visitor{"v_1", "Ada", 1}).ok());
    REQUIRE(s.create_conversation("c_1", "v_1", 1).ok());
    REQUIRE(s.append_message(NewMessage{"c_1", "k1", Party{"visitor", "v_1", "Ada"}, "hi", 5}).ok());
    auto found = s.find_sent("c_1", "v_1", "k1");
    REQUIRE(found.ok());
    REQUIRE(found.value());
    CHECK(found.value()->seq == 1);
    CHECK(found.value()->ts == 5);
    CHECK_FALSE(found.value()->inserted);
    for (auto [conv, sender, cid] : {std::tuple{"c_1", "v_1", "k2"}, std::tuple{"c_1", "a_1", "k1"},
                                     std::tuple{"c_2", "v_1", "k1"}}) {
        auto none = s.find_sent(conv, sender, cid);
        REQUIRE(none.ok());
        CHECK_FALSE(none.value());
    }
}

TEMPLATE_TEST_CASE("appending to an unknown conversation fails and stores nothing", "[store]",
                   MemoryBackend, SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    seed(s);
    NewMessage m = message("a");
    m.conv = "c_9";
    auto r = s.append_message(m);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::storage_failed);
    CHECK(s.messages_after("c_9", 0, 10).value().empty());
    CHECK(s.append_message(message("a")).value().seq == 1);
}

TEMPLATE_TEST_CASE("messages are read forwards after a seq and backwards before one", "[store]",
                   MemoryBackend, SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    seed(s);
    for (int i = 1; i <= 10; ++i) REQUIRE(s.append_message(message("k" + std::to_string(i))).ok());
    auto seqs = [](const std::vector<Message>& ms) {
        std::vector<std::int64_t> out;
        for (const auto& m : ms) out.push_back(m.seq);
        return out;
    };
    CHECK(seqs(s.messages_after("c_1", 7, 100).value()) == std::vector<std::int64_t>{8, 9, 10});
    CHECK(seqs(s.messages_after("c_1", 0, 2).value()) == std::vector<std::int64_t>{1, 2});
    CHECK(s.messages_after("c_1", 10, 100).value().empty());
    CHECK(seqs(s.messages_before("c_1", 11, 3).value()) == std::vector<std::int64_t>{8, 9, 10});
    CHECK(seqs(s.messages_before("c_1", 8, 3).value()) == std::vector<std::int64_t>{5, 6, 7});
    CHECK(seqs(s.messages_before("c_1", 3, 50).value()) == std::vector<std::int64_t>{1, 2});
    CHECK(s.messages_before("c_1", 1, 50).value().empty());

    const Message m = s.messages_after("c_1", 3, 1).value().at(0);
    CHECK(m.conv == "c_1");
    CHECK(m.cid == "k4");
    CHECK(m.from == Party{"visitor", "v_1", "Ada"});
    CHECK(m.text == "hi");
    CHECK(m.ts == T0 + 1);
}

TEMPLATE_TEST_CASE("a message's triage meta is stored and read back as given", "[store][triage]",
                   MemoryBackend, SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    seed(s);
    NewMessage with = message("k1", "I want a refund");
    with.meta = parley::protocol::Meta{"refund", 0.9123, {"frustrated", "pii"}};
    REQUIRE(s.append_message(with).ok());
    REQUIRE(s.append_message(message("k2", "no meta")).ok());  // e.g. an agent's message

    for (const auto& got : {s.messages_after("c_1", 0, 10).value(), s.messages_before("c_1", 3, 10).value()}) {
        REQUIRE(got.size() == 2);
        REQUIRE(got[0].meta);
        CHECK(got[0].meta->intent == "refund");
        CHECK(got[0].meta->confidence == 0.9123);
        CHECK(got[0].meta->signals == std::vector<std::string>{"frustrated", "pii"});
        CHECK_FALSE(got[1].meta);
    }
    SECTION("summaries carry the latest visitor intent") {
        CHECK(s.find_conversation("c_1").value()->intent == "refund");
        CHECK(s.open_conversations(10).value().at(0).intent == "refund");
        NewMessage later = message("k3", "how much is pro?", T0 + 5);
        later.meta = parley::protocol::Meta{"pricing", 0.8, {}};
        REQUIRE(s.append_message(later).ok());
        CHECK(s.find_conversation("c_1").value()->intent == "pricing");
        CHECK(s.conversation_of_visitor("v_1").value()->intent == "pricing");
    }
    SECTION("a conversation without triaged messages has no intent") {
        REQUIRE(s.create_visitor(Visitor{"v_2", "Bo", T0}).ok());
        REQUIRE(s.create_conversation("c_2", "v_2", T0).ok());
        CHECK(s.find_conversation("c_2").value()->intent.empty());
    }
    SECTION("a resend keeps the first meta") {
        NewMessage again = message("k1", "I want a refund");
        again.meta = parley::protocol::Meta{"pricing", 0.5, {}};
        CHECK_FALSE(s.append_message(again).value().inserted);
        CHECK(s.messages_after("c_1", 0, 1).value()[0].meta->intent == "refund");
    }
}

TEMPLATE_TEST_CASE("read marks only grow", "[store]", MemoryBackend, SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    seed(s);
    CHECK(s.read_mark("c_1", "a_1").value() == 0);
    CHECK(s.mark_read("c_1", "a_1", 5).value() == 5);
    CHECK(s.mark_read("c_1", "a_1", 3).value() == 5);
    CHECK(s.read_mark("c_1", "a_1").value() == 5);
    CHECK(s.mark_read("c_1", "a_1", 7).value() == 7);
    CHECK(s.read_mark("c_1", "v_1").value() == 0);  // per reader
    CHECK_FALSE(s.mark_read("c_9", "a_1", 1).ok());
}

TEMPLATE_TEST_CASE("open conversations with messages are listed most recently updated first", "[store]",
                   MemoryBackend, SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    seed(s);
    REQUIRE(s.create_visitor(Visitor{"v_2", "Bo", T0}).ok());
    REQUIRE(s.create_conversation("c_2", "v_2", T0 + 10).ok());
    REQUIRE(s.create_visitor(Visitor{"v_3", "Cy", T0}).ok());
    REQUIRE(s.create_conversation("c_3", "v_3", T0 + 20).ok());
    REQUIRE(s.create_visitor(Visitor{"v_4", "Di", T0}).ok());
    REQUIRE(s.create_conversation("c_4", "v_4", T0 + 25).ok());  // no message yet: not listed
    REQUIRE(s.append_message(NewMessage{"c_2", "m2", Party{"visitor", "v_2", "Bo"}, "hi", T0 + 11}).ok());
    REQUIRE(s.append_message(NewMessage{"c_3", "m3", Party{"visitor", "v_3", "Cy"}, "hi", T0 + 21}).ok());
    REQUIRE(s.append_message(message("x", "latest", T0 + 30)).ok());  // c_1 moves to the top

    auto list = s.open_conversations(10).value();
    REQUIRE(list.size() == 3);
    CHECK(list[0].conv == "c_1");
    CHECK(list[0].last_text == "latest");
    CHECK(list[0].last_seq == 1);
    CHECK(list[1].conv == "c_3");
    CHECK(list[2].conv == "c_2");
    CHECK(list[2].visitor.name == "Bo");
    CHECK(s.open_conversations(2).value().size() == 2);
}

TEMPLATE_TEST_CASE("conversations of one status are paged newest first from a cursor, ties by id",
                   "[store][search]", MemoryBackend, SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    // c_a, c_b and c_c closed, c_b and c_c updated at the same time; c_d open; c_e empty.
    for (const char* id : {"a", "b", "c", "d", "e"}) {
        const std::string v = std::string("v_") + id, c = std::string("c_") + id;
        REQUIRE(s.create_visitor(Visitor{v, std::string("Visitor ") + id, T0}).ok());
        REQUIRE(s.create_conversation(c, v, T0).ok());
    }
    const std::pair<const char*, std::int64_t> sends[] = {{"a", T0 + 1}, {"b", T0 + 5}, {"c", T0 + 5}, {"d", T0 + 9}};
    for (const auto& [id, ts] : sends) {
        const std::string v = std::string("v_") + id;
        REQUIRE(s.append_message(NewMessage{std::string("c_") + id, "m", Party{"visitor", v, ""}, "text", ts}).ok());
    }
    for (const char* c : {"c_a", "c_b", "c_c", "c_e"}) REQUIRE(s.set_conversation_status(c, "closed").ok());

    auto ids = [](const std::vector<ConvSummary>& list) {
        std::vector<std::string> out;
        for (const auto& x : list) out.push_back(x.conv);
        return out;
    };
    const auto all = s.conversations_before("closed", INT64_MAX, "", 10).value();
    CHECK(ids(all) == std::vector<std::string>{"c_c", "c_b", "c_a"});  // c_e has no message
    CHECK(all[0].visitor.name == "Visitor c");
    CHECK(all[0].last_text == "text");
    const auto first = s.conversations_before("closed", INT64_MAX, "", 1).value();
    CHECK(ids(first) == std::vector<std::string>{"c_c"});
    const auto next = s.conversations_before("closed", first[0].updated, first[0].conv, 10).value();
    CHECK(ids(next) == std::vector<std::string>{"c_b", "c_a"});  // the tie goes on by id
    CHECK(s.conversations_before("closed", T0 + 1, "c_a", 10).value().empty());
    CHECK(ids(s.conversations_before("open", INT64_MAX, "", 10).value()) == std::vector<std::string>{"c_d"});
}

TEMPLATE_TEST_CASE("a visitor's closed conversations with a message are listed, newest first", "[store][prechat]",
                   MemoryBackend, SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    seed(s);  // v_1 with c_1
    REQUIRE(s.create_conversation("c_5", "v_1", T0 + 10).ok());
    REQUIRE(s.create_conversation("c_6", "v_1", T0 + 20).ok());
    REQUIRE(s.create_conversation("c_7", "v_1", T0 + 30).ok());  // closed but empty: not listed
    REQUIRE(s.create_visitor(Visitor{"v_2", "Bo", T0}).ok());
    REQUIRE(s.create_conversation("c_8", "v_2", T0 + 40).ok());  // another visitor's
    for (const char* c : {"c_5", "c_6", "c_8"})
        REQUIRE(s.append_message(NewMessage{c, std::string("m") + c, Party{"visitor", "v_1", "Ann"}, "hi", T0 + 50}).ok());
    REQUIRE(s.append_message(NewMessage{"c_5", "later", Party{"visitor", "v_1", "Ann"}, "hi", T0 + 60}).ok());
    for (const char* c : {"c_5", "c_6", "c_7", "c_8"}) REQUIRE(s.set_conversation_status(c, "closed").ok());
    auto list = s.closed_conversations_of_visitor("v_1", 10).value();
    REQUIRE(list.size() == 2);
    CHECK(list[0].conv == "c_5");
    CHECK(list[0].updated == T0 + 60);
    CHECK(list[1].conv == "c_6");
    CHECK(s.closed_conversations_of_visitor("v_1", 1).value().size() == 1);
    CHECK(s.closed_conversations_of_visitor("v_9", 10).value().empty());
}

TEMPLATE_TEST_CASE("the API's conversation pages go by (updated, id) after the cursor, filtered by status and "
                   "time",
                   "[store][api]", MemoryBackend, SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    seed(s);
    REQUIRE(s.create_visitor(Visitor{"v_2", "Bo", T0}).ok());
    REQUIRE(s.create_conversation("c_2", "v_2", T0).ok());
    REQUIRE(s.create_visitor(Visitor{"v_3", "Cy", T0}).ok());
    REQUIRE(s.create_conversation("c_3", "v_3", T0).ok());  // no message: never listed
    REQUIRE(s.append_message(NewMessage{"c_2", "m2", Party{"visitor", "v_2", "Bo"}, "hi", T0 + 20}).ok());
    REQUIRE(s.append_message(message("x", "first", T0 + 10)).ok());
    REQUIRE(s.set_conversation_status("c_2", "closed").ok());

    auto all = s.conversations_page("", 0, -1, "", 10).value();
    REQUIRE(all.size() == 2);
    CHECK(all[0].conv == "c_1");
    CHECK(all[1].conv == "c_2");
    auto next = s.conversations_page("", 0, all[0].updated, all[0].conv, 10).value();
    REQUIRE(next.size() == 1);
    CHECK(next[0].conv == "c_2");
    CHECK(s.conversations_page("", 0, -1, "", 1).value().size() == 1);
    CHECK(s.conversations_page("closed", 0, -1, "", 10).value().at(0).conv == "c_2");
    CHECK(s.conversations_page("open", 0, -1, "", 10).value().at(0).conv == "c_1");
    CHECK(s.conversations_page("", T0 + 15, -1, "", 10).value().size() == 1);
}

TEMPLATE_TEST_CASE("conversations are scanned in the order they were stored, a window at a time, and a "
                   "conversation written meanwhile is neither skipped nor seen twice",
                   "[store][exports]", MemoryBackend, SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    // Five conversations created at T0 + 0, 10, …, 40; c_3 has a message at T0 + 35.
    for (int i = 0; i < 5; ++i) {
        const std::string n = std::to_string(i + 1);
        REQUIRE(s.create_visitor(Visitor{"v_" + n, "V" + n, T0}).ok());
        REQUIRE(s.create_conversation("c_" + n, "v_" + n, T0 + 10 * i).ok());
    }
    REQUIRE(s.append_message(NewMessage{"c_3", "m", Party{"visitor", "v_3", "V3"}, "hi", T0 + 35}).ok());

    // Windows of two: three reads, the last one short and done.
    std::vector<std::string> seen;
    std::int64_t at = 0;
    for (int reads = 0;; ++reads) {
        REQUIRE(reads < 4);
        auto scan = s.scan_conversations(at, INT64_MAX, 0, 2);
        REQUIRE(scan.ok());
        CHECK(scan.value().rows.size() <= 2);
        for (const auto& row : scan.value().rows) {
            CHECK(row.position > at);
            CHECK(row.position <= scan.value().next);
            seen.push_back(row.summary.conv);
        }
        at = scan.value().next;
        if (reads == 0) {
            // c_1 gets a message while the scan is on: its place does not move.
            REQUIRE(s.append_message(NewMessage{"c_1", "m", Party{"visitor", "v_1", "V1"}, "later", T0 + 99}).ok());
        }
        if (scan.value().done) break;
    }
    CHECK(seen == std::vector<std::string>{"c_1", "c_2", "c_3", "c_4", "c_5"});

    // The range: created before T0 + 30 and updated at or after T0 + 10.
    auto ranged = s.scan_conversations(0, T0 + 30, T0 + 10, 100).value();
    CHECK(ranged.done);
    std::vector<std::string> in_range;
    for (const auto& row : ranged.rows) in_range.push_back(row.summary.conv);
    CHECK(in_range == std::vector<std::string>{"c_1", "c_2", "c_3"});  // c_1: updated at T0 + 99
    CHECK(ranged.rows.at(1).created == T0 + 10);
    CHECK(ranged.rows.at(2).summary.last_seq == 1);
    CHECK(ranged.rows.at(2).summary.visitor.name == "V3");
    // Past the end: nothing, done, and the position stays.
    auto after_end = s.scan_conversations(ranged.next, INT64_MAX, 0, 10).value();
    CHECK(after_end.rows.empty());
    CHECK(after_end.done);
    CHECK(after_end.next == ranged.next);
}

TEMPLATE_TEST_CASE("an attachment's record is stored, found, and erased with its conversation", "[store][attachments]",
                   MemoryBackend, SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    seed(s);
    const AttachmentRecord r{"att_00112233445566778899aabbccddeeff", "c_1", "v_1", "Ada's photo.png", "image/png", 1234, T0};
    REQUIRE(s.put_attachment(r).ok());
    CHECK_FALSE(s.put_attachment(r).ok());  // the id is taken
    AttachmentRecord elsewhere = r;
    elsewhere.id = "att_ff";
    elsewhere.conv = "c_nope";
    CHECK_FALSE(s.put_attachment(elsewhere).ok());  // no such conversation
    auto found = s.find_attachment(r.id).value();
    REQUIRE(found);
    CHECK(found->conv == "c_1");
    CHECK(found->uploader == "v_1");
    CHECK(found->name == "Ada's photo.png");
    CHECK(found->mime == "image/png");
    CHECK(found->size == 1234);
    CHECK(found->created == T0);
    CHECK_FALSE(s.find_attachment("att_00").value());

    SECTION("erasing the visitor") {
        auto erased = s.erase_visitor("v_1");
        REQUIRE(erased.ok());
        CHECK(erased.value().attachments == std::vector<std::string>{r.id});
    }
    SECTION("erasing the conversation (retention)") {
        auto erased = s.erase_conversations({"c_1"});
        REQUIRE(erased.ok());
        CHECK(erased.value().attachments == std::vector<std::string>{r.id});
    }
    CHECK_FALSE(s.find_attachment(r.id).value());
}

TEMPLATE_TEST_CASE("agents are found by id and by e-mail in any case", "[store]", MemoryBackend,
                   SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    REQUIRE(s.create_agent(Agent{"a_1", "Sam@Example.com", "Sam", "$argon2id$…", T0}).ok());
    auto by_email = s.find_agent_by_email("sam@example.COM");
    REQUIRE(by_email.ok());
    REQUIRE(by_email.value());
    CHECK(by_email.value()->id == "a_1");
    CHECK(by_email.value()->password_hash == "$argon2id$…");
    CHECK(s.find_agent("a_1").value()->name == "Sam");
    CHECK_FALSE(s.find_agent_by_email("nobody@example.com").value());
    CHECK_FALSE(s.create_agent(Agent{"a_2", "SAM@example.com", "Other", "h", T0}).ok());
}

TEMPLATE_TEST_CASE("agent sessions are kept by token hash with their expiry", "[store]", MemoryBackend,
                   SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    REQUIRE(s.create_agent(Agent{"a_1", "sam@example.com", "Sam", "h", T0}).ok());
    REQUIRE(s.create_session(AgentSession{"hash1", "a_1", T0 + 100}).ok());
    auto found = s.find_session("hash1");
    REQUIRE(found.ok());
    REQUIRE(found.value());
    CHECK(found.value()->agent_id == "a_1");
    CHECK(found.value()->expires == T0 + 100);
    CHECK_FALSE(s.find_session("hash2").value());
    CHECK_FALSE(s.create_session(AgentSession{"hash3", "a_9", T0}).ok());
}

TEMPLATE_TEST_CASE("settings are stored and overwritten", "[store]", MemoryBackend, SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    CHECK_FALSE(s.get_setting("k").value());
    REQUIRE(s.put_setting("k", "one").ok());
    REQUIRE(s.put_setting("k", "two").ok());
    CHECK(s.get_setting("k").value() == std::optional<std::string>("two"));
}

// ---- routing (P4) ------------------------------------------------------------------

TEMPLATE_TEST_CASE("an agent's routing settings are stored and all agents are listed", "[store][routing]",
                   MemoryBackend, SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    Agent ann{"a_1", "ann@example.com", "Ann", "h", T0};
    ann.teams = {"billing", "general"};
    ann.skills = {"refunds"};
    ann.preferred = 2;
    ann.max_load = 4;
    ann.supervisor = true;
    REQUIRE(s.create_agent(ann).ok());
    REQUIRE(s.create_agent(Agent{"a_2", "bob@example.com", "Bob", "h", T0}).ok());
    auto found = s.find_agent("a_1");
    REQUIRE(found.value());
    CHECK(found.value()->teams == std::vector<std::string>{"billing", "general"});
    CHECK(found.value()->skills == std::vector<std::string>{"refunds"});
    CHECK(found.value()->preferred == 2);
    CHECK(found.value()->max_load == 4);
    CHECK(found.value()->supervisor);
    auto bob = s.find_agent_by_email("bob@example.com");
    REQUIRE(bob.value());
    CHECK(bob.value()->teams.empty());  // the router's default team
    CHECK(bob.value()->preferred == 3);
    CHECK(bob.value()->max_load == 5);
    CHECK_FALSE(bob.value()->supervisor);
    auto all = s.list_agents();
    REQUIRE(all.ok());
    REQUIRE(all.value().size() == 2);
    CHECK(all.value()[0].email == "ann@example.com");
    CHECK(all.value()[1].email == "bob@example.com");
}

TEMPLATE_TEST_CASE("a message is stored as internal and read back as internal", "[store][routing]",
                   MemoryBackend, SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    seed(s);
    REQUIRE(s.append_message(message("m1")).ok());
    NewMessage note = message("n1", "agents only", T0 + 2, Party{"agent", "a_1", "Ann"});
    note.internal = true;
    REQUIRE(s.append_message(note).value().seq == 2);
    auto after = s.messages_after("c_1", 0, 10).value();
    REQUIRE(after.size() == 2);
    CHECK_FALSE(after[0].internal);
    CHECK(after[1].internal);
    auto before = s.messages_before("c_1", 3, 10).value();
    REQUIRE(before.size() == 2);
    CHECK(before[1].internal);
}

TEMPLATE_TEST_CASE("a report reads the time and sender role of each visible message, internal notes left out",
                   "[store][reports]", MemoryBackend, SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    seed(s);
    REQUIRE(s.append_message(message("m1")).ok());
    NewMessage note = message("n1", "agents only", T0 + 2, Party{"agent", "a_1", "Ann"});
    note.internal = true;
    REQUIRE(s.append_message(note).ok());
    REQUIRE(s.append_message(message("m2", "a reply", T0 + 3, Party{"agent", "a_1", "Ann"})).ok());
    auto stamps = s.visible_message_stamps("c_1");
    REQUIRE(stamps.ok());
    REQUIRE(stamps.value().size() == 2);
    CHECK(stamps.value()[0].role == "visitor");
    CHECK(stamps.value()[1].ts == T0 + 3);
    CHECK(stamps.value()[1].role == "agent");
    CHECK(s.visible_message_stamps("c_9").value().empty());
}

TEMPLATE_TEST_CASE("the last message a party wrote for the visitor passes over internal notes and the relay's lines",
                   "[store][prechat]", MemoryBackend, SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    seed(s);
    CHECK_FALSE(s.last_visible_said("c_1").value());  // nothing said yet
    CHECK_FALSE(s.last_visible_said("c_9").value());  // no such conversation
    REQUIRE(s.append_message(message("m1", "where is my parcel?")).ok());
    REQUIRE(s.append_message(message("m2", "It ships today.", T0 + 2, Party{"agent", "a_1", "Ann"})).ok());
    NewMessage note = message("n1", "VIP, be nice", T0 + 3, Party{"agent", "a_1", "Ann"});
    note.internal = true;
    REQUIRE(s.append_message(note).ok());
    REQUIRE(s.append_message(message("s1", "Conversation closed", T0 + 4, Party{"system", "system", "Parley"})).ok());
    CHECK(s.find_conversation("c_1").value()->last_text == "Conversation closed");
    auto said = s.last_visible_said("c_1");
    REQUIRE(said.ok());
    REQUIRE(said.value());
    CHECK(said.value()->seq == 2);
    CHECK(said.value()->text == "It ships today.");
    CHECK(said.value()->from.role == "agent");
    CHECK_FALSE(said.value()->internal);
}

TEMPLATE_TEST_CASE("a conversation is closed and reopened", "[store][routing]", MemoryBackend, SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    seed(s);
    REQUIRE(s.set_conversation_status("c_1", "closed").ok());
    CHECK(s.find_conversation("c_1").value()->status == "closed");
    CHECK_FALSE(s.conversation_of_visitor("v_1").value());
    REQUIRE(s.set_conversation_status("c_1", "open").ok());
    CHECK(s.find_conversation("c_1").value()->status == "open");
    CHECK_FALSE(s.set_conversation_status("c_9", "closed").ok());
}

TEMPLATE_TEST_CASE("a conversation keeps the router's last record", "[store][routing]", MemoryBackend, SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    seed(s);
    CHECK_FALSE(s.route_of("c_1").value());  // none yet
    REQUIRE(s.set_route("c_1", R"({"state":"queued"})").ok());
    REQUIRE(s.set_route("c_1", R"({"state":"assigned","agent":"a_1"})").ok());
    CHECK(s.route_of("c_1").value() == std::optional<std::string>(R"({"state":"assigned","agent":"a_1"})"));
    CHECK_FALSE(s.set_route("c_9", "{}").ok());
    CHECK_FALSE(s.route_of("c_9").value());
}

TEMPLATE_TEST_CASE("a batch stores its writes together, and a failed append in it changes nothing else",
                   "[store][batch]", MemoryBackend, SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    seed(s);
    REQUIRE(s.begin_batch().ok());
    REQUIRE(s.begin_batch().ok());  // already open: nothing changes
    CHECK(s.append_message(message("k1", "one")).value().seq == 1);
    NewMessage stray = message("k2", "nowhere");
    stray.conv = "c_9";
    CHECK_FALSE(s.append_message(stray).ok());  // no such conversation: only this fails
    CHECK(s.append_message(message("k3", "two")).value().seq == 2);
    CHECK(s.append_message(message("k1", "one")).value().inserted == false);  // still idempotent
    CHECK(s.messages_after("c_1", 0, 10).value().size() == 2);  // the batch reads its writes
    REQUIRE(s.commit_batch().ok());
    REQUIRE(s.commit_batch().ok());  // none open: nothing to do
    const auto msgs = s.messages_after("c_1", 0, 10).value();
    REQUIRE(msgs.size() == 2);
    CHECK(msgs[1].text == "two");
    CHECK(s.find_conversation("c_1").value()->last_seq == 2);
}

TEST_CASE("a SQLite batch is invisible to other connections until committed, then durable", "[store][batch][sqlite]") {
    TempDir dir;
    const std::string path = dir.file("parley.db");
    auto s = SqliteBackend::open(path);
    seed(*s);
    REQUIRE(s->begin_batch().ok());
    REQUIRE(s->append_message(message("k1", "held")).ok());
    {
        auto other = SqliteBackend::open(path);  // another connection (a crash would see this)
        CHECK(other->messages_after("c_1", 0, 10).value().empty());
    }
    REQUIRE(s->commit_batch().ok());
    s.reset();
    auto reopened = SqliteBackend::open(path);
    const auto msgs = reopened->messages_after("c_1", 0, 10).value();
    REQUIRE(msgs.size() == 1);
    CHECK(msgs[0].text == "held");
}

TEMPLATE_TEST_CASE("a visitor's record holds every conversation and message of theirs, and no one else's",
                   "[store][privacy]", MemoryBackend, SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    seed(s);
    REQUIRE(s.append_message(message("m1", "my order is late")).ok());
    REQUIRE(s.append_message(message("m2", "we are on it", T0 + 2, Party{"agent", "a_1", "Sam"})).ok());
    REQUIRE(s.set_conversation_status("c_1", "closed").ok());
    REQUIRE(s.create_conversation("c_2", "v_1", T0 + 10).ok());
    REQUIRE(s.append_message(NewMessage{"c_2", "m3", Party{"visitor", "v_1", "Ada"}, "again", T0 + 11}).ok());
    REQUIRE(s.create_visitor(Visitor{"v_2", "Bob", T0}).ok());
    REQUIRE(s.create_conversation("c_3", "v_2", T0).ok());
    REQUIRE(s.append_message(NewMessage{"c_3", "m1", Party{"visitor", "v_2", "Bob"}, "not Ada's", T0 + 1}).ok());

    auto record = s.visitor_record("v_1");
    REQUIRE(record.ok());
    REQUIRE(record.value());
    CHECK(record.value()->visitor.name == "Ada");
    REQUIRE(record.value()->conversations.size() == 2);
    CHECK(record.value()->conversations[0].conv == "c_1");  // oldest first, closed included
    CHECK(record.value()->conversations[0].status == "closed");
    CHECK(record.value()->conversations[1].conv == "c_2");
    REQUIRE(record.value()->messages.size() == 3);
    CHECK(record.value()->messages[0].text == "my order is late");
    CHECK(record.value()->messages[1].from.name == "Sam");
    CHECK(record.value()->messages[2].conv == "c_2");

    CHECK_FALSE(s.visitor_record("v_9").value());
}

TEMPLATE_TEST_CASE("erasing a visitor deletes them, their conversations, messages and read marks, and nothing else",
                   "[store][privacy]", MemoryBackend, SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    seed(s);
    REQUIRE(s.append_message(message("m1", "my order is late")).ok());
    REQUIRE(s.append_message(message("m2", "hello?")).ok());
    REQUIRE(s.mark_read("c_1", "a_1", 2).ok());
    REQUIRE(s.find_conversation("c_1").value());  // in the summary cache, if there is one
    REQUIRE(s.create_visitor(Visitor{"v_2", "Bob", T0}).ok());
    REQUIRE(s.create_conversation("c_3", "v_2", T0).ok());
    REQUIRE(s.append_message(NewMessage{"c_3", "m1", Party{"visitor", "v_2", "Bob"}, "keep me", T0 + 1}).ok());

    auto erased = s.erase_visitor("v_1");
    REQUIRE(erased.ok());
    CHECK(erased.value().visitors == 1);
    CHECK(erased.value().conversations == 1);
    CHECK(erased.value().messages == 2);

    CHECK_FALSE(s.find_visitor("v_1").value());
    CHECK_FALSE(s.find_conversation("c_1").value());
    CHECK_FALSE(s.conversation_of_visitor("v_1").value());
    CHECK(s.messages_after("c_1", 0, 10).value().empty());
    CHECK(s.read_mark("c_1", "a_1").value() == 0);
    CHECK(s.open_conversations(10).value().size() == 1);
    CHECK(s.messages_after("c_3", 0, 10).value().at(0).text == "keep me");

    SECTION("erasing again, or an unknown visitor, deletes nothing and is not an error") {
        auto again = s.erase_visitor("v_1");
        REQUIRE(again.ok());
        CHECK(again.value().visitors == 0);
        CHECK(again.value().messages == 0);
    }
}

TEMPLATE_TEST_CASE("bot keys are stored by hash, found, touched, listed by name and revoked", "[store][bots]",
                   MemoryBackend, SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store* s = b.store.get();
    REQUIRE(s->create_bot_key(BotKey{"helper", "Helper", "hash-h", T0, 0}).ok());
    REQUIRE(s->create_bot_key(BotKey{"alpha", "Alpha", "hash-a", T0 + 1, 0}).ok());
    CHECK_FALSE(s->create_bot_key(BotKey{"helper", "Other", "hash-x", T0, 0}).ok());  // one key per name
    auto found = s->find_bot_key("hash-h").value();
    REQUIRE(found);
    CHECK(found->name == "helper");
    CHECK(found->display_name == "Helper");
    CHECK(found->last_used == 0);
    CHECK_FALSE(s->find_bot_key("hash-unknown").value());
    REQUIRE(s->touch_bot_key("hash-h", T0 + 5).ok());
    REQUIRE(s->touch_bot_key("hash-h", T0 + 2).ok());  // never backwards
    CHECK(s->find_bot_key("hash-h").value()->last_used == T0 + 5);
    const auto all = s->list_bot_keys().value();
    REQUIRE(all.size() == 2);
    CHECK(all[0].name == "alpha");
    CHECK(all[1].name == "helper");
    CHECK(s->delete_bot_key("helper").value());
    CHECK_FALSE(s->delete_bot_key("helper").value());
    CHECK_FALSE(s->find_bot_key("hash-h").value());
    CHECK(s->create_bot_key(BotKey{"helper", "Helper", "hash-h2", T0 + 9, 0}).ok());  // after revoking: anew
}

TEMPLATE_TEST_CASE("a message's parts and reply are stored and read back as given", "[store][rich]",
                   MemoryBackend, SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    seed(s);
    const std::string parts = R"([{"kind":"quick_replies","options":[{"id":"pricing","label":"Pricing"}]}])";
    NewMessage ask = message("k1", "What about?", T0 + 1, Party{"agent", "a_1", "Sam"});
    ask.parts = parts;
    REQUIRE(s.append_message(ask).ok());
    NewMessage answer = message("k2", "Email: ada@example.com");
    answer.reply = parley::protocol::Reply{1, "", "lead", {{"email", "ada@example.com"}, {"company", "Acme"}}};
    REQUIRE(s.append_message(answer).ok());
    REQUIRE(s.append_message(message("k3", "plain")).ok());

    for (const auto& got : {s.messages_after("c_1", 0, 10).value(), s.messages_before("c_1", 4, 10).value()}) {
        REQUIRE(got.size() == 3);
        CHECK(got[0].parts == parts);
        CHECK_FALSE(got[0].reply);
        CHECK(got[1].parts.empty());
        CHECK(got[1].reply == answer.reply);
        CHECK(got[2].parts.empty());
        CHECK_FALSE(got[2].reply);
    }
}
