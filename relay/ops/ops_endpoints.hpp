// The relay's operational HTTP endpoints (issue 18, P6), as pure functions: what to
// answer for GET /healthz, /readyz and /metrics given a snapshot of the relay's state.
// net/server.cpp routes the requests here and writes the answer; tests call these
// directly and over HTTP (tests/integration/ops_test.cpp).
//
//   /healthz   200 "ok": the process runs and its event loop answered.
//   /readyz    200 "ready" when the store's last commit succeeded, the data directory
//              is writable and the event loop is not lagging (its 100 ms timer fired
//              within 1 s in the last check); else 503 with one line per reason.
//   /metrics   Prometheus text exposition 0.0.4 (counters, gauges, histograms).
//
// All three are cheap (no store query) and unauthenticated; --metrics-allow limits
// /metrics to address ranges (a scrape reveals traffic volumes, not content).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ops/relay_counters.hpp"

namespace parley::relay {

struct HttpAnswer {
    int status = 200;
    std::string content_type = "text/plain; charset=utf-8";
    std::string body;
};

// What a scrape shows besides the counters: gauges read from the Hub when it is asked.
struct RelayGauges {
    std::map<std::string, std::uint64_t> connections;  // by role: visitor, agent, bot, pending
    std::map<std::string, std::uint64_t> agents;       // by presence status
    std::map<std::string, std::uint64_t> queued;       // waiting conversations, by team
    std::uint64_t bot_conversations = 0;                // open conversations with the bot
    std::uint64_t bots_online = 0;
};

struct Readiness {
    bool store_ok = true;            // the last commit succeeded (or none failed since)
    bool data_dir_writable = true;   // access(W_OK) and free space
    double loop_lag_seconds = 0;     // the housekeeping timer's latest lateness
};

// nullopt-like: status 404 for a path that is not one of the three.
HttpAnswer answer_ops(std::string_view path, const HubCounters& hub, const WireCounters& wire,
                      const RelayGauges& gauges, const Readiness& readiness, std::string_view version,
                      double uptime_seconds);

// The Prometheus text for the counters and gauges (answer_ops("/metrics") uses it).
std::string prometheus_text(const HubCounters& hub, const WireCounters& wire, const RelayGauges& gauges,
                            std::string_view version, double uptime_seconds);

// Is `path` one of the endpoints? (The server mounts exactly these.)
bool is_ops_path(std::string_view path);

}  // namespace parley::relay
