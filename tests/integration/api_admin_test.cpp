// The HTTP API's administration routes (issue 18, docs/api.md "Agents" … "Keys over the
// API") against the real relay over real HTTP: agents, teams, canned responses, bot keys
// and API keys — each one's happy path, bad input and the wrong scope — and their live
// effects: an agent made over the API signs in with the password shown once; disabling
// an agent closes their console's WebSocket with 4102; a reset password ends the old
// one; a revoked bot key closes the bot at once; a revoked API key is refused at once.
#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "api_calls.hpp"
#include "http_get.hpp"
#include "protocol_peer.hpp"
#include "relay_process.hpp"
#include "start_relay.hpp"

using namespace parley::test;

namespace {

constexpr int kWait = 5000;

std::string type_of(const json& j) { return j.is_object() ? j.value("type", "") : ""; }
const std::string kPassword = "integration-admin-password";

std::unique_ptr<RelayProcess> admin_relay() {
    RelayOptions o;
    o.demo_agent = true;  // demo@parley.local, a supervisor of team general
    o.demo_password = kPassword;
    return start_relay({}, o);
}

// A bad request's problem document: 400, bad-request, naming `field`.
void check_bad_field(const HttpResponse& r, const std::string& field) {
    INFO(r.head << r.body);
    CHECK(r.status == 400);
    CHECK(r.head.find("content-type: application/problem+json") != std::string::npos);
    const json doc = body_of(r);
    CHECK(doc.value("type", "") == "https://parley.dev/problems/bad-request");
    CHECK(doc.value("field", "") == field);
}

// Signs in over the WebSocket; the welcome, or nullopt (an error came instead).
std::optional<json> login(ProtocolPeer& peer, const RelayProcess& relay, const std::string& email,
                          const std::string& password) {
    REQUIRE(peer.connect(relay.host(), relay.port()));
    REQUIRE(peer.send({{"type", "login"}, {"email", email}, {"password", password}}));
    auto answer = peer.wait_for([](const json& j) { return type_of(j) == "welcome" || type_of(j) == "error"; }, kWait);
    REQUIRE(answer);
    if (type_of(*answer) != "welcome") return std::nullopt;
    return answer;
}

int wait_closed(ProtocolPeer& peer, int timeout_ms) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (!peer.closed() && std::chrono::steady_clock::now() < until) (void)peer.drain(100);
    return peer.closed() ? peer.close_code() : 0;
}

}  // namespace

