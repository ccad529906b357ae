// /api/v1/agents (relay/api/api_agents.cpp): the console's agent administration over
// HTTP — the same rules (auth/agent_admin.hpp) and the same live effects (the Hub's).
#include <catch2/catch.hpp>

#include "api_harness.hpp"
#include "auth/password.hpp"

namespace {

struct AgentsApi : ApiHarness {
    std::string admin_key = make_key("ops", api::Scope::admin);
    AgentsApi() { make_agent_rows(); }
    void make_agent_rows() {
        h.make_agent("a_lead", "lead@example.com", "Lena", {"general"}, /*supervisor=*/true);
        h.make_agent("a_kim", "kim@example.com", "Kim", {"billing"});
    }
    std::vector<p::AuditEntry> audit() {
        auto entries = h.store.audit_before(INT64_MAX, 100);
        REQUIRE(entries.ok());
        return entries.value();
    }
};


}  // namespace

TEST_CASE("an admin key lists agents a page at a time, with their presence, and reads one", "[api]") {
    AgentsApi a;
    const ConnId kim = a.h.agent("token-of-a_kim");
    a.h.send(kim, p::SetPresence{"available"});
    auto page = a.call("GET", "/api/v1/agents", a.admin_key, {{"limit", "1"}});
    REQUIRE(page.status == 200);
    json::Value doc = body_of(page);
    REQUIRE(doc.find("agents")->elements().size() == 1);
    CHECK(doc.find("agents")->elements()[0].find("id")->as_string() == "a_kim");  // by id
    CHECK(doc.find("agents")->elements()[0].find("status")->as_string() == "available");
    const std::string cursor = doc.find("next_cursor")->as_string();
    auto rest = a.call("GET", "/api/v1/agents", a.admin_key, {{"limit", "1"}, {"cursor", cursor}});
    REQUIRE(rest.status == 200);
    doc = body_of(rest);
    CHECK(doc.find("agents")->elements()[0].find("id")->as_string() == "a_lead");
    CHECK(doc.find("next_cursor")->is_null());

    auto one = a.call("GET", "/api/v1/agents/a_lead", a.admin_key);
    REQUIRE(one.status == 200);
    CHECK(body_of(one).find("supervisor")->as_bool());
    CHECK(one.body.find("password") == std::string::npos);
    CHECK(a.call("GET", "/api/v1/agents/a_nobody", a.admin_key).status == 404);
    CHECK(problem_type(a.call("GET", "/api/v1/agents", a.admin_key, {{"cursor", "garbage"}})) ==
          "https://parley.dev/problems/bad-cursor");
}

TEST_CASE("read and write keys get 403 from every agent route", "[api]") {
    AgentsApi a;
    const std::string key = GENERATE(as<std::string>{}, "read", "write");
    const std::string& k = key == "read" ? a.read_key : a.write_key;
    CHECK(a.call("GET", "/api/v1/agents", k).status == 403);
    CHECK(a.call("POST", "/api/v1/agents", k, {}, R"({"email":"x@example.com","name":"X"})").status == 403);
    CHECK(a.call("PATCH", "/api/v1/agents/a_kim", k, {}, R"({"name":"K"})").status == 403);
    CHECK(a.call("POST", "/api/v1/agents/a_kim/disable", k).status == 403);
    CHECK(a.call("POST", "/api/v1/agents/a_kim/reset-password", k).status == 403);
    CHECK(a.call("DELETE", "/api/v1/agents/a_kim", k).status == 403);
    auto kim = a.h.store.find_agent("a_kim");
    REQUIRE(kim.ok());
    CHECK_FALSE(kim.value()->disabled);  // nothing happened
}

