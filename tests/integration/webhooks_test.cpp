// Webhooks out (issue 18, docs/webhooks.md) against the real relay: a receiver in the
// test (support/webhook_receiver.hpp) checks every signature the way a site would
// (Standard Webhooks, libsodium's HMAC-SHA256 here, not the relay's code), goes down and
// comes back, and gets every event once, in order per conversation; a subscription that
// always fails dead-letters its deliveries, which come through once replayed. A hanging
// receiver does not slow visitors' messages down.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sodium.h>

#include <chrono>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "api_calls.hpp"
#include "http_get.hpp"
#include "protocol_peer.hpp"
#include "start_relay.hpp"
#include "webhook_receiver.hpp"

using namespace parley::test;
using Clock = std::chrono::steady_clock;

namespace {

// The receiver's check, from the Standard Webhooks spec: base64(HMAC-SHA256(key,
// id.timestamp.body)) with key = base64-decoded secret after "whsec_".
bool signature_valid(const std::string& secret, const WebhookRequestSeen& r) {
    const std::string b64 = secret.substr(6);
    std::string key(b64.size(), '\0');
    std::size_t key_len = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(key.data()), key.size(), b64.data(), b64.size(), nullptr,
                          &key_len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
        return false;
    auto h = [&](const char* name) {
        auto it = r.headers.find(name);
        return it == r.headers.end() ? std::string() : it->second;
    };
    const std::string signed_text = h("webhook-id") + "." + h("webhook-timestamp") + "." + r.body;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key_len);
    crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size());
    crypto_auth_hmacsha256_final(&st, mac);
    char out[sodium_base64_ENCODED_LEN(sizeof mac, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(out, sizeof out, mac, sizeof mac, sodium_base64_VARIANT_ORIGINAL);
    return h("webhook-signature") == std::string("v1,") + out;
}

struct Subscription {
    std::string id, secret;
};

Subscription add_webhook(RelayProcess& relay, const std::string& args) {
    const auto run = relay.command("--add-webhook " + args, false);
    INFO(run.out);
    REQUIRE(run.status == 0);
    std::istringstream lines(run.out);
    Subscription s;
    std::getline(lines, s.id);
    std::getline(lines, s.secret);
    REQUIRE(s.id.rfind("wh_", 0) == 0);
    REQUIRE(s.secret.rfind("whsec_", 0) == 0);
    return s;
}

bool wait_until(const std::function<bool()>& done, int timeout_ms) {
    const auto until = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (Clock::now() < until) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return done();
}

// A visitor with their conversation, sending numbered messages.
struct Visitor {
    ProtocolPeer peer;
    std::string conv;
    int sent = 0;
    void start(RelayProcess& relay) {
        REQUIRE(peer.connect(relay.host(), relay.port()));
        auto welcome = peer.hello_new_visitor();
        REQUIRE(welcome);
        conv = welcome->conv;
    }
    void say(const std::string& text = "") {
        const std::string cid = "m" + std::to_string(++sent);
        REQUIRE(peer.send({{"type", "send"}, {"conv", conv}, {"cid", cid}, {"text", text.empty() ? "question " + cid : text}}));
        REQUIRE(peer.wait_for([&](const json& f) { return f["type"] == "ack" && f["cid"] == cid; }, 5000));
    }
};

std::vector<std::string> dead_letters(RelayProcess& relay) {
    std::vector<std::string> ids;
    std::istringstream lines(relay.command("--list-webhooks", false).out);
    for (std::string line; std::getline(lines, line);)
        if (line.rfind("dead ", 0) == 0) ids.push_back(line.substr(5, line.find(' ', 5) - 5));
    return ids;
}

}  // namespace

