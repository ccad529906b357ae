// parley-load: the relay load generator (issue 6, "Fast by measurement").
//
//   parley-load SCENARIO [options]
//
// Scenarios: fanout (Parley), mosquitto (the same fan-out against mosquitto), compare
// (both, with ratios), chat, idle, storm, all (every one; the bench/run.sh default),
// bot (the house bot's time to first token; not in `all`: it needs parley-bot) and
// overhead (relay CPU per delivery with webhooks and /metrics scrapes against without;
// not in `all`: it is its own comparison, rounds of one fan-out step).
// Each starts the server it measures itself, on 127.0.0.1 with a fresh temp data dir,
// prints a human table, and ends with ONE JSON line holding every figure. `all --smoke`
// runs everything tiny and exits 1 unless every message was delivered and every client
// connected and resumed: it asserts completeness, never a speed.
#include <signal.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "fanout.hpp"
#include "proc_stats.hpp"
#include "scenarios.hpp"
#include "servers.hpp"

using namespace parley::load;

namespace {

const char* kUsage =
    "usage: parley-load SCENARIO [options]\n"
    "scenarios: fanout | mosquitto | compare | chat | idle | storm | all | bot | overhead\n"
    "common:\n"
    "  --relay PATH        parley-relay binary (default $PARLEY_RELAY, else parley-relay in PATH)\n"
    "  --mosquitto PATH    mosquitto binary (default: from PATH or /usr/sbin; 'none' skips it)\n"
    "  --smoke             every scenario tiny; exit 1 unless everything was delivered/resumed\n"
    "  --disk-s X (5; smoke 0.5)  the disk probe every scenario starts with: paced 4 KiB\n"
    "                      appends + fdatasync, and the share of acks that must wait > 5 ms\n"
    "fanout, mosquitto, compare:\n"
    "  --convs R (100) --listeners S (10) --senders P (100) --bytes B (200)\n"
    "  --step-s X (3) --drain-s X (2) --start-rate D (250 deliveries/s) --max-rate D (320000)\n"
    "  --rates D1,D2,...  explicit steps   --refine N (2)   --cost-rate D (10000)\n"
    "  --verify-every N (64: full codec decode of every Nth msg frame)\n"
    "  --tmpfs DIR (/dev/shm): also run the relay with its data dir there ('none': skip)\n"
    "chat:  --pairs N (100) --agents A (10) --human-s X (10) --think-s X (1)\n"
    "       --rate M (1000 msgs/s; 0 skips) --rate-s X (5)\n"
    "idle:  --conns N (10000) --sources K (4) --hold-s X (5) --idle-data-root DIR (/dev/shm)\n"
    "storm: --clients N (1000) --sources K (4) --timeout-s X (60)\n"
    "bot:   --bot PATH (parley-bot) --bot-config FILE (deploy/bot/bot.toml)\n"
    "       --questions DIR (transcripts: each file's first typed visitor line)\n"
    "       --conv-rate R (50 new conversations/s) --bot-s X (25) --drain-s X (15)\n"
    "overhead: the fan-out's --convs --listeners --senders --bytes; per round one step of\n"
    "       --step-s X (5; smoke 1) at --cost-rate D (10000 deliveries/s; smoke 120), then\n"
    "       up to --drain-s X (10) for the last deliveries and webhooks\n"
    "       --rounds N (4 of each; smoke 2) --max-s X (300: no new pair after)\n"
    "       --scrape-ms X (200: /metrics in the webhook rounds; 0: none) --webhooks 0|1 (1)\n"
    "       --data-root DIR ($TMPDIR)\n";

struct Args {
    std::map<std::string, std::string> kv;
    bool smoke = false;
    std::string error;
    double num(const std::string& k, double def) const {
        auto it = kv.find(k);
        return it == kv.end() ? def : std::atof(it->second.c_str());
    }
    std::string str(const std::string& k, const std::string& def) const {
        auto it = kv.find(k);
        return it == kv.end() ? def : it->second;
    }
};

Args parse(int argc, char** argv, int from) {
    Args a;
    for (int i = from; i < argc; ++i) {
        std::string k = argv[i];
        if (k == "--smoke") {
            a.smoke = true;
            continue;
        }
        if (k.rfind("--", 0) != 0 || i + 1 >= argc) {
            a.error = "bad argument: " + k;
            return a;
        }
        a.kv[k.substr(2)] = argv[++i];
    }
    // Every option but these paths takes a number (--rates a comma-separated list of
    // them): one that does not parse, or is negative, is refused rather than read as 0.
    static const char* const kPathOptions[] = {"relay", "mosquitto", "tmpfs", "idle-data-root", "bot", "bot-config",
                                               "questions", "data-root"};
    for (const auto& [key, value] : a.kv) {
        if (std::find(std::begin(kPathOptions), std::end(kPathOptions), key) != std::end(kPathOptions)) continue;
        std::stringstream items(value);
        std::string item;
        bool good = !value.empty();
        while (good && std::getline(items, item, key == "rates" ? ',' : '\0')) {
            char* end = nullptr;
            const double v = std::strtod(item.c_str(), &end);
            good = !item.empty() && *end == '\0' && std::isfinite(v) && v >= 0;
        }
        if (!good) {
            a.error = "bad number for --" + key + ": " + value;
            return a;
        }
    }
    return a;
}

FanoutConfig fanout_config(const Args& a) {
    FanoutConfig c;
    if (a.smoke) {
        c.convs = 4, c.listeners = 3, c.senders = 4, c.step_s = 1, c.drain_s = 3;
        c.rates = {120};
        c.verify_every = 1;
    }
    c.convs = int(a.num("convs", c.convs));
    c.listeners = int(a.num("listeners", c.listeners));
    c.senders = int(a.num("senders", c.senders));
    c.bytes = int(a.num("bytes", c.bytes));
    c.step_s = a.num("step-s", c.step_s);
    c.drain_s = a.num("drain-s", c.drain_s);
    c.start_rate = a.num("start-rate", c.start_rate);
    c.max_rate = a.num("max-rate", c.max_rate);
    c.refine = int(a.num("refine", c.refine));
    c.cost_rate = a.num("cost-rate", c.cost_rate);
    c.verify_every = std::max(1, int(a.num("verify-every", c.verify_every)));
    if (a.kv.count("rates")) {
        c.rates.clear();
        std::stringstream s(a.str("rates", ""));
        std::string x;
        while (std::getline(s, x, ',')) c.rates.push_back(std::atof(x.c_str()));
    }
    return c;
}

ChatConfig chat_config(const Args& a) {
    ChatConfig c;
    if (a.smoke) c.pairs = 6, c.agents = 2, c.human_s = 2, c.think_s = 0.2, c.rate = 50, c.rate_s = 1;
    c.pairs = int(a.num("pairs", c.pairs));
    c.agents = int(a.num("agents", c.agents));
    c.human_s = a.num("human-s", c.human_s);
    c.think_s = a.num("think-s", c.think_s);
    c.rate = a.num("rate", c.rate);
    c.rate_s = a.num("rate-s", c.rate_s);
    return c;
}

IdleConfig idle_config(const Args& a) {
    IdleConfig c;
    if (a.smoke) c.conns = 50, c.hold_s = 0.5;
    c.conns = int(a.num("conns", c.conns));
    c.sources = int(a.num("sources", c.sources));
    c.hold_s = a.num("hold-s", c.hold_s);
    c.data_root = a.str("idle-data-root", c.data_root);
    return c;
}

StormConfig storm_config(const Args& a) {
    StormConfig c;
    if (a.smoke) c.clients = 40, c.timeout_s = 20;
    c.clients = int(a.num("clients", c.clients));
    c.timeout_s = a.num("timeout-s", c.timeout_s);
    c.sources = int(a.num("sources", c.sources));
    return c;
}

BotConfig bot_config(const Args& a) {
    BotConfig c;
    if (a.smoke) c.rate = 10, c.seconds = 2, c.drain_s = 20;
    c.bot = find_executable(a.str("bot", "parley-bot"));
    c.bot_config = a.str("bot-config", "");
    c.questions = a.str("questions", "");
    c.rate = a.num("conv-rate", c.rate);
    c.seconds = a.num("bot-s", c.seconds);
    c.drain_s = a.num("drain-s", c.drain_s);
    return c;
}

OverheadConfig overhead_config(const Args& a) {
    OverheadConfig c;
    c.fanout = fanout_config(a);
    // Steps long against the 10 ms tick of the CPU samples; a drain long enough for the
    // webhooks that trail the deliveries.
    c.fanout.step_s = a.num("step-s", a.smoke ? 1 : 5);
    c.fanout.drain_s = a.num("drain-s", a.smoke ? 5 : 10);
    c.rate = a.num("cost-rate", a.smoke ? 120 : c.rate);
    c.rounds = std::max(1, int(a.num("rounds", a.smoke ? 2 : c.rounds)));
    c.max_s = a.num("max-s", c.max_s);
    c.webhooks = a.num("webhooks", 1) != 0;
    const int scrape_ms = int(a.num("scrape-ms", c.scrape_ms));
    c.scrape_ms = scrape_ms > 0 ? std::max(10, scrape_ms) : 0;
    c.data_root = a.str("data-root", "");
    return c;
}

double ratio(double a, double b) { return b > 0 ? a / b : 0; }

// Server CPU per delivery of two systems at the same offered rate: the highest step
// rate that both delivered ≥ 99 % at (CPU per delivery falls with the rate, as work
// batches, so figures from different rates do not compare). {rate, a, b}; rate 0: none.
struct SameRate {
    double rate = 0, a = 0, b = 0;
};
SameRate same_rate_cost(const FanoutResult& x, const FanoutResult& y) {
    SameRate out;
    for (const auto& s : x.steps)
        for (const auto& t : y.steps)
            if (std::fabs(s.offered - t.offered) < 1 && s.delivered_pct >= 99 && t.delivered_pct >= 99 &&
                s.offered > out.rate)
                out = {s.offered, s.server_us_per_delivery, t.server_us_per_delivery};
    return out;
}

void print_ratios(const char* label, const FanoutResult& pr, const FanoutResult& mq, JsonObject& out,
                  const std::string& prefix) {
    const SameRate c = same_rate_cost(pr, mq);
    std::printf("ratios %s / mosquitto: peak %.3f, held %.3f, server CPU per delivery %.2f (%.2f vs %.2f us at "
                "%.0f deliveries/s)\n",
                label, ratio(pr.peak_per_s, mq.peak_per_s), ratio(pr.held_per_s, mq.held_per_s), ratio(c.a, c.b),
                c.a, c.b, c.rate);
    out.num(prefix + "peak", ratio(pr.peak_per_s, mq.peak_per_s), 4);
    out.num(prefix + "held", ratio(pr.held_per_s, mq.held_per_s), 4);
    out.num(prefix + "us_per_delivery", ratio(c.a, c.b), 3).num(prefix + "us_per_delivery_rate", c.rate, 0);
}

void print_fanout_summary(const FanoutResult& r) {
    if (!r.ok) {
        std::printf("%s: not run: %s\n", r.system.c_str(), r.error.c_str());
        return;
    }
    std::printf("%s: peak %.0f deliveries/s, held (>= 99 %%, p99 <= 100 ms) %.0f/s, server %.2f us CPU per "
                "delivery at %.0f/s, generator %.2f us per delivery%s%s\n",
                r.system.c_str(), r.peak_per_s, r.held_per_s, r.us_per_delivery_at_cost_rate, r.cost_rate_used,
                r.gen_us_per_delivery, r.error.empty() ? "" : "; note: ", r.error.c_str());
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
        std::fputs(kUsage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const std::string scenario = argv[1];
    const Args args = parse(argc, argv, 2);
    if (!args.error.empty()) {
        std::fprintf(stderr, "parley-load: %s\n%s", args.error.c_str(), kUsage);
        return 2;
    }
    ::signal(SIGPIPE, SIG_IGN);
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // tables appear as they are measured
    const long fds = raise_fd_limit();

    Paths paths;
    const char* env_relay = std::getenv("PARLEY_RELAY");
    paths.relay = find_executable(args.str("relay", env_relay ? env_relay : "parley-relay"));
    const std::string mq = args.str("mosquitto", "mosquitto");
    paths.mosquitto = mq == "none" ? "" : find_executable(mq);
    const bool needs_relay = scenario != "mosquitto";
    if (needs_relay && paths.relay.empty()) {
        std::fprintf(stderr, "parley-load: no parley-relay binary (give --relay PATH)\n");
        return 2;
    }
    std::printf("parley-load %s%s: fd limit %ld, relay %s\n", scenario.c_str(), args.smoke ? " --smoke" : "", fds,
                paths.relay.c_str());

    JsonObject out;
    bool complete = true;
    // First, what the disk under the data dir allows (bench/load/disk.cpp).
    DiskConfig disk_cfg;
    disk_cfg.seconds = args.num("disk-s", args.smoke ? 0.5 : disk_cfg.seconds);
    const DiskResult disk = run_disk_probe(disk_cfg);
    out.raw("disk", disk.json().text());
    auto run_fanouts = [&](bool parley, bool mosquitto) {
        const FanoutConfig cfg = fanout_config(args);
        FanoutResult pr, mr;
        if (parley) {
            pr = run_fanout_parley(paths, cfg);
            print_fanout_summary(pr);
            out.num("fanout_peak_per_s", pr.peak_per_s, 0).num("fanout_held_per_s", pr.held_per_s, 0);
            out.num("relay_us_per_delivery", pr.us_per_delivery_at_cost_rate, 3);
            out.num("relay_cost_rate", pr.cost_rate_used, 0);
            out.num("gen_us_per_delivery", pr.gen_us_per_delivery, 3);
            complete = complete && pr.complete();
        }
        FanoutResult tr;  // the relay with its data dir on tmpfs: fsync costs nothing
        const std::string tmpfs_root = args.str("tmpfs", "/dev/shm");
        bool tmpfs = false;
        if (parley && tmpfs_root != "none") {
            const std::string probe = make_temp_dir("parley-load-probe", tmpfs_root);
            tmpfs = !probe.empty();
            remove_tree(probe);
        }
        if (tmpfs) {
            tr = run_fanout_parley(paths, cfg, args.str("tmpfs", "/dev/shm"));
            print_fanout_summary(tr);
            out.num("fanout_tmpfs_peak_per_s", tr.peak_per_s, 0).num("fanout_tmpfs_held_per_s", tr.held_per_s, 0);
            out.num("relay_us_per_delivery_tmpfs", tr.us_per_delivery_at_cost_rate, 3);
            out.num("relay_tmpfs_cost_rate", tr.cost_rate_used, 0);
            complete = complete && tr.complete();
        }
        if (mosquitto) {
            if (paths.mosquitto.empty()) {
                std::printf("mosquitto: skipped: no mosquitto binary found (apt-get install mosquitto)\n");
                out.str("mosquitto_skipped", "no mosquitto binary");
            } else {
                mr = run_fanout_mosquitto(paths, cfg);
                print_fanout_summary(mr);
                out.num("mosquitto_peak_per_s", mr.peak_per_s, 0).num("mosquitto_held_per_s", mr.held_per_s, 0);
                out.num("mosquitto_us_per_delivery", mr.us_per_delivery_at_cost_rate, 3);
                out.num("mosquitto_gen_us_per_delivery", mr.gen_us_per_delivery, 3);
                complete = complete && mr.complete();
            }
        }
        if (parley && mosquitto && mr.ok && pr.ok) print_ratios("parley", pr, mr, out, "ratio_");
        if (tr.ok && mosquitto && mr.ok) print_ratios("parley on tmpfs", tr, mr, out, "ratio_tmpfs_");
        out.raw("fanout_config", JsonObject()
                                     .integer("convs", cfg.convs)
                                     .integer("listeners", cfg.listeners)
                                     .integer("senders", cfg.senders)
                                     .integer("bytes", cfg.bytes)
                                     .num("step_s", cfg.step_s)
                                     .text());
        if (parley) out.raw("fanout", pr.json().text());
        if (tr.ok) out.raw("fanout_tmpfs", tr.json().text());
        if (mosquitto && mr.ok) out.raw("mosquitto", mr.json().text());
    };
    auto run_chat_ = [&]() {
        const ChatResult r = run_chat(paths, chat_config(args));
        out.num("ack_p99_ms", r.rate_ack_p99, 3).num("ack_rate_per_s", r.rate, 0).num("ack_acked_pct", r.rate_acked_pct, 2);
        out.num("human_ack_p99_ms", r.human_ack_p99, 3);
        out.raw("chat", r.json().text());
        complete = complete && r.complete();
    };
    auto run_idle_ = [&]() {
        const IdleResult r = run_idle(paths, idle_config(args));
        out.num("idle_rss_bytes_per_conn", r.rss_bytes_per_conn, 0).integer("idle_conns", r.conns);
        out.raw("idle", r.json().text());
        complete = complete && r.complete();
    };
    auto run_storm_ = [&]() {
        const StormResult r = run_storm(paths, storm_config(args));
        out.num("storm_seconds", r.storm_s, 3).integer("storm_clients", r.clients);
        out.raw("storm", r.json().text());
        complete = complete && r.complete();
    };

    auto run_bot_ = [&]() {
        const BotResult r = run_bot(paths, bot_config(args));
        out.num("bot_ttft_p50_ms", r.ttft_p50, 2).num("bot_ttft_p99_ms", r.ttft_p99, 2);
        out.num("bot_us_per_answer", r.bot_us_per_answer, 1).num("bot_relay_us_per_answer", r.relay_us_per_answer, 1);
        out.raw("bot", r.json().text());
        complete = complete && r.complete();
    };

    auto run_overhead_ = [&]() {
        const OverheadResult r = run_overhead(paths, overhead_config(args));
        out.num("overhead_off_us_per_delivery", r.off_us, 3).num("overhead_on_us_per_delivery", r.on_us, 3);
        out.num("overhead_pct", r.diff_pct, 2);
        out.raw("overhead", r.json().text());
        complete = complete && r.complete();
    };

    if (scenario == "fanout") run_fanouts(true, false);
    else if (scenario == "bot") run_bot_();
    else if (scenario == "overhead") run_overhead_();
    else if (scenario == "mosquitto") run_fanouts(false, true);
    else if (scenario == "compare") run_fanouts(true, true);
    else if (scenario == "chat") run_chat_();
    else if (scenario == "idle") run_idle_();
    else if (scenario == "storm") run_storm_();
    else if (scenario == "all") {
        run_fanouts(true, true);
        run_chat_();
        run_idle_();
        run_storm_();
    } else {
        std::fprintf(stderr, "parley-load: unknown scenario %s\n%s", scenario.c_str(), kUsage);
        return 2;
    }
    const ProcSample self = sample_self();
    out.num("gen_cpu_s", double(self.cpu_ns) / 1e9, 2);
    // Only a smoke run promises completeness; a full run drives past saturation on purpose.
    if (args.smoke) out.boolean("complete", complete);
    if (args.smoke) std::printf("smoke: %s\n", complete ? "every message delivered, every client connected and resumed"
                                                        : "INCOMPLETE (see above)");
    std::printf("%s\n", out.text().c_str());
    return args.smoke && !complete ? 1 : 0;
}
