// The relay address a native Connection dials: ws://host[:port][/path] or
// wss://host[:port][/path]. Parsed once, up front, so a typo is an error value at
// construction time instead of a connection that fails forever with backoff.
#pragma once

#include <string>
#include <string_view>

#include "parley/core/result.hpp"

namespace parley::native {

struct Url {
    bool tls = false;      // wss://
    std::string host;      // a name, an IPv4 address, or an IPv6 address without brackets
    int port = 0;          // explicit, else 80 (ws) / 443 (wss)
    std::string path = "/";

    // "ws://127.0.0.1:8080/" back again (IPv6 hosts in brackets).
    std::string str() const;
};

// Errors (bad_field, detail naming the problem): a scheme other than ws/wss, an empty
// host, a port outside 1–65535 or not a number, user info (user@host), a fragment, a
// control character or space anywhere, more than 2 048 bytes.
Result<Url> parse_url(std::string_view text);

}  // namespace parley::native
