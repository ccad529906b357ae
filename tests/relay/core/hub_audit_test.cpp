// The audit log through the Hub (P7, issue 15; relay/core/audit_log.hpp): each
// security-relevant act appends exactly one entry with the right actor, action,
// conversation, target and address; no entry holds a visitor's text or name, nor an
// unknown e-mail as typed; a supervisor's reads outside their teams are logged once per
// conversation per connection; `audit` pages the log for supervisors only; and an entry
// that cannot be written refuses what it would grant.
#include <catch2/catch.hpp>

#include "support/hub_harness.hpp"

using namespace parley::relay;
using namespace parley::relay::test;
using parley::protocol::ErrorCode;

namespace {

std::vector<p::AuditEntry> log_of(HubHarness& h) { return h.store.audit_after(0, 1000).value(); }

std::vector<p::AuditEntry> entries(HubHarness& h, const std::string& action) {
    std::vector<p::AuditEntry> out;
    for (const auto& e : log_of(h))
        if (e.action == action) out.push_back(e);
    return out;
}

std::string all_text(HubHarness& h) {
    std::string out;
    for (const auto& e : log_of(h))
        out += e.actor_role + '|' + e.actor_id + '|' + e.actor_name + '|' + e.action + '|' + e.conv + '|' + e.target +
               '|' + e.detail + '|' + e.address + '\n';
    return out;
}

// Team general: Ann; team billing: Bill; Sue supervises team ops, Gil supervises
// general. Ada ("Ada Lovelace") wrote to general, so Ann has her conversation.
struct World {
    HubHarness h;
    ConnId ann = 0, bill = 0, sue = 0, gil = 0, ada = 0;
    std::string conv;

    World() {
        ann = h.agent(h.make_agent("a_ann", "ann@example.com", "Ann", {"general"}));
        bill = h.agent(h.make_agent("a_bill", "bill@example.com", "Bill", {"billing"}));
        sue = h.agent(h.make_agent("a_sue", "sue@example.com", "Sue", {"ops"}, true));
        gil = h.agent(h.make_agent("a_gil", "gil@example.com", "Gil", {"general"}, true, 0));
        p::Welcome w;
        ada = h.visitor(&w, std::nullopt, std::string("Ada Lovelace"));
        conv = *w.conv;
        h.send(ada, p::Send{conv, "v.1", "my secret order 4711"});
        for (ConnId c : {ann, bill, sue, gil, ada}) h.drain(c);
    }
};

// One agent, sam@example.com, whose password checks the harness runs at once.
struct Login : HubHarness {
    Login() { make_agent("a_1", "sam@example.com", "Sam"); }
    ConnId login(const std::string& email, const std::string& password, const std::string& address = "10.0.0.1") {
        const ConnId c = open(address);
        send(c, p::Login{email, password});
        return c;
    }
};

}  // namespace

TEST_CASE("a login writes one login.ok entry naming the agent, the new session and the address",
          "[hub][audit]") {
    Login h;
    const ConnId c = h.login("sam@example.com", "agent-password");
    const auto w = h.next<p::Welcome>(c);
    const auto ok = entries(h, "login.ok");
    REQUIRE(ok.size() == 1);
    CHECK(log_of(h).size() == 1);
    CHECK(ok[0].actor_role == "agent");
    CHECK(ok[0].actor_id == "a_1");
    CHECK(ok[0].actor_name == "Sam");
    CHECK(ok[0].target == session_public_id(session_token_hash(w.token)));
    CHECK(ok[0].address == "10.0.0.1");
    CHECK(ok[0].ts == h.now);
}