TEST_CASE("creating an agent returns the generated password once, and the store keeps only its hash", "[api]") {
    AgentsApi a;
    auto made = settled(a.call("POST", "/api/v1/agents", a.admin_key, {},
                               R"({"email":"sam@example.com","name":"Sam","teams":["billing"],"preferred":2,"max_load":4})"));
    REQUIRE(made.status == 201);
    const json::Value doc = body_of(made);
    const std::string password = doc.find("password")->as_string();
    const std::string id = doc.find("agent")->find("id")->as_string();
    CHECK(password.size() == 23);  // "xxxxx-xxxxx-xxxxx-xxxxx"
    CHECK(doc.find("agent")->find("teams")->elements()[0].as_string() == "billing");
    CHECK(doc.find("agent")->find("preferred")->as_int() == 2);

    auto stored = a.h.store.find_agent(id);
    REQUIRE(stored.ok());
    REQUIRE(stored.value());
    CHECK(stored.value()->password_hash.find(password) == std::string::npos);
    CHECK(verify_password(password, stored.value()->password_hash));
    // Never shown again: not in a read, not in the audit log.
    CHECK(a.call("GET", "/api/v1/agents/" + id, a.admin_key).body.find(password) == std::string::npos);
    bool added = false;
    for (const auto& e : a.audit()) {
        CHECK(e.detail.find(password) == std::string::npos);
        if (e.action == "agent.add" && e.target == id && e.actor_role == "api_key") added = true;
    }
    CHECK(added);
    // The same e-mail again: 409.
    auto again = settled(a.call("POST", "/api/v1/agents", a.admin_key, {}, R"({"email":"sam@example.com","name":"Sam"})"));
    CHECK(again.status == 409);
}

TEST_CASE("bad agent bodies get 400 naming the member", "[api]") {
    AgentsApi a;
    using Row = std::tuple<std::string, std::string>;  // body, field
    const auto [body, field] = GENERATE(table<std::string, std::string>({
        Row{R"({"name":"No Mail"})", "email"},
        Row{R"({"email":"x@example.com"})", "name"},
        Row{R"({"email":"x@example.com","name":"X","teams":"billing"})", "teams"},
        Row{R"({"email":"x@example.com","name":"X","preferred":-1})", "preferred"},
        Row{R"({"email":"x@example.com","name":"X","supervisor":"yes"})", "supervisor"},
        Row{R"({"email":"x@example.com","name":"X","team":["billing"]})", "team"},
    }));
    CAPTURE(body);
    auto refused = settled(a.call("POST", "/api/v1/agents", a.admin_key, {}, body));
    CHECK(refused.status == 400);
    CHECK(problem_type(refused) == "https://parley.dev/problems/bad-request");
    CHECK(body_of(refused).find("field")->as_string() == field);
    // The rules' own bounds come back as 400 too, with the reason.
    auto too_low = a.call("PATCH", "/api/v1/agents/a_kim", a.admin_key, {}, R"({"preferred":9,"max_load":2})");
    CHECK(too_low.status == 400);
    CHECK(body_of(too_low).find("detail")->as_string().find("maximum load") != std::string::npos);
    CHECK(body_of(too_low).find("field")->as_string() == "max_load");
    const std::string long_name = R"({"name":")" + std::string(81, 'x') + R"("})";
    CHECK(body_of(a.call("PATCH", "/api/v1/agents/a_kim", a.admin_key, {}, long_name)).find("field")->as_string() ==
          "name");
    CHECK(a.call("PATCH", "/api/v1/agents/a_kim", a.admin_key, {}, "{}").status == 400);
    CHECK(a.call("PATCH", "/api/v1/agents/a_kim", a.admin_key, {}, "[1]").status == 400);
}

TEST_CASE("an update reaches the router at once: a new team's queued conversation goes to the agent", "[api]") {
    AgentsApi a;
    const ConnId kim = a.h.agent("token-of-a_kim");
    a.h.send(kim, p::SetPresence{"available"});
    a.h.drain(kim);
    std::string conv;
    a.conversation(conv);  // queued in "general": Kim is in billing only
    auto before = a.call("GET", "/api/v1/conversations/" + conv, a.read_key);
    REQUIRE(body_of(before).find("agent")->as_string().empty());

    auto updated = a.call("PATCH", "/api/v1/agents/a_kim", a.admin_key, {}, R"({"teams":["billing","general"]})");
    REQUIRE(updated.status == 200);
    CHECK(body_of(updated).find("teams")->elements().size() == 2);
    auto after = a.call("GET", "/api/v1/conversations/" + conv, a.read_key);
    CHECK(body_of(after).find("agent")->as_string() == "a_kim");
    bool audited = false;
    for (const auto& e : a.audit())
        if (e.action == "agent.update" && e.target == "a_kim" && e.detail == "teams=billing,general") audited = true;
    CHECK(audited);
}

