// The storm scenario: N visitors connect at once to a fresh relay (each says hello and
// sends one message, acknowledged), then the relay is restarted: SIGTERM (it drains and
// closes every connection with 1001), started again on the same data dir and port, and
// every client reconnects at once with its token and resumes: `sync` after the last
// seq it had seen before its message (0), so each gets its one missed `msg` back, then
// `synced`. storm_s is the time from the restarted relay's listening line until every
// client has its `synced`.
//
// Real clients reconnect with full-jitter backoff (docs/protocol.md §3), which spreads
// a restart over seconds; here they all come back in the same instant, the worst case
// for the relay, so the figure measures the relay and not the backoff policy.
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <utility>

#include "clock.hpp"
#include "parley/protocol/codec.hpp"
#include "scenarios.hpp"
#include "servers.hpp"
#include "wire.hpp"
#include "ws_client.hpp"

namespace parley::load {

namespace p = parley::protocol;

namespace {

class Storm final : public WsHandler {
public:
    Storm(Loop& loop, int clients, int sources) : loop_(loop), clients_(std::size_t(clients)), sources_(sources) {}

    struct Client {
        WsConn* c = nullptr;
        std::string token, conv;
        bool welcomed = false, acked = false, resumed = false;
        int msgs = 0;
    };
    int welcomed = 0, acked = 0, resumed = 0, sync_msgs = 0, closes_1001 = 0, closes_other = 0, failed = 0;
    bool resuming = false;
    std::string first_error;

    void connect_all(const WsTarget& target) {
        for (std::size_t i = 0; i < clients_.size(); ++i) {
            const std::uint32_t src = 0x7f000001u + std::uint32_t(i % std::size_t(std::max(1, sources_)));
            WsConn* c = loop_.connect(target, *this, src);
            if (!c) {
                ++failed;
                note(loop_.last_error());
                continue;
            }
            c->user = std::uint32_t(i);
            clients_[i].c = c;
        }
    }
    std::size_t size() const { return clients_.size(); }
    std::size_t open_clients() const {
        std::size_t n = 0;
        for (const Client& c : clients_) n += c.c != nullptr;
        return n;
    }

    void on_open(WsConn& c) override {
        Client& k = clients_[c.user];
        p::Hello h;
        h.role = "visitor";
        if (!k.token.empty()) h.token = k.token;
        c.send_text(p::encode(p::ClientFrame{h}));
    }
    void on_message(WsConn& c, std::uint8_t op, std::string_view text) override {
        if (op != ws_op::text) return;
        Client& k = clients_[c.user];
        auto decoded = p::decode_relay(text);
        if (!decoded) return note("undecodable frame");
        const p::RelayFrame& f = decoded.value();
        if (const auto* w = std::get_if<p::Welcome>(&f)) {
            if (!resuming) {
                k.token = w->token;
                k.conv = w->conv.value_or("");
                k.welcomed = true;
                ++welcomed;
                p::Send s{k.conv, "storm.1", message_text(120)};
                write_stamp(s.text.data(), now_ns());
                c.send_text(p::encode(p::ClientFrame{s}));
            } else {
                if (w->conv.value_or("") != k.conv) note("a resumed client got another conversation");
                c.send_text(p::encode(p::ClientFrame{p::Sync{k.conv, 0}}));
            }
        } else if (std::holds_alternative<p::Ack>(f)) {
            if (!k.acked) ++acked;
            k.acked = true;
        } else if (std::holds_alternative<p::Msg>(f)) {
            if (resuming) {
                ++k.msgs;
                ++sync_msgs;
            }
        } else if (std::holds_alternative<p::Synced>(f)) {
            if (resuming && !k.resumed && k.msgs >= 1) {
                k.resumed = true;
                ++resumed;
            }
        } else if (const auto* e = std::get_if<p::ErrorFrame>(&f)) {
            note("relay error " + std::to_string(int(e->code)) + ": " + e->message);
        }
    }
    void on_closed(WsConn& c, int code, bool opened) override {
        clients_[c.user].c = nullptr;
        if (!opened) {
            // After the restart a refused connection is retried (as a client's backoff
            // would); before it, it is a failure.
            if (resuming && retries < 10 * int(clients_.size())) {
                ++retries;
                retry.push_back(c.user);
                return;
            }
            ++failed;
            return note("connection failed: " + loop_.last_error());
        }
        if (code == 1001) ++closes_1001;
        else ++closes_other;
    }

    int retries = 0;
    std::vector<std::uint32_t> retry;

