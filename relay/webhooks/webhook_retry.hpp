// When a failed webhook delivery is tried again (issue 18, docs/webhooks.md "Retries"):
// a schedule of delays, exponential-ish and capped (the last delay repeats), each with
// ±20 % jitter so the deliveries that failed together (a receiver's outage) do not all
// come back at the same instant, and an attempt limit after which the delivery is
// dead-lettered. Pure: the jitter's randomness comes in as a number in [0, 1).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parley/core/result.hpp"

namespace parley::relay {

struct WebhookRetryPolicy {
    // Before the 2nd, 3rd, … attempt: 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, 8 h.
    std::vector<std::int64_t> delays_ms{5'000, 30'000, 120'000, 600'000, 1'800'000,
                                        3'600'000, 7'200'000, 14'400'000, 28'800'000};
    int max_attempts = 10;  // attempts in all (about 16 h of retries); then dead
};

// "5s,30s,2m,1h" (units ms, s, m, h; at least one delay, each 1 ms to 24 h) → delays.
// A bad spec: Error{bad_field, why}.
Result<std::vector<std::int64_t>> parse_webhook_backoff(std::string_view spec);

// After `failures` failed attempts (1, 2, …): the delay before the next one, jittered
// by `unit` in [0, 1) to [0.8, 1.2) of the schedule's; nullopt when the attempt limit is
// reached (dead-letter it).
std::optional<std::int64_t> webhook_retry_delay(const WebhookRetryPolicy& policy, int failures, double unit);

}  // namespace parley::relay
