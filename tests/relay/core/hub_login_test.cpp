// The Hub's password login (relay/core/hub.hpp, docs/protocol.md §4 login, P7): checks
// leave the Hub as jobs for the adapter's worker pool, and failures are throttled.
#include <catch2/catch.hpp>

#include "support/hub_harness.hpp"

using namespace parley::relay;
using namespace parley::relay::test;
using parley::protocol::ErrorCode;

namespace {

// A harness that holds password checks, with one agent, sam@example.com.
struct LoginHarness : HubHarness {
    explicit LoginHarness(const HubConfig& c = config()) : HubHarness(c) {
        hold_password_checks = true;
        make_agent("a_1", "sam@example.com", "Sam");
    }
    // Answers the oldest held check as the worker pool would (the real verification).
    void check_one(std::optional<PasswordOutcome> force = {}) {
        REQUIRE_FALSE(checks.empty());
        const PasswordCheck c = checks.front();
        checks.erase(checks.begin());
        const bool match = verify_password(c.password, c.hash);
        hub.on_password_checked(c.ticket, force ? *force : match ? PasswordOutcome::match : PasswordOutcome::mismatch,
                                now);
        pump();
    }
};

p::Login sam(const std::string& password) { return p::Login{"sam@example.com", password}; }

}  // namespace

TEST_CASE("a login hands its password check to the adapter instead of checking it in the Hub",
          "[hub][login]") {
    LoginHarness h;
    const ConnId c = h.open("10.0.0.1");
    h.send(c, sam("agent-password"));
    // Nothing is answered yet: the Hub has only asked for a check, with the agent's hash.
    CHECK(h.idle(c));
    REQUIRE(h.checks.size() == 1);
    CHECK(h.checks[0].conn == c);
    CHECK(h.checks[0].password == "agent-password");
    CHECK(h.checks[0].hash == agent_password_hash());

    SECTION("a matching result logs in") {
        h.check_one();
        CHECK(h.next<p::Welcome>(c).me.id == "a_1");
        h.next<p::Inbox>(c);
    }
    SECTION("a mismatch gets 2002") {
        h.hub.on_password_checked(h.checks[0].ticket, PasswordOutcome::mismatch, h.now);
        h.pump();
        CHECK(h.error(c).code == ErrorCode::bad_credentials);
    }
    SECTION("a check the pool could not take gets 4031 with retry_after_ms") {
        h.check_one(PasswordOutcome::not_checked);
        auto e = h.error(c);
        CHECK(e.code == ErrorCode::login_busy);
        CHECK(e.retry_after_ms.value_or(0) > 0);
    }
    SECTION("a second login or hello while one is checked gets 4031 and no second check") {
        h.send(c, sam("agent-password"));
        CHECK(h.error(c).code == ErrorCode::login_busy);
        h.send(c, p::Hello{"visitor", std::nullopt, std::nullopt});
        CHECK(h.error(c).code == ErrorCode::login_busy);
        CHECK(h.checks.size() == 1);
        h.check_one();
        CHECK(h.next<p::Welcome>(c).role == "agent");
    }
    SECTION("a result for a connection that has closed is dropped, and a result is used once") {
        const std::uint64_t ticket = h.checks[0].ticket;
        h.close(c);
        h.check_one();
        CHECK(h.received.count(c) == 0);
        h.hub.on_password_checked(ticket, PasswordOutcome::match, h.now);
        h.pump();
        CHECK(h.received.count(c) == 0);
        CHECK(h.hub.connection_count() == 0);
    }
}

TEST_CASE("an unknown e-mail is checked against the dummy hash all the same, and always fails",
          "[hub][login]") {
    LoginHarness h;
    const ConnId c = h.open();
    h.send(c, p::Login{"nobody@example.com", "agent-password"});
    REQUIRE(h.checks.size() == 1);
    CHECK(h.checks[0].hash.rfind("$argon2id$v=19$m=65536,t=2,p=1$", 0) == 0);  // the agents' cost
    h.hub.on_password_checked(h.checks[0].ticket, PasswordOutcome::match, h.now);  // even a "match"
    h.checks.clear();
    h.pump();
    CHECK(h.error(c).code == ErrorCode::bad_credentials);
}

