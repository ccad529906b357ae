// The relay's structured logs (issue 18, net/log_sink.hpp), from the real binary with
// --log-format json: every line of stderr one JSON object (stdout keeps its two plain
// lines for scripts), the listening event with its port, repeats folded, an
// access-log line per plain HTTP request at --log-level info (none at the default), a
// client's Origin header escaped into its field, and nothing a visitor wrote or was given
// (message text, name, token) in any line.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "http_get.hpp"
#include "protocol_peer.hpp"
#include "relay_process.hpp"

using namespace parley::test;
using nlohmann::json;

namespace {

// Every line of `log` (stdout and stderr together), parsed; fails the test on a line
// that is not one JSON object with the four fields every record has, but for the two
// plain lines of stdout that scripts wait for.
std::vector<json> records(const std::string& log) {
    std::vector<json> out;
    std::istringstream lines(log);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("parley-relay listening on http://127.0.0.1:", 0) == 0 || line == "parley-relay stopped")
            continue;
        INFO(line);
        const json j = json::parse(line, nullptr, false);
        REQUIRE(j.is_object());
        CHECK(j["time"].is_string());
        CHECK(j["level"].is_string());
        CHECK(j["event"].is_string());
        CHECK(j["msg"].is_string());
        out.push_back(j);
    }
    return out;
}

std::vector<json> events(const std::vector<json>& all, const std::string& event) {
    std::vector<json> out;
    for (const json& j : all)
        if (j.value("event", "") == event) out.push_back(j);
    return out;
}

}  // namespace

TEST_CASE("With --log-format json every line the relay writes is one JSON object, and none holds what a visitor "
          "wrote",
          "[integration][logs]") {
    RelayOptions o;
    o.extra_args = {"--log-format", "json", "--log-level", "info"};
    RelayProcess relay(o);
    const auto started = relay.start();
    INFO(started.detail);
    REQUIRE(started.ok);


    // A refused origin whose value tries to close the string and forge a field, four
    // times: the log folds the repeats, and reports them when the next line comes.
    const std::string forged_origin = "http://evil.example\",\"event\":\"forged";
    for (int i = 0; i < 4; ++i) {
        ProtocolPeer refused;
        (void)refused.connect(relay.host(), relay.port(), forged_origin);
    }

    // An access-log line: the path without its query string.
    REQUIRE(http_get(relay.port(), "/healthz?token=zqx-query-secret").status == 200);

    // A visitor's session: a name, a message, a token.
    std::string token;
    {
        ProtocolPeer visitor;
        REQUIRE(visitor.connect(relay.host(), relay.port()));
        REQUIRE(visitor.send({{"type", "hello"}, {"role", "visitor"}, {"name", "Zebulon Quixote"}}));
        auto welcome = visitor.wait_type("welcome");
        REQUIRE(welcome);
        token = (*welcome)["token"];
        REQUIRE(visitor.send({{"type", "send"}, {"conv", (*welcome)["conv"]}, {"cid", "m1"},
                              {"text", "zqx private detail"}}));
        REQUIRE(visitor.wait_type("ack"));
        visitor.close();
    }
    REQUIRE(relay.stop());

    const std::string log = relay.log();
    INFO(log);
    const std::vector<json> all = records(log);

    const auto listening = events(all, "listening");
    REQUIRE(listening.size() == 1);
    CHECK(listening[0]["port"] == relay.port());
    CHECK(listening[0]["level"] == "notice");

    const auto requests = events(all, "http_request");
    REQUIRE(requests.size() == 1);
    CHECK(requests[0]["level"] == "info");
    CHECK(requests[0]["method"] == "GET");
    CHECK(requests[0]["path"] == "/healthz");
    CHECK(requests[0]["status"] == 200);
    CHECK(requests[0]["bytes"] == 3);
    CHECK(requests[0]["duration_ms"].is_number());
    CHECK(requests[0]["client"] == "127.0.0.1");

    const auto refusals = events(all, "origin_refused");
    REQUIRE(refusals.size() == 2);
    CHECK(refusals[0]["level"] == "warn");
    CHECK(refusals[0]["origin"] == forged_origin);
    CHECK(refusals[0]["msg"] == "refusing a WebSocket from origin " + forged_origin);
    CHECK(refusals[1]["level"] == "warn");
    CHECK(refusals[1]["msg"] == "refusing a WebSocket from origin " + forged_origin + " (repeated 3 times)");
    CHECK(events(all, "forged").empty());

    CHECK(events(all, "stopped").size() == 1);
    REQUIRE(token.size() > 8);
    for (const std::string& secret : {std::string("zqx"), std::string("Zebulon"), token})
        CHECK(log.find(secret) == std::string::npos);
}

TEST_CASE("At the default log level the relay writes no access log", "[integration][logs]") {
    RelayOptions o;
    o.extra_args = {"--log-format", "json"};
    RelayProcess relay(o);
    REQUIRE(relay.start().ok);
    REQUIRE(http_get(relay.port(), "/healthz").status == 200);
    REQUIRE(http_get(relay.port(), "/metrics").status == 200);
    REQUIRE(relay.stop());
    const std::vector<json> all = records(relay.log());
    CHECK(events(all, "listening").size() == 1);
    CHECK(events(all, "http_request").empty());
}

TEST_CASE("--log-level error keeps warnings out of the log, but not the listening event", "[integration][logs]") {
    RelayOptions o;
    o.extra_args = {"--log-format", "json", "--log-level", "error"};
    RelayProcess relay(o);
    REQUIRE(relay.start().ok);
    {
        ProtocolPeer refused;
        (void)refused.connect(relay.host(), relay.port(), "http://evil.example");
    }
    REQUIRE(relay.stop());
    const std::vector<json> all = records(relay.log());
    CHECK(events(all, "listening").size() == 1);
    CHECK(events(all, "stopped").size() == 1);
    CHECK(events(all, "origin_refused").empty());
    CHECK(events(all, "open_files_limit").empty());
}

TEST_CASE("A log format or level the relay does not know stops it with the values it takes", "[integration][logs]") {
    RelayProcess relay;
    const auto format = relay.command("--log-format xml");
    CHECK(format.status != 0);
    CHECK(format.out.find("needs auto, json or text, not 'xml'") != std::string::npos);
    const auto level = relay.command("--log-level verbose");
    CHECK(level.status != 0);
    CHECK(level.out.find("needs error, warn, notice, info or debug, not 'verbose'") != std::string::npos);
}
