// Store: customer context and canned responses (issue 17; store.hpp "customer context",
// "canned responses") on every backend: a conversation's page and User-Agent stored,
// replaced, sealed at rest and gone with the conversation; a visitor's conversations
// newest first; a conversation's events; canned responses by owner.
#include <catch2/catch.hpp>

#include "support/store_backends.hpp"

using namespace parley::relay;
using namespace parley::relay::test;

namespace {
constexpr std::int64_t T0 = 1'700'000'000'000;
}

TEMPLATE_TEST_CASE("a conversation's context is stored, replaced, and erased with the conversation",
                   "[store][context]", MemoryBackend, SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    REQUIRE(s.create_visitor(Visitor{"v_1", "Ada", T0}).ok());
    REQUIRE(s.create_conversation("c_1", "v_1", T0).ok());
    CHECK_FALSE(s.find_conv_context("c_1").value());

    const ConvContext billing{"https://shop.example/billing", "Billing — Shop", "Mozilla/5.0 (X11; Linux x86_64)", T0};
    REQUIRE(s.put_conv_context("c_1", billing).ok());
    CHECK(*s.find_conv_context("c_1").value() == billing);

    SECTION("a later page replaces it whole") {
        const ConvContext cart{"https://shop.example/cart", "", "Mozilla/5.0", T0 + 5};
        REQUIRE(s.put_conv_context("c_1", cart).ok());
        CHECK(*s.find_conv_context("c_1").value() == cart);
    }
    SECTION("the context of a conversation that does not exist is refused") {
        CHECK_FALSE(s.put_conv_context("c_9", billing).ok());
        CHECK_FALSE(s.find_conv_context("c_9").value());
    }
    SECTION("erasing the visitor erases it") {
        REQUIRE(s.erase_visitor("v_1").ok());
        REQUIRE(s.create_visitor(Visitor{"v_1", "Ada", T0}).ok());
        REQUIRE(s.create_conversation("c_1", "v_1", T0).ok());
        CHECK_FALSE(s.find_conv_context("c_1").value());
    }
    SECTION("retention erasing the conversation erases it") {
        REQUIRE(s.erase_conversations({"c_1"}).ok());
        REQUIRE(s.create_visitor(Visitor{"v_1", "Ada", T0}).ok());
        REQUIRE(s.create_conversation("c_1", "v_1", T0).ok());
        CHECK_FALSE(s.find_conv_context("c_1").value());
    }
}

TEST_CASE("with a data key the page and its title are sealed in the database file", "[store][context]") {
    SealedSqliteBackend b;
    REQUIRE(b.store->create_visitor(Visitor{"v_1", "Ada", T0}).ok());
    REQUIRE(b.store->create_conversation("c_1", "v_1", T0).ok());
    REQUIRE(b.store->put_conv_context("c_1", ConvContext{"https://shop.example/ZQXPAGE", "ZQXTITLE", "ZQXAGENT", T0}).ok());
    REQUIRE(b.store->commit_batch().ok());
    const std::string bytes = raw_files(b.dir);
    CHECK(bytes.find("ZQXPAGE") == std::string::npos);
    CHECK(bytes.find("ZQXTITLE") == std::string::npos);
    CHECK(bytes.find("ZQXAGENT") == std::string::npos);
    CHECK(b.store->find_conv_context("c_1").value()->page_title == "ZQXTITLE");
}

TEMPLATE_TEST_CASE("a visitor's conversations are listed newest first, open or closed, with their events",
                   "[store][context]", MemoryBackend, SqliteBackend, CachedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    REQUIRE(s.create_visitor(Visitor{"v_1", "Ada", T0}).ok());
    REQUIRE(s.create_visitor(Visitor{"v_2", "Eve", T0}).ok());
    REQUIRE(s.create_conversation("c_old", "v_1", T0).ok());
    REQUIRE(s.append_message(NewMessage{"c_old", "x.1", {"visitor", "v_1", "Ada"}, "my invoice", T0 + 10}).ok());
    REQUIRE(s.set_conversation_status("c_old", "closed").ok());
    REQUIRE(s.create_conversation("c_new", "v_1", T0 + 20).ok());
    REQUIRE(s.append_message(NewMessage{"c_new", "x.2", {"visitor", "v_1", "Ada"}, "hello again", T0 + 30}).ok());
    REQUIRE(s.create_conversation("c_eve", "v_2", T0).ok());
    REQUIRE(s.append_event(ConvEvent{0, T0 + 11, "c_old", "csat", "general", "a_ann", "2", ""}).ok());
    REQUIRE(s.append_event(ConvEvent{0, T0 + 12, "c_eve", "csat", "general", "a_ann", "5", ""}).ok());
    REQUIRE(s.append_event(ConvEvent{0, T0 + 13, "c_old", "csat", "general", "a_ann", "4", ""}).ok());

    auto mine = s.conversations_of("v_1", 10);
    REQUIRE(mine.value().size() == 2);
    CHECK(mine.value()[0].conv == "c_new");
    CHECK(mine.value()[0].status == "open");
    CHECK(mine.value()[1].conv == "c_old");
    CHECK(mine.value()[1].status == "closed");
    CHECK(mine.value()[1].last_text == "my invoice");
    CHECK(s.conversations_of("v_1", 1).value().size() == 1);
    CHECK(s.conversations_of("v_9", 10).value().empty());

    auto events = s.events_of_conversation("c_old");
    REQUIRE(events.value().size() == 2);
    CHECK(events.value()[0].detail == "2");
    CHECK(events.value()[1].detail == "4");
    CHECK(events.value()[0].id < events.value()[1].id);
}

TEMPLATE_TEST_CASE("canned responses are stored by id, listed by owner and shortcut, and deleted",
                   "[store][canned]", MemoryBackend, SqliteBackend, CachedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    const CannedRecord thanks{"cr_2", "agent:a_ann", "thanks", "Thanks {first_name}!", T0};
    const CannedRecord hello{"cr_1", "agent:a_ann", "hello", "Hello, I'm {agent_name}.", T0};
    const CannedRecord refund{"cr_3", "team:billing", "refund", "Refunds take 5 days.", T0};
    for (const auto& r : {thanks, hello, refund}) REQUIRE(s.put_canned(r).ok());

    auto ann = s.canned_of("agent:a_ann");
    REQUIRE(ann.value().size() == 2);
    CHECK(ann.value()[0] == hello);
    CHECK(ann.value()[1] == thanks);
    CHECK(s.canned_of("team:billing").value().size() == 1);
    CHECK(s.canned_of("agent:a_bob").value().empty());

    CannedRecord edited = thanks;
    edited.text = "Thank you!";
    edited.updated = T0 + 1;
    REQUIRE(s.put_canned(edited).ok());
    CHECK(*s.find_canned("cr_2").value() == edited);

    CHECK(s.delete_canned("cr_2").value());
    CHECK_FALSE(s.delete_canned("cr_2").value());
    CHECK_FALSE(s.find_canned("cr_2").value());
    CHECK(s.canned_of("agent:a_ann").value().size() == 1);
}