    void reconnect_all(const WsTarget& target) {
        resuming = true;
        for (std::size_t i = 0; i < clients_.size(); ++i) reconnect(target, i);
    }
    void reconnect(const WsTarget& target, std::size_t i) {
        if (clients_[i].c) clients_[i].c->drop();  // should not happen: the relay closed them
        const std::uint32_t src = 0x7f000001u + std::uint32_t(i % std::size_t(std::max(1, sources_)));
        WsConn* c = loop_.connect(target, *this, src);
        if (!c) {
            ++failed;
            return note(loop_.last_error());
        }
        c->user = std::uint32_t(i);
        clients_[i].c = c;
    }

private:
    void note(const std::string& e) {
        if (first_error.empty()) first_error = e;
    }
    Loop& loop_;
    std::vector<Client> clients_;
    int sources_;
};


}  // namespace

JsonObject StormResult::json() const {
    JsonObject o;
    o.boolean("ok", ok);
    if (!error.empty()) o.str("error", error);
    o.integer("clients", clients).integer("connected", connected).integer("resumed", resumed);
    o.integer("sync_msgs", sync_msgs).integer("closes_1001", closes_1001);
    o.num("connect_s", connect_s).num("stop_s", stop_s).num("restart_s", restart_s);
    o.num("storm_s", storm_s).num("total_s", total_s);
    return o;
}

StormResult run_storm(const Paths& paths, const StormConfig& cfg) {
    StormResult r;
    r.clients = cfg.clients;
    const std::string dir = make_temp_dir("parley-load-storm");
    RelaySetup setup{paths.relay, dir, dir + "/data", unlimited_flags()};
    ServerProcess relay = start_relay(setup, 0, r.error);
    if (!relay.running()) {
        remove_tree(dir);
        return r;
    }
    const int port = relay.port;
    {
        Loop loop;
        const WsTarget target = loopback_target(port);
        Storm storm(loop, cfg.clients, cfg.sources);
        const std::int64_t deadline = now_ns() + std::int64_t(cfg.timeout_s * 1e9);

        // 1. Everyone at once, on a fresh relay.
        const std::int64_t t0 = now_ns();
        storm.connect_all(target);
        while (storm.welcomed < cfg.clients && storm.failed == 0 && now_ns() < deadline) loop.run_once(5);
        r.connect_s = double(now_ns() - t0) / 1e9;
        while (storm.acked < storm.welcomed && now_ns() < deadline) loop.run_once(5);
        r.connected = storm.welcomed;
        std::fprintf(stderr, "storm: %d connected in %.3f s, %d acked\n", storm.welcomed, r.connect_s, storm.acked);

        // 2. SIGTERM; keep reading while the relay drains, so its 1001 closes complete.
        const std::int64_t t_term = now_ns();
        ::kill(relay.pid, SIGTERM);
        int status = 0;
        while (::waitpid(relay.pid, &status, WNOHANG) == 0 && now_ns() < deadline) loop.run_once(5);
        relay.pid = -1;
        r.stop_s = double(now_ns() - t_term) / 1e9;
        while (storm.open_clients() > 0 && now_ns() < deadline) loop.run_once(5);
        r.closes_1001 = storm.closes_1001;
        std::fprintf(stderr, "storm: relay stopped in %.3f s; %d closes 1001, %d other, %zu still open\n", r.stop_s,
                     storm.closes_1001, storm.closes_other, storm.open_clients());

        // 3. Start again, same data dir and port; 4. everyone reconnects and resumes.
        const std::int64_t t_start = now_ns();
        relay = start_relay(setup, port, r.error);
        if (relay.running()) {
            const std::int64_t t_listen = now_ns();
            r.restart_s = double(t_listen - t_start) / 1e9;
            storm.reconnect_all(target);
            std::int64_t last_retry = now_ns();
            while (storm.resumed < cfg.clients && now_ns() < deadline) {
                loop.run_once(5);
                if (!storm.retry.empty() && now_ns() - last_retry > 100'000'000) {
                    last_retry = now_ns();
                    for (std::uint32_t i : std::exchange(storm.retry, {})) storm.reconnect(target, i);
                }
            }
            r.storm_s = double(now_ns() - t_listen) / 1e9;
            if (storm.resumed < cfg.clients)
                std::fprintf(stderr, "storm: only %d of %d resumed (%d sync msgs, %d failed): %s\n", storm.resumed,
                             cfg.clients, storm.sync_msgs, storm.failed, storm.first_error.c_str());
            r.total_s = double(now_ns() - t_term) / 1e9;
            r.resumed = storm.resumed;
            r.sync_msgs = storm.sync_msgs;
            r.ok = true;
        }
        if (r.error.empty() && !storm.first_error.empty()) r.error = storm.first_error;
        std::printf("storm: %d clients from %d source addresses\n", cfg.clients, cfg.sources);
        std::printf("%-8s %10s %9s %10s %10s %9s %9s %8s\n", "clients", "connect s", "stop s", "restart s",
                    "storm s", "total s", "resumed", "1001s");
        std::printf("%-8d %10.3f %9.3f %10.3f %10.3f %9.3f %9d %8d\n", cfg.clients, r.connect_s, r.stop_s,
                    r.restart_s, r.storm_s, r.total_s, r.resumed, r.closes_1001);
        std::fflush(stdout);
    }
    stop_process(relay);
    remove_tree(dir);
    return r;
}

}  // namespace parley::load
