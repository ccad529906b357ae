#include "core/login_throttle.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>

namespace parley::relay {

namespace {

LoginThrottle::Decision refuse(LoginThrottle::Verdict v, std::int64_t wait) {
    return {v, std::max<std::int64_t>(1, wait)};
}

// The worse of two decisions: busy or throttled over allowed, the longer wait.
LoginThrottle::Decision worse(LoginThrottle::Decision a, LoginThrottle::Decision b) {
    if (a.verdict == LoginThrottle::Verdict::allowed) return b;
    if (b.verdict == LoginThrottle::Verdict::allowed) return a;
    return a.retry_after_ms >= b.retry_after_ms ? a : b;
}

}  // namespace

// ---- one table ------------------------------------------------------------------------

bool LoginThrottle::Table::idle(const Entry& e, std::int64_t now) const {
    return e.pending == 0 && now >= e.locked_until && now - e.last >= limit_.lock_ms;
}

LoginThrottle::Entry* LoginThrottle::Table::find(const std::string& key, std::int64_t now) {
    sweep(now);
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    if (idle(*it->second, now)) {  // remembered too long: as if never seen
        erase(it->second);
        return nullptr;
    }
    return &*it->second;
}

LoginThrottle::Decision LoginThrottle::Table::check(const std::string& key, std::int64_t now, int max_pending) {
    const Entry* e = find(key, now);
    if (!e) return {};
    if (now < e->locked_until) return refuse(Verdict::throttled, e->locked_until - now);
    if (max_pending > 0 && e->pending >= max_pending) return refuse(Verdict::busy, limit_.first_delay_ms);
    if (e->failures + e->pending < limit_.free_failures) return {};
    // Beyond the free failures one attempt at a time, each after its delay.
    if (e->pending > 0) return refuse(Verdict::throttled, limit_.first_delay_ms);
    if (now < e->next_allowed) return refuse(Verdict::throttled, e->next_allowed - now);
    return {};
}

void LoginThrottle::Table::admit(const std::string& key, std::int64_t now) {
    auto it = index_.find(key);
    if (it == index_.end()) {
        if (max_ > 0 && index_.size() >= max_) erase(order_.begin());  // full: the least recent goes
        order_.push_back(Entry{key});
        auto last = std::prev(order_.end());
        index_.emplace(std::string_view(last->key), last);
        it = index_.find(key);
    }
    ++it->second->pending;
    touch(it->second, now);
}

void LoginThrottle::Table::record(const std::string& key, bool success, bool clears, std::int64_t now) {
    auto it = index_.find(key);
    if (it == index_.end()) return;  // dropped while full: nothing to count against
    Entry& e = *it->second;
    if (e.pending > 0) --e.pending;
    if (success) {
        if (clears) {
            e.failures = 0;
            e.next_allowed = 0;
            if (e.pending == 0 && now >= e.locked_until) return erase(it->second);
        }
    } else if (++e.failures >= limit_.lock_after && limit_.lock_after > 0) {
        e.locked_until = now + limit_.lock_ms;
        e.failures = 0;  // after the lock, the schedule starts again
        e.next_allowed = 0;
    } else if (e.failures >= limit_.free_failures) {
        const int doublings = std::min(e.failures - limit_.free_failures, 30);
        e.next_allowed = now + std::min(limit_.first_delay_ms << doublings, std::max(limit_.lock_ms, limit_.first_delay_ms));
    }
    touch(it->second, now);
}

void LoginThrottle::Table::cancel(const std::string& key) {
    auto it = index_.find(key);
    if (it != index_.end() && it->second->pending > 0) --it->second->pending;
}

void LoginThrottle::Table::touch(std::list<Entry>::iterator it, std::int64_t now) {
    it->last = std::max(it->last, now);
    order_.splice(order_.end(), order_, it);  // iterators stay valid
}

void LoginThrottle::Table::erase(std::list<Entry>::iterator it) {
    index_.erase(std::string_view(it->key));
    order_.erase(it);
}

void LoginThrottle::Table::sweep(std::int64_t now) {
    // Front to back is least to most recently active, and every key is remembered for
    // the same lock_ms: the first one still remembered ends the sweep.
    while (!order_.empty() && idle(order_.front(), now)) erase(order_.begin());
}

// ---- both tables ----------------------------------------------------------------------

LoginThrottle::Decision LoginThrottle::admit(const std::string& account, const std::string& address,
                                             std::int64_t now) {
    Decision d = accounts_.check(account, now, 0);
    if (!address.empty()) d = worse(d, addresses_.check(address, now, config_.max_pending_per_address));
    if (d.verdict != Verdict::allowed) return d;
    accounts_.admit(account, now);
    if (!address.empty()) addresses_.admit(address, now);
    return d;
}

void LoginThrottle::record(const std::string& account, const std::string& address, bool success,
                           std::int64_t now) {
    accounts_.record(account, success, true, now);
    if (!address.empty()) addresses_.record(address, success, false, now);
}

void LoginThrottle::cancel(const std::string& account, const std::string& address) {
    accounts_.cancel(account);
    if (!address.empty()) addresses_.cancel(address);
}

// ---- keys -----------------------------------------------------------------------------

std::string login_address_key(std::string_view address) {
    const std::string text(address);
    unsigned char bytes[16];
    if (text.find(':') == std::string::npos || inet_pton(AF_INET6, text.c_str(), bytes) != 1) return text;
    static const unsigned char v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::equal(bytes, bytes + 12, v4_mapped)) {  // ::ffff:a.b.c.d is an IPv4 peer
        char v4[INET_ADDRSTRLEN];
        return inet_ntop(AF_INET, bytes + 12, v4, sizeof v4) ? std::string(v4) : text;
    }
    char out[40];
    std::snprintf(out, sizeof out, "%02x%02x:%02x%02x:%02x%02x:%02x%02x::/64", bytes[0], bytes[1], bytes[2],
                  bytes[3], bytes[4], bytes[5], bytes[6], bytes[7]);
    return out;
}

std::string login_account_key(std::string_view email) {
    std::string out(email);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

}  // namespace parley::relay
