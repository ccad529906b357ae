#include "core/socket_limits.hpp"

#include <algorithm>

namespace parley::relay {

SocketLimits::SocketLimits(int max_sockets, int max_sockets_per_ip)
    : max_sockets_(std::max(0, max_sockets)), per_address_(std::max(0, max_sockets_per_ip)) {
    if (max_sockets_ > 0) {
        const int quarter = std::max(1, max_sockets_ / 4);
        per_address_ = per_address_ > 0 ? std::min(per_address_, quarter) : quarter;
    }
}

bool SocketLimits::allows(const std::string& address) const {
    if (max_sockets_ > 0 && open_sockets() >= max_sockets_) return false;
    return per_address_ == 0 || open_from(address) < per_address_;
}

void SocketLimits::open(std::uintptr_t key, const std::string& address) {
    close(key);
    sockets_.emplace(key, address);
    ++per_ip_[address];
}

void SocketLimits::close(std::uintptr_t key) {
    auto it = sockets_.find(key);
    if (it == sockets_.end()) return;
    auto a = per_ip_.find(it->second);
    if (a != per_ip_.end() && --a->second <= 0) per_ip_.erase(a);
    sockets_.erase(it);
}

int SocketLimits::open_from(const std::string& address) const {
    auto it = per_ip_.find(address);
    return it == per_ip_.end() ? 0 : it->second;
}

}  // namespace parley::relay