TEST_CASE("after a few wrong passwords logins are refused with 4030 before any check, even the right one",
          "[hub][login]") {
    HubConfig config = HubHarness::config();
    config.login.throttle.account = {3, 1000, 5, 60'000};
    LoginHarness h(config);
    const ConnId c = h.open("10.0.0.1");
    for (int i = 0; i < 3; ++i) {
        h.send(c, sam("wrong"));
        h.check_one();
        CHECK(h.error(c).code == ErrorCode::bad_credentials);
    }
    h.now += 10;
    h.send(c, sam("agent-password"));
    auto e = h.error(c);
    CHECK(e.code == ErrorCode::login_throttled);
    CHECK(e.retry_after_ms == 990);
    CHECK(h.checks.empty());  // no Argon2 spent on it

    SECTION("closing the connection does not hide a failure") {
        h.now += 1000;
        h.send(c, sam("wrong"));
        h.close(c);
        h.check_one();  // the 4th failure: 2 s of delay now
        const ConnId again = h.open("10.0.0.1");
        h.now += 1000;
        h.send(again, sam("agent-password"));
        CHECK(h.error(again).code == ErrorCode::login_throttled);
    }
    SECTION("after retry_after_ms the right password logs in") {
        h.now += *e.retry_after_ms;
        h.send(c, sam("agent-password"));
        h.check_one();
        CHECK(h.next<p::Welcome>(c).me.id == "a_1");
    }
    SECTION("other accounts and a visitor's hello are not slowed") {
        h.make_agent("a_2", "kim@example.com", "Kim");
        const ConnId k = h.open("10.0.0.2");
        h.send(k, p::Login{"kim@example.com", "agent-password"});
        h.check_one();
        CHECK(h.next<p::Welcome>(k).me.id == "a_2");
        h.visitor();
    }
}

TEST_CASE("the Hub never has more password checks pending than the pool holds", "[hub][login]") {
    HubConfig config = HubHarness::config();
    config.login.max_checks = 2;
    LoginHarness h(config);
    std::vector<ConnId> conns;
    for (int i = 0; i < 3; ++i) conns.push_back(h.open("10.0.0." + std::to_string(i)));
    for (ConnId c : conns) h.send(c, sam("wrong"));
    CHECK(h.checks.size() == 2);
    auto e = h.error(conns[2]);
    CHECK(e.code == ErrorCode::login_busy);
    CHECK(e.retry_after_ms.value_or(0) > 0);
    h.check_one();
    h.send(conns[2], sam("agent-password"));  // a slot is free again
    CHECK(h.checks.size() == 2);
}

TEST_CASE("a guesser trying many accounts from one address is throttled there, not elsewhere",
          "[hub][login]") {
    HubConfig config = HubHarness::config();
    config.login.throttle.address = {2, 1000, 4, 60'000};
    LoginHarness h(config);
    const ConnId guesser = h.open("10.0.0.66");
    for (int i = 0; i < 2; ++i) {
        h.send(guesser, p::Login{"user" + std::to_string(i) + "@example.com", "guess"});
        h.check_one();
        CHECK(h.error(guesser).code == ErrorCode::bad_credentials);
    }
    h.send(guesser, sam("agent-password"));  // a new account, the same address
    CHECK(h.error(guesser).code == ErrorCode::login_throttled);
    CHECK(h.checks.empty());
    const ConnId office = h.open("10.0.0.1");
    h.send(office, sam("agent-password"));
    h.check_one();
    CHECK(h.next<p::Welcome>(office).me.id == "a_1");
}