TEST_CASE("Webhooks reach a receiver that was down, each once, signed, in order per conversation; dead letters "
          "come through when replayed",
          "[integration][webhooks]") {
    REQUIRE(sodium_init() >= 0);
    WebhookReceiver site, failing;
    failing.set_mode(WebhookReceiver::Mode::fail);
    // Short delays so the test is quick: 8 attempts over about 4 s.
    // Stored as written, masked on the way out (--mask-outbound, as for bots).
    auto relay = start_relay({"--webhook-allow-private", "--webhook-backoff", "100ms,200ms,400ms,800ms",
                              "--webhook-max-attempts", "8", "--webhook-timeout-ms", "3000", "--mask-before-storage", "none", "--mask-outbound",
                              "email"});
    const Subscription all = add_webhook(*relay, site.url());
    const Subscription created =
        add_webhook(*relay, failing.url("/created") + " --webhook-events conversation.created");

    std::vector<Visitor> visitors(3);
    for (Visitor& v : visitors) v.start(*relay);
    visitors[0].say("write to bob@example.com please");
    visitors[1].say();
    visitors[2].say();
    // conversation.created + message.created of each conversation.
    REQUIRE(wait_until([&] { return site.accepted().size() == 6; }, 10000));

    // The site goes down; visitors go on, and are answered as before.
    site.set_mode(WebhookReceiver::Mode::down);
    for (int round = 0; round < 3; ++round)
        for (Visitor& v : visitors) v.say();
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // several refused attempts
    CHECK(site.accepted().size() == 6);
    site.set_mode(WebhookReceiver::Mode::ok);
    const bool all_came = wait_until([&] { return site.accepted().size() >= 15; }, 15000);
    INFO("accepted " << site.accepted().size() << " of " << site.requests() << " requests; "
                     << relay->command("--list-webhooks").out << http_get(relay->port(), "/metrics").body.substr(0, 200000));
    REQUIRE(all_came);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // nothing more comes

    const auto got = site.accepted();
    CHECK(got.size() == 15);
    std::set<std::string> ids;
    std::map<std::string, std::vector<std::string>> lines;  // conv → "created", "1", "2", …
    for (const WebhookRequestSeen& r : got) {
        INFO(r.body);
        CHECK(signature_valid(all.secret, r));
        CHECK(ids.insert(r.headers.at("webhook-id")).second);  // none twice
        const auto body = nlohmann::json::parse(r.body);
        const std::string conv = body["data"]["conversation_id"];
        CHECK(r.body.find("bob@example.com") == std::string::npos);
        if (body["type"] == "message.created" && conv == visitors[0].conv && body["data"]["message"]["seq"] == 1)
            CHECK(body["data"]["message"]["text"] == "write to [email] please");
        if (body["type"] == "conversation.created") lines[conv].push_back("created");
        else if (body["type"] == "message.created") lines[conv].push_back(std::to_string(body["data"]["message"]["seq"].get<int>()));
        else FAIL("unexpected event " << body["type"]);
    }
    for (const Visitor& v : visitors) CHECK(lines[v.conv] == std::vector<std::string>{"created", "1", "2", "3", "4"});

    // The failing site's deliveries are dead letters once their attempts are spent.
    REQUIRE(wait_until([&] { return dead_letters(*relay).size() == 3; }, 15000));
    CHECK(failing.accepted().empty());
    CHECK(failing.requests() >= 3 * 8);
    failing.set_mode(WebhookReceiver::Mode::ok);
    const std::vector<std::string> dead = dead_letters(*relay);
    const auto one = relay->command("--replay-webhook " + dead[0]);
    INFO(one.out);
    CHECK(one.status == 0);
    const auto rest = relay->command("--replay-dead-webhooks " + created.id);
    INFO(rest.out);
    CHECK(rest.status == 0);
    CHECK(rest.out.find("2 dead deliveries queued again") != std::string::npos);
    REQUIRE(wait_until([&] { return failing.accepted().size() == 3; }, 10000));
    std::set<std::string> replayed_convs;
    for (const WebhookRequestSeen& r : failing.accepted()) {
        CHECK(signature_valid(created.secret, r));
        CHECK_FALSE(signature_valid(all.secret, r));
        replayed_convs.insert(nlohmann::json::parse(r.body)["data"]["conversation_id"].get<std::string>());
    }
    CHECK(replayed_convs.size() == 3);
    CHECK(dead_letters(*relay).empty());
    CHECK(relay->command("--replay-webhook " + dead[0]).status == 1);  // replayed already: not dead now

    const auto metrics = http_get(relay->port(), "/metrics");
    INFO(metrics.body);
    CHECK(metrics.body.find("parley_webhook_deliveries_total{result=\"dead\"} 3") != std::string::npos);
    CHECK(metrics.body.find("parley_webhook_deliveries_total{result=\"ok\"} 18") != std::string::npos);
    CHECK(metrics.body.find("parley_webhook_queue_length") != std::string::npos);
}

