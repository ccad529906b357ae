// The /api/v1 routes (relay/api/api_service.hpp) as structs in, structs out: a Hub on a
// memory store with a fake clock, visitors and agents connected through the harness,
// and HttpRequests handed to ApiService::handle. Each case is one rule of docs/api.md.
#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <sstream>

#include "api/routes.hpp"
#include "api_harness.hpp"

TEST_CASE("an API request without a key, or with an unknown or revoked one, gets 401 and a problem document",
          "[api]") {
    ApiHarness a;
    auto none = a.call("GET", "/api/v1/conversations", "");
    CHECK(none.status == 401);
    CHECK(problem_type(none) == "https://parley.dev/problems/unauthorized");
    CHECK(header(none, "www-authenticate") == "Bearer realm=\"parley\"");
    CHECK(a.call("GET", "/api/v1/conversations", "pk_" + std::string(43, 'A')).status == 401);
    CHECK(a.call("GET", "/api/v1/conversations", "not a key").status == 401);

    auto keys = api::load_api_keys(a.h.store);
    REQUIRE(keys.ok());
    REQUIRE(a.call("GET", "/api/v1/conversations", a.read_key).status == 200);
    REQUIRE(api::revoke_api_key(a.h.store, keys.value()[0].id, a.h.now).ok());
    a.h.now += api::ApiKeyRing::kReloadMs;  // the relay re-reads the keys within a second
    CHECK(a.call("GET", "/api/v1/conversations", a.read_key).status == 401);
}

TEST_CASE("API keys are stored only as their hash", "[api]") {
    ApiHarness a;
    auto stored = a.h.store.get_setting(api::kApiKeysSetting);
    REQUIRE(stored.ok());
    REQUIRE(stored.value());
    CHECK(stored.value()->find(a.read_key) == std::string::npos);
    CHECK(stored.value()->find(api::api_key_hash(a.read_key)) != std::string::npos);
}

TEST_CASE("a read key may GET but gets 403 on a POST; a write key may both", "[api]") {
    ApiHarness a;
    std::string conv;
    a.conversation(conv);
    auto refused = a.call("POST", "/api/v1/conversations/" + conv + "/close", a.read_key);
    CHECK(refused.status == 403);
    CHECK(problem_type(refused) == "https://parley.dev/problems/forbidden");
    CHECK(a.call("GET", "/api/v1/conversations/" + conv, a.read_key).status == 200);
    CHECK(a.call("POST", "/api/v1/conversations/" + conv + "/close", a.write_key).status == 200);
}

TEST_CASE("an unknown API path is 404 and a known path with another method is 405 with Allow", "[api]") {
    ApiHarness a;
    auto missing = a.call("GET", "/api/v1/nothing", a.read_key);
    CHECK(missing.status == 404);
    CHECK(problem_type(missing) == "https://parley.dev/problems/not-found");
    auto wrong = a.call("DELETE", "/api/v1/conversations/c_1/messages", a.write_key);
    CHECK(wrong.status == 405);
    CHECK(header(wrong, "allow") == "GET, POST");
}

TEST_CASE("conversations are listed a page at a time with a cursor that hands on where it stopped", "[api]") {
    ApiHarness a;
    std::set<std::string> made;
    for (int i = 0; i < 3; ++i) {
        std::string conv;
        a.conversation(conv);
        made.insert(conv);
        a.h.now += 10;
    }
    auto first = a.call("GET", "/api/v1/conversations", a.read_key, {{"limit", "2"}});
    REQUIRE(first.status == 200);
    const json::Value one = body_of(first);
    REQUIRE(one.find("conversations")->size() == 2);
    REQUIRE(one.find("next_cursor")->is_string());
    auto second = a.call("GET", "/api/v1/conversations", a.read_key,
                         {{"limit", "2"}, {"cursor", one.find("next_cursor")->as_string()}});
    const json::Value two = body_of(second);
    REQUIRE(two.find("conversations")->size() == 1);
    CHECK(two.find("next_cursor")->is_null());
    std::set<std::string> listed;
    for (const auto* page : {&one, &two})
        for (const auto& c : page->find("conversations")->elements()) listed.insert(c.find("id")->as_string());
    CHECK(listed == made);

    SECTION("a status filter") {
        auto closed = a.call("GET", "/api/v1/conversations", a.read_key, {{"status", "closed"}});
        CHECK(body_of(closed).find("conversations")->size() == 0);
    }
    SECTION("a cursor the relay did not hand out is 400 bad-cursor") {
        auto bad = a.call("GET", "/api/v1/conversations", a.read_key, {{"cursor", "%%%"}});
        CHECK(bad.status == 400);
        CHECK(problem_type(bad) == "https://parley.dev/problems/bad-cursor");
    }
    SECTION("a limit beyond the maximum is 400") {
        CHECK(a.call("GET", "/api/v1/conversations", a.read_key, {{"limit", "201"}}).status == 400);
        CHECK(a.call("GET", "/api/v1/conversations", a.read_key, {{"limit", "x"}}).status == 400);
    }
}

