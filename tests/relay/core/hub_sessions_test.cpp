// Signing out ends the session (issue 15, defect 6): `logout` revokes the session in
// the store and closes every connection that used it with 4102; "everywhere" does so
// for all the agent's sessions; `sessions` lists them; a disabled agent cannot come
// back, and loses live connections at the next session check; expired sessions are
// purged. The store is a MemoryStore; the clock is the harness's.
#include <catch2/catch.hpp>

#include "support/hub_harness.hpp"

using namespace parley::relay;
using namespace parley::relay::test;
using parley::protocol::ErrorCode;
namespace close_code = parley::protocol::close_code;

namespace {

// The agent a_1 (Sam) with two sessions: "token-of-a_1" (two tabs) and a second one
// (another device); Kim (a_2) with one. All connected.
struct TwoDevices {
    HubHarness h;
    std::string token_a = h.make_agent("a_1", "sam@example.com", "Sam");
    std::string token_b = "second-device-of-a_1";
    std::string token_kim = h.make_agent("a_2", "kim@example.com", "Kim");
    ConnId tab1 = 0, tab2 = 0, phone = 0, kim = 0;

    TwoDevices() {
        REQUIRE(h.store.create_session(AgentSession{session_token_hash(token_b), "a_1", h.now + 3600'000, h.now, h.now}).ok());
        tab1 = h.agent(token_a);
        tab2 = h.agent(token_a);
        phone = h.agent(token_b);
        kim = h.agent(token_kim);
        for (ConnId c : {tab1, tab2, phone, kim}) h.drain(c);
    }

    // A fresh connection's answer to hello with `token`: welcome or the error code.
    bool hello_accepted(const std::string& token) {
        const ConnId c = h.open();
        h.send(c, p::Hello{"agent", token, std::nullopt});
        auto& q = h.received[c];
        REQUIRE_FALSE(q.empty());
        if (std::holds_alternative<p::Welcome>(q.front())) return true;
        CHECK(h.error(c).code == ErrorCode::bad_token);
        return false;
    }

    p::SessionList sessions(ConnId c) {
        h.send(c, p::ListSessions{});
        return h.next<p::SessionList>(c);
    }
};

}  // namespace

TEST_CASE("logout revokes the session, closes its connections with 4102 and only those",
          "[hub][sessions]") {
    TwoDevices d;
    d.h.send(d.tab1, p::Logout{});
    const auto answer = d.h.next<p::LoggedOut>(d.tab1);
    CHECK(answer.revoked == 1);
    CHECK(answer.current);
    CHECK(d.h.closed == std::map<ConnId, int>{{d.tab1, close_code::session_ended},
                                              {d.tab2, close_code::session_ended}});
    CHECK(p::close_is_final(close_code::session_ended));
    CHECK_FALSE(d.h.store.find_session(session_token_hash(d.token_a)).value());

    SECTION("the token is refused by a later hello") { CHECK_FALSE(d.hello_accepted(d.token_a)); }
    SECTION("the agent's other session and other agents carry on") {
        CHECK(d.hello_accepted(d.token_b));
        d.h.send(d.phone, p::Ping{7});
        CHECK(d.h.next<p::Pong>(d.phone).n == 7);
    }
    SECTION("a connection being closed is not served any more") {
        d.h.send(d.tab2, p::Ping{1});
        d.h.send(d.tab2, p::ListSessions{});
        CHECK(d.h.idle(d.tab2));
    }
}

TEST_CASE("logout with all revokes every session of the agent and closes all their connections",
          "[hub][sessions]") {
    TwoDevices d;
    d.h.send(d.phone, p::Logout{true, std::nullopt});
    const auto answer = d.h.next<p::LoggedOut>(d.phone);
    CHECK(answer.revoked == 2);
    CHECK(answer.current);
    CHECK(d.h.closed == std::map<ConnId, int>{{d.tab1, close_code::session_ended},
                                              {d.tab2, close_code::session_ended},
                                              {d.phone, close_code::session_ended}});
    CHECK_FALSE(d.hello_accepted(d.token_a));
    CHECK_FALSE(d.hello_accepted(d.token_b));
    CHECK(d.hello_accepted(d.token_kim));
}

TEST_CASE("the session list shows the agent's own sessions and which is current, never a token",
          "[hub][sessions]") {
    TwoDevices d;
    const auto list = d.sessions(d.phone);
    REQUIRE(list.sessions.size() == 2);
    int current = 0;
    for (const auto& s : list.sessions) {
        CHECK(s.id.rfind("s_", 0) == 0);
        CHECK(s.id.size() == 18);
        for (const auto& token : {d.token_a, d.token_b}) CHECK(s.id.find(token) == std::string::npos);
        CHECK(s.expires == kT0 + 3600'000);
        CHECK(s.last_used == kT0);  // the hellos above
        if (s.current) {
            ++current;
            CHECK(s.id == session_public_id(session_token_hash(d.token_b)));
        }
    }
    CHECK(current == 1);
    CHECK(d.sessions(d.kim).sessions.size() == 1);  // Kim sees only hers
}

TEST_CASE("logout naming a session revokes that one; the asker stays connected", "[hub][sessions]") {
    TwoDevices d;
    const std::string tabs = session_public_id(session_token_hash(d.token_a));
    d.h.send(d.phone, p::Logout{false, tabs});
    const auto answer = d.h.next<p::LoggedOut>(d.phone);
    CHECK(answer.revoked == 1);
    CHECK_FALSE(answer.current);
    CHECK(d.h.closed == std::map<ConnId, int>{{d.tab1, close_code::session_ended},
                                              {d.tab2, close_code::session_ended}});
    CHECK_FALSE(d.hello_accepted(d.token_a));
    REQUIRE(d.sessions(d.phone).sessions.size() == 1);

    SECTION("an id that is not one of the agent's sessions gets 1005 and revokes nothing") {
        const std::string kims = session_public_id(session_token_hash(d.token_kim));
        for (const std::string& id : {kims, tabs, std::string("s_nope")}) {
            d.h.send(d.phone, p::Logout{false, id});
            CHECK(d.h.error(d.phone).code == ErrorCode::bad_field);
        }
        CHECK(d.hello_accepted(d.token_kim));
        CHECK_FALSE(d.h.closed.count(d.kim));
    }
}

TEST_CASE("a visitor's logout or session list gets 2004; before welcome, 2001", "[hub][sessions]") {
    HubHarness h;
    const ConnId v = h.visitor();
    h.send(v, p::Logout{});
    CHECK(h.error(v).code == ErrorCode::forbidden);
    h.send(v, p::Logout{true, std::nullopt});
    CHECK(h.error(v).code == ErrorCode::forbidden);
    h.send(v, p::ListSessions{});
    CHECK(h.error(v).code == ErrorCode::forbidden);
    CHECK(h.closed.empty());

    const ConnId fresh = h.open();
    h.send(fresh, p::Logout{});
    CHECK(h.error(fresh).code == ErrorCode::not_authenticated);
}

TEST_CASE("a login's session records when it was made and used; a hello updates last use",
          "[hub][sessions][login]") {
    HubHarness h;
    h.make_agent("a_1", "sam@example.com", "Sam");
    const ConnId c = h.open();
    h.send(c, p::Login{"sam@example.com", "agent-password"});
    const std::string token = h.next<p::Welcome>(c).token;
    auto stored = h.store.find_session(session_token_hash(token)).value();
    REQUIRE(stored);
    CHECK(stored->created == kT0);
    CHECK(stored->last_used == kT0);
    h.now += 60'000;
    h.agent(token);
    CHECK(h.store.find_session(session_token_hash(token)).value()->last_used == kT0 + 60'000);
}

TEST_CASE("a disabled agent gets 2002 for the right password and 2003 for a once valid token",
          "[hub][sessions][login]") {
    HubHarness h;
    const std::string token = h.make_agent("a_1", "sam@example.com", "Sam");
    REQUIRE(h.store.set_agent_disabled("a_1", true).ok());
    const ConnId c = h.open();
    h.send(c, p::Login{"sam@example.com", "agent-password"});
    auto e = h.error(c);
    CHECK(e.code == ErrorCode::bad_credentials);
    CHECK(e.message == "wrong e-mail or password");
    h.send(c, p::Hello{"agent", token, std::nullopt});
    CHECK(h.error(c).code == ErrorCode::bad_token);

    SECTION("even if a session of theirs were still stored") {
        REQUIRE(h.store.create_session(AgentSession{session_token_hash(token), "a_1", h.now + 1000}).ok());
        h.send(c, p::Hello{"agent", token, std::nullopt});
        CHECK(h.error(c).code == ErrorCode::bad_token);
    }
}

TEST_CASE("an agent disabled outside the hub loses live connections at the next session check",
          "[hub][sessions][tick]") {
    TwoDevices d;
    const std::int64_t every = HubConfig{}.session_check_every_ms;
    d.h.hub.tick(d.h.now);  // the first check, all valid
    d.h.pump();
    CHECK(d.h.closed.empty());
    // What --disable-agent does to the same database from another process.
    REQUIRE(d.h.store.set_agent_disabled("a_1", true).ok());
    REQUIRE(d.h.hub.next_deadline());
    CHECK(*d.h.hub.next_deadline() <= d.h.now + every);
    d.h.now += every - 1;
    d.h.hub.tick(d.h.now);
    d.h.pump();
    CHECK(d.h.closed.empty());  // not yet due
    d.h.now += 1;
    d.h.hub.tick(d.h.now);
    d.h.pump();
    CHECK(d.h.closed == std::map<ConnId, int>{{d.tab1, close_code::session_ended},
                                              {d.tab2, close_code::session_ended},
                                              {d.phone, close_code::session_ended}});
}

TEST_CASE("a session deleted or expired while connected ends at the next session check",
          "[hub][sessions][tick]") {
    TwoDevices d;
    const std::int64_t every = HubConfig{}.session_check_every_ms;
    d.h.hub.tick(d.h.now);
    d.h.pump();
    SECTION("deleted by another process") {
        REQUIRE(d.h.store.delete_session(session_token_hash(d.token_b)).value());
        d.h.now += every;
        d.h.hub.tick(d.h.now);
        d.h.pump();
        CHECK(d.h.closed == std::map<ConnId, int>{{d.phone, close_code::session_ended}});
    }
    SECTION("expired") {
        REQUIRE(d.h.store.delete_session(session_token_hash(d.token_kim)).value());
        REQUIRE(d.h.store.create_session(AgentSession{session_token_hash(d.token_kim), "a_2", d.h.now + every / 2}).ok());
        d.h.now += every;
        d.h.hub.tick(d.h.now);
        d.h.pump();
        CHECK(d.h.closed == std::map<ConnId, int>{{d.kim, close_code::session_ended}});
    }
}

TEST_CASE("expired sessions are purged at the first tick and then every purge interval",
          "[hub][sessions][tick]") {
    HubHarness h;
    const std::int64_t every = HubConfig{}.session_purge_every_ms;
    h.make_agent("a_1", "sam@example.com", "Sam");  // expires in an hour
    REQUIRE(h.store.create_session(AgentSession{"old", "a_1", h.now - 1}).ok());
    REQUIRE(h.hub.next_deadline());
    CHECK(*h.hub.next_deadline() <= h.now);  // due at once: the relay purges at start
    h.hub.tick(h.now);
    CHECK_FALSE(h.store.find_session("old").value());
    CHECK(h.store.find_session(session_token_hash("token-of-a_1")).value());

    REQUIRE(h.store.create_session(AgentSession{"later", "a_1", h.now + 1}).ok());
    h.now += every - 1;
    h.hub.tick(h.now);
    CHECK(h.store.find_session("later").value());  // not yet due
    h.now += 1;
    h.hub.tick(h.now);
    CHECK_FALSE(h.store.find_session("later").value());
    CHECK_FALSE(h.store.find_session(session_token_hash("token-of-a_1")).value());
}

TEST_CASE("an agent holds at most kMaxSessionsPerAgent sessions: a login beyond revokes the oldest",
          "[hub][sessions][login]") {
    HubHarness h;
    const std::string first = h.make_agent("a_1", "sam@example.com", "Sam");
    const ConnId oldest = h.agent(first);
    for (std::size_t i = 1; i < kMaxSessionsPerAgent; ++i)
        REQUIRE(h.store.create_session(AgentSession{"h" + std::to_string(i), "a_1", h.now + 3600'000,
                                                    h.now + std::int64_t(i), 0}).ok());
    REQUIRE(h.store.sessions_of_agent("a_1").value().size() == kMaxSessionsPerAgent);
    h.now += 1000;
    const ConnId c = h.open();
    h.send(c, p::Login{"sam@example.com", "agent-password"});
    const std::string token = h.next<p::Welcome>(c).token;
    const auto after = h.store.sessions_of_agent("a_1").value();
    CHECK(after.size() == kMaxSessionsPerAgent);
    CHECK_FALSE(h.store.find_session(session_token_hash(first)).value());  // the oldest went
    CHECK(h.store.find_session(session_token_hash(token)).value());
    CHECK(h.closed == std::map<ConnId, int>{{oldest, close_code::session_ended}});
}
