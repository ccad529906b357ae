// The overhead scenario (issue 18: "the relay's per-delivery CPU with metrics and
// webhooks on, against without, in one run; target within 5 %").
//
// Rounds alternate two configurations of the relay, off, on, off, on, …, so that the
// shared VM's noisy neighbours fall on both alike:
//   off: no webhook subscription, nobody reading /metrics (the relay's counters still
//        count: they cannot be turned off);
//   on:  one subscription for every event type (`--add-webhook URL`, `*`), pointed at a
//        receiver in this process on 127.0.0.1 that answers 200 at once
//        (webhook_receiver.*), and /metrics scraped every --scrape-ms from another
//        thread (metrics_scraper.*).
// Each round starts a fresh relay on a fresh data dir and runs one fan-out step
// (fanout.hpp) at the same rate and shape: the fan-out has no randomness, so every round
// sends the same messages in the same order on the same schedule. The figure is the
// relay's CPU (utime + stime of the whole process, worker threads included) from the
// step's start until every delivery arrived and, in the "on" rounds, every sent
// message's message.created webhook did too, divided by the deliveries: work the relay
// does for webhooks after the deliveries is counted. A round is complete when every
// delivery and every message.created arrived and every scrape answered.
#include <algorithm>
#include <cstdio>
#include <vector>

#include "clock.hpp"
#include "metrics_scraper.hpp"
#include "scenarios.hpp"
#include "servers.hpp"
#include "webhook_receiver.hpp"