TEST_CASE("a message posted through the API as an agent reaches the connected visitor live and is stored",
          "[api]") {
    ApiHarness a;
    a.h.agent(a.h.make_agent("a_ann", "ann@example.com", "Ann"));  // online: the conversation is hers
    std::string conv;
    const ConnId visitor = a.conversation(conv);
    auto posted = a.call("POST", "/api/v1/conversations/" + conv + "/messages", a.write_key, {},
                         R"({"text":"from the API","agent":"a_ann","cid":"api-1"})");
    REQUIRE(posted.status == 201);
    const json::Value ack = body_of(posted);
    CHECK(ack.find("seq")->as_int() == 2);
    const auto live = frames<p::Msg>(a.h, visitor);
    REQUIRE(live.size() == 1);
    CHECK(live[0].message.text == "from the API");
    CHECK(live[0].message.from.id == "a_ann");

    auto transcript = a.call("GET", "/api/v1/conversations/" + conv + "/messages", a.read_key);
    const json::Value page = body_of(transcript);
    REQUIRE(page.find("messages")->size() == 2);
    CHECK(page.find("messages")->elements()[1].find("text")->as_string() == "from the API");

    SECTION("a resend with the same cid is acknowledged again, not stored twice") {
        auto again = a.call("POST", "/api/v1/conversations/" + conv + "/messages", a.write_key, {},
                            R"({"text":"from the API","agent":"a_ann","cid":"api-1"})");
        CHECK(again.status == 201);
        CHECK(body_of(again).find("seq")->as_int() == 2);
    }
    SECTION("the write is in the audit log under the key") {
        auto entries = a.h.store.audit_before(INT64_MAX, 10);
        REQUIRE(entries.ok());
        bool found = false;
        for (const auto& e : entries.value())
            found = found || (e.action == "api.write" && e.actor_role == "api_key" && e.conv == conv &&
                              e.detail == "POST /api/v1/conversations/{id}/messages 201");
        CHECK(found);
    }
}

TEST_CASE("a posted message's bad input is refused with the documented problem", "[api]") {
    ApiHarness a;
    a.h.make_agent("a_ann", "ann@example.com", "Ann", {}, true);
    std::string conv;
    a.conversation(conv);
    const std::string path = "/api/v1/conversations/" + conv + "/messages";
    CHECK(a.call("POST", path, a.write_key, {}, "{not json").status == 400);
    CHECK(a.call("POST", path, a.write_key, {}, R"({"text":"x","agent":"a_ann"})", "text/plain").status == 415);
    CHECK(a.call("POST", path, a.write_key, {}, R"({"text":"","agent":"a_ann"})").status == 400);
    CHECK(a.call("POST", path, a.write_key, {}, R"({"text":"x"})").status == 400);
    CHECK(a.call("POST", path, a.write_key, {}, R"({"text":"x","agent":"a_nobody"})").status == 400);
    auto unknown = a.call("POST", "/api/v1/conversations/c_nope/messages", a.write_key, {},
                          R"({"text":"x","agent":"a_ann"})");
    CHECK(unknown.status == 404);
    CHECK(problem_type(unknown) == "https://parley.dev/problems/not-found");
}

