#include "api/api_args.hpp"

namespace parley::relay::api {

std::optional<std::int64_t> integer(const std::string& text) {
    if (text.empty() || text.size() > 18) return std::nullopt;
    std::int64_t n = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + (c - '0');
    }
    return n;
}

}  // namespace parley::relay::api
