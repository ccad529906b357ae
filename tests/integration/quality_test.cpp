// Quality flags (issue 18, docs/quality.md) against the real relay: a compliance word and
// a long wait in the queue are flagged as they happen, listed over the API, counted in
// /metrics, and reviewed once.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <thread>

#include "api_calls.hpp"
#include "http_get.hpp"
#include "protocol_peer.hpp"
#include "start_relay.hpp"

using namespace parley::test;

namespace {

nlohmann::json flags_of(const RelayProcess& relay, const std::string& key) {
    const auto r = api(relay, "GET", "/api/v1/flags", key);
    REQUIRE(r.status == 200);
    return body_of(r);
}

}  // namespace

TEST_CASE("A compliance word and a long queue wait are flagged, listed, counted and reviewed once",
          "[integration][quality]") {
    auto relay = start_relay({"--compliance-word", "chargeback", "--flag-wait-secs", "1", "--no-triage"});
    const std::string key = make_key(*relay, "lead", "write");

    ProtocolPeer visitor;
    REQUIRE(visitor.connect(relay->host(), relay->port()));
    auto welcome = visitor.hello_new_visitor();
    REQUIRE(welcome);
    const std::string conv = welcome->conv;
    REQUIRE(visitor.send({{"type", "send"}, {"conv", conv}, {"cid", "m1"}, {"text", "I will file a CHARGEBACK."}}));
    REQUIRE(visitor.wait_for([](const json& f) { return f["type"] == "ack"; }, 5000));

    // No agent is online: the conversation waits in the queue, and the relay looks at the
    // queues every 5 s.
    nlohmann::json page;
    for (int i = 0; i < 150; ++i) {
        page = flags_of(*relay, key);
        if (page["open"] == 2) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    INFO(page.dump());
    REQUIRE(page["open"] == 2);
    REQUIRE(page["items"].size() == 2);
    CHECK(page["items"][0]["kind"] == "long_wait");  // newest first
    CHECK(page["items"][1]["kind"] == "compliance");
    CHECK(page["items"][1]["detail"] == "visitor: chargeback");
    CHECK(page["items"][1]["conversation"] == conv);
    CHECK(page["items"][1]["seq"] == 1);

    const auto metrics = http_get(relay->port(), "/metrics").body;
    CHECK(metrics.find("parley_quality_flags_total{kind=\"compliance\"} 1") != std::string::npos);
    CHECK(metrics.find("parley_quality_flags_total{kind=\"long_wait\"} 1") != std::string::npos);

    const std::string review = "/api/v1/flags/" + std::to_string(page["items"][1]["id"].get<long>()) + "/review";
    CHECK(api(*relay, "POST", review, key).status == 200);
    CHECK(api(*relay, "POST", review, key).status == 409);
    CHECK(flags_of(*relay, key)["open"] == 1);
}
