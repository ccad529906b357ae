// Agents' availability over time (issue 18, store.hpp AgentEvent): the guarantees of
// append_agent_event, agent_events_between and purge_agent_events_before, on every
// backend; and schema step 16 on a database made before it.
#include <catch2/catch.hpp>
#include <sqlite3.h>

#include "support/store_backends.hpp"

using namespace parley::relay;
using namespace parley::relay::test;

namespace {

constexpr std::int64_t T0 = 1'700'000'000'000;

AgentEvent row(std::int64_t ts, const std::string& agent, const std::string& status, std::int64_t load,
               const std::string& reason) {
    return AgentEvent{0, ts, agent, status, load, reason};
}

std::vector<std::string> described(const std::vector<AgentEvent>& events) {
    std::vector<std::string> out;
    for (const AgentEvent& e : events)
        out.push_back(e.agent + "@" + std::to_string(e.ts - T0) + ":" + e.status + "/" + std::to_string(e.load) +
                      "/" + e.reason);
    return out;
}

}  // namespace

TEMPLATE_TEST_CASE("a period's agent events start with each agent's state before it", "[store][reports]",
                   MemoryBackend, SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    REQUIRE(s.append_agent_event(row(T0 + 10, "a_ann", "available", 0, "connect")).ok());
    REQUIRE(s.append_agent_event(row(T0 + 20, "a_ann", "available", 1, "load")).ok());
    REQUIRE(s.append_agent_event(row(T0 + 30, "a_bob", "away", 0, "connect")).ok());
    REQUIRE(s.append_agent_event(row(T0 + 40, "a_ann", "offline", 1, "disconnect")).ok());
    REQUIRE(s.append_agent_event(row(T0 + 50, "a_bob", "offline", 0, "disconnect")).ok());

    SECTION("rows in the period, after the last one before it of each agent, in id order") {
        auto got = s.agent_events_between(T0 + 25, T0 + 45);
        REQUIRE(got.ok());
        CHECK(described(got.value()) == std::vector<std::string>{"a_ann@20:available/1/load",
                                                                 "a_bob@30:away/0/connect",
                                                                 "a_ann@40:offline/1/disconnect"});
        CHECK(got.value()[0].id < got.value()[1].id);
    }
    SECTION("an empty period gives the states at that time") {
        CHECK(described(s.agent_events_between(T0 + 35, T0 + 35).value()) ==
              std::vector<std::string>{"a_ann@20:available/1/load", "a_bob@30:away/0/connect"});
    }
    SECTION("nothing before the first row") { CHECK(s.agent_events_between(T0, T0 + 5).value().empty()); }
    SECTION("retention keeps each agent's last row before the cutoff, so later states stay known") {
        auto purged = s.purge_agent_events_before(T0 + 45);
        REQUIRE(purged.ok());
        CHECK(purged.value() == 2);  // ann's 10 and 20; ann's 40 and bob's 30 stay
        CHECK(described(s.agent_events_between(T0, T0 + 100).value()) ==
              std::vector<std::string>{"a_bob@30:away/0/connect", "a_ann@40:offline/1/disconnect",
                                       "a_bob@50:offline/0/disconnect"});
        CHECK(s.purge_agent_events_before(T0 + 45).value() == 0);
    }
    SECTION("erasing a visitor or a conversation keeps them: they are not a conversation's") {
        REQUIRE(s.create_visitor(Visitor{"v_1", "Ada", T0}).ok());
        REQUIRE(s.create_conversation("c_1", "v_1", T0).ok());
        REQUIRE(s.erase_conversations({"c_1"}).ok());
        CHECK(s.agent_events_between(T0, T0 + 100).value().size() == 5);
    }
}

TEMPLATE_TEST_CASE("the events of one kind are read by time, whenever their conversation opened", "[store][reports]",
                   MemoryBackend, SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    REQUIRE(s.append_event(ConvEvent{0, T0 + 1, "c_1", "opened", "", "", "humans", ""}).ok());
    REQUIRE(s.append_event(ConvEvent{0, T0 + 2, "c_1", "assigned", "general", "a_ann", "new", ""}).ok());
    REQUIRE(s.append_event(ConvEvent{0, T0 + 3, "c_1", "assigned", "general", "a_bob", "transfer", ""}).ok());
    REQUIRE(s.append_event(ConvEvent{0, T0 + 9, "c_2", "assigned", "general", "a_ann", "new", ""}).ok());
    auto got = s.events_of_kind("assigned", T0 + 3, T0 + 9);
    REQUIRE(got.ok());
    REQUIRE(got.value().size() == 1);
    CHECK(got.value()[0].agent == "a_bob");
    CHECK(s.events_of_kind("assigned", T0, T0 + 10).value().size() == 3);
}

TEST_CASE("a database from before schema step 16 gains the agents' availability table", "[store][sqlite][reports]") {
    TempDir dir;
    const std::string path = dir.file("parley.db");
    { auto s = SqliteBackend::open(path); }
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "DROP TABLE agent_events; PRAGMA user_version = 15", nullptr, nullptr, nullptr) ==
            SQLITE_OK);
    sqlite3_close(db);

    auto s = SqliteBackend::open(path);
    REQUIRE(s->append_agent_event(AgentEvent{0, T0, "a_ann", "available", 0, "connect"}).ok());
    CHECK(s->agent_events_between(T0, T0 + 1).value().size() == 1);
}
