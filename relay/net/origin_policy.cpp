#include "net/origin_policy.hpp"

#include <algorithm>
#include <cctype>

namespace parley::relay {

namespace {

std::string normalise(std::string_view origin) {
    std::string out(origin);
    while (!out.empty() && out.back() == '/') out.pop_back();
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

OriginPolicy::OriginPolicy(std::vector<std::string> allowed, bool tls) : tls_(tls) {
    for (const auto& a : allowed) allowed_.push_back(normalise(a));
}

std::vector<std::string> OriginPolicy::defaults(const std::string& host, int port, bool tls) {
    const std::string p = ":" + std::to_string(port);
    const std::string scheme = tls ? "https://" : "http://";
    const int default_port = tls ? 443 : 80;
    std::vector<std::string> out;
    for (const std::string& h : {host, std::string("127.0.0.1"), std::string("localhost")}) {
        if (std::find(out.begin(), out.end(), scheme + h + p) != out.end()) continue;
        out.push_back(scheme + h + p);
        if (port == default_port) out.push_back(scheme + h);  // browsers omit the default port
    }
    return out;
}

bool OriginPolicy::allows(std::string_view origin, std::string_view host) const {
    if (origin.empty()) return true;
    const std::string o = normalise(origin);
    if (!host.empty()) {
        const std::string h = normalise(host);
        // The relay's own page: scheme + the Host header. https:// always; http:// too
        // unless the relay speaks TLS itself.
        auto own = [&](std::string_view scheme) { return o == std::string(scheme) + h; };
        if (own("https://") || (!tls_ && own("http://"))) return true;
    }
    return std::find(allowed_.begin(), allowed_.end(), o) != allowed_.end();
}

}  // namespace parley::relay