TEST_CASE("A receiver that hangs does not hold up visitors' messages", "[integration][webhooks]") {
    WebhookReceiver site;
    site.set_mode(WebhookReceiver::Mode::hang);
    auto relay = start_relay({"--webhook-allow-private", "--webhook-timeout-ms", "30000"});
    Visitor v;
    v.start(*relay);
    auto timed = [&](int n) {
        const auto t0 = Clock::now();
        for (int i = 0; i < n; ++i) v.say();
        return std::chrono::duration<double>(Clock::now() - t0).count();
    };
    const double idle = timed(30);  // no subscription yet
    add_webhook(*relay, site.url());
    v.say();
    REQUIRE(wait_until([&] { return site.hanging() == 1; }, 5000));  // the conversation's line is held
    const double hung = timed(30);
    INFO("idle " << idle << " s, receiver hanging " << hung << " s");
    CHECK(site.hanging() == 1);       // still hanging: every ack came meanwhile
    CHECK(site.accepted().empty());
    CHECK(hung < 20 * idle + 0.25);   // the same work, within a generous margin
    site.set_mode(WebhookReceiver::Mode::ok);
    // conversation.created went before the subscription; 31 messages after it.
    REQUIRE(wait_until([&] { return site.accepted().size() == 31; }, 15000));
}

TEST_CASE("Webhooks to loopback or private addresses are refused unless allowed", "[integration][webhooks]") {
    WebhookReceiver site;
    auto relay = start_relay({"--webhook-backoff", "50ms", "--webhook-max-attempts", "2"});
    add_webhook(*relay, site.url());
    CHECK(relay->command("--add-webhook file:///etc/passwd").status == 1);
    CHECK(relay->command("--add-webhook gopher://example.com/").status == 1);
    Visitor v;
    v.start(*relay);
    v.say();
    // conversation.created and message.created: refused before any connection, then dead.
    REQUIRE(wait_until([&] { return dead_letters(*relay).size() == 2; }, 10000));
    CHECK(site.requests() == 0);
    CHECK(relay->command("--list-webhooks", false).out.find("destination address not allowed") != std::string::npos);
}