TEST_CASE("close, reopen, assign and transfer through the API go through the Hub's own rules", "[api]") {
    ApiHarness a;
    a.h.make_agent("a_ann", "ann@example.com", "Ann");
    std::string conv;
    a.conversation(conv);
    const std::string base = "/api/v1/conversations/" + conv;

    auto closed = a.call("POST", base + "/close", a.write_key);
    REQUIRE(closed.status == 200);
    CHECK(body_of(closed).find("status")->as_string() == "closed");
    // The Hub's rule: only a closed conversation reopens.
    auto reopened = a.call("POST", base + "/reopen", a.write_key);
    REQUIRE(reopened.status == 200);
    CHECK(body_of(reopened).find("status")->as_string() == "open");

    SECTION("assign to an agent") {
        auto assigned = a.call("POST", base + "/assign", a.write_key, {}, R"({"agent":"a_ann"})");
        INFO(assigned.body);
        // Ann is offline: the router refuses, as it would an agent's transfer.
        CHECK(assigned.status == 409);
        CHECK(problem_type(assigned) == "https://parley.dev/problems/conflict");
    }
    SECTION("transfer to an unknown team is refused by the router") {
        auto refused = a.call("POST", base + "/transfer", a.write_key, {}, R"({"team":"nowhere"})");
        CHECK(refused.status == 409);
    }
    SECTION("the acts are in the audit log by the key") {
        auto entries = a.h.store.audit_before(INT64_MAX, 20);
        REQUIRE(entries.ok());
        std::set<std::string> actions;
        for (const auto& e : entries.value()) actions.insert(e.action);
        CHECK(actions.count("conv.close"));
        CHECK(actions.count("conv.reopen"));
        CHECK(actions.count("api.write"));
    }
}

TEST_CASE("assigning through the API gives the conversation to an available agent", "[api]") {
    ApiHarness a;
    const std::string token = a.h.make_agent("a_ann", "ann@example.com", "Ann");
    const std::string token_bob = a.h.make_agent("a_bob", "bob@example.com", "Bob");
    a.h.agent(token);
    a.h.agent(token_bob);
    std::string conv;
    a.conversation(conv);
    const std::string owner = body_of(a.call("GET", "/api/v1/conversations/" + conv, a.read_key)).find("agent")->as_string();
    const std::string other = owner == "a_ann" ? "a_bob" : "a_ann";
    auto assigned = a.call("POST", "/api/v1/conversations/" + conv + "/assign", a.write_key, {},
                           R"({"agent":")" + other + R"("})");
    INFO(assigned.body);
    REQUIRE(assigned.status == 200);
    CHECK(body_of(assigned).find("agent")->as_string() == other);
    auto mine = a.call("GET", "/api/v1/conversations", a.read_key, {{"agent", other}});
    CHECK(body_of(mine).find("conversations")->size() == 1);
}

TEST_CASE("a key over its request rate gets 429 with Retry-After, and other keys are served", "[api]") {
    api::ApiLimits limits;
    limits.key_rate = 1;
    limits.key_burst = 2;
    ApiHarness a(limits);
    CHECK(a.call("GET", "/api/v1/conversations", a.read_key).status == 200);
    CHECK(a.call("GET", "/api/v1/conversations", a.read_key).status == 200);
    auto refused = a.call("GET", "/api/v1/conversations", a.read_key);
    CHECK(refused.status == 429);
    CHECK(problem_type(refused) == "https://parley.dev/problems/rate-limited");
    CHECK(header(refused, "retry-after") == "1");
    CHECK(a.call("GET", "/api/v1/conversations", a.write_key).status == 200);
    a.h.now += 1000;
    CHECK(a.call("GET", "/api/v1/conversations", a.read_key).status == 200);
}

TEST_CASE("a contact is a visitor with the identity their site vouched for", "[api]") {
    ApiHarness a;
    p::Welcome w;
    a.h.visitor(&w);
    auto found = a.call("GET", "/api/v1/contacts/" + w.me.id, a.read_key);
    REQUIRE(found.status == 200);
    CHECK(body_of(found).find("id")->as_string() == w.me.id);
    CHECK(body_of(found).find("contact")->is_null());
    CHECK(a.call("GET", "/api/v1/contacts/v_nobody", a.read_key).status == 404);
}

