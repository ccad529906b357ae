#include "net/request_header.hpp"

namespace parley::relay {

std::optional<std::string> request_header(lws* wsi, lws_token_indexes token) {
    const int n = lws_hdr_total_length(wsi, token);
    if (n <= 0) return std::nullopt;
    std::string value(static_cast<std::size_t>(n) + 1, '\0');
    if (lws_hdr_copy(wsi, value.data(), n + 1, token) != n) return std::nullopt;
    value.resize(static_cast<std::size_t>(n));
    return value;
}

}  // namespace parley::relay
