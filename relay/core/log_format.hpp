// LogFormat: how one log record becomes one line (issue 18). Pure: the time comes in,
// the line comes out; net/log_sink.cpp feeds it what LogThrottle admits.
//
//   text   "<lws timestamp><msg>", as the relay always wrote (the sink adds the stamp)
//   json   one RFC 8259 object per line:
//            {"time":"2026-12-07T13:14:06.123Z","level":"warn","event":"origin_refused",
//             <fields>,"msg":"refusing a WebSocket from origin https://x.example"}
//          every string goes through nlohmann::json's dump with invalid UTF-8 replaced
//          (U+FFFD), so quotes, backslashes and control characters in a value a client
//          chose (an Origin header) are escaped: it can neither end the line nor forge a
//          field. Fields carry ids and addresses only: never a message text, a token, a
//          password or a visitor's name (the callers' rule; docs/operations.md "Logs").
//
// The event of a line written through libwebsockets' log (lwsl_warn etc.) is found from
// the start of its text (event_of_message): the relay's messages stay printf-style, and
// a line no prefix knows is "lws" (libwebsockets' own).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parley::relay {

enum class LogLevel { error, warn, notice, info, debug };
enum class LogFormat { auto_detect, json, text };

std::optional<LogLevel> parse_log_level(std::string_view name);
std::optional<LogFormat> parse_log_format(std::string_view name);
const char* log_level_name(LogLevel level);

struct LogField {
    std::string key;
    std::string value;
    bool number = false;  // written bare (the caller made `value` from an integer)
};

struct LogRecord {
    std::int64_t time_ms = 0;  // since the Unix epoch
    LogLevel level = LogLevel::notice;
    std::string event;         // stable snake_case
    std::vector<LogField> fields;
    std::string msg;           // the human text
};

// "YYYY-MM-DDTHH:MM:SS.mmmZ".
std::string rfc3339_utc_ms(std::int64_t time_ms);

// One JSON object, without the newline.
std::string format_json(const LogRecord& record);

// A line from libwebsockets' log: its event, and the level the relay gives it (some
// lines the relay writes with lwsl_warn are notices: the web root, the TLS certificate).
struct KnownMessage {
    std::string_view event;
    LogLevel level;
};
KnownMessage event_of_message(std::string_view msg, LogLevel lws_level);

}  // namespace parley::relay