TEST_CASE("disabling an agent over the API closes their connections with 4102, and enabling lets them back", "[api]") {
    AgentsApi a;
    const ConnId kim = a.h.agent("token-of-a_kim");
    auto disabled = a.call("POST", "/api/v1/agents/a_kim/disable", a.admin_key);
    REQUIRE(disabled.status == 200);
    CHECK(body_of(disabled).find("agent")->find("disabled")->as_bool());
    CHECK(body_of(disabled).find("sessions_revoked")->as_int() == 1);
    CHECK(a.h.closed[kim] == 4102);
    auto enabled = a.call("POST", "/api/v1/agents/a_kim/enable", a.admin_key);
    REQUIRE(enabled.status == 200);
    CHECK_FALSE(body_of(enabled).find("agent")->find("disabled")->as_bool());
}

TEST_CASE("the last enabled supervisor cannot be disabled, demoted or removed over the API: 409", "[api]") {
    AgentsApi a;
    const HttpResponse refused = GENERATE_REF(
        as<std::function<HttpResponse()>>{},
        [&] { return a.call("POST", "/api/v1/agents/a_lead/disable", a.admin_key); },
        [&] { return a.call("PATCH", "/api/v1/agents/a_lead", a.admin_key, {}, R"({"supervisor":false})"); },
        [&] { return a.call("DELETE", "/api/v1/agents/a_lead", a.admin_key); })();
    CHECK(refused.status == 409);
    CHECK(problem_type(refused) == "https://parley.dev/problems/conflict");
    CHECK(body_of(refused).find("detail")->as_string().find("3012") != std::string::npos);
    auto lead = a.h.store.find_agent("a_lead");
    REQUIRE(lead.ok());
    REQUIRE(lead.value());
    CHECK(lead.value()->supervisor);
    CHECK_FALSE(lead.value()->disabled);
}

TEST_CASE("resetting a password over the API shows the new one once and ends the agent's sessions", "[api]") {
    AgentsApi a;
    const ConnId kim = a.h.agent("token-of-a_kim");
    auto reset = settled(a.call("POST", "/api/v1/agents/a_kim/reset-password", a.admin_key));
    REQUIRE(reset.status == 200);
    const std::string password = body_of(reset).find("password")->as_string();
    auto stored = a.h.store.find_agent("a_kim");
    REQUIRE(stored.ok());
    CHECK(verify_password(password, stored.value()->password_hash));
    CHECK_FALSE(verify_password("agent-password", stored.value()->password_hash));
    CHECK(a.h.closed[kim] == 4102);
    CHECK(settled(a.call("POST", "/api/v1/agents/a_nobody/reset-password", a.admin_key)).status == 404);
}

TEST_CASE("a new password while the password pool is full gets 429 with Retry-After, and nothing changes", "[api]") {
    AgentsApi a;
    a.h.hold_password_checks = true;
    std::vector<HttpResponse> waiting;  // the pool's capacity, held (HubConfig::login.max_checks)
    for (std::size_t i = 0; i < HubConfig{}.login.max_checks; ++i)
        waiting.push_back(a.call("POST", "/api/v1/agents/a_kim/reset-password", a.admin_key));
    auto refused = a.call("POST", "/api/v1/agents/a_kim/reset-password", a.admin_key);
    CHECK(refused.status == 429);
    CHECK(header(refused, "retry-after") == "1");
    CHECK_FALSE(refused.deferred);
}

TEST_CASE("a reset whose caller is gone before the hash is done changes nothing", "[api]") {
    AgentsApi a;
    a.h.hold_password_checks = true;
    {
        auto pending = a.call("POST", "/api/v1/agents/a_kim/reset-password", a.admin_key);
        REQUIRE(pending.deferred);
        CHECK_FALSE(pending.deferred());  // still hashing
    }  // the exchange dropped its answer: the client went away
    a.h.hold_password_checks = false;
    a.h.pump();
    auto stored = a.h.store.find_agent("a_kim");
    REQUIRE(stored.ok());
    CHECK(verify_password("agent-password", stored.value()->password_hash));
}

