#include "net/log_sink.hpp"

#include <libwebsockets.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>

#include "core/log_throttle.hpp"

namespace parley::relay {

namespace {

std::atomic<bool> g_json{false};
std::atomic<int> g_level{static_cast<int>(LogLevel::notice)};

int lws_level_of(LogLevel level) {
    switch (level) {
    case LogLevel::error: return LLL_ERR;
    case LogLevel::warn: return LLL_WARN;
    case LogLevel::notice: return LLL_NOTICE;
    default: return LLL_INFO;
    }
}

std::int64_t steady_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}
std::int64_t wall_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

void configure_logs(LogFormat format, LogLevel level) {
    g_json = format == LogFormat::json || (format == LogFormat::auto_detect && !isatty(STDERR_FILENO));
    g_level = static_cast<int>(level);
}

bool logs_are_json() { return g_json; }

void set_log_level(LogLevel level) {
    g_level = static_cast<int>(level);
    lws_set_log_level(lws_log_mask(), lws_log_sink);
}
bool log_enabled(LogLevel level) { return static_cast<int>(level) <= g_level; }

void log_event(LogLevel level, std::string event, std::vector<LogField> fields, std::string msg, bool always) {
    if (!always && !log_enabled(level)) return;
    // Locked: lwsl_* may be called from a worker thread too.
    static std::mutex lock;
    static LogThrottle throttle;
    // The last line admitted: a "(repeated N times)" report is of it, so it is written
    // with its level and event, whichever line carries the report out.
    static LogLevel last_level = LogLevel::notice;
    static std::string last_event;
    const std::lock_guard<std::mutex> hold(lock);
    const std::string own = LogThrottle::escape(msg);
    for (std::string& out : throttle.admit(msg, steady_ms())) {
        LogRecord record;
        record.time_ms = wall_ms();
        if (out == own) {
            record.level = level;
            record.event = event;
            record.fields = fields;
        } else if (!out.empty() && out.front() == '(') {  // "(N log lines suppressed)"
            record.level = LogLevel::warn;
            record.event = "log_throttled";
        } else {  // "<the last line> (repeated N times)"
            record.level = last_level;
            record.event = last_event.empty() ? "log_repeated" : last_event;
        }
        record.msg = std::move(out);
        if (g_json) {
            const std::string line = format_json(record);
            std::fprintf(stderr, "%s\n", line.c_str());
        } else {
            char stamp[64] = "";
            lwsl_timestamp(lws_level_of(record.level), stamp, sizeof stamp);
            std::fprintf(stderr, "%s%s\n", stamp, record.msg.c_str());
        }
    }
    last_level = level;
    last_event = std::move(event);
    std::fflush(stderr);
}

int lws_log_mask() {
    int mask = LLL_ERR | LLL_WARN;
    if (log_enabled(LogLevel::debug)) mask |= LLL_NOTICE | LLL_INFO | LLL_DEBUG | LLL_CLIENT;
    return mask;
}

void lws_log_sink(int lws_level, const char* line) {
    const LogLevel told = lws_level & LLL_ERR    ? LogLevel::error
                          : lws_level & LLL_WARN ? LogLevel::warn
                                                 : LogLevel::debug;
    std::string msg(line ? line : "");
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == '\r')) msg.pop_back();
    const KnownMessage known = event_of_message(msg, told);
    log_event(known.level, std::string(known.event), {}, std::move(msg));
}

}  // namespace parley::relay
