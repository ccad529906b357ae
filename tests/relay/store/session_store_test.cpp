// Agent sessions in every Store backend (issue 15, sign-out): listing an agent's
// sessions, revoking one or all, the last-used stamp, purging expired ones, and
// disabling an agent, which revokes every session of theirs. Same backends as the
// conformance suite (support/store_backends.hpp).
#include <catch2/catch.hpp>

#include "support/store_backends.hpp"

using namespace parley::relay;
using namespace parley::relay::test;

namespace {

constexpr std::int64_t T0 = 1'700'000'000'000;

// Agents a_1 (sessions h1, h2) and a_2 (session h3); h1 expires first.
void seed(Store& s) {
    REQUIRE(s.create_agent(Agent{"a_1", "sam@example.com", "Sam", "h", T0}).ok());
    REQUIRE(s.create_agent(Agent{"a_2", "kim@example.com", "Kim", "h", T0}).ok());
    REQUIRE(s.create_session(AgentSession{"h1", "a_1", T0 + 100, T0 + 1, T0 + 1}).ok());
    REQUIRE(s.create_session(AgentSession{"h2", "a_1", T0 + 900, T0 + 2, T0 + 2}).ok());
    REQUIRE(s.create_session(AgentSession{"h3", "a_2", T0 + 900, T0 + 3, T0 + 3}).ok());
}

std::vector<std::string> hashes(const std::vector<AgentSession>& sessions) {
    std::vector<std::string> out;
    for (const auto& s : sessions) out.push_back(s.token_hash);
    return out;
}

}  // namespace

TEMPLATE_TEST_CASE("an agent's sessions are listed oldest first with when they were made and used",
                   "[store][sessions]", MemoryBackend, SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    seed(s);
    auto mine = s.sessions_of_agent("a_1");
    REQUIRE(mine.ok());
    REQUIRE(hashes(mine.value()) == std::vector<std::string>{"h1", "h2"});
    CHECK(mine.value()[0].created == T0 + 1);
    CHECK(mine.value()[0].expires == T0 + 100);
    CHECK(s.sessions_of_agent("a_9").value().empty());

    // touch keeps the latest use; an older stamp does not move it back.
    REQUIRE(s.touch_session("h1", T0 + 50).ok());
    REQUIRE(s.touch_session("h1", T0 + 40).ok());
    REQUIRE(s.touch_session("nope", T0 + 50).ok());
    CHECK(s.find_session("h1").value()->last_used == T0 + 50);
    CHECK(s.find_session("h1").value()->created == T0 + 1);
}

TEMPLATE_TEST_CASE("a revoked session is gone and the agent's others stay", "[store][sessions]",
                   MemoryBackend, SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    seed(s);
    CHECK(s.delete_session("h1").value());
    CHECK_FALSE(s.delete_session("h1").value());  // already gone
    CHECK_FALSE(s.find_session("h1").value());
    CHECK(hashes(s.sessions_of_agent("a_1").value()) == std::vector<std::string>{"h2"});
}

TEMPLATE_TEST_CASE("signing out everywhere revokes every session of that agent and no other's",
                   "[store][sessions]", MemoryBackend, SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    seed(s);
    CHECK(s.delete_sessions_of_agent("a_1").value() == 2);
    CHECK(s.sessions_of_agent("a_1").value().empty());
    CHECK(s.find_session("h3").value());
    CHECK(s.delete_sessions_of_agent("a_1").value() == 0);
}

TEMPLATE_TEST_CASE("purging deletes the sessions expired at that time and counts them",
                   "[store][sessions]", MemoryBackend, SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    seed(s);
    CHECK(s.purge_sessions(T0 + 99).value() == 0);
    CHECK(s.purge_sessions(T0 + 100).value() == 1);  // expires <= now
    CHECK_FALSE(s.find_session("h1").value());
    CHECK(s.find_session("h2").value());
    CHECK(s.purge_sessions(T0 + 1000).value() == 2);
    CHECK(s.sessions_of_agent("a_2").value().empty());
}

