// The relay's operations endpoints (issue 18, ops/ops_endpoints.hpp), over real HTTP
// from a real relay: /healthz and /readyz answer anyone, cheaply; /metrics is Prometheus
// text that counts what the relay did (connections, frames, stored messages, commits,
// refusals by code) and, with --metrics-allow, answers only the addresses named.
#include <catch2/catch.hpp>

#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <thread>

#include "http_get.hpp"
#include "protocol_peer.hpp"
#include "relay_process.hpp"

using namespace parley::test;

namespace {

RelayProcess started(std::vector<std::string> args = {}) {
    RelayOptions o;
    o.extra_args = std::move(args);
    return RelayProcess(o);
}

// "name{labels}" → value, for every sample line; fails the test on a line that is not
// the text format's.
std::map<std::string, double> samples(const std::string& text) {
    static const std::regex sample(R"(^([a-z_]+(\{[^}]*\})?) ([-+0-9.eE]+|\+Inf)$)");
    std::map<std::string, double> out;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        if (line.empty() || line[0] == '#') continue;
        std::smatch m;
        INFO(line);
        REQUIRE(std::regex_match(line, m, sample));
        out[m[1]] = m[3] == "+Inf" ? 1e308 : std::stod(m[3]);
    }
    return out;
}

std::map<std::string, double> scrape(const RelayProcess& relay) {
    const HttpResponse r = http_get(relay.port(), "/metrics");
    REQUIRE(r.status == 200);
    CHECK(r.head.find("content-type: text/plain; version=0.0.4") != std::string::npos);
    return samples(r.body);
}

}  // namespace

TEST_CASE("The relay answers /healthz and /readyz to anyone, and nothing else there", "[integration][ops]") {
    RelayProcess relay = started();
    REQUIRE(relay.start());

    const HttpResponse health = http_get(relay.port(), "/healthz");
    CHECK(health.status == 200);
    CHECK(health.body == "ok\n");
    CHECK(health.head.find("cache-control: no-store") != std::string::npos);

    const HttpResponse ready = http_get(relay.port(), "/readyz");
    CHECK(ready.status == 200);
    CHECK(ready.body == "ready\n");

    CHECK(http_request(relay.port(), "POST", "/healthz").status == 405);
    CHECK(http_get(relay.port(), "/healthz/extra").status == 404);
}

TEST_CASE("/metrics counts connections, frames, stored messages, commits and refusals", "[integration][ops]") {
    RelayProcess relay = started();
    REQUIRE(relay.start());

    auto before = scrape(relay);
    CHECK(before["parley_build_info{version=\"0.1.0\"}"] == 1);
    CHECK(before["parley_connections{role=\"visitor\"}"] == 0);
    CHECK(before["parley_messages_stored_total"] == 0);

    ProtocolPeer visitor;
    REQUIRE(visitor.connect(relay.host(), relay.port()));
    auto welcome = visitor.hello_new_visitor();
    REQUIRE(welcome);
    for (const char* cid : {"m1", "m2"}) {
        REQUIRE(visitor.send({{"type", "send"}, {"conv", welcome->conv}, {"cid", cid}, {"text", "Hello"}}));
        REQUIRE(visitor.wait_type("ack"));
    }
    // A resend of a stored message is acknowledged again but stores nothing new.
    REQUIRE(visitor.send({{"type", "send"}, {"conv", welcome->conv}, {"cid", "m1"}, {"text", "Hello"}}));
    REQUIRE(visitor.wait_type("ack"));
    // A send without its text: refused with 1004 (missing_field).
    REQUIRE(visitor.send({{"type", "send"}, {"conv", welcome->conv}, {"cid", "m3"}}));
    auto refused = visitor.wait_type("error");
    REQUIRE(refused);
    const int code = (*refused)["code"].get<int>();

    auto during = scrape(relay);
    CHECK(during["parley_connections{role=\"visitor\"}"] == 1);
    CHECK(during["parley_messages_stored_total"] == 2);
    CHECK(during["parley_messages_stored_by_role_total{role=\"visitor\"}"] == 2);
    // Each stored message was timed from its frame to its commit; the resend and the
    // refused send stored nothing and are not.
    CHECK(during["parley_ack_seconds_count"] == 2);
    CHECK(during["parley_ack_seconds_sum"] > 0);
    CHECK(during["parley_ack_seconds_bucket{le=\"+Inf\"}"] == 2);
    CHECK(during["parley_frames_received_total"] >= 5);  // hello, 3 sends, the bad one
    CHECK(during["parley_frames_sent_total"] >= 4);      // welcome, 3 acks, the error
    CHECK(during["parley_connections_opened_total"] == 1);
    CHECK(during["parley_commits_total"] >= 1);
    CHECK(during["parley_commit_seconds_count"] >= 1);
    CHECK(during["parley_commit_batch_messages_bucket{le=\"+Inf\"}"] >= 1);
    CHECK(during["parley_queued_conversations{team=\"general\"}"] >= 0);
    bool counted = false;
    for (const auto& [name, value] : during)
        if (name.rfind("parley_errors_sent_total{code=\"" + std::to_string(code) + "\"", 0) == 0)
            counted = value == 1;
    CHECK(counted);

    visitor.close();
    double open = 1;
    for (int i = 0; i < 50 && open != 0; ++i) {  // the close reaches the relay in a moment
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        open = scrape(relay)["parley_connections{role=\"visitor\"}"];
    }
    CHECK(open == 0);
}

TEST_CASE("--metrics-allow answers /metrics only to the networks named; health checks stay open",
          "[integration][ops]") {
    SECTION("a peer outside the networks gets 403") {
        RelayProcess relay = started({"--metrics-allow", "10.0.0.0/8"});
        REQUIRE(relay.start());
        const HttpResponse r = http_get(relay.port(), "/metrics");
        CHECK(r.status == 403);
        CHECK(r.body.find("--metrics-allow") != std::string::npos);
        CHECK(http_get(relay.port(), "/healthz").status == 200);
        CHECK(http_get(relay.port(), "/readyz").status == 200);
    }
    SECTION("a peer inside them gets the metrics") {
        RelayProcess relay = started({"--metrics-allow", "127.0.0.0/8", "--metrics-allow", "::1"});
        REQUIRE(relay.start());
        CHECK(http_get(relay.port(), "/metrics").status == 200);
    }
    SECTION("a value that is not an address or network is refused at start") {
        RelayProcess relay = started();
        const auto out = relay.command("--metrics-allow banana");
        CHECK(out.status == 2);
        CHECK(out.out.find("--metrics-allow needs an IPv4 or IPv6 address or network") != std::string::npos);
    }
}
