// The console as an API client (relay/api/api_service.hpp step 2): a supervisor's
// console session token opens /api/v1 with the admin scope, so the dashboard and the
// settings pages use the same routes as an integration does.
#include <catch2/catch.hpp>

#include "api_harness.hpp"

TEST_CASE("a supervisor's console session is an admin caller of the API, acting under their own name", "[api]") {
    ApiHarness a;
    const std::string lead = a.h.make_agent("a_lead", "lead@example.com", "Lena", {}, /*supervisor=*/true);
    std::string conv;
    a.conversation(conv);

    CHECK(a.call("GET", "/api/v1/conversations", lead).status == 200);
    auto closed = a.call("POST", "/api/v1/conversations/" + conv + "/close", lead);
    REQUIRE(closed.status == 200);

    auto entries = a.h.store.audit_before(INT64_MAX, 20);
    REQUIRE(entries.ok());
    bool close_by_lead = false, write_by_lead = false;
    for (const auto& e : entries.value()) {
        if (e.action == "conv.close" && e.actor_id == "a_lead" && e.actor_name == "Lena") close_by_lead = true;
        if (e.action == "api.write" && e.actor_role == "agent" && e.actor_id == "a_lead") write_by_lead = true;
    }
    CHECK(close_by_lead);
    CHECK(write_by_lead);
}

TEST_CASE("an agent who is not a supervisor gets 403 from the API with their session", "[api]") {
    ApiHarness a;
    const std::string ann = a.h.make_agent("a_ann", "ann@example.com", "Ann");
    auto refused = a.call("GET", "/api/v1/conversations", ann);
    CHECK(refused.status == 403);
    CHECK(problem_type(refused) == "https://parley.dev/problems/forbidden");
}

TEST_CASE("an expired session, a disabled supervisor's or a signed-out one gets 401, a demoted one 403, at once", "[api]") {
    ApiHarness a;
    const std::string lead = a.h.make_agent("a_lead", "lead@example.com", "Lena", {}, true);
    REQUIRE(a.call("GET", "/api/v1/conversations", lead).status == 200);

    SECTION("expired") {
        a.h.now += 3600'000;  // make_agent's sessions last an hour
        CHECK(a.call("GET", "/api/v1/conversations", lead).status == 401);
    }
    SECTION("disabled") {
        REQUIRE(a.h.store.set_agent_disabled("a_lead", true).ok());
        auto refused = a.call("GET", "/api/v1/conversations", lead);
        CHECK(refused.status == 401);
        CHECK(header(refused, "www-authenticate") == "Bearer realm=\"parley\"");
    }
    SECTION("no longer a supervisor: 403, read from the store at the call") {
        auto agent = a.h.store.find_agent("a_lead");
        REQUIRE(agent.ok());
        REQUIRE(agent.value());
        Agent demoted = *agent.value();
        demoted.supervisor = false;
        REQUIRE(a.h.store.update_agent(demoted, false).ok());
        CHECK(a.call("GET", "/api/v1/conversations", lead).status == 403);
    }
    SECTION("signed out") {
        REQUIRE(a.h.store.delete_session(session_token_hash(lead)).ok());
        CHECK(a.call("GET", "/api/v1/conversations", lead).status == 401);
    }
}
