// /api/v1/teams (relay/api/api_teams.cpp): the teams agents are labelled with and the
// routing config names, each with its members, who is online and its queue.
#include <catch2/catch.hpp>

#include "api_harness.hpp"

namespace {

const json::Value* team_named(const json::Value& doc, const std::string& name) {
    for (const json::Value& t : doc.find("teams")->elements())
        if (t.find("name")->as_string() == name) return &t;
    return nullptr;
}

}  // namespace

TEST_CASE("the teams list holds each team's members, who is online and the queue length", "[api]") {
    ApiHarness a;
    a.h.make_agent("a_kim", "kim@example.com", "Kim", {"billing"});
    a.h.make_agent("a_lou", "lou@example.com", "Lou", {"billing", "sales"});
    a.h.make_agent("a_off", "off@example.com", "Off", {"sales"});
    REQUIRE(a.h.store.set_agent_disabled("a_off", true).ok());  // a disabled agent is in no team
    const ConnId kim = a.h.agent("token-of-a_kim");
    a.h.send(kim, p::SetPresence{"available"});
    std::string conv;
    a.conversation(conv);  // nobody in "general": it waits in that queue

    auto list = a.call("GET", "/api/v1/teams", a.read_key);  // a read key may look
    REQUIRE(list.status == 200);
    const json::Value doc = body_of(list);
    const json::Value* billing = team_named(doc, "billing");
    REQUIRE(billing);
    REQUIRE(billing->find("members")->elements().size() == 2);
    CHECK(billing->find("members")->elements()[0].find("id")->as_string() == "a_kim");  // by name
    CHECK(billing->find("members")->elements()[0].find("status")->as_string() == "available");
    CHECK(billing->find("online")->as_int() == 1);
    const json::Value* sales = team_named(doc, "sales");
    REQUIRE(sales);
    CHECK(sales->find("members")->elements().size() == 1);
    const json::Value* general = team_named(doc, "general");  // the routing's default team
    REQUIRE(general);
    CHECK(general->find("queue_length")->as_int() == 1);
    CHECK(general->find("queued")->elements()[0].as_string() == conv);

    auto one = a.call("GET", "/api/v1/teams/billing", a.read_key);
    REQUIRE(one.status == 200);
    CHECK(body_of(one).find("name")->as_string() == "billing");
    CHECK(a.call("GET", "/api/v1/teams/nobody", a.read_key).status == 404);
    CHECK(a.call("GET", "/api/v1/teams", "").status == 401);
    CHECK(a.call("POST", "/api/v1/teams", a.read_key).status == 405);
}

TEST_CASE("membership follows an agent update: no team record to keep in step", "[api]") {
    ApiHarness a;
    const std::string admin = a.make_key("ops", api::Scope::admin);
    a.h.make_agent("a_lead", "lead@example.com", "Lena", {}, true);
    a.h.make_agent("a_kim", "kim@example.com", "Kim", {"billing"});
    REQUIRE(a.call("PATCH", "/api/v1/agents/a_kim", admin, {}, R"({"teams":["support"]})").status == 200);
    const json::Value doc = body_of(a.call("GET", "/api/v1/teams", a.read_key));
    CHECK_FALSE(team_named(doc, "billing"));
    REQUIRE(team_named(doc, "support"));
    CHECK(team_named(doc, "support")->find("members")->elements()[0].find("id")->as_string() == "a_kim");
}
