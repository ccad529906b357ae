// Agent administration (issue 17; auth/agent_admin.hpp, core/hub_admin.cpp): what a
// supervisor may do to agents from the console, what everyone else gets, the last
// supervisor rule, and the live effects — routing changed without a restart, sessions
// revoked and connections closed at once — all through the `agent_admin` frame.
#include <catch2/catch.hpp>

#include "auth/agent_admin.hpp"
#include "core/audit_log.hpp"
#include "support/hub_harness.hpp"

using namespace parley::relay;
using namespace parley::relay::test;

namespace {

p::AgentAdmin op(const std::string& name, const std::string& agent = {}) {
    p::AgentAdmin f;
    f.op = name;
    f.cid = "adm." + name;
    f.agent = agent;
    return f;
}

// Supervisor Sue (a_sue) and agent Kim (a_kim), both connected; Sue takes no work.
struct Admin {
    HubHarness h;
    ConnId sue = 0, kim = 0;
    std::string kim_token;

    Admin() {
        Agent s{"a_sue", "sue@example.com", "Sue", agent_password_hash(), h.now};
        s.supervisor = true;
        s.preferred = 0;
        s.max_load = 0;
        REQUIRE(h.store.create_agent(s).ok());
        REQUIRE(h.store.create_session(AgentSession{session_token_hash("token-of-a_sue"), "a_sue", h.now + 3600'000})
                    .ok());
        sue = h.agent("token-of-a_sue");
        kim_token = h.make_agent("a_kim", "kim@example.com", "Kim");
        kim = h.agent(kim_token);
        h.drain(sue);
    }
    // The answer to `f` (board and presence frames around it are dropped).
    p::AgentList ask(ConnId who, const p::AgentAdmin& f) {
        h.drain(who);
        h.send(who, f);
        for (const auto& list : frames<p::AgentList>(h, who))
            if (list.cid == f.cid) {
                h.drain(who);
                return list;
            }
        FAIL("no agents answer to " << f.op << "; errors: " << frames<p::ErrorFrame>(h, who).size());
        return {};
    }
    p::ErrorFrame refused(ConnId who, const p::AgentAdmin& f) {
        h.drain(who);
        h.send(who, f);
        CHECK(frames<p::AgentList>(h, who).empty());
        const auto errors = frames<p::ErrorFrame>(h, who);
        REQUIRE(errors.size() == 1);
        CHECK(errors[0].ref == f.cid);
        h.drain(who);
        return errors[0];
    }
    const p::AgentInfo* find(const p::AgentList& list, const std::string& id) {
        for (const auto& a : list.agents)
            if (a.id == id) return &a;
        return nullptr;
    }
    std::vector<p::AuditEntry> audit() { return h.store.audit_before(0, 100).value(); }
};

}  // namespace

TEST_CASE("a supervisor lists every agent with teams, skills, concurrency, flags and online status", "[admin]") {
    Admin a;
    const p::AgentList list = a.ask(a.sue, op("list"));
    CHECK(list.cid == "adm.list");
    CHECK(list.password.empty());
    REQUIRE(list.agents.size() == 2);
    const p::AgentInfo* kim = a.find(list, "a_kim");
    REQUIRE(kim);
    CHECK(kim->email == "kim@example.com");
    CHECK(kim->name == "Kim");
    CHECK(kim->preferred == 3);
    CHECK(kim->max_load == 5);
    CHECK_FALSE(kim->supervisor);
    CHECK_FALSE(kim->disabled);
    CHECK(kim->status == "available");
    CHECK(a.find(list, "a_sue")->supervisor);
    a.h.close(a.kim);
    CHECK(a.find(a.ask(a.sue, op("list")), "a_kim")->status == "offline");
}

TEST_CASE("an agent who is not a supervisor is refused every operation with 2004, and nothing changes", "[admin]") {
    Admin a;
    const std::string which = GENERATE(as<std::string>{}, "list", "add", "update", "disable", "enable",
                                       "reset_password", "remove");
    CAPTURE(which);
    p::AgentAdmin f = op(which, "a_sue");
    if (which == "add") {
        f.agent.clear();
        f.email = "new@example.com";
        f.name = "New";
    }
    if (which == "update") f.supervisor = false;
    CHECK(a.refused(a.kim, f).code == p::ErrorCode::forbidden);
    CHECK(a.h.store.list_agents().value().size() == 2);
    const Agent sue = *a.h.store.find_agent("a_sue").value();
    CHECK(sue.supervisor);
    CHECK_FALSE(sue.disabled);
    CHECK(a.h.closed.empty());
}

TEST_CASE("a visitor's agent_admin is refused with 2004", "[admin]") {
    Admin a;
    const ConnId v = a.h.visitor();
    CHECK(a.refused(v, op("list")).code == p::ErrorCode::forbidden);
}

TEST_CASE("a supervisor adds an agent: the password goes once to them alone, and signs the agent in", "[admin]") {
    Admin a;
    // A second supervisor, to see what the others get.
    Agent s2{"a_max", "max@example.com", "Max", agent_password_hash(), a.h.now};
    s2.supervisor = true;
    REQUIRE(a.h.store.create_agent(s2).ok());
    REQUIRE(a.h.store.create_session(AgentSession{session_token_hash("token-of-a_max"), "a_max", a.h.now + 3600'000})
                .ok());
    const ConnId max = a.h.agent("token-of-a_max");
    a.ask(max, op("list"));  // Max's Agents view is open
    a.h.drain(a.sue);

    p::AgentAdmin f = op("add");
    f.email = "lee@example.com";
    f.name = "Lee";
    f.teams = std::vector<std::string>{"billing"};
    f.skills = std::vector<std::string>{"fr"};
    f.preferred = 2;
    f.max_load = 4;
    const p::AgentList done = a.ask(a.sue, f);
    CHECK(done.op == "add");
    CHECK(done.cid == "adm.add");
    REQUIRE(done.agent.rfind("a_", 0) == 0);
    REQUIRE(done.password.size() == admin::kGeneratedPasswordBytes);
    const p::AgentInfo* lee = a.find(done, done.agent);
    REQUIRE(lee);
    CHECK(lee->teams == std::vector<std::string>{"billing"});
    CHECK(lee->skills == std::vector<std::string>{"fr"});
    CHECK(lee->preferred == 2);
    CHECK(lee->max_load == 4);
    CHECK(lee->status == "offline");

    const auto pushed = frames<p::AgentList>(a.h, max);  // the other supervisor: the list only
    REQUIRE(pushed.size() == 1);
    const p::AgentList& told = pushed[0];
    CHECK(told.password.empty());
    CHECK(told.op.empty());
    CHECK(a.find(told, done.agent));
    CHECK(frames<p::AgentList>(a.h, a.kim).empty());  // not a supervisor: nothing

    const ConnId c = a.h.open();
    a.h.send(c, p::Login{"lee@example.com", done.password});
    CHECK(a.h.next<p::Welcome>(c).me.id == done.agent);
    // The password is stored only as its hash, and never in the audit log.
    CHECK(a.h.store.find_agent(done.agent).value()->password_hash.find(done.password) == std::string::npos);
    for (const auto& e : a.audit()) CHECK(p::encode(p::AuditPage{{e}, false}).find(done.password) == std::string::npos);
}

TEST_CASE("adding an agent whose e-mail exists is refused with 3013; bad fields with 1005", "[admin]") {
    Admin a;
    p::AgentAdmin f = op("add");
    f.email = "KIM@example.com";
    f.name = "Kim again";
    CHECK(a.refused(a.sue, f).code == p::ErrorCode::agent_exists);

    f.email = "new@example.com";
    SECTION("maximum load below preferred") {
        f.preferred = 4;
        f.max_load = 2;
    }
    SECTION("a team with a comma") { f.teams = std::vector<std::string>{"a,b"}; }
    SECTION("not an e-mail address") { f.email = "nobody"; }
    SECTION("concurrency beyond 1000") { f.preferred = 5000; }
    const p::ErrorFrame e = a.refused(a.sue, f);
    CHECK(e.code == p::ErrorCode::bad_field);
    CHECK_FALSE(e.message.empty());
    CHECK(a.h.store.list_agents().value().size() == 2);
}

TEST_CASE("an unknown agent id is refused with 3004", "[admin]") {
    Admin a;
    CHECK(a.refused(a.sue, op("disable", "a_nobody")).code == p::ErrorCode::unknown_agent);
}

TEST_CASE("raising an agent's concurrency assigns them the queued conversation at once, without a restart",
          "[admin]") {
    Admin a;
    p::AgentAdmin zero = op("update", "a_kim");
    zero.preferred = 0;
    zero.max_load = 0;
    CHECK(a.ask(a.sue, zero).op == "update");
    p::Welcome w;
    const ConnId v = a.h.visitor(&w);
    a.h.send(v, p::Send{*w.conv, "v.1", "hello"});
    REQUIRE(frames<p::QueueNotice>(a.h, v).size() == 1);  // nobody has room: queued
    a.h.drain(a.kim);

    p::AgentAdmin raise = op("update", "a_kim");
    raise.preferred = 1;
    raise.max_load = 2;
    const p::AgentList done = a.ask(a.sue, raise);
    CHECK(a.find(done, "a_kim")->preferred == 1);
    bool assigned = false;
    for (const auto& c : frames<p::ConvUpdate>(a.h, a.kim)) assigned |= c.summary.agent == "a_kim";
    CHECK(assigned);
    CHECK(a.h.store.find_agent("a_kim").value()->max_load == 2);
}

TEST_CASE("changing an agent's teams changes which queue they serve at once", "[admin]") {
    Admin a;
    p::AgentAdmin f = op("update", "a_kim");
    f.teams = std::vector<std::string>{"billing"};
    a.ask(a.sue, f);
    p::Welcome w;
    const ConnId v = a.h.visitor(&w);
    a.h.send(v, p::Send{*w.conv, "v.1", "hello"});  // goes to the default team "general"
    CHECK(frames<p::QueueNotice>(a.h, v).size() == 1);  // Kim no longer serves it
    f.teams = std::vector<std::string>{"general", "billing"};
    a.ask(a.sue, f);
    bool assigned = false;
    for (const auto& c : frames<p::ConvUpdate>(a.h, a.kim)) assigned |= c.summary.agent == "a_kim";
    CHECK(assigned);
}

TEST_CASE("disabling an agent closes all their connections with 4102, revokes every session and re-routes "
          "their conversation at once",
          "[admin]") {
    Admin a;
    const ConnId kim2 = a.h.agent(a.kim_token);  // a second tab
    const std::string lee_token = a.h.make_agent("a_lee", "lee@example.com", "Lee");
    p::Welcome w;
    const ConnId v = a.h.visitor(&w);
    a.h.send(v, p::Send{*w.conv, "v.1", "hello"});  // Kim's: Sue takes no work, Lee is not in
    const ConnId lee = a.h.agent(lee_token);

    const p::AgentList done = a.ask(a.sue, op("disable", "a_kim"));
    CHECK(done.sessions == 1);
    CHECK(a.find(done, "a_kim")->disabled);
    CHECK(a.h.closed[a.kim] == p::close_code::session_ended);
    CHECK(a.h.closed[kim2] == p::close_code::session_ended);
    CHECK(a.h.store.sessions_of_agent("a_kim").value().empty());
    bool to_lee = false;
    for (const auto& c : frames<p::ConvUpdate>(a.h, lee)) to_lee |= c.summary.conv == *w.conv && c.summary.agent == "a_lee";
    CHECK(to_lee);  // no grace period: Kim cannot come back

    // Signed out for good: the old token and the password are refused.
    const ConnId again = a.h.open();
    a.h.send(again, p::Hello{"agent", a.kim_token, std::nullopt});
    CHECK(a.h.error(again).code == p::ErrorCode::bad_token);
    const ConnId login = a.h.open();
    a.h.send(login, p::Login{"kim@example.com", "agent-password"});
    CHECK(a.h.error(login).code == p::ErrorCode::bad_credentials);

    // Enabled: they may sign in again.
    a.h.now += 60'000;  // past the failed login's throttle
    CHECK_FALSE(a.find(a.ask(a.sue, op("enable", "a_kim")), "a_kim")->disabled);
    const ConnId back = a.h.open();
    a.h.send(back, p::Login{"kim@example.com", "agent-password"});
    CHECK(a.h.next<p::Welcome>(back).me.id == "a_kim");
}

TEST_CASE("resetting a password revokes every session and closes the agent's connections; only the new one works",
          "[admin]") {
    Admin a;
    const p::AgentList done = a.ask(a.sue, op("reset_password", "a_kim"));
    REQUIRE(done.password.size() == admin::kGeneratedPasswordBytes);
    CHECK(done.sessions == 1);
    CHECK(a.h.closed[a.kim] == p::close_code::session_ended);
    CHECK(a.h.store.sessions_of_agent("a_kim").value().empty());
    const ConnId old = a.h.open();
    a.h.send(old, p::Login{"kim@example.com", "agent-password"});
    CHECK(a.h.error(old).code == p::ErrorCode::bad_credentials);
    const ConnId fresh = a.h.open();
    a.h.send(fresh, p::Login{"kim@example.com", done.password});
    CHECK(a.h.next<p::Welcome>(fresh).me.id == "a_kim");
}

TEST_CASE("a new password is hashed off the Hub: the act waits for the pool, one per supervisor connection at a "
          "time (4029 beyond), and is applied when the hash comes back",
          "[admin]") {
    Admin a;
    a.h.hold_password_checks = true;  // the pool has not answered yet
    a.h.drain(a.sue);
    p::AgentAdmin add = op("add");
    add.email = "lee@example.com";
    add.name = "Lee";
    a.h.send(a.sue, add);
    CHECK(frames<p::AgentList>(a.h, a.sue).empty());  // nothing yet: no answer, no agent
    CHECK_FALSE(a.h.store.find_agent_by_email("lee@example.com").value());
    REQUIRE(a.h.checks.size() == 1);
    CHECK(a.h.checks[0].hash_new);
    CHECK(a.h.checks[0].password.size() >= 20);  // the generated one, for the pool to hash
    const p::ErrorFrame e = a.refused(a.sue, op("reset_password", "a_kim"));
    CHECK(e.code == p::ErrorCode::rate_limited);
    CHECK(e.retry_after_ms == Hub::kAdminHashRetryMs);

    a.h.hold_password_checks = false;
    a.h.pump();  // the pool answers
    const auto lists = frames<p::AgentList>(a.h, a.sue);
    REQUIRE(lists.size() == 1);
    CHECK(lists[0].cid == add.cid);
    CHECK_FALSE(lists[0].password.empty());
    REQUIRE(a.h.store.find_agent_by_email("lee@example.com").value());
    CHECK_FALSE(a.ask(a.sue, op("reset_password", "a_kim")).password.empty());  // the next one goes
}

TEST_CASE("a supervisor who disconnects before the new password is hashed changes nothing", "[admin]") {
    Admin a;
    a.h.hold_password_checks = true;
    const std::string before = a.h.store.find_agent("a_kim").value()->password_hash;
    a.h.send(a.sue, op("reset_password", "a_kim"));
    a.h.close(a.sue);
    a.h.hold_password_checks = false;
    a.h.pump();
    CHECK(a.h.store.find_agent("a_kim").value()->password_hash == before);
    CHECK(a.h.closed.count(a.kim) == 0);  // Kim stays signed in
}

TEST_CASE("a pool that cannot hash the new password gets the act refused with 4029, nothing changed", "[admin]") {
    Admin a;
    a.h.hold_password_checks = true;
    a.h.drain(a.sue);
    p::AgentAdmin add = op("add");
    add.email = "lee@example.com";
    add.name = "Lee";
    a.h.send(a.sue, add);
    REQUIRE(a.h.checks.size() == 1);
    a.h.hub.on_password_hashed(a.h.checks[0].ticket, std::nullopt, a.h.now);
    a.h.checks.clear();
    a.h.pump();
    const auto errors = frames<p::ErrorFrame>(a.h, a.sue);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].code == p::ErrorCode::rate_limited);
    CHECK(errors[0].ref == add.cid);
    CHECK_FALSE(a.h.store.find_agent_by_email("lee@example.com").value());
}

TEST_CASE("removing an agent deletes the account and sessions; their messages keep the name they were sent with",
          "[admin]") {
    Admin a;
    p::Welcome w;
    const ConnId v = a.h.visitor(&w);
    a.h.send(v, p::Send{*w.conv, "v.1", "hello"});
    a.h.send(a.kim, p::Send{*w.conv, "k.1", "hi, Kim here"});
    const p::AgentList done = a.ask(a.sue, op("remove", "a_kim"));
    CHECK(done.agent == "a_kim");
    CHECK_FALSE(a.find(done, "a_kim"));
    CHECK(a.h.closed[a.kim] == p::close_code::session_ended);
    CHECK_FALSE(a.h.store.find_agent("a_kim").value());
    CHECK_FALSE(a.h.store.find_agent_by_email("kim@example.com").value());
    bool kept = false;
    const auto messages = a.h.store.messages_before(*w.conv, 100, 10);
    REQUIRE(messages.ok());
    for (const auto& m : messages.value())
        kept |= m.from.id == "a_kim" && m.from.name == "Kim" && m.text == "hi, Kim here";
    CHECK(kept);
    // The e-mail may be used again, by a new account.
    p::AgentAdmin add = op("add");
    add.email = "kim@example.com";
    add.name = "Kim";
    CHECK(a.ask(a.sue, add).agent != "a_kim");
}

TEST_CASE("the last enabled supervisor cannot disable, remove or demote themselves (3012); with a second one they can",
          "[admin]") {
    Admin a;
    p::AgentAdmin demote = op("update", "a_sue");
    demote.supervisor = false;
    for (const p::AgentAdmin& f : {op("disable", "a_sue"), op("remove", "a_sue"), demote})
        CHECK(a.refused(a.sue, f).code == p::ErrorCode::last_supervisor);
    CHECK(a.h.store.find_agent("a_sue").value()->supervisor);
    CHECK(a.h.closed.empty());

    p::AgentAdmin promote = op("update", "a_kim");
    promote.supervisor = true;
    CHECK(a.find(a.ask(a.sue, promote), "a_kim")->supervisor);
    a.h.drain(a.kim);
    // Kim is a supervisor at once: Kim may now act, and may disable Sue.
    CHECK(a.find(a.ask(a.kim, op("disable", "a_sue")), "a_sue")->disabled);
    CHECK(a.h.closed[a.sue] == p::close_code::session_ended);
    // And now Kim is the last one.
    CHECK(a.refused(a.kim, op("disable", "a_kim")).code == p::ErrorCode::last_supervisor);
}

TEST_CASE("a supervisor demoted by another loses administration at once", "[admin]") {
    Admin a;
    p::AgentAdmin promote = op("update", "a_kim");
    promote.supervisor = true;
    a.ask(a.sue, promote);
    a.h.drain(a.kim);
    p::AgentAdmin demote = op("update", "a_sue");
    demote.supervisor = false;
    a.ask(a.kim, demote);
    a.h.drain(a.sue);
    CHECK(a.refused(a.sue, op("list")).code == p::ErrorCode::forbidden);
}

TEST_CASE("every change is in the audit log with who, what and which agent", "[admin]") {
    Admin a;
    p::AgentAdmin add = op("add");
    add.email = "lee@example.com";
    add.name = "Lee";
    const std::string lee = a.ask(a.sue, add).agent;
    p::AgentAdmin upd = op("update", lee);
    upd.preferred = 1;
    a.ask(a.sue, upd);
    a.ask(a.sue, op("disable", lee));
    a.ask(a.sue, op("enable", lee));
    a.ask(a.sue, op("reset_password", lee));
    a.ask(a.sue, op("remove", lee));
    std::vector<std::string> actions;
    for (const auto& e : a.audit()) {
        if (e.action.rfind("agent.", 0) != 0) continue;
        actions.insert(actions.begin(), e.action);
        CHECK(e.actor_role == "agent");
        CHECK(e.actor_id == "a_sue");
        CHECK(e.actor_name == "Sue");
        CHECK(e.target == lee);
    }
    CHECK(actions == std::vector<std::string>{audit::kAgentAdd, audit::kAgentUpdate, audit::kAgentDisable,
                                              audit::kAgentEnable, audit::kAgentResetPassword, audit::kAgentRemove});
}

TEST_CASE("a change made in the store by another process (the CLI) reaches a connected agent's routing at the "
          "next session check",
          "[admin]") {
    Admin a;
    admin::Actor cli;
    cli.actor_role = "operator";
    admin::AgentFields zero;
    zero.preferred = 0;
    zero.max_load = 0;
    REQUIRE(admin::update(a.h.store, cli, "a_kim", zero, a.h.now).ok());
    a.h.now += HubHarness::config().session_check_every_ms;
    a.h.hub.tick(a.h.now);
    a.h.pump();
    p::Welcome w;
    const ConnId v = a.h.visitor(&w);
    a.h.send(v, p::Send{*w.conv, "v.1", "hello"});
    CHECK(frames<p::QueueNotice>(a.h, v).size() == 1);  // Kim has no room any more
}

TEST_CASE("the CLI's operator is held to the last-supervisor rule too, and may do the rest", "[admin]") {
    Admin a;
    admin::Actor cli;
    cli.actor_role = "operator";
    auto refused = admin::set_disabled(a.h.store, cli, "a_sue", true, a.h.now);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == p::ErrorCode::last_supervisor);
    auto done = admin::set_disabled(a.h.store, cli, "a_kim", true, a.h.now);
    REQUIRE(done.ok());
    CHECK(done.value().sessions == 1);
    admin::Actor stranger;
    stranger.actor_role = "visitor";
    CHECK(admin::remove(a.h.store, stranger, "a_kim", a.h.now).error().code == p::ErrorCode::forbidden);
}

TEST_CASE("a generated password is 20 letters of a 32-letter alphabet in groups of five", "[admin]") {
    DeterministicRandom random;
    const std::string pw = admin::generate_password(random);
    REQUIRE(pw.size() == 23);
    for (std::size_t i = 0; i < pw.size(); ++i) {
        if (i % 6 == 5) CHECK(pw[i] == '-');
        else CHECK(std::string("abcdefghijkmnpqrstuvwxyz23456789").find(pw[i]) != std::string::npos);
    }
    CHECK(admin::generate_password(random) != pw);
}

TEST_CASE("a supervisor who resets their own password gets it before their connections close", "[admin]") {
    Admin a;
    const p::AgentList done = a.ask(a.sue, op("reset_password", "a_sue"));
    CHECK(done.password.size() == admin::kGeneratedPasswordBytes);
    CHECK(a.h.closed[a.sue] == p::close_code::session_ended);
}