TEST_CASE("Over the HTTP API an admin key creates, changes, disables, resets and removes an agent, with live effects",
          "[integration][api]") {
    auto relay = admin_relay();
    const std::string admin = make_key(*relay, "ops", "admin");
    const std::string writer = make_key(*relay, "crm", "write");

    // Created: the password is in this answer only, and signs the agent in.
    const auto made = api(*relay, "POST", "/api/v1/agents", admin,
                          R"({"email":"sam@example.com","name":"Sam","teams":["billing"],"max_load":6})");
    REQUIRE(made.status == 201);
    const std::string id = body_of(made)["agent"].value("id", "");
    const std::string password = body_of(made).value("password", "");
    REQUIRE(password.size() == 23);
    CHECK(api(*relay, "GET", "/api/v1/agents/" + id, admin).body.find(password) == std::string::npos);
    ProtocolPeer sam;
    REQUIRE(login(sam, *relay, "sam@example.com", password));

    // Listed and read, with presence.
    const auto list = api(*relay, "GET", "/api/v1/agents?limit=200", admin);
    REQUIRE(list.status == 200);
    bool listed = false;
    const json page = body_of(list);
    for (const json& a : page["agents"]) listed = listed || a.value("id", "") == id;
    CHECK(listed);

    // Changed: PATCH reaches the stored account.
    const auto changed = api(*relay, "PATCH", "/api/v1/agents/" + id, admin, R"({"name":"Samuel","preferred":2})");
    REQUIRE(changed.status == 200);
    CHECK(body_of(changed).value("name", "") == "Samuel");
    check_bad_field(api(*relay, "PATCH", "/api/v1/agents/" + id, admin, R"({"teams":"billing"})"), "teams");
    check_bad_field(api(*relay, "POST", "/api/v1/agents", admin, R"({"name":"No Mail"})"), "email");
    CHECK(api(*relay, "PATCH", "/api/v1/agents/a_nobody", admin, R"({"name":"X"})").status == 404);

    // The wrong scope changes nothing.
    CHECK(api(*relay, "POST", "/api/v1/agents/" + id + "/disable", writer).status == 403);
    CHECK(api(*relay, "GET", "/api/v1/agents", writer).status == 403);

    // Disabled: the signed-in console is closed with 4102 at once, and cannot sign in.
    const auto disabled = api(*relay, "POST", "/api/v1/agents/" + id + "/disable", admin);
    REQUIRE(disabled.status == 200);
    CHECK(body_of(disabled)["agent"].value("disabled", false));
    CHECK(wait_closed(sam, kWait) == 4102);
    ProtocolPeer again;
    CHECK_FALSE(login(again, *relay, "sam@example.com", password));
    REQUIRE(api(*relay, "POST", "/api/v1/agents/" + id + "/enable", admin).status == 200);

    // Reset: the new password works, the old one no more, the open console is closed.
    ProtocolPeer before;
    REQUIRE(login(before, *relay, "sam@example.com", password));
    const auto reset = api(*relay, "POST", "/api/v1/agents/" + id + "/reset-password", admin);
    REQUIRE(reset.status == 200);
    const std::string fresh = body_of(reset).value("password", "");
    CHECK(fresh != password);
    CHECK(wait_closed(before, kWait) == 4102);
    ProtocolPeer old_password, new_password;
    CHECK_FALSE(login(old_password, *relay, "sam@example.com", password));
    CHECK(login(new_password, *relay, "sam@example.com", fresh));

    // The demo agent is the only supervisor: demoting them is refused.
    const auto agents = body_of(api(*relay, "GET", "/api/v1/agents", admin))["agents"];
    std::string demo;
    for (const json& a : agents)
        if (a.value("email", "") == "demo@parley.local") demo = a.value("id", "");
    REQUIRE_FALSE(demo.empty());
    const auto last = api(*relay, "PATCH", "/api/v1/agents/" + demo, admin, R"({"supervisor":false})");
    CHECK(last.status == 409);
    CHECK(body_of(last).value("type", "") == "https://parley.dev/problems/conflict");

    // Removed.
    REQUIRE(api(*relay, "DELETE", "/api/v1/agents/" + id, admin).status == 200);
    CHECK(api(*relay, "GET", "/api/v1/agents/" + id, admin).status == 404);
}

TEST_CASE("Over the HTTP API a read key sees the teams with their members, who is online and the queues",
          "[integration][api]") {
    auto relay = admin_relay();
    const std::string reader = make_key(*relay, "wallboard", "read");
    ProtocolPeer demo;
    REQUIRE(login(demo, *relay, "demo@parley.local", kPassword));
    REQUIRE(demo.send({{"type", "presence"}, {"status", "available"}}));
    (void)demo.drain(200);

    const auto teams = api(*relay, "GET", "/api/v1/teams", reader);
    REQUIRE(teams.status == 200);
    bool general = false, billing = false;
    const json doc = body_of(teams);
    for (const json& t : doc["teams"]) {
        if (t.value("name", "") == "general") {
            general = true;
            CHECK(t.value("online", 0) == 1);  // the demo agent
            CHECK(t.value("queue_length", -1) == 0);
        }
        if (t.value("name", "") == "billing") billing = t["members"].size() == 1;  // the second demo agent
    }
    CHECK(general);
    CHECK(billing);
    CHECK(api(*relay, "GET", "/api/v1/teams/billing", reader).status == 200);
    CHECK(api(*relay, "GET", "/api/v1/teams/nobody", reader).status == 404);
    CHECK(api(*relay, "GET", "/api/v1/teams", "").status == 401);
}