namespace parley::load {

namespace {

// The fan-out's client ids are "f<sender>.<counter>" (fanout.cpp).
const char kCidPrefix[] = "f";

OverheadRound run_round(const Paths& paths, const OverheadConfig& cfg, bool on) {
    OverheadRound round;
    round.on = on;
    round.webhooks = on && cfg.webhooks;
    round.scraped = on && cfg.scrape_ms > 0;
    const std::int64_t t0 = now_ns();
    const std::string dir = make_temp_dir("parley-load-overhead", cfg.data_root);
    if (dir.empty()) {
        round.error = "cannot make a temp dir under " + (cfg.data_root.empty() ? "$TMPDIR" : cfg.data_root);
        return round;
    }
    RelaySetup setup{paths.relay, dir, dir + "/data", unlimited_flags()};
    WebhookReceiver receiver;
    if (round.webhooks) {
        // Loopback receivers are refused unless allowed, both when subscribing and when sending.
        if (!receiver.start(kCidPrefix, round.error) ||
            add_webhook(setup, receiver.url(), {"--webhook-allow-private"}, round.error).empty()) {
            remove_tree(dir);
            return round;
        }
        setup.extra.push_back("--webhook-allow-private");
    }
    ServerProcess relay = start_relay(setup, 0, round.error);
    if (!relay.running()) {
        remove_tree(dir);
        return round;
    }
    MetricsScraper scraper;
    if (round.scraped) scraper.start(relay.port, cfg.scrape_ms);
    FanoutConfig fanout = cfg.fanout;
    fanout.rates = {cfg.rate};
    fanout.print_steps = false;
    SettledCheck every_message_created;
    if (round.webhooks)
        every_message_created = [&receiver](std::uint64_t sent) { return receiver.counts().distinct_cids >= sent; };
    const FanoutResult run = drive_fanout_parley(relay, fanout, every_message_created);
    scraper.stop();
    stop_process(relay);
    receiver.stop();
    remove_tree(dir);

    round.ran = run.ok && !run.steps.empty();
    if (round.ran) round.step = run.steps.front();
    if (!run.error.empty()) round.error = run.error;
    else if (run.ok && !run.complete()) round.error = "not every message was delivered";
    const WebhookReceiver::Counts hooks = receiver.counts();
    const MetricsScraper::Counts scrapes = scraper.counts();
    round.webhook_posts = hooks.posts;
    round.message_created = hooks.message_created;
    round.distinct_cids = hooks.distinct_cids;
    round.scrapes = scrapes.scrapes;
    round.scrape_failures = scrapes.failures;
    round.metrics_webhook_ok = scrapes.webhook_ok;
    if (round.error.empty() && !scrapes.first_error.empty()) round.error = "/metrics: " + scrapes.first_error;
    round.seconds = double(now_ns() - t0) / 1e9;
    return round;
}

double mean(const std::vector<double>& v) {
    double sum = 0;
    for (double x : v) sum += x;
    return v.empty() ? 0 : sum / double(v.size());
}

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double percent_over(double on, double off) { return off > 0 ? 100.0 * (on - off) / off : 0; }

void print_round(std::size_t index, const OverheadRound& r) {
    const StepResult& s = r.step;
    std::printf("%5zu %-4s %9.0f %8llu %8.2f%% %8.2f %6.1f%% %8.2f %9llu %9llu %8llu %6.1f %s\n", index,
                r.on ? "on" : "off", s.offered, (unsigned long long)s.delivered, s.delivered_pct, s.p99, s.cpu_pct,
                s.server_us_per_delivery, (unsigned long long)r.webhook_posts, (unsigned long long)r.distinct_cids,
                (unsigned long long)r.scrapes, r.seconds, r.complete() ? "" : ("INCOMPLETE: " + r.error).c_str());
    std::fflush(stdout);
}

}  // namespace

bool OverheadRound::complete() const {
    if (!ran || !error.empty() || step.delivered != step.expected || step.unsent) return false;
    return (!webhooks || distinct_cids == step.sent) && (!scraped || (scrapes > 0 && scrape_failures == 0));
}

bool OverheadResult::complete() const {
    if (!ok || rounds.empty()) return false;
    for (const OverheadRound& r : rounds)
        if (!r.complete()) return false;
    return true;
}

JsonObject OverheadResult::json() const {
    JsonObject o;
    o.boolean("ok", ok);
    if (!error.empty()) o.str("error", error);
    o.num("off_us_per_delivery", off_us, 3).num("on_us_per_delivery", on_us, 3).num("diff_pct", diff_pct, 2);
    o.num("off_us_per_delivery_median", off_us_median, 3).num("on_us_per_delivery_median", on_us_median, 3);
    o.num("diff_pct_median", diff_pct_median, 2);
    o.integer("deliveries_off", (long long)deliveries_off).integer("deliveries_on", (long long)deliveries_on);
    o.integer("sent_on", (long long)sent_on).integer("webhook_posts", (long long)webhook_posts);
    o.integer("message_created", (long long)message_created);
    o.integer("scrapes", (long long)scrapes).integer("scrape_failures", (long long)scrape_failures);
    o.boolean("webhooks", webhooks).integer("scrape_ms", scrape_ms);
    std::string list = "[";
    for (std::size_t i = 0; i < rounds.size(); ++i) {
        const OverheadRound& r = rounds[i];
        JsonObject j;
        j.str("config", r.on ? "on" : "off").num("offered", r.step.offered, 0);
        j.integer("sent", (long long)r.step.sent).integer("delivered", (long long)r.step.delivered);
        j.num("p99_ms", r.step.p99, 3).num("cpu_pct", r.step.cpu_pct, 1);
        j.num("us_per_delivery", r.step.server_us_per_delivery, 3);
        j.integer("webhook_posts", (long long)r.webhook_posts).integer("message_created", (long long)r.distinct_cids);
        j.integer("scrapes", (long long)r.scrapes).num("seconds", r.seconds, 2).boolean("complete", r.complete());
        if (!r.error.empty()) j.str("error", r.error);
        list += (i ? "," : "") + j.text();
    }
    o.raw("rounds", list + "]");
    return o;
}

OverheadResult run_overhead(const Paths& paths, const OverheadConfig& cfg) {
    OverheadResult r;
    r.webhooks = cfg.webhooks;
    r.scrape_ms = cfg.scrape_ms;
    const FanoutConfig& f = cfg.fanout;
    const std::string scrapes =
        cfg.scrape_ms > 0 ? "/metrics every " + std::to_string(cfg.scrape_ms) + " ms" : "no /metrics scrapes";
    std::printf("overhead: %d rounds each of off (no webhooks, no scrapes) and on (%s, %s), alternating; each a "
                "fresh relay, %d conversations x %d listeners, %d senders, one %.0f-s step at %.0f deliveries/s\n",
                cfg.rounds, cfg.webhooks ? "a webhook for every event to 127.0.0.1" : "no webhooks", scrapes.c_str(),
                f.convs, f.listeners, f.senders, f.step_s, cfg.rate);
    std::printf("%5s %-4s %9s %8s %9s %8s %7s %8s %9s %9s %8s %6s\n", "round", "cfg", "offered/s", "deliv",
                "deliv%", "p99ms", "cpu", "us/deliv", "webhooks", "msg.crtd", "scrapes", "s");
    const std::int64_t start = now_ns();
    for (int k = 0; k < cfg.rounds; ++k) {
        if (k > 0 && double(now_ns() - start) / 1e9 > cfg.max_s) {
            std::printf("overhead: stopped after %d rounds each: --max-s %.0f reached\n", k, cfg.max_s);
            break;
        }
        for (bool on : {false, true}) {
            r.rounds.push_back(run_round(paths, cfg, on));
            print_round(r.rounds.size(), r.rounds.back());
        }
    }
    std::vector<double> off, on;
    for (const OverheadRound& round : r.rounds) {
        if (!round.ran || round.step.delivered == 0) continue;
        (round.on ? on : off).push_back(round.step.server_us_per_delivery);
        (round.on ? r.deliveries_on : r.deliveries_off) += round.step.delivered;
        if (!round.on) continue;
        r.sent_on += round.step.sent;
        r.webhook_posts += round.webhook_posts;
        r.message_created += round.distinct_cids;
        r.scrapes += round.scrapes;
        r.scrape_failures += round.scrape_failures;
    }
    r.ok = !off.empty() && !on.empty();
    if (!r.ok) {
        for (const OverheadRound& round : r.rounds)
            if (!round.error.empty()) r.error = round.error;
        if (r.error.empty()) r.error = "no round of each configuration ran";
        std::printf("overhead: not measured: %s\n", r.error.c_str());
        return r;
    }
    r.off_us = mean(off), r.on_us = mean(on), r.diff_pct = percent_over(r.on_us, r.off_us);
    r.off_us_median = median(off), r.on_us_median = median(on);
    r.diff_pct_median = percent_over(r.on_us_median, r.off_us_median);
    char webhooks[160] = "no webhooks";
    if (cfg.webhooks)
        std::snprintf(webhooks, sizeof webhooks, "%llu of %llu message.created webhooks arrived (%llu POSTs in all)",
                      (unsigned long long)r.message_created, (unsigned long long)r.sent_on,
                      (unsigned long long)r.webhook_posts);
    std::printf("overhead: relay CPU per delivery off %.2f us, on %.2f us: %+.1f %% (medians %.2f / %.2f us: "
                "%+.1f %%; target within 5 %%); on: %s, %llu scrapes (%llu failed)\n",
                r.off_us, r.on_us, r.diff_pct, r.off_us_median, r.on_us_median, r.diff_pct_median, webhooks,
                (unsigned long long)r.scrapes, (unsigned long long)r.scrape_failures);
    return r;
}

}  // namespace parley::load
