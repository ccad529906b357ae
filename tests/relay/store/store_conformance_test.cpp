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

TEMPLATE_TEST_CASE("a visitor is stored, found and renamed", "[store]", MemoryBackend, SqliteBackend) {
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
                   MemoryBackend, SqliteBackend) {
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
                   SqliteBackend) {
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
                   "[store]", MemoryBackend, SqliteBackend) {
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

TEMPLATE_TEST_CASE("appending to an unknown conversation fails and stores nothing", "[store]",
                   MemoryBackend, SqliteBackend) {
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
                   MemoryBackend, SqliteBackend) {
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

TEMPLATE_TEST_CASE("read marks only grow", "[store]", MemoryBackend, SqliteBackend) {
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
                   MemoryBackend, SqliteBackend) {
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

TEMPLATE_TEST_CASE("agents are found by id and by e-mail in any case", "[store]", MemoryBackend,
                   SqliteBackend) {
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
                   SqliteBackend) {
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

TEMPLATE_TEST_CASE("settings are stored and overwritten", "[store]", MemoryBackend, SqliteBackend) {
    TestType b;
    Store& s = *b.store;
    CHECK_FALSE(s.get_setting("k").value());
    REQUIRE(s.put_setting("k", "one").ok());
    REQUIRE(s.put_setting("k", "two").ok());
    CHECK(s.get_setting("k").value() == std::optional<std::string>("two"));
}