TEST_CASE("Over the HTTP API an admin key manages team canned responses that agents then list",
          "[integration][api]") {
    auto relay = admin_relay();
    const std::string admin = make_key(*relay, "ops", "admin");
    const std::string writer = make_key(*relay, "crm", "write");

    const auto made = api(*relay, "POST", "/api/v1/canned", admin,
                          R"({"team":"general","shortcut":"hello","text":"Hello {first_name}!"})");
    REQUIRE(made.status == 201);
    const std::string id = body_of(made).value("id", "");

    // The demo agent (team general) gets it in the console's `canned` list.
    ProtocolPeer demo;
    REQUIRE(login(demo, *relay, "demo@parley.local", kPassword));
    REQUIRE(demo.send({{"type", "canned"}, {"op", "list"}}));
    auto list = demo.wait_type("canned", kWait);
    REQUIRE(list);
    REQUIRE((*list)["items"].size() == 1);
    CHECK((*list)["items"][0].value("shortcut", "") == "hello");

    const auto changed = api(*relay, "PATCH", "/api/v1/canned/" + id, admin, R"({"shortcut":"hi"})");
    REQUIRE(changed.status == 200);
    CHECK(body_of(changed).value("shortcut", "") == "hi");
    check_bad_field(api(*relay, "POST", "/api/v1/canned", admin, R"({"team":"general","shortcut":"NO","text":"x"})"),
                    "shortcut");
    CHECK(api(*relay, "POST", "/api/v1/canned", writer, R"({"team":"general","shortcut":"x","text":"x"})").status ==
          403);
    const auto listed = api(*relay, "GET", "/api/v1/canned?team=general", admin);
    REQUIRE(listed.status == 200);
    CHECK(body_of(listed)["canned"].size() == 1);
    REQUIRE(api(*relay, "DELETE", "/api/v1/canned/" + id, admin).status == 200);
    CHECK(api(*relay, "DELETE", "/api/v1/canned/" + id, admin).status == 404);
}

TEST_CASE("Over the HTTP API keys are made shown once and revoked, and a revoked bot is closed with 4102 at once",
          "[integration][api]") {
    auto relay = admin_relay();
    const std::string admin = make_key(*relay, "ops", "admin");
    const std::string writer = make_key(*relay, "crm", "write");

    SECTION("bot keys") {
        const auto made = api(*relay, "POST", "/api/v1/bot-keys", admin, R"({"name":"helper","display_name":"Helper"})");
        REQUIRE(made.status == 201);
        const std::string key = body_of(made).value("key", "");
        const auto list = api(*relay, "GET", "/api/v1/bot-keys", admin);
        REQUIRE(list.status == 200);
        CHECK(list.body.find(key) == std::string::npos);
        CHECK(body_of(list)["bot_keys"][0].value("name", "") == "helper");
        check_bad_field(api(*relay, "POST", "/api/v1/bot-keys", admin, R"({"name":"Not Valid"})"), "name");
        CHECK(api(*relay, "POST", "/api/v1/bot-keys", writer, R"({"name":"other"})").status == 403);

        ProtocolPeer bot;
        REQUIRE(bot.connect(relay->host(), relay->port()));
        REQUIRE(bot.send({{"type", "hello"}, {"role", "bot"}, {"key", key}}));
        REQUIRE(bot.wait_type("welcome", kWait));
        const auto start = std::chrono::steady_clock::now();
        REQUIRE(api(*relay, "DELETE", "/api/v1/bot-keys/helper", admin).status == 200);
        CHECK(wait_closed(bot, kWait) == 4102);
        // At once, not at the relay's 10 s session check.
        CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
        CHECK(api(*relay, "DELETE", "/api/v1/bot-keys/helper", admin).status == 404);
    }
    SECTION("API keys") {
        const auto made = api(*relay, "POST", "/api/v1/api-keys", admin, R"({"name":"script","scope":"read"})");
        REQUIRE(made.status == 201);
        const std::string key = body_of(made).value("key", "");
        const std::string id = body_of(made)["api_key"].value("id", "");
        CHECK(api(*relay, "GET", "/api/v1/conversations", key).status == 200);
        CHECK(api(*relay, "GET", "/api/v1/conversations", key).status == 200);
        // The CLI lists it too: one source of truth.
        CHECK(relay->command("--list-api-keys", false).out.find(id) != std::string::npos);
        const auto list = api(*relay, "GET", "/api/v1/api-keys", admin);
        REQUIRE(list.status == 200);
        CHECK(list.body.find(key) == std::string::npos);
        check_bad_field(api(*relay, "POST", "/api/v1/api-keys", admin, R"({"name":"x","scope":"root"})"), "scope");
        CHECK(api(*relay, "POST", "/api/v1/api-keys", writer, R"({"name":"up","scope":"admin"})").status == 403);
        CHECK(api(*relay, "POST", "/api/v1/api-keys", key, R"({"name":"up","scope":"read"})").status == 403);

        REQUIRE(api(*relay, "DELETE", "/api/v1/api-keys/" + id, admin).status == 200);
        CHECK(api(*relay, "GET", "/api/v1/conversations", key).status == 401);
        CHECK(api(*relay, "DELETE", "/api/v1/api-keys/k_000000000000", admin).status == 404);
    }
}