TEST_CASE("a failed login writes one login.failed entry; an unknown e-mail only as a keyed digest",
          "[hub][audit]") {
    Login h;
    SECTION("a wrong password names the agent") {
        h.login("sam@example.com", "wrong", "10.0.0.2");
        const auto failed = entries(h, "login.failed");
        REQUIRE(failed.size() == 1);
        CHECK(log_of(h).size() == 1);
        CHECK(failed[0].actor_role == "anonymous");
        CHECK(failed[0].actor_id.empty());
        CHECK(failed[0].target == "a_1");
        CHECK(failed[0].detail == "wrong_password");
        CHECK(failed[0].address == "10.0.0.2");
    }
    SECTION("an unknown e-mail is never stored as typed") {
        h.login("Hunter2-Typed-In-Email@Example.com", "wrong");
        h.login("hunter2-typed-in-email@example.com", "wrong");
        h.login("someone-else@example.com", "wrong");
        const auto failed = entries(h, "login.failed");
        REQUIRE(failed.size() == 3);
        CHECK(failed[0].detail == "unknown_email");
        CHECK(failed[0].target.rfind("email:", 0) == 0);
        CHECK(failed[0].target.size() == 6 + 16);
        CHECK(failed[0].target == failed[1].target);  // the same address, however cased
        CHECK(failed[0].target != failed[2].target);
        const std::string text = all_text(h);
        CHECK(text.find("unter2") == std::string::npos);
        CHECK(text.find("someone") == std::string::npos);
        CHECK(text.find("example.com") == std::string::npos);
    }
    SECTION("a disabled agent's right password is a failure too") {
        REQUIRE(h.store.set_agent_disabled("a_1", true).ok());
        h.login("sam@example.com", "agent-password");
        const auto failed = entries(h, "login.failed");
        REQUIRE(failed.size() == 1);
        CHECK(failed[0].detail == "agent_disabled");
        CHECK(entries(h, "login.ok").empty());
    }
}