TEMPLATE_TEST_CASE("disabling an agent flags them and revokes all their sessions; enabling keeps none",
                   "[store][sessions]", MemoryBackend, SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    seed(s);
    CHECK_FALSE(s.find_agent("a_1").value()->disabled);
    REQUIRE(s.set_agent_disabled("a_1", true).ok());
    CHECK(s.find_agent("a_1").value()->disabled);
    CHECK(s.find_agent_by_email("SAM@example.com").value()->disabled);
    CHECK(s.sessions_of_agent("a_1").value().empty());
    CHECK(s.find_session("h3").value());  // another agent's session stays
    CHECK_FALSE(s.find_agent("a_2").value()->disabled);
    const auto agents = s.list_agents();
    REQUIRE(agents.ok());
    for (const Agent& a : agents.value()) CHECK(a.disabled == (a.id == "a_1"));

    REQUIRE(s.set_agent_disabled("a_1", false).ok());
    CHECK_FALSE(s.find_agent("a_1").value()->disabled);
    CHECK(s.sessions_of_agent("a_1").value().empty());  // revoked sessions do not come back

    CHECK_FALSE(s.set_agent_disabled("a_9", true).ok());
}

TEMPLATE_TEST_CASE("an agent created disabled is stored disabled", "[store][sessions]", MemoryBackend,
                   SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    Agent a{"a_1", "sam@example.com", "Sam", "h", T0};
    a.disabled = true;
    REQUIRE(s.create_agent(a).ok());
    CHECK(s.find_agent("a_1").value()->disabled);
}

TEMPLATE_TEST_CASE("updating an agent rewrites their name, hash and routing; with revoke_sessions it ends them",
                   "[store][sessions][admin]", MemoryBackend, SqliteBackend, CachedSqliteBackend,
                   SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    seed(s);
    Agent a = *s.find_agent("a_1").value();
    a.name = "Samantha";
    a.password_hash = "h2";
    a.teams = {"billing", "sales"};
    a.skills = {"fr"};
    a.preferred = 1;
    a.max_load = 2;
    a.supervisor = true;
    a.email = "ignored@example.com";  // the e-mail is not rewritten
    REQUIRE(s.update_agent(a, false).ok());
    const Agent got = *s.find_agent("a_1").value();
    CHECK(got.name == "Samantha");
    CHECK(got.password_hash == "h2");
    CHECK(got.teams == std::vector<std::string>{"billing", "sales"});
    CHECK(got.skills == std::vector<std::string>{"fr"});
    CHECK(got.preferred == 1);
    CHECK(got.max_load == 2);
    CHECK(got.supervisor);
    CHECK(got.email == "sam@example.com");
    CHECK(s.sessions_of_agent("a_1").value().size() == 2);
    REQUIRE(s.update_agent(a, true).ok());
    CHECK(s.sessions_of_agent("a_1").value().empty());
    CHECK(s.find_session("h3").value());  // another agent's session stays
    a.id = "a_9";
    CHECK_FALSE(s.update_agent(a, false).ok());
}

TEMPLATE_TEST_CASE("deleting an agent deletes their sessions with them and frees the e-mail",
                   "[store][sessions][admin]", MemoryBackend, SqliteBackend, CachedSqliteBackend,
                   SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    seed(s);
    REQUIRE(s.delete_agent("a_1").ok());
    CHECK_FALSE(s.find_agent("a_1").value());
    CHECK_FALSE(s.find_agent_by_email("sam@example.com").value());
    CHECK_FALSE(s.find_session("h1").value());
    CHECK(s.find_session("h3").value());
    CHECK(s.list_agents().value().size() == 1);
    CHECK(s.create_agent(Agent{"a_3", "SAM@example.com", "Sam again", "h", T0}).ok());
    CHECK_FALSE(s.delete_agent("a_1").ok());
}
