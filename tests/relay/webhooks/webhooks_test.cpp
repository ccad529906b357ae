// Webhooks out (issue 18): the signature against the Standard Webhooks spec's published
// test vector, the retry schedule, the queue's per-conversation lines on the real SQLite
// store, and what a routing event turns into.
#include <catch2/catch.hpp>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>

#include "store/sqlite_store.hpp"
#include "support/deterministic_random.hpp"
#include "support/store_backends.hpp"
#include "webhooks/webhook_payload.hpp"
#include "webhooks/webhook_retry.hpp"
#include "webhooks/webhook_sender.hpp"
#include "webhooks/webhook_signature.hpp"

using namespace parley::relay;
using namespace parley::relay::test;

TEST_CASE("a webhook signature reproduces the Standard Webhooks test vector", "[webhooks]") {
    // From the specification's reference implementations (standard-webhooks, svix).
    auto key = webhook_secret_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    REQUIRE(key);
    CHECK(webhook_signature(key.value(), "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, R"({"test": 2432232314})") ==
          "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    SECTION("the whsec_ prefix is optional, as in receivers' libraries") {
        CHECK(webhook_secret_key("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").value() == key.value());
    }
    SECTION("a secret that is not base64 is refused") {
        CHECK_FALSE(webhook_secret_key("whsec_not base64!"));
        CHECK_FALSE(webhook_secret_key("whsec_"));
    }
}

TEST_CASE("a new webhook secret is whsec_ and the base64 of 24 random bytes", "[webhooks]") {
    DeterministicRandom random;
    const std::string secret = new_webhook_secret(random);
    CHECK(secret.rfind("whsec_", 0) == 0);
    CHECK(webhook_secret_key(secret).value().size() == kWebhookSecretBytes);
    CHECK(new_webhook_secret(random) != secret);
}

TEST_CASE("failed deliveries are retried on the schedule, jittered, then dead-lettered", "[webhooks]") {
    WebhookRetryPolicy p;
    SECTION("the default schedule grows from 5 s and is capped at 8 h") {
        CHECK(webhook_retry_delay(p, 1, 0.5).value() == 5'000);
        CHECK(webhook_retry_delay(p, 2, 0.5).value() == 30'000);
        CHECK(webhook_retry_delay(p, 3, 0.5).value() == 120'000);
        CHECK(webhook_retry_delay(p, 9, 0.5).value() == 28'800'000);
        CHECK_FALSE(webhook_retry_delay(p, 10, 0.5));  // the 10th attempt failed: dead
    }
    SECTION("jitter keeps each delay within 20 % of the schedule's") {
        CHECK(webhook_retry_delay(p, 1, 0.0).value() == 4'000);
        CHECK(webhook_retry_delay(p, 1, 0.99999).value() <= 6'000);
        CHECK(webhook_retry_delay(p, 1, 0.99999).value() > 5'900);
    }
    SECTION("the last delay repeats until the attempt limit") {
        p.delays_ms = {100, 200};
        p.max_attempts = 5;
        CHECK(webhook_retry_delay(p, 3, 0.5).value() == 200);
        CHECK(webhook_retry_delay(p, 4, 0.5).value() == 200);
        CHECK_FALSE(webhook_retry_delay(p, 5, 0.5));
    }
    SECTION("a schedule is written with units") {
        CHECK(parse_webhook_backoff("5s,30s,2m,1h,50ms").value() ==
              std::vector<std::int64_t>{5'000, 30'000, 120'000, 3'600'000, 50});
        CHECK_FALSE(parse_webhook_backoff(""));
        CHECK_FALSE(parse_webhook_backoff("5"));
        CHECK_FALSE(parse_webhook_backoff("5s,,1m"));
        CHECK_FALSE(parse_webhook_backoff("0s"));
        CHECK_FALSE(parse_webhook_backoff("25h"));
        CHECK(parse_webhook_backoff("5x").error().detail.find("ms, s, m or h") != std::string::npos);
    }
}

namespace {

WebhookEvent event(const std::string& id, const std::string& type, const std::string& conv, std::int64_t ts) {
    return {id, type, conv, ts, "{\"type\":\"" + type + "\"}"};
}

std::vector<std::string> due_ids(WebhookStore& w, std::int64_t now) {
    std::vector<std::string> out;
    const auto due = w.due(now, 100);  // kept: a range-for over .value() of a temporary dangles
    for (const WebhookDelivery& d : due.value()) out.push_back(d.event.event_id);
    return out;
}

}  // namespace

TEST_CASE("the webhook queue delivers each conversation's events one at a time, in order", "[webhooks]") {
    TempDir dir;
    auto store = SqliteStore::open(dir.file("parley.db"));
    REQUIRE(store);
    WebhookStore& w = *store.value()->webhooks();
    REQUIRE(w.add_subscription({"wh_1", "https://example.com/hook", {"*"}, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                                true, 1}));
    REQUIRE(w.enqueue(event("a1", "message.created", "c_a", 10)));
    REQUIRE(w.enqueue(event("a2", "message.created", "c_a", 11)));
    REQUIRE(w.enqueue(event("b1", "message.created", "c_b", 12)));
    auto id_of = [&](const std::string& event_id) {
        const auto due = w.due(1'000, 100);
        for (const WebhookDelivery& d : due.value())
            if (d.event.event_id == event_id) return d.id;
        return std::int64_t{0};
    };

    // Only the head of each line is due, and not before its time.
    CHECK(due_ids(w, 9).empty());
    CHECK(due_ids(w, 100) == std::vector<std::string>{"a1", "b1"});
    CHECK(w.queue_length().value() == 3);

    SECTION("a retried head holds its conversation back, not the others") {
        REQUIRE(w.retry_later(id_of("a1"), 1, 5'000, "HTTP 500"));
        CHECK(due_ids(w, 1'000) == std::vector<std::string>{"b1"});
        CHECK(due_ids(w, 5'000) == std::vector<std::string>{"a1", "b1"});
    }
    SECTION("a delivered head lets the next of its conversation go") {
        REQUIRE(w.delivered(id_of("a1")));
        CHECK(due_ids(w, 1'000) == std::vector<std::string>{"a2", "b1"});
        CHECK(w.queue_length().value() == 2);
    }
    SECTION("a dead letter lets the next go, and a replay goes to the end of its line") {
        const std::int64_t a1 = id_of("a1");
        REQUIRE(w.dead(a1, 10, "HTTP 500"));
        CHECK(due_ids(w, 1'000) == std::vector<std::string>{"a2", "b1"});
        auto dead = w.dead_letters("", 10).value();
        REQUIRE(dead.size() == 1);
        CHECK(dead[0].event.event_id == "a1");
        CHECK(dead[0].attempts == 10);
        CHECK(dead[0].last_error == "HTTP 500");
        auto replayed = w.replay(a1, 2'000);
        REQUIRE(replayed);
        REQUIRE(replayed.value());
        CHECK(w.dead_letters("", 10).value().empty());
        CHECK(due_ids(w, 2'000) == std::vector<std::string>{"a2", "b1"});  // a1 waits behind a2 now
        REQUIRE(w.delivered(id_of("a2")));
        CHECK(due_ids(w, 2'000) == std::vector<std::string>{"b1", "a1"});
        CHECK_FALSE(w.replay(a1, 2'000).value());  // no dead delivery of that id any more
    }
    SECTION("removing the subscription drops its deliveries") {
        REQUIRE(w.remove_subscription("wh_1").value());
        CHECK(w.queue_length().value() == 0);
        CHECK_FALSE(w.remove_subscription("wh_1").value());
    }
    SECTION("a disabled subscription gets nothing new and sends nothing") {
        REQUIRE(w.set_subscription_enabled("wh_1", false).value());
        REQUIRE(w.enqueue(event("a3", "message.created", "c_a", 13)));
        CHECK(w.queue_length().value() == 3);
        CHECK(due_ids(w, 1'000).empty());
    }
}

TEST_CASE("an event goes only to the subscriptions that asked for its type", "[webhooks]") {
    TempDir dir;
    auto store = SqliteStore::open(dir.file("parley.db"));
    REQUIRE(store);
    WebhookStore& w = *store.value()->webhooks();
    REQUIRE(w.add_subscription({"wh_csat", "https://a.example/", {"csat.given", "conversation.closed"}, "whsec_AAAA",
                                true, 1}));
    REQUIRE(w.add_subscription({"wh_all", "https://b.example/", {"*"}, "whsec_AAAA", true, 2}));
    REQUIRE(w.enqueue(event("m1", "message.created", "c_1", 1)));
    REQUIRE(w.enqueue(event("s1", "csat.given", "c_1", 2)));
    std::vector<std::pair<std::string, std::string>> got;
    const auto due = w.due(10, 100);
    for (const auto& d : due.value()) got.emplace_back(d.subscription, d.event.event_id);
    // wh_all's line of c_1 is m1 then s1; wh_csat's holds s1 alone.
    CHECK(got == std::vector<std::pair<std::string, std::string>>{{"wh_all", "m1"}, {"wh_csat", "s1"}});
    const auto subs = w.list_subscriptions().value();
    REQUIRE(subs.size() == 2);
    CHECK(subs[0].events == std::vector<std::string>{"csat.given", "conversation.closed"});
}

TEST_CASE("with thousands pending, due gives each line's next delivery, in order, each once", "[webhooks]") {
    // A model of the lines beside the real store: whatever due() returns must be the
    // front of its line, never a second of a line in flight, and every event must end
    // delivered or dead exactly once — through retries, dead letters and events that
    // keep arriving while the backlog drains (heads kept in memory, store/webhook_line_heads.hpp).
    TempDir dir;
    auto store = SqliteStore::open(dir.file("parley.db"));
    REQUIRE(store);
    WebhookStore& w = *store.value()->webhooks();
    REQUIRE(w.add_subscription({"wh_1", "https://a.example/", {"*"}, "whsec_AAAA", true, 1}));
    REQUIRE(w.add_subscription({"wh_2", "https://b.example/", {"message.created"}, "whsec_AAAA", true, 2}));
    std::uint32_t seed = 12345;
    auto next = [&seed](std::uint32_t n) {  // a fixed pseudo-random sequence
        seed = seed * 1'103'515'245u + 12'345u;
        return (seed >> 8) % n;
    };
    std::map<std::pair<std::string, std::string>, std::deque<std::string>> lines;  // (sub, conv) → event ids
    int made = 0;
    std::int64_t now = 1'000;
    auto enqueue_one = [&] {
        const std::string conv = "c_" + std::to_string(next(40));
        const std::string type = next(4) == 0 ? "csat.given" : "message.created";
        const std::string id = "e" + std::to_string(made++);
        REQUIRE(w.enqueue(event(id, type, conv, now)));
        lines[{"wh_1", conv}].push_back(id);
        if (type == "message.created") lines[{"wh_2", conv}].push_back(id);
    };
    // As in the relay, writes go in group-commit batches (one sync each) and due() runs
    // between them.
    SqliteStore& db = *store.value();
    auto fill = [&](int n) {
        REQUIRE(db.begin_batch());
        for (int i = 0; i < n; ++i) enqueue_one();
        REQUIRE(db.commit_batch());
    };
    SECTION("drained by a dispatcher's steps") {
        fill(2'000);
        REQUIRE(w.queue_length().value() > 3'000);
        std::map<std::int64_t, std::pair<std::string, std::string>> in_flight;  // delivery → line
        std::map<std::string, int> settled;  // "sub/event" → times delivered or dead
        for (int step = 0; step < 20'000 && w.queue_length().value() > 0; ++step) {
            const auto due = w.due(now, 8, [&](std::int64_t id) { return in_flight.count(id) != 0; });
            REQUIRE(due);
            for (const WebhookDelivery& d : due.value()) {
                const std::pair<std::string, std::string> line{d.subscription, d.event.conv};
                REQUIRE_FALSE(lines[line].empty());
                CHECK(d.event.event_id == lines[line].front());
                for (const auto& [id, l] : in_flight) CHECK(l != line);  // one at a time per line
                in_flight.emplace(d.id, line);
            }
            REQUIRE(db.begin_batch());
            if (step % 7 == 0 && made < 2'300) enqueue_one();
            std::vector<WebhookOutcome> outcomes;
            for (auto it = in_flight.begin(); it != in_flight.end();) {
                const std::uint32_t roll = next(10);
                if (roll >= 6) {  // still in flight
                    ++it;
                    continue;
                }
                if (roll == 0) {
                    outcomes.push_back(WebhookOutcome::retry(it->first, 1, now + 3, "HTTP 500"));
                } else {
                    outcomes.push_back(roll == 1 ? WebhookOutcome::dead(it->first, 10, "HTTP 500")
                                                 : WebhookOutcome::delivered(it->first));
                    auto& line = lines[it->second];
                    ++settled[it->second.first + "/" + line.front()];
                    line.pop_front();
                }
                it = in_flight.erase(it);
            }
            REQUIRE(w.settle(outcomes));
            REQUIRE(db.commit_batch());
            ++now;
        }
        CHECK(w.queue_length().value() == 0);
        std::size_t expected = 0;
        for (const auto& [line, left] : lines) CHECK(left.empty());
        for (const auto& [key, times] : settled) {
            CHECK(times == 1);
            ++expected;
        }
        CHECK(expected > 3'000);
        CHECK(w.due(now + 10'000, 100).value().empty());
    }
    SECTION("a reopened store finds the same heads") {
        fill(1'000);
        const auto before = w.due(now, 1'000).value();
        store.value().reset();
        auto again = SqliteStore::open(dir.file("parley.db"));
        REQUIRE(again);
        const auto after = again.value()->webhooks()->due(now, 1'000).value();
        REQUIRE(after.size() == before.size());
        CHECK(after.size() == lines.size());  // one head per line
        for (std::size_t i = 0; i < after.size(); ++i) {
            CHECK(after[i].id == before[i].id);
            CHECK(after[i].event.event_id == lines[{after[i].subscription, after[i].event.conv}].front());
        }
    }
}

TEST_CASE("outcomes settled in a group-commit batch are one transaction and survive a reopen", "[webhooks]") {
    TempDir dir;
    std::int64_t a1 = 0, b1 = 0, c1 = 0;
    {
        auto store = SqliteStore::open(dir.file("parley.db"));
        REQUIRE(store);
        WebhookStore& w = *store.value()->webhooks();
        REQUIRE(w.add_subscription({"wh_1", "https://a.example/", {"*"}, "whsec_AAAA", true, 1}));
        for (const char* conv : {"c_a", "c_b", "c_c"}) {
            REQUIRE(w.enqueue(event(std::string(conv + 2) + "1", "message.created", conv, 10)));
            REQUIRE(w.enqueue(event(std::string(conv + 2) + "2", "message.created", conv, 11)));
        }
        const auto due = w.due(100, 10).value();
        REQUIRE(due.size() == 3);
        a1 = due[0].id, b1 = due[1].id, c1 = due[2].id;
        REQUIRE(store.value()->begin_batch());
        REQUIRE(w.settle({WebhookOutcome::delivered(a1), WebhookOutcome::retry(b1, 1, 5'000, "HTTP 503"),
                          WebhookOutcome::dead(c1, 10, "HTTP 410")}));
        REQUIRE(store.value()->commit_batch());
        SECTION("an outcome of a delivery that is gone is passed over") {
            REQUIRE(w.settle({WebhookOutcome::delivered(a1), WebhookOutcome::dead(a1, 3, "late")}));
        }
    }
    auto store = SqliteStore::open(dir.file("parley.db"));
    REQUIRE(store);
    WebhookStore& w = *store.value()->webhooks();
    CHECK(due_ids(w, 100) == std::vector<std::string>{"a2", "c2"});  // b1 waits for its retry
    CHECK(due_ids(w, 5'000) == std::vector<std::string>{"a2", "b1", "c2"});
    const auto dead = w.dead_letters("", 10).value();
    REQUIRE(dead.size() == 1);
    CHECK(dead[0].id == c1);
    CHECK(dead[0].last_error == "HTTP 410");
    CHECK(w.queue_length().value() == 4);
}

TEST_CASE("another connection's replay, disable or removal is seen by the next due", "[webhooks]") {
    // The CLI writes beside a running relay (docs/webhooks.md): the relay's heads in
    // memory must not hide what it added or keep what it took away.
    TempDir dir;
    auto relay = SqliteStore::open(dir.file("parley.db"));
    REQUIRE(relay);
    WebhookStore& w = *relay.value()->webhooks();
    REQUIRE(w.add_subscription({"wh_1", "https://a.example/", {"*"}, "whsec_AAAA", true, 1}));
    REQUIRE(w.enqueue(event("a1", "message.created", "c_a", 10)));
    REQUIRE(w.enqueue(event("b1", "message.created", "c_b", 10)));
    const std::int64_t a1 = w.due(100, 10).value().at(0).id;
    REQUIRE(w.dead(a1, 10, "HTTP 500"));
    CHECK(due_ids(w, 100) == std::vector<std::string>{"b1"});  // c_a's line has nothing pending
    auto cli = SqliteStore::open(dir.file("parley.db"));
    REQUIRE(cli);
    WebhookStore& other = *cli.value()->webhooks();
    SECTION("a replayed dead letter goes out") {
        REQUIRE(other.replay(a1, 200).value());
        CHECK(due_ids(w, 200) == std::vector<std::string>{"b1", "a1"});
    }
    SECTION("a disabled subscription sends nothing, and again once enabled") {
        REQUIRE(other.set_subscription_enabled("wh_1", false).value());
        CHECK(due_ids(w, 200).empty());
        REQUIRE(other.set_subscription_enabled("wh_1", true).value());
        CHECK(due_ids(w, 200) == std::vector<std::string>{"b1"});
    }
    SECTION("a removed subscription sends nothing") {
        REQUIRE(other.remove_subscription("wh_1").value());
        CHECK(due_ids(w, 200).empty());
    }
}

TEST_CASE("routing events become webhook events with ids and labels only", "[webhooks]") {
    auto data = [](const WebhookNotice& n) { return nlohmann::json::parse(n.data); };
    SECTION("a handoff for want of an answer is a knowledge gap too") {
        auto n = notices_of_event({0, 5, "c_1", "handoff", "billing", "", "kb_miss", ""});
        REQUIRE(n.size() == 2);
        CHECK(n[0].type == "bot.handoff");
        CHECK(data(n[0]) == nlohmann::json{{"conversation_id", "c_1"}, {"reason", "kb_miss"}, {"team", "billing"}});
        CHECK(n[1].type == "bot.knowledge_gap");
        CHECK(notices_of_event({0, 5, "c_1", "handoff", "", "", "asks_human", ""}).size() == 1);
    }
    SECTION("csat, assignment, transfer and close") {
        CHECK(data(notices_of_event({0, 5, "c_1", "csat", "t", "a_1", "4", ""})[0])["score"] == 4);
        CHECK(notices_of_event({0, 5, "c_1", "assigned", "t", "a_1", "new", ""})[0].type == "conversation.assigned");
        CHECK(notices_of_event({0, 5, "c_1", "transferred", "t", "a_2", "a_1", ""})[0].type ==
              "conversation.transferred");
        CHECK(data(notices_of_event({0, 5, "c_1", "closed", "", "a_1", "agent", ""})[0])["closed_by"] == "agent");
    }
    SECTION("steps that are no webhook event give none") {
        CHECK(notices_of_event({0, 5, "c_1", "queued", "t", "", "", ""}).empty());
        CHECK(notices_of_event({0, 5, "c_1", "opened", "", "", "humans", ""}).empty());
    }
    SECTION("the body is Standard Webhooks' {type, timestamp, data}") {
        const std::string body = webhook_body({"csat.given", "{\"score\":5}"}, 1'614'265'330'123);
        CHECK(body == R"({"type":"csat.given","timestamp":"2021-02-25T15:02:10.123Z","data":{"score":5}})");
    }
}

TEST_CASE("message.created's data is byte for byte what an nlohmann tree dumps", "[webhooks]") {
    // message_created writes its JSON directly (issue 18's overhead); receivers must get
    // the same bytes as from the tree it replaced: keys sorted, dump()'s escapes.
    auto tree = [](const parley::protocol::Message& m) {
        nlohmann::json message{{"seq", m.seq},
                               {"cid", m.cid},
                               {"created_at", iso_timestamp(m.ts)},
                               {"from", {{"role", m.from.role}, {"id", m.from.id}, {"name", m.from.name}}},
                               {"text", m.text},
                               {"internal", m.internal}};
        if (m.meta) message["intent"] = m.meta->intent;
        return nlohmann::json{{"conversation_id", m.conv}, {"message", message}}.dump();
    };
    parley::protocol::Message m{"c_1", 42, "f1.7", 1'614'265'330'123, {"visitor", "v_1", "Zo\u00eb \"Z\""}, ""};
    m.text = GENERATE(std::string("hello"), std::string("quotes \" and \\ and \n\t\r\b\f \x01\x1f\x7f"),
                      std::string("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), std::string(""));
    m.internal = GENERATE(false, true);
    const bool with_meta = GENERATE(false, true);
    if (with_meta) m.meta = parley::protocol::Meta{"billing", 0.5, {}};
    CAPTURE(m.text, m.internal, with_meta);
    const WebhookNotice n = message_created(m);
    CHECK(n.type == "message.created");
    CHECK(n.data == tree(m));
}

TEST_CASE("a webhook URL is http or https with a host", "[webhooks]") {
    CHECK(webhook_url_problem("https://example.com/hook").empty());
    CHECK(webhook_url_problem("http://10.0.0.1:8080/x").empty());
    CHECK_FALSE(webhook_url_problem("file:///etc/passwd").empty());
    CHECK_FALSE(webhook_url_problem("gopher://example.com/").empty());
    CHECK_FALSE(webhook_url_problem("https:///nohost").empty());
    CHECK_FALSE(webhook_url_problem("https://exa mple.com/").empty());
}
