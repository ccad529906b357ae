// Quotas: how much one client may create and store (docs/protocol.md §6, P7), as pure
// state fed with the time, so they are tested with a fake clock and the Hub only asks.
//
// Theory of operation
// -------------------
// Three counts, each a QuotaWindow (one table of keys):
//
//   quota               key                counts                       over it
//   ------------------  -----------------  ---------------------------  ---------------
//   new_visitors        client address     visitor identities created   hello → 4050
//   new_conversations   client address     conversations created        hello → 4051
//   visitor_bytes       visitor id         bytes of message text stored send  → 4052
//
// What counts: a visitor identity or a conversation the store creates. Today both are
// created by a visitor's first hello only (a known visitor whose conversation is missing
// gets one on hello, and counts). A closed conversation the visitor writes to is reopened
// by routing: the same conversation, not a new one, and not counted: only an agent can
// close it, so a visitor cannot cycle close → reopen alone. Bytes: the text as stored.
//
// Fixed windows, each opened by its key's first counted amount: a key's count starts at
// its first amount and is forgotten `window_ms` later, when the next amount opens a new
// window. Why not a rolling window: an exact one remembers every event (a log per key,
// unbounded for bytes), and an approximate one cannot say exactly when room frees. A
// fixed window is three numbers per key, tells retry_after_ms exactly (until the window
// closes), and, since every window of a table lasts as long, its keys expire in the
// order they were opened: the table is a FIFO, swept from the front, never re-ordered.
// The price: across the end of one window and the start of the next a key may spend
// its limit twice within a short time. The limits are far above honest use, so 2× an
// abuse bound is still an abuse bound.
//
// Checking and counting are separate (wait(), then add()): the Hub checks before it
// creates or stores anything and counts only what was created or stored, so a refused
// or failed attempt costs nothing. An amount larger than the limit fits a fresh window
// only (so a single message larger than the byte quota is not refused for ever).
//
// Bounded state: each table holds at most max_keys keys; when full, the oldest window
// is dropped (its key starts afresh: the price of a bound, which an attacker pays with
// max_keys other keys within one window). Expired windows are swept on every call,
// O(1) amortised. Counts live in memory only: a restart starts them at zero.
#pragma once

#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

namespace parley::relay {

struct QuotaConfig {
    std::int64_t new_visitors_per_hour = 30;         // per client address; 0: off
    std::int64_t new_conversations_per_hour = 30;    // per client address; 0: off
    std::int64_t visitor_bytes_per_day = 1'000'000;  // stored text per visitor; 0: off
    std::size_t max_keys = 100'000;                  // per table (oldest window dropped)
};

constexpr std::int64_t kQuotaHourMs = 60 * 60 * 1000;
constexpr std::int64_t kQuotaDayMs = 24 * kQuotaHourMs;

class QuotaWindow {
public:
    // limit 0: no quota (wait() is always 0, add() counts nothing).
    QuotaWindow(std::int64_t limit, std::int64_t window_ms, std::size_t max_keys)
        : limit_(limit), window_ms_(window_ms), max_keys_(max_keys) {}
    QuotaWindow(const QuotaWindow&) = delete;  // its index refers to its own list
    QuotaWindow& operator=(const QuotaWindow&) = delete;

    // 0: `amount` more fits in `key`'s window now; else the milliseconds until its
    // window closes (≥ 1). An empty key has no quota.
    std::int64_t wait(const std::string& key, std::int64_t amount, std::int64_t now);
    // Counts `amount` for `key` (opening its window if none is open).
    void add(const std::string& key, std::int64_t amount, std::int64_t now);

    bool enabled() const { return limit_ > 0; }
    // A config reload: the new limit holds from the next wait(); what is counted in the
    // open windows stays counted (a quota switched on starts from zero).
    void set_limit(std::int64_t limit) { limit_ = limit; }
    std::size_t keys() const { return index_.size(); }

private:
    struct Window {
        std::string key;
        std::int64_t opened = 0;
        std::int64_t used = 0;
    };
    void sweep(std::int64_t now);  // drops the windows that have closed (front first)

    std::int64_t limit_;
    std::int64_t window_ms_;
    std::size_t max_keys_;
    std::list<Window> order_;  // by `opened`: the front closes first
    std::unordered_map<std::string_view, std::list<Window>::iterator> index_;  // views into order_
};

// The relay's three quotas (see the table above), built from one QuotaConfig.
struct Quotas {
    explicit Quotas(const QuotaConfig& c = {})
        : new_visitors(c.new_visitors_per_hour, kQuotaHourMs, c.max_keys),
          new_conversations(c.new_conversations_per_hour, kQuotaHourMs, c.max_keys),
          visitor_bytes(c.visitor_bytes_per_day, kQuotaDayMs, c.max_keys) {}

    QuotaWindow new_visitors;       // key: the client address (login_address_key)
    QuotaWindow new_conversations;  // key: the client address
    QuotaWindow visitor_bytes;      // key: the visitor id
};

}  // namespace parley::relay
