// The fan-out scenario: R conversations × S listeners, P senders, ~200-byte messages,
// open-loop rate steps until saturation. Runs against the Parley relay or, with the
// same sizes and steps, against mosquitto's WebSocket listener (MQTT 3.1.1, QoS 0).
//
// How S listeners share one Parley conversation (relay/core/hub.cpp): a `msg` goes to
// every connection of the conversation's visitor (conv_visitors_: all connections that
// said hello with that visitor's token), plus the agents routing shows it to (owner,
// supervisors, its team while queued). Agent connections would also get a `conv`
// update per message and supervisors get every conversation, which has no MQTT
// counterpart; so a conversation's listeners here are S connections of its visitor
// (tabs and devices of one person), and no agent is logged in. The first P of them
// (round-robin over conversations) also send; the relay echoes a `msg` to the sender's
// own connection, so the sender counts as one of the S listeners. The MQTT side is
// built the same way: S subscribers per topic, the publisher among them (MQTT 3.1.1
// delivers a client's own publications back to it when it is subscribed).
//
// A step offers D deliveries/s (D / S sends/s, spread evenly over the senders, on a
// fixed schedule that does not wait for answers). Every message carries its scheduled
// send time, so latency includes any delay of the generator itself (no coordinated
// omission). A delivery counts for its step when it arrives before the step's drain
// ends; a step "holds" when ≥ 99 % arrived and p99 ≤ 100 ms.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "report.hpp"

namespace parley::load {

struct FanoutConfig {
    int convs = 100;       // R
    int listeners = 10;    // S per conversation (senders included)
    int senders = 100;     // P
    int bytes = 200;       // message text
    double step_s = 3;     // send window per step
    double drain_s = 2;    // waiting for late deliveries after it
    double start_rate = 250;    // deliveries/s of the first step
    double max_rate = 320000;
    int refine = 2;        // bisection steps between the last held and the first failed rate
    double cost_rate = 10000;   // the step whose relay CPU per delivery is reported
    std::vector<double> rates;  // explicit steps (deliveries/s) instead of the search
    int verify_every = 64;      // full codec decode of every Nth msg (1: all)
    bool print_steps = true;    // the setup line and a table row per step (a scenario that
                                // runs it in rounds prints its own table)
};

struct StepResult {
    double offered = 0, sends_per_s = 0, delivered_per_s = 0, delivered_pct = 0;
    double p50 = 0, p90 = 0, p99 = 0, p999 = 0;  // ms
    double cpu_pct = 0, rss_mib = 0, server_us_per_delivery = 0, gen_us_per_delivery = 0;
    std::uint64_t sent = 0, unsent = 0, expected = 0, delivered = 0;
    bool held = false;
};

struct FanoutResult {
    std::string system;  // "parley" | "mosquitto"
    bool ok = false;     // set up and ran
    std::string error;
    std::vector<StepResult> steps;
    double peak_per_s = 0, held_per_s = 0, us_per_delivery_at_cost_rate = 0, cost_rate_used = 0;
    double gen_us_per_delivery = 0;  // generator CPU per delivery, at the cost-rate step
    std::uint64_t conn_failures = 0, unexpected_closes = 0, verify_failures = 0, verified = 0,
                  errors = 0;
    double setup_s = 0;
    bool complete() const;  // every step delivered everything (used by --smoke)
    JsonObject json() const;
};

struct Paths {
    std::string relay;      // parley-relay binary
    std::string mosquitto;  // "" when not installed
    std::string work;       // parent of per-scenario temp dirs
};

// `data_root`: where the relay's temp data dir goes ("" = $TMPDIR or /tmp). A tmpfs
// (/dev/shm) keeps SQLite and synchronous=FULL but makes fsync free: that run shows
// what the relay's CPU can do when the disk is not the limit.
FanoutResult run_fanout_parley(const Paths& paths, const FanoutConfig& cfg, const std::string& data_root = "");
FanoutResult run_fanout_mosquitto(const Paths& paths, const FanoutConfig& cfg);

struct ServerProcess;

// What a step's drain also waits for before its last CPU sample, given the messages sent
// so far in the run (all steps): e.g. every webhook of them arrived (the overhead
// scenario, bench/load/overhead.cpp), so work the server does after the deliveries is
// counted in the step's CPU per delivery. Empty: deliveries alone. Called often; cheap.
using SettledCheck = std::function<bool(std::uint64_t sent_so_far)>;

// The Parley fan-out against a relay the caller started (and stops): connects the
// listeners, runs the steps, closes its connections. For scenarios that start the relay
// their own way (webhooks, metrics scrapes).
FanoutResult drive_fanout_parley(const ServerProcess& relay, const FanoutConfig& cfg,
                                 const SettledCheck& settled = {});

void print_fanout_table(const FanoutResult& r, const FanoutConfig& cfg);

}  // namespace parley::load