TEST_CASE("Webhooks are managed over the API with an admin key: subscribe, pause, dead letters replayed, removed",
          "[integration][webhooks][api]") {
    REQUIRE(sodium_init() >= 0);
    WebhookReceiver site;
    site.set_mode(WebhookReceiver::Mode::fail);
    auto relay = start_relay({"--webhook-allow-private", "--webhook-backoff", "50ms", "--webhook-max-attempts", "2"});
    const std::string admin = make_key(*relay, "hooks-admin", "admin"), writer = make_key(*relay, "hooks-write", "write");
    const std::string hooks = "/api/v1/webhooks";

    // Admin scope only: a subscription decides where conversation data goes.
    CHECK(api(*relay, "GET", hooks, writer).status == 403);
    CHECK(api(*relay, "POST", hooks, writer, R"({"url":")" + site.url() + R"("})").status == 403);
    // Bad input, with the reason.
    const auto bad_url = api(*relay, "POST", hooks, admin, R"({"url":"file:///etc/passwd"})");
    CHECK(bad_url.status == 400);
    CHECK(body_of(bad_url)["detail"].get<std::string>().rfind("url: ", 0) == 0);
    const auto bad_type = api(*relay, "POST", hooks, admin, R"({"url":")" + site.url() + R"(","events":["nope"]})");
    CHECK(bad_type.status == 400);
    CHECK(body_of(bad_type)["detail"].get<std::string>().find("unknown event type 'nope'") != std::string::npos);
    CHECK(api(*relay, "POST", hooks, admin, R"({"url":")" + site.url() + R"(","events":"*"})").status == 400);

    // Subscribe: the secret comes once, in the create's answer.
    const auto made = api(*relay, "POST", hooks, admin,
                           R"({"url":")" + site.url() + R"(","events":["conversation.created","message.created"]})");
    REQUIRE(made.status == 201);
    const auto sub = body_of(made);
    const std::string id = sub["id"], secret = sub["secret"];
    CHECK(secret.rfind("whsec_", 0) == 0);
    const auto listed = body_of(api(*relay, "GET", hooks, admin));
    REQUIRE(listed["items"].size() == 1);
    CHECK(listed["items"][0]["id"] == id);
    CHECK(listed["items"][0]["events"] == nlohmann::json({"conversation.created", "message.created"}));
    CHECK_FALSE(listed["items"][0].contains("secret"));
    CHECK(relay->command("--list-webhooks", false).out.find(id) != std::string::npos);  // the CLI sees it

    // The receiver fails: both events of a conversation become dead letters.
    Visitor v;
    v.start(*relay);
    v.say();
    nlohmann::json dead;
    REQUIRE(wait_until([&] {
        dead = body_of(api(*relay, "GET", hooks + "/dead-letters?subscription=" + id, admin))["items"];
        return dead.size() == 2;
    }, 10000));
    CHECK(dead[0]["type"] == "conversation.created");
    CHECK(dead[0]["conversation"] == v.conv);
    CHECK(dead[0]["attempts"] == 2);
    CHECK_FALSE(dead[0]["last_error"].get<std::string>().empty());
    CHECK(api(*relay, "GET", hooks + "/dead-letters?subscription=wh_nothing", admin).status == 404);

    // Replay one, then the rest: each arrives once, signed with the subscription's secret, in order.
    site.set_mode(WebhookReceiver::Mode::ok);
    const auto one = api(*relay, "POST", hooks + "/dead-letters/" + std::to_string(dead[0]["id"].get<long>()) + "/replay", admin);
    REQUIRE(one.status == 200);
    CHECK(api(*relay, "POST", hooks + "/dead-letters/" + std::to_string(dead[0]["id"].get<long>()) + "/replay", admin).status == 404);
    CHECK(api(*relay, "POST", hooks + "/dead-letters/x1/replay", admin).status == 400);
    const auto rest = api(*relay, "POST", hooks + "/" + id + "/replay-dead", admin);
    REQUIRE(rest.status == 200);
    CHECK(body_of(rest)["replayed"] == 1);
    REQUIRE(wait_until([&] { return site.accepted().size() == 2; }, 10000));
    for (const WebhookRequestSeen& r : site.accepted()) CHECK(signature_valid(secret, r));
    CHECK(nlohmann::json::parse(site.accepted()[0].body)["type"] == "conversation.created");
    CHECK(nlohmann::json::parse(site.accepted()[1].body)["type"] == "message.created");

    // Disabled, it is sent nothing and nothing is queued for it (as --list-webhooks shows
    // "(disabled)"); enabled again, the next event comes.
    const auto paused = api(*relay, "POST", hooks + "/" + id + "/disable", admin);
    REQUIRE(paused.status == 200);
    CHECK(body_of(paused)["enabled"] == false);
    v.say();  // message 2
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    CHECK(body_of(api(*relay, "GET", hooks, admin))["pending"] == 0);
    CHECK(site.accepted().size() == 2);
    CHECK(body_of(api(*relay, "POST", hooks + "/" + id + "/enable", admin))["enabled"] == true);
    v.say();  // message 3
    REQUIRE(wait_until([&] { return site.accepted().size() == 3; }, 10000));
    CHECK(nlohmann::json::parse(site.accepted()[2].body)["data"]["message"]["seq"] == 3);
    CHECK(api(*relay, "POST", hooks + "/wh_nothing/enable", admin).status == 404);

    // Removed: gone for the API and the CLI; a second removal is 404.
    CHECK(api(*relay, "DELETE", hooks + "/" + id, admin).status == 204);
    CHECK(api(*relay, "DELETE", hooks + "/" + id, admin).status == 404);
    CHECK(body_of(api(*relay, "GET", hooks, admin))["items"].empty());
    CHECK(relay->command("--list-webhooks", false).out.find("no webhooks") != std::string::npos);
}
