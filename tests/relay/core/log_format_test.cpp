// LogFormat (relay/core/log_format.hpp): each record is one JSON object on one line,
// whatever its values hold.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "core/log_format.hpp"

using namespace parley::relay;
using nlohmann::json;

namespace {
LogRecord record_with(std::vector<LogField> fields, std::string msg = "a message") {
    LogRecord r;
    r.time_ms = 1'796'652'846'123;  // 2026-12-07T14:14:06.123Z
    r.level = LogLevel::warn;
    r.event = "origin_refused";
    r.fields = std::move(fields);
    r.msg = std::move(msg);
    return r;
}
}  // namespace

TEST_CASE("a JSON log line carries time, level, event, its fields and msg, in that order", "[log_format]") {
    const std::string line = format_json(record_with(
        {{"conn", "42", true}, {"client", "203.0.113.9"}, {"duration_ms", "0.250", true}}, "refusing it"));
    CHECK(line ==
          R"({"time":"2026-12-07T14:14:06.123Z","level":"warn","event":"origin_refused","conn":42,)"
          R"("client":"203.0.113.9","duration_ms":0.250,"msg":"refusing it"})");
    const json j = json::parse(line);
    CHECK(j["conn"] == 42);
    CHECK(j["duration_ms"] == Approx(0.25));
}

TEST_CASE("the time is RFC 3339 UTC with milliseconds", "[log_format]") {
    CHECK(rfc3339_utc_ms(0) == "1970-01-01T00:00:00.000Z");
    CHECK(rfc3339_utc_ms(1'796'652'846'007) == "2026-12-07T14:14:06.007Z");
    CHECK(rfc3339_utc_ms(951'782'400'999) == "2000-02-29T00:00:00.999Z");
}

TEST_CASE("every level has its name, and the names parse back", "[log_format]") {
    for (const char* name : {"error", "warn", "notice", "info", "debug"}) {
        REQUIRE(parse_log_level(name));
        CHECK(std::string(log_level_name(*parse_log_level(name))) == name);
    }
    CHECK_FALSE(parse_log_level("verbose"));
    CHECK(parse_log_format("auto") == LogFormat::auto_detect);
    CHECK(parse_log_format("json") == LogFormat::json);
    CHECK(parse_log_format("text") == LogFormat::text);
    CHECK_FALSE(parse_log_format("xml"));
}

TEST_CASE("quotes, backslashes and control characters in a value are escaped per RFC 8259", "[log_format]") {
    const std::string line = format_json(record_with({{"origin", "a\"b\\c\td\x01\x7f"}}, "q\"\\"));
    CHECK(line.find(R"("origin":"a\"b\\c\td\u0001)") != std::string::npos);
    const json j = json::parse(line);
    CHECK(j["origin"] == "a\"b\\c\td\x01\x7f");
    CHECK(j["msg"] == "q\"\\");
}

TEST_CASE("a forged newline and field in a client's value stay inside one line", "[log_format]") {
    const std::string forged = "https://x.example\n{\"level\":\"error\",\"event\":\"forged\"}\r\n\",\"event\":\"forged";
    const std::string line = format_json(record_with({{"origin", forged}}, "refusing " + forged));
    CHECK(line.find('\n') == std::string::npos);
    CHECK(line.find('\r') == std::string::npos);
    const json j = json::parse(line);
    CHECK(j["event"] == "origin_refused");
    CHECK(j["level"] == "warn");
    CHECK(j["origin"] == forged);
    CHECK(j.size() == 5);
}

TEST_CASE("invalid UTF-8 in a value is replaced, and the line still parses", "[log_format]") {
    const std::string line = format_json(record_with({{"path", "/caf\xc3\xa9/\xff\xfe/\xc3"}}, "bad \xe2\x82"));
    const json j = json::parse(line);
    CHECK(j["path"] == "/caf\xc3\xa9/\xef\xbf\xbd\xef\xbf\xbd/\xef\xbf\xbd");
    CHECK(j["msg"].get<std::string>().rfind("bad ", 0) == 0);
}

TEST_CASE("a field cannot repeat or replace the record's own keys, nor pass text as a number", "[log_format]") {
    const std::string line = format_json(
        record_with({{"level", "debug"}, {"msg", "forged"}, {"conn", "1,\"x\":2", true}, {"n", ".5", true}}));
    const json j = json::parse(line);
    CHECK(j["level"] == "warn");
    CHECK(j["msg"] == "a message");
    CHECK(j["conn"] == "1,\"x\":2");
    CHECK(j["n"] == ".5");
    CHECK(j.size() == 6);
}

TEST_CASE("the relay's own libwebsockets lines get stable event names", "[log_format]") {
    CHECK(event_of_message("refusing a WebSocket from origin https://evil.example", LogLevel::warn).event ==
          "origin_refused");
    CHECK(event_of_message("closing a connection whose queue exceeded 1048576 bytes", LogLevel::warn).event ==
          "slow_consumer_closed");
    CHECK(event_of_message("commit failed: 1 batch(es) not stored since start", LogLevel::error).event ==
          "commit_failed");
    const KnownMessage web_root = event_of_message("web root /srv: 3 files, 100 bytes in memory", LogLevel::warn);
    CHECK(web_root.event == "web_root");
    CHECK(web_root.level == LogLevel::notice);
    CHECK(event_of_message("lws_create_context: something of lws's own", LogLevel::debug).event == "lws");
    // lws's echo of every refused upgrade would break the folding of a flood of them.
    CHECK(event_of_message("User code denied connection", LogLevel::warn).level == LogLevel::debug);
}
