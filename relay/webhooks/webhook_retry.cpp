#include "webhooks/webhook_retry.hpp"

#include <algorithm>
#include <charconv>

namespace parley::relay {

Result<std::vector<std::int64_t>> parse_webhook_backoff(std::string_view spec) {
    auto bad = [](std::string why) { return Error{protocol::ErrorCode::bad_field, std::move(why), {}}; };
    std::vector<std::int64_t> out;
    while (!spec.empty()) {
        const std::size_t comma = std::min(spec.find(','), spec.size());
        std::string_view item = spec.substr(0, comma);
        spec.remove_prefix(std::min(comma + 1, spec.size()));
        long long n = 0;
        auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), n);
        const std::string_view unit(end, static_cast<std::size_t>(item.data() + item.size() - end));
        const long long scale = unit == "ms" ? 1 : unit == "s" ? 1000 : unit == "m" ? 60'000 : unit == "h" ? 3'600'000 : 0;
        if (ec != std::errc() || end == item.data() || scale == 0)
            return bad("a delay is a whole number with ms, s, m or h, not '" + std::string(item) + "'");
        const long long ms = n * scale;
        if (n < 1 || ms > 86'400'000LL) return bad("each delay is 1 ms to 24 h");
        out.push_back(ms);
    }
    if (out.empty()) return bad("needs at least one delay");
    return out;
}

std::optional<std::int64_t> webhook_retry_delay(const WebhookRetryPolicy& policy, int failures, double unit) {
    if (failures >= policy.max_attempts || policy.delays_ms.empty()) return std::nullopt;
    const std::size_t i = std::min<std::size_t>(static_cast<std::size_t>(std::max(failures, 1) - 1),
                                                policy.delays_ms.size() - 1);
    const double jitter = 0.8 + 0.4 * std::clamp(unit, 0.0, 0.999999);
    return std::max<std::int64_t>(1, static_cast<std::int64_t>(static_cast<double>(policy.delays_ms[i]) * jitter));
}

}  // namespace parley::relay