TEST_CASE("a report comes as JSON, or as CSV when asked, and a bad range is 400", "[api]") {
    ApiHarness a;
    std::string conv;
    a.conversation(conv);
    auto j = a.call("GET", "/api/v1/reports", a.read_key, {{"from", "2023-11-14"}, {"to", "2023-11-15"}});
    REQUIRE(j.status == 200);
    CHECK(body_of(j).find("rows")->is_array());
    HttpRequest r;
    r.method = "GET";
    r.path = "/api/v1/reports";
    r.query = {{"from", "2023-11-14"}, {"to", "2023-11-15"}, {"by", "day"}};
    r.authorization = "Bearer " + a.read_key;
    r.accept = "text/csv";
    auto csv = a.service.handle(r, a.h.now);
    CHECK(csv.status == 200);
    CHECK(csv.content_type.rfind("text/csv", 0) == 0);
    CHECK(csv.body.rfind("day,conversations", 0) == 0);
    CHECK(a.call("GET", "/api/v1/reports", a.read_key, {{"from", "2023-11-15"}, {"to", "2023-11-14"}}).status == 400);
    CHECK(a.call("GET", "/api/v1/reports", a.read_key, {{"from", "yesterday"}, {"to", "2023-11-14"}}).status == 400);
    CHECK(a.call("GET", "/api/v1/reports", a.read_key, {{"from", "2020-01-01"}, {"to", "2023-11-14"}}).status == 400);
}

TEST_CASE("a report by agent carries each agent's occupancy and conversations per agent-hour; by team it has none",
          "[api][reports]") {
    ApiHarness a;
    a.h.agent(a.h.make_agent("a_ann", "ann@example.com", "Ann"));
    std::string conv;
    a.conversation(conv);  // assigned to Ann at once
    a.h.now += 3600'000;   // an hour with it
    auto by_agent = a.call("GET", "/api/v1/reports", a.read_key, {{"from", "2023-11-14"}, {"to", "2023-11-15"},
                                                                  {"by", "agent"}});
    REQUIRE(by_agent.status == 200);
    const json::Value rows = *body_of(by_agent).find("rows");
    REQUIRE(rows.size() == 1);
    const json::Value& ann = rows.elements()[0];
    CHECK(ann.find("key")->as_string() == "a_ann");
    CHECK(ann.find("agents_online_s")->as_double() == Approx(3600.0));
    CHECK(ann.find("occupancy")->as_double() == Approx(1.0));
    CHECK(ann.find("conversations_handled")->as_int() == 1);
    CHECK(ann.find("conversations_per_agent_hour")->as_double() == Approx(1.0));
    auto by_team = a.call("GET", "/api/v1/reports", a.read_key, {{"from", "2023-11-14"}, {"to", "2023-11-15"},
                                                                {"by", "team"}});
    CHECK(body_of(by_team).find("rows")->elements()[0].find("occupancy") == nullptr);
}

TEST_CASE("the live queues say how many wait per team and since when the longest has waited", "[api][reports]") {
    ApiHarness a;
    std::string first, second;
    a.conversation(first);  // no agent online: both wait in the default team's queue
    a.h.now += 30'000;
    a.conversation(second);
    a.h.now += 15'000;
    auto got = a.call("GET", "/api/v1/queues", a.read_key);
    REQUIRE(got.status == 200);
    const json::Value doc = body_of(got);
    CHECK(doc.find("now")->as_int() == a.h.now);
    const json::Value& queues = *doc.find("queues");
    REQUIRE(queues.size() == 1);
    const json::Value& general = queues.elements()[0];
    CHECK(general.find("team")->as_string() == "general");
    CHECK(general.find("length")->as_int() == 2);
    CHECK(general.find("waiting_since")->as_int() == a.h.now - 45'000);
    CHECK(general.find("longest_wait_s")->as_double() == Approx(45.0));

    a.h.agent(a.h.make_agent("a_ann", "ann@example.com", "Ann"));  // takes both
    const json::Value after = body_of(a.call("GET", "/api/v1/queues", a.read_key));
    CHECK(after.find("queues")->elements()[0].find("length")->as_int() == 0);
    CHECK(after.find("queues")->elements()[0].find("longest_wait_s")->as_double() == 0.0);
}

TEST_CASE("docs/openapi.json documents exactly the routes of the route table", "[api][docs]") {
    std::ifstream in(std::string(PARLEY_SOURCE_DIR) + "/docs/openapi.json");
    REQUIRE(in);
    std::stringstream text;
    text << in.rdbuf();
    const auto doc = json::parse(text.str());
    REQUIRE(doc);
    std::set<std::string> documented, served;
    for (const auto& path : doc->find("paths")->members())
        for (const auto& op : path.value.members()) {
            std::string method = op.key;
            for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            documented.insert(method + " " + path.key);
        }
    for (const auto& route : api::route_table()) served.insert(std::string(route.method) + " " + route.pattern);
    CHECK(documented == served);
}
