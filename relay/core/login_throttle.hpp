// LoginThrottle: how often a password may be tried (docs/protocol.md §4 login, P7), as
// pure state fed with the time, so it is tested with a fake clock and the Hub only asks.
//
// Theory of operation
// -------------------
// Failed logins are counted twice: per account (the e-mail, ASCII-lowercased, whether
// or not such an agent exists, so the answer never tells) and per client address. Each
// count follows the same schedule, with its own numbers (LoginLimit):
//
//   failures so far          the next attempt
//   -----------------------  -------------------------------------------------------
//   < free_failures          allowed at once
//   ≥ free_failures          allowed first_delay_ms · 2^(failures − free_failures)
//                            after the last failure (1 s, 2 s, 4 s, …, at most lock_ms)
//   reaches lock_after       locked for lock_ms; the count starts again after the lock
//
// An attempt is refused when either count says so (the longer wait is told). A refused
// attempt costs nothing and counts nothing: it is answered before any Argon2 is spent.
// A success clears the account's count, never the address's (an attacker holding one
// valid account must not wash its address clean between guesses). A count is forgotten
// lock_ms after its last activity, so old typos do not add up for ever.
//
// Checks run on a worker pool, so between admit() and record() an attempt is pending.
// Pending attempts count as failures for the schedule: within the free failures several
// may run at once; beyond them one at a time. At most max_pending_per_address checks of
// one address run at once, so one address cannot take the whole pool (→ busy, 4031).
//
// Why the account lock applies to every address: a guesser spread over many addresses
// is stopped only by it. The price: whoever knows an agent's e-mail can keep that
// agent from logging in with a password, for lock_ms at a time, by failing on purpose
// (from addresses of their own, each limited by its address count). An agent already
// signed in keeps working: a session token's `hello` is never throttled.
//
// Bounded state: each table holds at most max_entries keys, in order of last activity;
// the least recently active is dropped first (idle ones on every call, O(1) amortised;
// when full, the oldest even if not idle).
#pragma once

#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

namespace parley::relay {

struct LoginLimit {
    int free_failures = 5;           // failures allowed without any delay
    std::int64_t first_delay_ms = 1000;  // the first delay, doubled per further failure
    int lock_after = 10;             // failures that lock (0: never lock)
    std::int64_t lock_ms = 15 * 60'000;  // lock time; also how long failures are remembered
};

struct LoginThrottleConfig {
    LoginLimit account{};                              // per e-mail
    LoginLimit address{20, 1000, 30, 60 * 60'000};     // per client address
    int max_pending_per_address = 2;                   // checks of one address at once
    std::size_t max_entries = 100'000;                 // per table (accounts, addresses)
};

class LoginThrottle {
public:
    enum class Verdict { allowed, throttled, busy };
    struct Decision {
        Verdict verdict = Verdict::allowed;
        std::int64_t retry_after_ms = 0;  // > 0 unless allowed
    };

    explicit LoginThrottle(LoginThrottleConfig config = {}) : config_(config) {}
    LoginThrottle(const LoginThrottle&) = delete;  // its tables refer to config_
    LoginThrottle& operator=(const LoginThrottle&) = delete;

    // May `account` be tried from `address` now? When allowed, the attempt is pending
    // until record() or cancel(). An empty address is not limited per address.
    Decision admit(const std::string& account, const std::string& address, std::int64_t now);
    // The pending attempt's outcome: a success clears the account's count.
    void record(const std::string& account, const std::string& address, bool success, std::int64_t now);
    // The pending attempt was never checked (the pool was full): it counts nothing.
    void cancel(const std::string& account, const std::string& address);

    std::size_t accounts() const { return accounts_.size(); }
    std::size_t addresses() const { return addresses_.size(); }

private:
    struct Entry {
        std::string key;
        int failures = 0;
        int pending = 0;
        std::int64_t last = 0;          // last admitted attempt or outcome
        std::int64_t next_allowed = 0;  // the delay after the last failure
        std::int64_t locked_until = 0;
    };
    // One count per key, in order of last activity (front: the least recent).
    class Table {
    public:
        Table(const LoginLimit& limit, std::size_t max_entries) : limit_(limit), max_(max_entries) {}
        Decision check(const std::string& key, std::int64_t now, int max_pending);
        void admit(const std::string& key, std::int64_t now);
        void record(const std::string& key, bool success, bool clears, std::int64_t now);
        void cancel(const std::string& key);
        std::size_t size() const { return index_.size(); }

    private:
        bool idle(const Entry& e, std::int64_t now) const;
        Entry* find(const std::string& key, std::int64_t now);  // null: none (or forgotten)
        void touch(std::list<Entry>::iterator it, std::int64_t now);
        void erase(std::list<Entry>::iterator it);
        void sweep(std::int64_t now);

        const LoginLimit& limit_;
        std::size_t max_;
        std::list<Entry> order_;
        std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;  // views into order_
    };

    LoginThrottleConfig config_;
    Table accounts_{config_.account, config_.max_entries};
    Table addresses_{config_.address, config_.max_entries};
};

// The per-address key of a peer address: IPv4 as it is; IPv6 by its /64 (one host
// usually holds a whole /64, so counting single addresses would count nothing).
std::string login_address_key(std::string_view address);

// The per-account key of an e-mail: ASCII lower case, as the store compares e-mails.
std::string login_account_key(std::string_view email);

}  // namespace parley::relay
