// What the relay counts for /metrics (issue 18, P6): plain integers bumped on the event
// loop by the Hub (what happened to conversations) and the Server (what crossed the
// wire), read by the same thread when a scrape is answered. No atomics, no registry:
// the relay is single-threaded and the figures are few.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

namespace parley::relay {

// A cumulative histogram with fixed upper bounds (Prometheus' `le` buckets); the last
// bucket is +Inf.
template <std::size_t N>
struct Histogram {
    std::array<double, N> bounds{};
    std::array<std::uint64_t, N + 1> counts{};  // counts[i]: observations ≤ bounds[i]; [N]: all
    double sum = 0;

    void observe(double value) {
        for (std::size_t i = 0; i < N; ++i)
            if (value <= bounds[i]) ++counts[i];
        ++counts[N];
        sum += value;
    }
};

// A labelled counter whose label values come from clients (a bot's handoff reason):
// at most kMaxLabels distinct values, "other" included (it counts the rest), so a
// hostile client cannot grow the map or the scrape without bound.
struct LabelledCounter {
    static constexpr std::size_t kMaxLabels = 32;
    std::map<std::string, std::uint64_t> counts;

    void add(const std::string& label, std::uint64_t n = 1) {
        auto it = counts.find(label);
        if (it == counts.end() && counts.size() >= kMaxLabels - 1) it = counts.emplace("other", 0).first;
        if (it == counts.end()) it = counts.emplace(label, 0).first;
        it->second += n;
    }
};

// The Hub's counts.
struct HubCounters {
    std::uint64_t messages_stored = 0;  // new messages (a resend of a stored one is not new)
    // The same by the sender's role (visitor, agent, bot, system): a bot's answers show here.
    std::map<std::string, std::uint64_t> messages_stored_by_role;
    std::uint64_t commits = 0;          // group-commit batches committed
    std::uint64_t commit_failures = 0;  // batches the store refused (their senders resend)
    std::uint64_t event_failures = 0;   // report events that could not be written (issue 18)
    std::uint64_t webhook_enqueue_failures = 0;  // webhook events that could not be enqueued
    Histogram<8> commit_batch_messages{{1, 2, 4, 8, 16, 32, 64, 128}};  // messages per commit
    LabelledCounter handoffs;            // bot → humans, by reason (issue 16)
    LabelledCounter quality_flags;       // quality flags raised, by kind (issue 18)
    std::uint64_t quality_flag_failures = 0;  // flags that could not be written
    std::map<int, std::uint64_t> errors;  // error frames sent, by code (rate limits, quotas, …)
};

// The Server's counts.
struct WireCounters {
    std::uint64_t frames_in = 0, frames_out = 0;
    std::uint64_t bytes_in = 0, bytes_out = 0;
    std::uint64_t connections_opened = 0;
    std::uint64_t connections_refused = 0;  // socket limits, origin, handshake timeouts
    std::uint64_t slow_closed = 0;          // 4001: a connection that stopped reading
    std::uint64_t http_requests = 0;        // /healthz, /readyz, /metrics
    // /api/v1 answers by status class ("2xx", "4xx"…; issue 18, relay/api/).
    std::map<std::string, std::uint64_t> api_responses;
    // Seconds a loop pass spent committing and handing out (take_outputs with a batch
    // open): the store's fsync shows here.
    Histogram<10> commit_seconds{{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1}};
    // From a client's frame read off its socket to the commit that makes what it stored
    // durable, once per message stored (fsync included): the latency a sender waits for
    // its ack. Messages that frame caused (a system line) count with it.
    Histogram<12> ack_seconds{{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5}};
    // How late the 100 ms housekeeping timer fired: the event loop's responsiveness.
    Histogram<8> loop_lag_seconds{{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1}};
    // Webhooks (issue 18, webhooks/webhook_dispatcher.hpp): attempts by result (ok: a
    // 2xx; failed: to be retried; dead: the last attempt failed), and pending deliveries.
    std::map<std::string, std::uint64_t> webhook_deliveries{{"ok", 0}, {"failed", 0}, {"dead", 0}};
    std::uint64_t webhook_queue = 0;
};

}  // namespace parley::relay
