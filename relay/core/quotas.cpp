#include "core/quotas.hpp"

#include <algorithm>

namespace parley::relay {

std::int64_t QuotaWindow::wait(const std::string& key, std::int64_t amount, std::int64_t now) {
    if (limit_ <= 0 || key.empty()) return 0;
    sweep(now);
    auto it = index_.find(key);
    if (it == index_.end()) return 0;  // a fresh window holds any one amount
    const Window& w = *it->second;
    if (w.used + std::min(amount, limit_) <= limit_) return 0;
    return std::max<std::int64_t>(1, w.opened + window_ms_ - now);
}

void QuotaWindow::add(const std::string& key, std::int64_t amount, std::int64_t now) {
    if (limit_ <= 0 || key.empty() || amount <= 0) return;
    sweep(now);
    auto it = index_.find(key);
    if (it == index_.end()) {
        if (max_keys_ > 0 && index_.size() >= max_keys_) {  // full: the oldest window goes
            index_.erase(std::string_view(order_.front().key));
            order_.pop_front();
        }
        // Opened no earlier than the newest: the list stays in order even if `now` steps back.
        order_.push_back(Window{key, order_.empty() ? now : std::max(now, order_.back().opened), 0});
        auto last = std::prev(order_.end());
        it = index_.emplace(std::string_view(last->key), last).first;
    }
    it->second->used += amount;
}

void QuotaWindow::sweep(std::int64_t now) {
    // Every window lasts window_ms_ and the list is in order of opening: the first one
    // still open ends the sweep. A clock that steps back keeps windows open longer.
    while (!order_.empty() && now - order_.front().opened >= window_ms_) {
        index_.erase(std::string_view(order_.front().key));
        order_.pop_front();
    }
}

}  // namespace parley::relay
