#include "parley/native/url.hpp"

#include <cctype>

namespace parley::native {

namespace {

Error bad(std::string detail) { return Error{protocol::ErrorCode::bad_field, "url: " + std::move(detail), {}}; }

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

}  // namespace

std::string Url::str() const {
    const bool v6 = host.find(':') != std::string::npos;
    return std::string(tls ? "wss://" : "ws://") + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port) + path;
}

Result<Url> parse_url(std::string_view text) {
    if (text.size() > 2048) return bad("longer than 2048 bytes");
    for (unsigned char c : text)
        if (c <= 0x20 || c == 0x7f) return bad("contains a space or control character");
    Url url;
    if (starts_with(text, "wss://")) {
        url.tls = true;
        text.remove_prefix(6);
    } else if (starts_with(text, "ws://")) {
        text.remove_prefix(5);
    } else {
        return bad("scheme must be ws:// or wss://");
    }
    if (text.find('#') != std::string_view::npos) return bad("fragments are not allowed");
    const std::size_t slash = text.find_first_of("/?");
    std::string_view authority = text.substr(0, slash);
    if (slash != std::string_view::npos) {
        url.path = std::string(text.substr(slash));
        if (url.path[0] == '?') url.path.insert(0, "/");
    }
    if (authority.find('@') != std::string_view::npos) return bad("user info (user@host) is not allowed");

    std::string_view port;
    if (starts_with(authority, "[")) {  // [IPv6]:port
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos) return bad("unclosed [ in the host");
        url.host = std::string(authority.substr(1, close - 1));
        std::string_view rest = authority.substr(close + 1);
        if (!rest.empty()) {
            if (rest[0] != ':') return bad("unexpected text after ]");
            port = rest.substr(1);
            if (port.empty()) return bad("empty port");
        }
    } else {
        const std::size_t colon = authority.find(':');
        url.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) {
            port = authority.substr(colon + 1);
            if (port.empty()) return bad("empty port");
        }
    }
    if (url.host.empty()) return bad("empty host");
    if (port.empty()) {
        url.port = url.tls ? 443 : 80;
    } else {
        if (port.size() > 5) return bad("port out of range");
        int n = 0;
        for (char c : port) {
            if (!std::isdigit(static_cast<unsigned char>(c))) return bad("port is not a number");
            n = n * 10 + (c - '0');
        }
        if (n < 1 || n > 65535) return bad("port out of range");
        url.port = n;
    }
    return url;
}

}  // namespace parley::native
