#include "core/log_throttle.hpp"

namespace parley::relay {

std::string LogThrottle::escape(std::string_view line) {
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    static const char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(line.size());
    for (char ch : line) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == 0x7f) {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += ch;
        }
    }
    return out;
}

void LogThrottle::emit(std::string line, std::int64_t now_ms, std::vector<std::string>& out) {
    if (budget_.take(now_ms, config_.rate, config_.burst) != 0) {
        ++suppressed_;
        return;
    }
    if (suppressed_ > 0) {
        // The report rides on this line's token: it replaces a line, never adds one.
        out.push_back("(" + std::to_string(suppressed_) + " log lines suppressed)");
        suppressed_ = 0;
    }
    out.push_back(std::move(line));
}

std::vector<std::string> LogThrottle::admit(std::string_view raw, std::int64_t now_ms) {
    std::vector<std::string> out;
    std::string line = escape(raw);
    if (line == last_ && !last_.empty()) {
        ++repeats_;
        if (now_ms - repeat_since_ >= config_.repeat_window_ms) {
            emit(last_ + " (repeated " + std::to_string(repeats_) + " times)", now_ms, out);
            repeats_ = 0;
            repeat_since_ = now_ms;
        }
        return out;
    }
    if (repeats_ > 0) emit(last_ + " (repeated " + std::to_string(repeats_) + " times)", now_ms, out);
    repeats_ = 0;
    repeat_since_ = now_ms;
    last_ = line;
    emit(std::move(line), now_ms, out);
    return out;
}

}  // namespace parley::relay
