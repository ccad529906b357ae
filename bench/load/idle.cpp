// The idle scenario: N authenticated visitor connections that then say nothing (each a
// new visitor with its own conversation, as N widgets open on N pages). The relay's
// resident memory per connection is (RSS with N − RSS before) / N; the marginal figure
// over the second half, (RSS(N) − RSS(N/2)) / (N/2), leaves out one-time growth (SQLite
// page cache, hash tables reaching their size). Connections come from 127.0.0.1 …
// 127.0.0.K so the source ports of one address never run short; the relay runs with
// the per-address limits lifted and the generator's raised RLIMIT_NOFILE.
#include <algorithm>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "clock.hpp"
#include "parley/protocol/codec.hpp"
#include "proc_stats.hpp"
#include "scenarios.hpp"
#include "servers.hpp"
#include "ws_client.hpp"

namespace parley::load {

namespace p = parley::protocol;

namespace {

class Idle final : public WsHandler {
public:
    Idle(Loop& loop, const WsTarget& target, int sources) : loop_(loop), target_(target), sources_(sources) {}
    int opened = 0, ready = 0, failed = 0, closed = 0;
    std::string first_error;
    std::vector<WsConn*> conns;

    void open_one() {
        const std::uint32_t src = 0x7f000001u + std::uint32_t(opened % std::max(1, sources_));
        WsConn* c = loop_.connect(target_, *this, src);
        ++opened;
        if (!c) {
            ++failed;
            if (first_error.empty()) first_error = loop_.last_error();
            return;
        }
        c->user = std::uint32_t(conns.size());
        conns.push_back(c);
    }
    void on_open(WsConn& c) override {
        p::Hello h;
        h.role = "visitor";
        c.send_text(p::encode(p::ClientFrame{h}));
    }
    void on_message(WsConn&, std::uint8_t op, std::string_view text) override {
        if (op != ws_op::text) return;
        // Only the welcome matters; presence and the like are ignored.
        static constexpr std::string_view kWelcome = "{\"v\":1,\"type\":\"welcome\"";
        if (text.compare(0, kWelcome.size(), kWelcome) == 0) ++ready;
    }
    void on_closed(WsConn& c, int code, bool opened_ok) override {
        conns[c.user] = nullptr;
        if (!opened_ok) ++failed;
        else ++closed;
        if (first_error.empty())
            first_error = opened_ok ? "the relay closed a connection with " + std::to_string(code) : loop_.last_error();
    }

private:
    Loop& loop_;
    const WsTarget& target_;
    int sources_;
};

// Waits for the RSS to settle (two samples 200 ms apart within 1 %), ≤ 3 s.
std::int64_t settled_rss(pid_t pid, Loop& loop) {
    std::int64_t last = sample_process(pid).rss_bytes;
    for (int i = 0; i < 15; ++i) {
        const std::int64_t until = now_ns() + 200'000'000;
        while (now_ns() < until) loop.run_once(20);
        const std::int64_t now = sample_process(pid).rss_bytes;
        if (std::llabs(now - last) * 100 < last) return now;
        last = now;
    }
    return last;
}

}  // namespace

JsonObject IdleResult::json() const {
    JsonObject o;
    o.boolean("ok", ok);
    if (!error.empty()) o.str("error", error);
    o.integer("conns", conns).integer("ready", ready).num("connect_s", connect_s);
    o.num("rss_before_mib", rss_before_mib, 2).num("rss_after_mib", rss_after_mib, 2);
    o.num("rss_bytes_per_conn", rss_bytes_per_conn, 0).num("rss_marginal_bytes_per_conn", rss_marginal_bytes_per_conn, 0).num("idle_cpu_pct", idle_cpu_pct, 2);
    o.num("gen_rss_mib", gen_rss_mib, 1).integer("fd_limit", fd_limit);
    return o;
}

IdleResult run_idle(const Paths& paths, const IdleConfig& cfg) {
    IdleResult r;
    r.conns = cfg.conns;
    r.fd_limit = raise_fd_limit();
    if (r.fd_limit < cfg.conns + 100) {
        r.error = "RLIMIT_NOFILE is " + std::to_string(r.fd_limit) + "; raise it (ulimit -n) above " +
                  std::to_string(cfg.conns + 100);
        return r;
    }
    std::string dir = make_temp_dir("parley-load-idle", cfg.data_root);
    if (dir.empty()) dir = make_temp_dir("parley-load-idle");
    RelaySetup setup{paths.relay, dir, dir + "/data", unlimited_flags()};
    ServerProcess relay = start_relay(setup, 0, r.error);
    if (!relay.running()) {
        remove_tree(dir);
        return r;
    }
    {
        Loop loop;
        const WsTarget target = loopback_target(relay.port);
        Idle idle(loop, target, cfg.sources);
        const std::int64_t before = settled_rss(relay.pid, loop);
        r.rss_before_mib = double(before) / 1048576.0;
        const std::int64_t t0 = now_ns();
        std::int64_t half_rss = 0;
        const int half = cfg.conns / 2;
        // Connect with at most in_flight handshakes outstanding (a steady arrival, not a
        // storm: the storm scenario measures that).
        while (idle.ready + idle.failed + idle.closed < cfg.conns && now_ns() - t0 < 180'000'000'000) {
            while (idle.opened < cfg.conns && idle.opened - idle.ready - idle.failed < cfg.in_flight &&
                   !(half_rss == 0 && idle.opened == half && idle.ready < half))
                idle.open_one();
            if (half_rss == 0 && idle.ready >= half && half > 0) half_rss = settled_rss(relay.pid, loop);
            loop.run_once(5);
            if (idle.failed > 0) break;
        }
        r.connect_s = double(now_ns() - t0) / 1e9;
        r.ready = idle.ready;
        const std::int64_t after = settled_rss(relay.pid, loop);
        r.rss_after_mib = double(after) / 1048576.0;
        if (idle.ready > 0) r.rss_bytes_per_conn = double(after - before) / double(idle.ready);
        const double marginal = r.rss_marginal_bytes_per_conn = half_rss && idle.ready > half ? double(after - half_rss) / double(idle.ready - half) : 0;
        // Idle CPU: the relay with N quiet connections (lws pings the silent ones after
        // --heartbeat-secs; our loop answers).
        const ProcSample c0 = sample_process(relay.pid);
        const std::int64_t hold_end = now_ns() + std::int64_t(cfg.hold_s * 1e9);
        while (now_ns() < hold_end) loop.run_once(50);
        const ProcSample c1 = sample_process(relay.pid);
        r.idle_cpu_pct = cpu_percent(c0, c1);
        r.gen_rss_mib = double(sample_process(::getpid()).rss_bytes) / 1048576.0;
        r.ok = idle.ready == cfg.conns;
        if (!idle.first_error.empty()) r.error = idle.first_error;
        std::printf("idle: %d connections from %d source addresses, %d ready in %.2f s (relay data dir %s)\n",
                    cfg.conns, cfg.sources, idle.ready, r.connect_s, dir.c_str());
        std::printf("%-10s %12s %12s %14s %16s %10s\n", "conns", "rss before", "rss after", "bytes/conn",
                    "marginal b/conn", "idle cpu");
        std::printf("%-10d %10.1f M %10.1f M %14.0f %16.0f %9.2f%%\n", idle.ready, r.rss_before_mib, r.rss_after_mib,
                    r.rss_bytes_per_conn, marginal, r.idle_cpu_pct);
        std::fflush(stdout);
        for (WsConn* c : idle.conns)
            if (c) c->drop();
        loop.run_once(0);
    }
    stop_process(relay);
    remove_tree(dir);
    return r;
}

}  // namespace parley::load
