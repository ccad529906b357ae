// /api/v1/bot-keys and /api/v1/api-keys (relay/api/api_key_routes.cpp): keys made and
// revoked over the API, shown once, stored hashed, no escalation.
#include <catch2/catch.hpp>

#include "api_harness.hpp"
#include "auth/bot_keys.hpp"

TEST_CASE("an admin key creates an API key shown once, lists keys without secrets, and revokes one at once", "[api]") {
    ApiHarness a;
    const std::string admin = a.make_key("ops", api::Scope::admin);
    auto made = a.call("POST", "/api/v1/api-keys", admin, {}, R"({"name":"crm","scope":"write"})");
    REQUIRE(made.status == 201);
    const json::Value doc = body_of(made);
    const std::string key = doc.find("key")->as_string();
    const std::string id = doc.find("api_key")->find("id")->as_string();
    CHECK(doc.find("api_key")->find("scope")->as_string() == "write");
    CHECK(a.call("GET", "/api/v1/conversations", key).status == 200);  // it works

    auto stored = api::load_api_keys(a.h.store);
    REQUIRE(stored.ok());
    bool hashed = false;
    for (const auto& k : stored.value())
        if (k.id == id) hashed = k.hash == api::api_key_hash(key) && k.hash != key;
    CHECK(hashed);

    auto list = a.call("GET", "/api/v1/api-keys", admin);
    REQUIRE(list.status == 200);
    CHECK(list.body.find(key) == std::string::npos);
    CHECK(list.body.find("hash") == std::string::npos);
    CHECK(body_of(list).find("api_keys")->elements().size() == 4);  // reader, writer, ops, crm

    auto revoked = a.call("DELETE", "/api/v1/api-keys/" + id, admin);
    REQUIRE(revoked.status == 200);
    CHECK(body_of(revoked).find("api_key")->find("revoked")->is_integer());
    CHECK(a.call("GET", "/api/v1/conversations", key).status == 401);  // the same second
    CHECK(a.call("DELETE", "/api/v1/api-keys/k_000000000000", admin).status == 404);
}

TEST_CASE("no caller creates a key stronger than its own scope", "[api]") {
    ApiHarness a;
    // The key routes need admin, so a weaker key is refused before the rule: 403 either way.
    auto by_writer = a.call("POST", "/api/v1/api-keys", a.write_key, {}, R"({"name":"escalate","scope":"admin"})");
    CHECK(by_writer.status == 403);
    CHECK(a.call("GET", "/api/v1/api-keys", a.read_key).status == 403);
    // The rule itself, for every pair of scopes.
    using api::Scope;
    CHECK(api::may_grant(Scope::admin, Scope::admin));
    CHECK(api::may_grant(Scope::write, Scope::read));
    CHECK_FALSE(api::may_grant(Scope::write, Scope::admin));
    CHECK_FALSE(api::may_grant(Scope::read, Scope::write));
    auto keys = api::load_api_keys(a.h.store);
    REQUIRE(keys.ok());
    CHECK(keys.value().size() == 2);  // nothing was created
}

TEST_CASE("bad API key bodies get 400 naming the member", "[api]") {
    ApiHarness a;
    const std::string admin = a.make_key("ops", api::Scope::admin);
    using Row = std::tuple<std::string, std::string>;
    const auto [body, field] = GENERATE(table<std::string, std::string>({
        Row{R"({"name":"x","scope":"root"})", "scope"},
        Row{R"({"name":"","scope":"read"})", "name"},
        Row{R"({"name":5,"scope":"read"})", "name"},
        Row{R"({"scope":"read"})", "name"},
        Row{R"({"name":"x","scope":"read","expires":1})", "expires"},
    }));
    CAPTURE(body);
    auto refused = a.call("POST", "/api/v1/api-keys", admin, {}, body);
    CHECK(refused.status == 400);
    CHECK(body_of(refused).find("field")->as_string() == field);
}

TEST_CASE("a bot key made over the API lets the bot in, and revoking it closes the bot's connection with 4102 at once",
          "[api]") {
    ApiHarness a;
    const std::string admin = a.make_key("ops", api::Scope::admin);
    auto made = a.call("POST", "/api/v1/bot-keys", admin, {}, R"({"name":"helper","display_name":"Helper"})");
    REQUIRE(made.status == 201);
    const std::string key = body_of(made).find("key")->as_string();
    CHECK(body_of(made).find("bot_key")->find("party_id")->as_string() == "b_helper");
    CHECK(a.call("POST", "/api/v1/bot-keys", admin, {}, R"({"name":"helper"})").status == 409);
    CHECK(a.call("POST", "/api/v1/bot-keys", admin, {}, R"({"name":"Not Valid"})").status == 400);

    auto rows = a.h.store.list_bot_keys();
    REQUIRE(rows.ok());
    REQUIRE(rows.value().size() == 1);
    CHECK(rows.value()[0].key_hash == bot_key_hash(key));
    auto list = a.call("GET", "/api/v1/bot-keys", admin);
    REQUIRE(list.status == 200);
    CHECK(list.body.find(key) == std::string::npos);
    CHECK(list.body.find(rows.value()[0].key_hash) == std::string::npos);

    const ConnId bot = a.h.open();
    a.h.send(bot, p::Hello{"bot", std::nullopt, std::nullopt, std::nullopt, key});
    a.h.next<p::Welcome>(bot);
    REQUIRE(a.call("DELETE", "/api/v1/bot-keys/helper", admin).status == 200);
    CHECK(a.h.closed[bot] == 4102);
    CHECK(a.call("DELETE", "/api/v1/bot-keys/helper", admin).status == 404);
    CHECK(a.call("DELETE", "/api/v1/bot-keys/helper", a.write_key).status == 403);
}
