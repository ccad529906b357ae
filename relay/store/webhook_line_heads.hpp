// WebhookLineHeads: the head of each webhook line, in memory, so that SqliteWebhookStore::
// due() reads only the rows it returns instead of the whole queue (issue 18, bench/README
// "Metrics and webhooks overhead").
//
// Theory of operation
// -------------------
// A line is a (subscription, conversation); its head is its oldest pending delivery
// (webhook_store.hpp). This keeps, for every line of an enabled subscription that has
// pending work, the head's id and next_at, and nothing else: no bodies, no rows behind
// the head. The table stays the truth and this a cache of it, kept current by the store
// as it writes (a new line's first row becomes its head; a settled head is replaced by
// the line's next pending row, read through the line index). Whenever the two might
// disagree in a way the store cannot patch cheaply (another process wrote — the CLI's
// replay or remove —, a batch rolled back, a subscription was enabled or disabled), the
// store calls forget() and rebuilds it from one scan of the table before its next use.
// A head the store finds gone or settled when it reads the row is re-read from the line
// index, so a stale entry costs one indexed read, never a wrong delivery.
//
// Pure data: no SQLite, no clock. Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace parley::relay {

struct WebhookLine {
    std::string subscription, conv;
    bool operator<(const WebhookLine& o) const {
        return std::tie(subscription, conv) < std::tie(o.subscription, o.conv);
    }
    bool operator==(const WebhookLine& o) const { return subscription == o.subscription && conv == o.conv; }
};

class WebhookLineHeads {
public:
    // Whether the heads mirror the table; false at first and after forget().
    bool known() const { return known_; }
    // Drops everything: the store rebuilds from the table (rebuilt()) before trusting it.
    void forget();
    // Starts an empty, known set (then set() for every line the scan found).
    void rebuilt();

    // The line's head is now `id` (replacing the one it had), due at `next_at`.
    void set(const WebhookLine& line, std::int64_t id, std::int64_t next_at);
    // The line has no pending delivery (any more).
    void drop(const WebhookLine& line);
    // Whether the line has a head; when not, a new row of it is its head.
    bool has(const WebhookLine& line) const { return by_line_.count(line) != 0; }
    // The line whose head `id` is; nullopt when `id` is no head.
    std::optional<WebhookLine> line_of(std::int64_t id) const;
    // A head retried later: its new next_at. Nothing when `id` is no head.
    void reschedule(std::int64_t id, std::int64_t next_at);

    // Heads due at `now` (next_at <= now), oldest (lowest id) first, at most `limit`,
    // passing over ids for which skip(id) is true (in flight) without counting them.
    // O(heads walked): those not yet due are walked past in memory (a queue whose
    // receiver is down); an order by next_at as well would spare that walk at the price
    // of a second map, and it is nanoseconds per head.
    template <typename Skip>
    std::vector<std::pair<std::int64_t, WebhookLine>> due(std::int64_t now, int limit, Skip skip) const {
        std::vector<std::pair<std::int64_t, WebhookLine>> out;
        for (const auto& [id, head] : by_id_) {
            if (static_cast<int>(out.size()) >= limit) break;
            if (head.next_at > now || skip(id)) continue;
            out.emplace_back(id, head.line);
        }
        return out;
    }
    std::size_t size() const { return by_id_.size(); }

private:
    struct Head {
        WebhookLine line;
        std::int64_t next_at = 0;
    };
    bool known_ = false;
    std::map<std::int64_t, Head> by_id_;            // head id → its line, in id order
    std::map<WebhookLine, std::int64_t> by_line_;   // line → its head id
};

}  // namespace parley::relay
