#include "net/security_headers.hpp"

#include <cctype>

namespace parley::relay {

namespace {

// "scheme://host[:port]" with nothing that could end a source expression or a directive.
bool plain_origin(std::string_view origin) {
    if (origin.find("://") == std::string_view::npos) return false;
    for (char ch : origin) {
        const auto c = static_cast<unsigned char>(ch);
        if (!std::isalnum(c) && c != '.' && c != '-' && c != ':' && c != '/' && c != '[' && c != ']') return false;
    }
    return true;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

std::string frame_ancestors(const std::vector<std::string>& frame_origins) {
    std::string ancestors;
    for (const std::string& o : frame_origins)
        if (plain_origin(o)) ancestors += " " + o;
    return "frame-ancestors" + (ancestors.empty() ? std::string(" 'none'") : ancestors);
}

}  // namespace

std::string baseline_security_policy(const std::vector<std::string>& frame_origins) {
    return frame_ancestors(frame_origins) + "; object-src 'none'; base-uri 'self'";
}

std::string content_security_policy(std::string_view path, const std::vector<std::string>& frame_origins) {
    if (path == "/widget/frame.html") return std::string(kAppPagePolicy) + "; " + frame_ancestors(frame_origins);
    if (path == "/console" || starts_with(path, "/console/"))
        return std::string(kAppPagePolicy) + "; frame-ancestors 'none'";
    return "frame-ancestors 'none'";
}

}  // namespace parley::relay