TEST_CASE("throttled logins are logged once per account and address per refusal period", "[hub][audit]") {
    HubConfig config = HubHarness::config();
    config.login.throttle.account = {2, 1000, 5, 60'000};
    HubHarness h(config);
    h.make_agent("a_1", "sam@example.com", "Sam");
    const ConnId c = h.open("10.0.0.1");
    for (int i = 0; i < 2; ++i) h.send(c, p::Login{"sam@example.com", "wrong"});
    for (int i = 0; i < 5; ++i) {  // refused before any check: one entry for all five
        h.send(c, p::Login{"sam@example.com", "agent-password"});
        CHECK(std::get<p::ErrorFrame>(h.received[c].back()).code == ErrorCode::login_throttled);
    }
    auto throttled = entries(h, "login.throttled");
    REQUIRE(throttled.size() == 1);
    CHECK(throttled[0].target == "a_1");
    CHECK(throttled[0].address == "10.0.0.1");
    CHECK(throttled[0].detail.rfind("retry_after_ms=", 0) == 0);
    CHECK(entries(h, "login.failed").size() == 2);

    // After the refusal period, a new refusal is a new entry.
    h.now += 1000;
    h.send(c, p::Login{"sam@example.com", "wrong"});
    h.send(c, p::Login{"sam@example.com", "agent-password"});
    CHECK(entries(h, "login.throttled").size() == 2);
}

TEST_CASE("logout, sign out everywhere and revoking another session each write one entry", "[hub][audit]") {
    HubHarness h;
    const std::string token = h.make_agent("a_1", "sam@example.com", "Sam");
    const std::string other = "second-device";
    REQUIRE(h.store.create_session(AgentSession{session_token_hash(other), "a_1", h.now + 3600'000, h.now, h.now}).ok());
    SECTION("logout") {
        const ConnId c = h.agent(token);
        h.send(c, p::Logout{});
        const auto e = entries(h, "logout");
        REQUIRE(e.size() == 1);
        CHECK(log_of(h).size() == 1);
        CHECK(e[0].actor_id == "a_1");
        CHECK(e[0].actor_name == "Sam");
        CHECK(e[0].target == session_public_id(session_token_hash(token)));
    }
    SECTION("another session, by id") {
        const ConnId c = h.agent(token);
        h.send(c, p::Logout{false, session_public_id(session_token_hash(other))});
        const auto e = entries(h, "session.revoked");
        REQUIRE(e.size() == 1);
        CHECK(log_of(h).size() == 1);
        CHECK(e[0].target == session_public_id(session_token_hash(other)));
    }
    SECTION("everywhere") {
        const ConnId c = h.agent(token);
        h.send(c, p::Logout{true, std::nullopt});
        const auto e = entries(h, "logout.all");
        REQUIRE(e.size() == 1);
        CHECK(log_of(h).size() == 1);
        CHECK(e[0].detail == "revoked=2");
    }
}

TEST_CASE("a transfer, a close and a reopen each write one entry with the conversation and no note",
          "[hub][audit]") {
    World w;
    w.h.send(w.ann, p::Transfer{w.conv, std::nullopt, std::string("billing"), "she said: my secret order 4711"});
    auto t = entries(w.h, "conv.transfer");
    REQUIRE(t.size() == 1);
    CHECK(t[0].actor_id == "a_ann");
    CHECK(t[0].actor_name == "Ann");
    CHECK(t[0].conv == w.conv);
    CHECK(t[0].target == "team:billing");

    w.h.send(w.sue, p::Transfer{w.conv, std::string("a_ann"), std::nullopt, ""});
    REQUIRE(entries(w.h, "conv.transfer").size() == 2);
    CHECK(entries(w.h, "conv.transfer")[1].actor_id == "a_sue");
    CHECK(entries(w.h, "conv.transfer")[1].target == "agent:a_ann");

    w.h.send(w.ann, p::CloseConv{w.conv});
    auto closed = entries(w.h, "conv.close");
    REQUIRE(closed.size() == 1);
    CHECK(closed[0].actor_id == "a_ann");
    CHECK(closed[0].conv == w.conv);

    w.h.send(w.ann, p::Reopen{w.conv});
    auto reopened = entries(w.h, "conv.reopen");
    REQUIRE(reopened.size() == 1);
    CHECK(reopened[0].conv == w.conv);
    CHECK(log_of(w.h).size() == 4);

    SECTION("no entry holds the visitor's name or text") {
        const std::string text = all_text(w.h);
        CHECK(text.find("Ada") == std::string::npos);
        CHECK(text.find("Lovelace") == std::string::npos);
        CHECK(text.find("4711") == std::string::npos);
        CHECK(text.find("secret") == std::string::npos);
    }
    SECTION("a refused transfer or close writes nothing") {
        w.h.drain(w.bill);
        w.h.send(w.bill, p::CloseConv{w.conv});  // not Bill's: 2004
        CHECK(w.h.error(w.bill).code == ErrorCode::forbidden);
        CHECK(log_of(w.h).size() == 4);
    }
}

TEST_CASE("a supervisor's reads of a conversation outside their teams are logged once per connection",
          "[hub][audit]") {
    World w;
    w.h.send(w.sue, p::History{w.conv, std::nullopt, 50});
    w.h.send(w.sue, p::Sync{w.conv, 0});
    w.h.send(w.sue, p::History{w.conv, std::nullopt, 10});
    auto reads = entries(w.h, "conv.read_outside_team");
    REQUIRE(reads.size() == 1);
    CHECK(reads[0].actor_id == "a_sue");
    CHECK(reads[0].conv == w.conv);
    CHECK(reads[0].target == "team:general");
    CHECK(reads[0].detail == "frame=history");
    w.h.next<p::Page>(w.sue);  // the reads were answered

    SECTION("another connection of the supervisor logs again") {
        const ConnId again = w.h.agent("token-of-a_sue");
        w.h.send(again, p::Sync{w.conv, 0});
        CHECK(entries(w.h, "conv.read_outside_team").size() == 2);
    }
    SECTION("reads within one's teams, or of one's own, are not logged") {
        w.h.send(w.gil, p::History{w.conv, std::nullopt, 50});  // supervisor of general
        w.h.send(w.ann, p::History{w.conv, std::nullopt, 50});  // the owner
        w.h.send(w.ada, p::Sync{w.conv, 0});                    // the visitor
        CHECK(entries(w.h, "conv.read_outside_team").size() == 1);
    }
    SECTION("the entry cannot be written: the read is refused") {
        w.h.store.fail_audit = true;
        const ConnId again = w.h.agent("token-of-a_sue");
        w.h.send(again, p::History{w.conv, std::nullopt, 50});
        CHECK(w.h.error(again).code == ErrorCode::storage_failed);
        CHECK(w.h.idle(again));
        CHECK(w.h.hub.audit_failures() == 1);
    }
}

TEST_CASE("a login whose entry cannot be written is refused; a logout is not", "[hub][audit]") {
    Login h;
    h.store.fail_audit = true;
    const ConnId c = h.login("sam@example.com", "agent-password");
    CHECK(h.error(c).code == ErrorCode::storage_failed);
    CHECK(h.store.sessions_of_agent("a_1").value().size() == 1);  // make_agent's only
    const ConnId d = h.agent("token-of-a_1");
    h.send(d, p::Logout{});
    CHECK(h.next<p::LoggedOut>(d).revoked == 1);
    CHECK(h.hub.audit_failures() == 2);
}

TEST_CASE("audit answers supervisors with a page newest first and refuses everyone else with 2004",
          "[hub][audit]") {
    World w;
    for (int i = 0; i < 5; ++i) w.h.send(w.ann, p::CloseConv{w.conv});  // closes (then no-ops): 5 entries
    const auto stored = log_of(w.h);
    REQUIRE(stored.size() == 5);
    for (ConnId c : {w.ann, w.sue, w.ada}) w.h.drain(c);

    w.h.send(w.sue, p::AuditQuery{std::nullopt, 3});
    auto page = w.h.next<p::AuditPage>(w.sue);
    REQUIRE(page.entries.size() == 3);
    CHECK(page.more);
    CHECK(page.entries[0].id == stored[4].id);
    CHECK(page.entries[2].id == stored[2].id);
    CHECK(page.entries[0].action == "conv.close");
    CHECK(page.entries[0].actor_name == "Ann");
    CHECK(page.entries[0].conv == w.conv);

    w.h.send(w.sue, p::AuditQuery{page.entries.back().id, 3});
    page = w.h.next<p::AuditPage>(w.sue);
    REQUIRE(page.entries.size() == 2);
    CHECK_FALSE(page.more);
    CHECK(page.entries[1].id == stored[0].id);

    w.h.send(w.ann, p::AuditQuery{});
    CHECK(w.h.error(w.ann).code == ErrorCode::forbidden);
    w.h.send(w.ada, p::AuditQuery{});
    CHECK(w.h.error(w.ada).code == ErrorCode::forbidden);
    const ConnId stranger = w.h.open();
    w.h.send(stranger, p::AuditQuery{});
    CHECK(w.h.error(stranger).code == ErrorCode::not_authenticated);
}

TEST_CASE("an audit page stays under 64 KiB however long its entries", "[hub][audit]") {
    World w;
    p::AuditEntry big;
    big.actor_role = "agent";
    big.action = std::string(500, 'a');
    big.actor_name = big.detail = big.target = big.conv = std::string(500, 'x');
    for (int i = 0; i < 200; ++i) REQUIRE(w.h.store.append_audit(big).ok());
    w.h.send(w.sue, p::AuditQuery{std::nullopt, 200});
    const auto page = w.h.next<p::AuditPage>(w.sue);  // decoded: under kMaxFrameBytes
    CHECK(page.more);
    CHECK(page.entries.size() > 10);
    CHECK(page.entries.size() < 200);
}
