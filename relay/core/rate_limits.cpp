#include "core/rate_limits.hpp"

#include <algorithm>
#include <cmath>

namespace parley::relay {

std::int64_t TokenBucket::take(std::int64_t now_ms, double rate, double burst) {
    if (rate <= 0) return 0;  // no limit
    if (tokens_ < 0) {
        tokens_ = burst;
        last_ = now_ms;
    }
    if (now_ms > last_) {
        tokens_ = std::min(burst, tokens_ + double(now_ms - last_) * rate / 1000.0);
        last_ = now_ms;
    }
    if (tokens_ >= 1) {
        tokens_ -= 1;
        return 0;
    }
    return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil((1 - tokens_) * 1000.0 / rate)));
}

bool RateLimits::admit(std::uint64_t conn, const std::string& address) {
    Address& a = addresses_[address];
    if (config_.max_conns_per_ip > 0 && a.connections >= config_.max_conns_per_ip) return false;
    ++a.connections;
    conns_[conn] = Conn{address, {}};
    return true;
}

void RateLimits::release(std::uint64_t conn) {
    auto it = conns_.find(conn);
    if (it == conns_.end()) return;
    // The address stays (with its bucket) after its last connection: reconnecting must
    // not refill the bucket sooner than waiting would. sweep() forgets it later.
    auto a = addresses_.find(it->second.address);
    if (a != addresses_.end() && a->second.connections > 0) --a->second.connections;
    conns_.erase(it);
}

std::int64_t RateLimits::charge(std::uint64_t conn, std::int64_t now_ms, std::string_view bot) {
    auto it = conns_.find(conn);
    if (it == conns_.end()) return 0;  // not admitted through us: nothing to charge
    Conn& c = it->second;
    if (now_ms < c.refused_until) return c.refused_until - now_ms;
    sweep(now_ms);
    std::int64_t wait = !bot.empty() ? bots_[std::string(bot)].take(now_ms, config_.bot_rate, config_.bot_burst)
                                     : c.bucket.take(now_ms, config_.conn_rate, config_.conn_burst);
    if (!wait && bot.empty()) {
        auto a = addresses_.find(c.address);
        if (a == addresses_.end()) return 0;
        wait = a->second.bucket.take(now_ms, config_.ip_rate, config_.ip_burst);
        if (wait) c.bucket.refund();  // a refused frame costs nothing
    }
    if (wait) c.refused_until = now_ms + wait;
    return wait;
}

void RateLimits::sweep(std::int64_t now_ms) {
    if (now_ms - last_sweep_ < 60'000) return;
    last_sweep_ = now_ms;
    for (auto it = addresses_.begin(); it != addresses_.end();) {
        if (it->second.connections == 0 && it->second.bucket.full_at(now_ms, config_.ip_rate, config_.ip_burst))
            it = addresses_.erase(it);
        else
            ++it;
    }
}

int RateLimits::connections_of(const std::string& address) const {
    auto it = addresses_.find(address);
    return it == addresses_.end() ? 0 : it->second.connections;
}

}  // namespace parley::relay