TEST_CASE("removing an agent over the API deletes the account and audits it with the key as actor", "[api]") {
    AgentsApi a;
    auto removed = a.call("DELETE", "/api/v1/agents/a_kim", a.admin_key);
    REQUIRE(removed.status == 200);
    CHECK(body_of(removed).find("removed")->as_bool());
    CHECK(a.call("GET", "/api/v1/agents/a_kim", a.admin_key).status == 404);
    CHECK(a.call("DELETE", "/api/v1/agents/a_kim", a.admin_key).status == 404);
    bool removed_entry = false, write_entry = false;
    for (const auto& e : a.audit()) {
        if (e.action == "agent.remove" && e.target == "a_kim" && e.actor_role == "api_key") removed_entry = true;
        if (e.action == "api.write" && e.detail == "DELETE /api/v1/agents/{id} 200") write_entry = true;
    }
    CHECK(removed_entry);
    CHECK(write_entry);
}

TEST_CASE("a supervisor's console session administers agents as that supervisor", "[api]") {
    AgentsApi a;
    const std::string lead = "token-of-a_lead";
    auto made = settled(a.call("POST", "/api/v1/agents", lead, {}, R"({"email":"new@example.com","name":"New"})"));
    REQUIRE(made.status == 201);
    bool by_lead = false, write_by_lead = false;
    for (const auto& e : a.audit()) {
        if (e.action == "agent.add" && e.actor_id == "a_lead" && e.actor_role == "agent") by_lead = true;
        if (e.action == "api.write" && e.actor_id == "a_lead" && e.detail == "POST /api/v1/agents 201") write_by_lead = true;
    }
    CHECK(by_lead);
    CHECK(write_by_lead);
}

TEST_CASE("disabling an agent over the API re-routes their conversations at once to another available agent", "[api]") {
    AgentsApi a;
    a.h.make_agent("a_ann", "ann@example.com", "Ann", {"general"});
    a.h.make_agent("a_bob", "bob@example.com", "Bob", {"general"});
    const ConnId ann = a.h.agent("token-of-a_ann");
    a.h.send(ann, p::SetPresence{"available"});
    std::string conv;
    a.conversation(conv);
    REQUIRE(body_of(a.call("GET", "/api/v1/conversations/" + conv, a.read_key)).find("agent")->as_string() == "a_ann");
    const ConnId bob = a.h.agent("token-of-a_bob");
    a.h.send(bob, p::SetPresence{"available"});

    REQUIRE(a.call("POST", "/api/v1/agents/a_ann/disable", a.admin_key).status == 200);
    CHECK(a.h.closed[ann] == 4102);
    CHECK(body_of(a.call("GET", "/api/v1/conversations/" + conv, a.read_key)).find("agent")->as_string() == "a_bob");
}

TEST_CASE("a supervisor's open Agents view gets the list again after a change over the API", "[api]") {
    AgentsApi a;
    const ConnId lead = a.h.agent("token-of-a_lead");
    p::AgentAdmin list;
    list.op = "list";
    a.h.send(lead, list);
    a.h.drain(lead);
    REQUIRE(a.call("PATCH", "/api/v1/agents/a_kim", a.admin_key, {}, R"({"name":"Kimberly"})").status == 200);
    const auto lists = frames<p::AgentList>(a.h, lead);
    REQUIRE_FALSE(lists.empty());
    bool renamed = false;
    for (const p::AgentInfo& info : lists.back().agents) renamed = renamed || (info.id == "a_kim" && info.name == "Kimberly");
    CHECK(renamed);
}

TEST_CASE("an agent path under another method gets 405 with Allow listing GET, PATCH and DELETE", "[api]") {
    AgentsApi a;
    auto refused = a.call("PUT", "/api/v1/agents/a_kim", a.admin_key, {}, R"({"name":"K"})");
    CHECK(refused.status == 405);
    CHECK(header(refused, "allow") == "GET, PATCH, DELETE");
    CHECK(header(a.call("DELETE", "/api/v1/agents", a.admin_key), "allow") == "GET, POST");
}
