#include "core/log_format.hpp"

#include <ctime>

#include <nlohmann/json.hpp>

namespace parley::relay {

std::optional<LogLevel> parse_log_level(std::string_view name) {
    if (name == "error") return LogLevel::error;
    if (name == "warn") return LogLevel::warn;
    if (name == "notice") return LogLevel::notice;
    if (name == "info") return LogLevel::info;
    if (name == "debug") return LogLevel::debug;
    return std::nullopt;
}

std::optional<LogFormat> parse_log_format(std::string_view name) {
    if (name == "auto") return LogFormat::auto_detect;
    if (name == "json") return LogFormat::json;
    if (name == "text") return LogFormat::text;
    return std::nullopt;
}

const char* log_level_name(LogLevel level) {
    switch (level) {
    case LogLevel::error: return "error";
    case LogLevel::warn: return "warn";
    case LogLevel::notice: return "notice";
    case LogLevel::info: return "info";
    case LogLevel::debug: return "debug";
    }
    return "notice";
}

std::string rfc3339_utc_ms(std::int64_t time_ms) {
    const std::time_t secs = static_cast<std::time_t>(time_ms >= 0 ? time_ms / 1000 : (time_ms - 999) / 1000);
    const int ms = static_cast<int>(time_ms - static_cast<std::int64_t>(secs) * 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char out[64];
    std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
    return out;
}

namespace {
// A JSON string literal: RFC 8259 escapes, invalid UTF-8 replaced by U+FFFD.
void put_string(std::string& out, std::string_view s) {
    out += nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}
// A JSON number as the callers write them: digits, at most one '.' between digits.
bool plain_number(std::string_view v) {
    if (v.empty() || v.front() == '.' || v.back() == '.') return false;
    int dots = 0;
    for (char c : v)
        if (c == '.') ++dots;
        else if (c < '0' || c > '9') return false;
    return dots <= 1;
}
}  // namespace

std::string format_json(const LogRecord& r) {
    // Written by hand in a fixed order (time, level, event, fields, msg) so lines read
    // alike; each piece is a literal or nlohmann's escaping of a string.
    std::string out = "{\"time\":\"" + rfc3339_utc_ms(r.time_ms) + "\",\"level\":\"" + log_level_name(r.level) +
                      "\",\"event\":";
    put_string(out, r.event);
    for (const LogField& f : r.fields) {
        if (f.key == "time" || f.key == "level" || f.key == "event" || f.key == "msg") continue;  // never twice
        out += ',';
        put_string(out, f.key);
        out += ':';
        if (f.number && plain_number(f.value)) out += f.value;
        else put_string(out, f.value);
    }
    out += ",\"msg\":";
    put_string(out, r.msg);
    out += '}';
    return out;
}

KnownMessage event_of_message(std::string_view msg, LogLevel lws_level) {
    struct Prefix {
        std::string_view start;
        std::string_view event;
        std::optional<LogLevel> level;  // nullopt: as libwebsockets was told
    };
    static const Prefix kPrefixes[] = {
        {"refusing a WebSocket from origin ", "origin_refused", std::nullopt},
        {"refusing a WebSocket upgrade without subprotocol", "upgrade_refused", std::nullopt},
        {"refusing a connection from ", "connection_refused", std::nullopt},
        {"closing a connection whose queue exceeded", "slow_consumer_closed", std::nullopt},
        {"closing a connection that read nothing", "stalled_connection_closed", std::nullopt},
        {"malformed X-Forwarded-For", "forwarded_for_malformed", std::nullopt},
        {"audit log:", "audit_write_failed", std::nullopt},
        {"commit failed", "commit_failed", std::nullopt},
        {"TLS reload failed", "tls_reload_failed", std::nullopt},
        {"TLS certificate reloaded", "tls_reloaded", LogLevel::notice},
        {"TLS certificate ", "tls_certificate", LogLevel::notice},
        {"web root ", "web_root", LogLevel::notice},
        {"open files limit ", "socket_limits", LogLevel::notice},  // the sockets it allows
        {"no libev event loop", "poll_fallback", std::nullopt},
        // lws's own word after each refused upgrade, which the relay's line says better.
        {"User code denied connection", "lws", LogLevel::debug},
    };
    for (const Prefix& p : kPrefixes)
        if (msg.substr(0, p.start.size()) == p.start) return {p.event, p.level.value_or(lws_level)};
    return {"lws", lws_level};
}

}  // namespace parley::relay
