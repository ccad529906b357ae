// The other scenarios: chat (ack and delivery latency of visitor↔agent pairs), idle
// (relay memory per idle connection), storm (reconnect and resume after a relay
// restart), bot (time to the house bot's first token at new visitors) and overhead
// (relay CPU per delivery with webhooks and /metrics scrapes, against without). Each is
// bounded in time and count, prints a table, and returns its figures as a JSON object;
// `complete()` is what --smoke asserts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fanout.hpp"
#include "report.hpp"

namespace parley::load {

// ---- disk (bench/load/disk.cpp) -------------------------------------------------------
struct DiskConfig {
    double seconds = 5;
    double syncs_per_s = 500;  // about the relay's commits per second at 5 000 msgs/s
    int bytes = 4096;          // one WAL page per commit
    double slow_ms = 5;        // the chat target: ack p99 <= 5 ms
};
struct DiskResult {
    bool ok = false;
    std::uint64_t syncs = 0;
    double p50_ms = 0, p90_ms = 0, p99_ms = 0, max_ms = 0;
    double slow_ack_floor_pct = 0;  // at least this share of acks waits > slow_ms here
    JsonObject json() const;
};
DiskResult run_disk_probe(const DiskConfig& cfg);

// ---- chat ----------------------------------------------------------------------------
struct ChatConfig {
    int pairs = 100;          // visitors, each with one conversation
    int agents = 10;          // agents sharing them (pairs / agents conversations each)
    double human_s = 10;      // the human-paced phase
    double think_s = 1.0;     // typing before each message, and a pause after a reply
    double rate = 200;        // the fixed-rate phase: messages/s in total (0: skip)
    double rate_s = 5;
    int bytes = 200;
};
struct ChatResult {
    bool ok = false;
    std::string error;
    // Human phase.
    std::uint64_t human_msgs = 0, human_acked = 0, human_delivered = 0, typing_seen = 0;
    double human_ack_p50 = 0, human_ack_p99 = 0, human_deliv_p50 = 0, human_deliv_p99 = 0;
    // Fixed-rate phase.
    double rate = 0, rate_acked_per_s = 0, rate_acked_pct = 0;
    std::uint64_t rate_sent = 0, rate_unsent = 0, rate_acked = 0, rate_delivered = 0;
    double rate_ack_p50 = 0, rate_ack_p99 = 0, rate_deliv_p50 = 0, rate_deliv_p99 = 0;
    double rate_cpu_pct = 0, rate_server_us_per_msg = 0;
    double rate_send_lag_p99 = 0;  // the generator's own lateness (in every latency above)
    std::uint64_t errors = 0, unexpected_closes = 0;
    bool complete() const;
    JsonObject json() const;
};
ChatResult run_chat(const Paths& paths, const ChatConfig& cfg);

// ---- idle ----------------------------------------------------------------------------
struct IdleConfig {
    int conns = 10000;
    int sources = 4;          // 127.0.0.1 … 127.0.0.K as source addresses
    int in_flight = 256;      // handshakes at once while connecting
    double hold_s = 5;        // idle time measured for CPU
    // Where the relay's data dir goes: tmpfs by default. RSS does not depend on the
    // disk, but creating 10 000 visitors (two synced commits each) takes minutes on a
    // busy disk. "" = $TMPDIR or /tmp.
    std::string data_root = "/dev/shm";
};
struct IdleResult {
    bool ok = false;
    std::string error;
    int conns = 0, ready = 0;
    double connect_s = 0, rss_before_mib = 0, rss_after_mib = 0, rss_bytes_per_conn = 0, rss_marginal_bytes_per_conn = 0;
    double idle_cpu_pct = 0, gen_rss_mib = 0;
    long fd_limit = 0;
    bool complete() const { return ok && ready == conns; }
    JsonObject json() const;
};
IdleResult run_idle(const Paths& paths, const IdleConfig& cfg);

// ---- storm ---------------------------------------------------------------------------
struct StormConfig {
    int clients = 1000;
    int sources = 4;
    double timeout_s = 60;  // the whole scenario
};
struct StormResult {
    bool ok = false;
    std::string error;
    int clients = 0, connected = 0, resumed = 0, sync_msgs = 0;
    double connect_s = 0;     // all connected at once, fresh relay: until every welcome
    double stop_s = 0;        // SIGTERM until the relay exited
    double restart_s = 0;     // start again until it listens
    double storm_s = 0;       // from listening again until every client resumed (synced)
    double total_s = 0;       // from SIGTERM until every client resumed
    int closes_1001 = 0;
    bool complete() const { return ok && resumed == clients && connected == clients; }
    JsonObject json() const;
};
StormResult run_storm(const Paths& paths, const StormConfig& cfg);

// ---- bot (bench/load/bot.cpp; issue 16) ------------------------------------------------
struct BotConfig {
    std::string bot;          // parley-bot
    std::string bot_config;   // its rules file (deploy/bot/bot.toml)
    std::string questions;    // a folder of transcripts: each file's first typed visitor line
    double rate = 50;         // new conversations per second (open loop)
    double seconds = 25;
    double drain_s = 15;      // after the last one, for the answers still coming
};
struct BotResult {
    bool ok = false;
    std::string error;
    int questions = 0;
    std::uint64_t offered = 0, sent = 0, first_tokens = 0, answers = 0, streamed = 0, queued = 0;
    std::uint64_t errors = 0, closes = 0;
    double ttft_p50 = 0, ttft_p99 = 0, ttft_max = 0;        // ms, send → first bot token
    double answer_p50 = 0, answer_p99 = 0;                  // ms, send → the final message
    double seconds = 0;                                     // the measured window
    double bot_cpu_s = 0, relay_cpu_s = 0;
    double bot_us_per_answer = 0, relay_us_per_answer = 0;
    double bot_rss_mib = 0;
    bool complete() const;
    JsonObject json() const;
};
BotResult run_bot(const Paths& paths, const BotConfig& cfg);

// ---- overhead (bench/load/overhead.cpp; issue 18) -------------------------------------
struct OverheadConfig {
    FanoutConfig fanout;     // the load's shape; each round is one fanout.step_s step at `rate`
    double rate = 10000;     // deliveries/s offered (the fan-out's cost rate)
    int rounds = 4;          // of each configuration, alternating off, on, off, on, …
    double max_s = 300;      // no new pair of rounds starts after this
    bool webhooks = true;    // a subscription in the "on" rounds (false: to see scrapes alone)
    int scrape_ms = 200;     // /metrics every X ms in the "on" rounds (Prometheus: 15 s … 1 s;
                             // 0: none, to see webhooks alone)
    std::string data_root;   // where each round's fresh data dir goes ("" = $TMPDIR or /tmp)
};
struct OverheadRound {
    bool on = false;         // webhooks subscribed and /metrics scraped (as configured)
    bool webhooks = false, scraped = false;
    bool ran = false;
    std::string error;
    StepResult step;
    std::uint64_t webhook_posts = 0, message_created = 0, distinct_cids = 0, scrapes = 0, scrape_failures = 0;
    double metrics_webhook_ok = -1;  // parley_webhook_deliveries_total{result="ok"}, last scrape
    double seconds = 0;
    bool complete() const;
};
struct OverheadResult {
    bool ok = false;
    std::string error;
    std::vector<OverheadRound> rounds;
    double off_us = 0, on_us = 0, diff_pct = 0;  // relay CPU µs per delivery: means of the rounds
    double off_us_median = 0, on_us_median = 0, diff_pct_median = 0;
    std::uint64_t deliveries_off = 0, deliveries_on = 0, sent_on = 0;
    std::uint64_t webhook_posts = 0, message_created = 0, scrapes = 0, scrape_failures = 0;
    bool webhooks = false;
    int scrape_ms = 0;
    bool complete() const;
    JsonObject json() const;
};
OverheadResult run_overhead(const Paths& paths, const OverheadConfig& cfg);

}  // namespace parley::load
