#include "fanout.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>

#include "clock.hpp"
#include "histogram.hpp"
#include "mqtt.hpp"
#include "parley/protocol/codec.hpp"
#include "proc_stats.hpp"
#include "servers.hpp"
#include "wire.hpp"
#include "ws_client.hpp"

namespace parley::load {

namespace p = parley::protocol;

namespace {

// Where deliveries are counted: only stamps of the current step's send window.
struct Sink {
    std::int64_t window_start = std::numeric_limits<std::int64_t>::max();
    std::int64_t window_end = std::numeric_limits<std::int64_t>::max();
    Histogram hist;
    std::uint64_t delivered = 0, late = 0;
    std::uint64_t seen_total = 0;  // every stamped delivery since the start, late ones too
    std::int64_t last_delivery = 0;
    void on_stamp(std::int64_t stamp, std::int64_t now) {
        last_delivery = now;
        ++seen_total;
        if (stamp >= window_start && stamp < window_end) {
            ++delivered;
            hist.record(now - stamp);
        } else {
            ++late;
        }
    }
    void open_window(std::int64_t start, std::int64_t end) {
        window_start = start;
        window_end = end;
        hist.clear();
        delivered = late = 0;
    }
};

// What the step driver needs from one system's clients.
class FanoutClient : public WsHandler {
public:
    Sink sink;
    std::uint64_t unexpected_closes = 0, verify_failures = 0, verified = 0, errors = 0;
    std::string first_error;

    virtual void start() = 0;               // opens the first connections
    virtual bool ready() const = 0;          // every listener subscribed
    virtual bool failed() const { return conn_failures > 0; }
    virtual bool publish(std::size_t sender, std::int64_t ns) = 0;
    virtual void every_second(std::int64_t) {}
    virtual std::size_t deliveries_per_send() const = 0;
    virtual std::size_t senders() const = 0;
    std::uint64_t conn_failures = 0;

protected:
    void note(const std::string& e) {
        if (first_error.empty()) first_error = e;
    }
    // A listener's connection ended: a failure to connect, or a close the run did not
    // ask for (`who` closed it). Either way it is no longer subscribed.
    template <class Peer>
    void lost(Peer& peer, std::size_t& ready, int code, bool opened, const Loop& loop, const char* who) {
        peer.c = nullptr;
        if (!opened) {
            ++conn_failures;
            note("connection failed: " + loop.last_error());
        } else {
            ++unexpected_closes;
            note(std::string(who) + " closed a connection with " + std::to_string(code));
        }
        if (peer.ready) --ready;
        peer.ready = false;
    }
};

// ---- Parley ------------------------------------------------------------------------

class ParleyFanout final : public FanoutClient {
public:
    ParleyFanout(Loop& loop, const WsTarget& target, const FanoutConfig& cfg)
        : loop_(loop), target_(target), cfg_(cfg),
          peers_(std::size_t(cfg.convs) * cfg.listeners), convs_(std::size_t(cfg.convs)),
          tmpl_(std::size_t(cfg.senders)), counter_(std::size_t(cfg.senders), 0) {}

    void start() override {
        for (int r = 0; r < cfg_.convs; ++r) open(std::size_t(r) * cfg_.listeners);
    }
    bool ready() const override { return ready_ == peers_.size(); }
    std::size_t deliveries_per_send() const override { return std::size_t(cfg_.listeners); }
    std::size_t senders() const override { return std::size_t(cfg_.senders); }

    bool publish(std::size_t j, std::int64_t ns) override {
        Peer& peer = peers_[sender_peer(j)];
        if (!peer.ready || !peer.c) return false;
        return peer.c->send_text(tmpl_[j].make(++counter_[j], ns));
    }

    void on_open(WsConn& c) override {
        const Peer& peer = peers_[c.user];
        p::Hello h;
        h.role = "visitor";
        const Conv& conv = convs_[peer.conv];
        if (!conv.token.empty()) h.token = conv.token;
        // One name for every connection of a visitor: a different one is a rename, which
        // the relay stores (and syncs) on hello.
        h.name = "Visitor " + std::to_string(peer.conv);
        c.send_text(p::encode(p::ClientFrame{h}));
    }

    void on_message(WsConn& c, std::uint8_t op, std::string_view text) override {
        if (op != ws_op::text) return;
        const MsgScan scan = scan_msg(text);
        if (scan.is_msg) {
            if (scan.stamp < 0) return;
            sink.on_stamp(scan.stamp, now_ns());
            if (++msgs_ % std::uint64_t(cfg_.verify_every) == 0) {
                ++verified;
                if (!verify_msg(text, scan.stamp)) ++verify_failures;
            }
            return;
        }
        auto decoded = p::decode_relay(text);
        if (!decoded) {
            ++errors;
            return note("undecodable frame from the relay: " + std::string(text.substr(0, 120)));
        }
        Peer& peer = peers_[c.user];
        if (const auto* w = std::get_if<p::Welcome>(&decoded.value())) {
            Conv& conv = convs_[peer.conv];
            if (peer.slot == 0) {
                conv.token = w->token;
                conv.id = w->conv.value_or("");
                for (int s = 1; s < cfg_.listeners; ++s) open(std::size_t(peer.conv) * cfg_.listeners + s);
            } else if (w->conv.value_or("") != conv.id) {
                ++errors;
                note("a second connection of a visitor got another conversation");
            }
            peer.ready = true;
            ++ready_;
            // Senders whose connection this is get their frame template now.
            for (std::size_t j = peer.conv; j < tmpl_.size(); j += std::size_t(cfg_.convs))
                if (sender_peer(j) == c.user)
                    tmpl_[j] = SendTemplate(conv.id, "f" + std::to_string(j) + ".", std::size_t(cfg_.bytes));
        } else if (const auto* e = std::get_if<p::ErrorFrame>(&decoded.value())) {
            ++errors;
            note("relay error " + std::to_string(int(e->code)) + ": " + e->message);
        }
        // ack, queue, presence: nothing to count here.
    }

    void on_closed(WsConn& c, int code, bool opened) override {
        lost(peers_[c.user], ready_, code, opened, loop_, "the relay");
    }

private:
    struct Peer {
        WsConn* c = nullptr;
        std::uint32_t conv = 0, slot = 0;
        bool ready = false;
    };
    struct Conv {
        std::string token, id;
    };
    std::size_t sender_peer(std::size_t j) const {
        const std::size_t conv = j % std::size_t(cfg_.convs);
        const std::size_t slot = (j / std::size_t(cfg_.convs)) % std::size_t(cfg_.listeners);
        return conv * std::size_t(cfg_.listeners) + slot;
    }
    void open(std::size_t index) {
        Peer& peer = peers_[index];
        peer.conv = std::uint32_t(index / std::size_t(cfg_.listeners));
        peer.slot = std::uint32_t(index % std::size_t(cfg_.listeners));
        peer.c = loop_.connect(target_, *this);
        if (!peer.c) {
            ++conn_failures;
            return note(loop_.last_error());
        }
        peer.c->user = std::uint32_t(index);
    }

    Loop& loop_;
    const WsTarget& target_;
    const FanoutConfig& cfg_;
    std::vector<Peer> peers_;
    std::vector<Conv> convs_;
    std::vector<SendTemplate> tmpl_;
    std::vector<std::uint64_t> counter_;
    std::size_t ready_ = 0;
    std::uint64_t msgs_ = 0;
};

// ---- MQTT (mosquitto) ----------------------------------------------------------------

class MqttFanout final : public FanoutClient {
public:
    MqttFanout(Loop& loop, const WsTarget& target, const FanoutConfig& cfg)
        : loop_(loop), target_(target), cfg_(cfg), peers_(std::size_t(cfg.convs) * cfg.listeners),
          tmpl_(std::size_t(cfg.senders)) {
        for (std::size_t j = 0; j < tmpl_.size(); ++j)
            tmpl_[j] = mqtt::PublishTemplate(topic(j % std::size_t(cfg.convs)), std::size_t(cfg.bytes));
    }

    void start() override {
        for (std::size_t i = 0; i < peers_.size(); ++i) {
            Peer& peer = peers_[i];
            peer.c = loop_.connect(target_, *this);
            if (!peer.c) {
                ++conn_failures;
                note(loop_.last_error());
                continue;
            }
            peer.c->user = std::uint32_t(i);
        }
    }
    bool ready() const override { return ready_ == peers_.size(); }
    std::size_t deliveries_per_send() const override { return std::size_t(cfg_.listeners); }
    std::size_t senders() const override { return std::size_t(cfg_.senders); }

    bool publish(std::size_t j, std::int64_t ns) override {
        const std::size_t conv = j % std::size_t(cfg_.convs);
        const std::size_t slot = (j / std::size_t(cfg_.convs)) % std::size_t(cfg_.listeners);
        Peer& peer = peers_[conv * std::size_t(cfg_.listeners) + slot];
        if (!peer.ready || !peer.c) return false;
        return peer.c->send(ws_op::binary, tmpl_[j].make(ns));
    }

    void every_second(std::int64_t now) override {
        // Keepalive is 60 s; a ping every 20 s keeps a quiet connection well inside it.
        if (now - last_ping_ < 20'000'000'000) return;
        last_ping_ = now;
        for (Peer& peer : peers_)
            if (peer.c && peer.c->is_open()) peer.c->send(ws_op::binary, mqtt::pingreq_packet());
    }

    void on_open(WsConn& c) override {
        last_ping_ = now_ns();
        c.send(ws_op::binary, mqtt::connect_packet("pl-" + std::to_string(c.user) + "-" +
                                                       std::to_string(now_ns() % 1000000), 60));
    }

    void on_message(WsConn& c, std::uint8_t op, std::string_view bytes) override {
        if (op != ws_op::binary) return;
        Peer& peer = peers_[c.user];
        peer.reader.feed(bytes);
        mqtt::Packet pk;
        while (peer.reader.next(pk)) {
            if (pk.type == mqtt::type::publish) {
                const std::int64_t stamp = read_stamp(mqtt::publish_payload(pk.body, pk.flags));
                if (stamp >= 0) sink.on_stamp(stamp, now_ns());
            } else if (pk.type == mqtt::type::connack) {
                if (pk.body.size() < 2 || pk.body[1] != 0) {
                    ++errors;
                    note("CONNACK refused");
                    continue;
                }
                c.send(ws_op::binary, mqtt::subscribe_packet(1, topic(c.user / std::size_t(cfg_.listeners))));
            } else if (pk.type == mqtt::type::suback) {
                if (pk.body.size() < 3 || std::uint8_t(pk.body[2]) == 0x80) {
                    ++errors;
                    note("SUBACK refused");
                    continue;
                }
                if (!peer.ready) ++ready_;
                peer.ready = true;
            }
        }
        if (peer.reader.failed()) {
            ++errors;
            note("malformed MQTT from the broker");
        }
    }

    void on_closed(WsConn& c, int code, bool opened) override {
        lost(peers_[c.user], ready_, code, opened, loop_, "the broker");
    }

private:
    struct Peer {
        WsConn* c = nullptr;
        mqtt::Reader reader;
        bool ready = false;
    };
    static std::string topic(std::size_t conv) { return "parley-bench/c" + std::to_string(conv); }

    Loop& loop_;
    const WsTarget& target_;
    const FanoutConfig& cfg_;
    std::vector<Peer> peers_;
    std::vector<mqtt::PublishTemplate> tmpl_;
    std::size_t ready_ = 0;
    std::int64_t last_ping_ = 0;
};

// ---- the step driver -----------------------------------------------------------------

// One loop turn, waiting at most until `deadline_ns`.
void pump(Loop& loop, FanoutClient& client, std::int64_t deadline_ns, std::int64_t& last_second) {
    loop.run_until(deadline_ns);
    const std::int64_t now = now_ns();
    if (now - last_second >= 1'000'000'000) {
        last_second = now;
        client.every_second(now);
    }
}

// Lets the backlog of the previous step arrive before the next one starts: until every
// delivery owed so far has arrived (`owed`: sends × fan-out), or none arrived for 1 s
// (QoS 0 may drop), at most 30 s.
void quiesce(Loop& loop, FanoutClient& client, std::uint64_t owed, std::int64_t& last_second) {
    const std::int64_t start = now_ns();
    client.sink.open_window(0, 0);  // everything now is late
    client.sink.last_delivery = start;
    while (client.sink.seen_total < owed && now_ns() - client.sink.last_delivery < 1'000'000'000 &&
           now_ns() - start < 30'000'000'000)
        pump(loop, client, now_ns() + 20'000'000, last_second);
}

StepResult run_step(Loop& loop, FanoutClient& client, pid_t server, double offered, const FanoutConfig& cfg,
                    const SettledCheck& settled, std::int64_t& last_second, std::uint64_t& owed,
                    std::uint64_t& sent_so_far) {
    StepResult r;
    r.offered = offered;
    const double fan = double(client.deliveries_per_send());
    r.sends_per_s = offered / fan;
    quiesce(loop, client, owed, last_second);

    const std::int64_t window = std::int64_t(cfg.step_s * 1e9);
    const std::int64_t t0 = now_ns() + 2'000'000;  // the first send 2 ms from now
    client.sink.open_window(t0, t0 + window);
    const ProcSample s0 = sample_process(server), g0 = sample_self();
    const double interval = 1e9 / r.sends_per_s;
    const std::uint64_t total = std::uint64_t(std::llround(cfg.step_s * r.sends_per_s));
    std::uint64_t i = 0;
    const std::size_t senders = client.senders();
    while (i < total) {
        const std::int64_t now = now_ns();
        while (i < total) {
            const std::int64_t at = t0 + std::int64_t(double(i) * interval);
            if (at > now) break;
            if (client.publish(std::size_t(i % senders), at)) ++r.sent;
            else ++r.unsent;
            ++i;
        }
        if (i >= total) break;
        pump(loop, client, t0 + std::int64_t(double(i) * interval), last_second);
    }
    loop.flush();
    const std::int64_t send_end = std::max(now_ns(), t0 + window);
    while (now_ns() < t0 + window) pump(loop, client, now_ns() + 5'000'000, last_second);
    const ProcSample s1 = sample_process(server);
    // Drain: wait for the rest (and what `settled` waits for), up to drain_s after the window.
    r.expected = std::uint64_t(double(i) * fan);
    sent_so_far += r.sent;
    while ((client.sink.delivered < r.expected || (settled && !settled(sent_so_far))) &&
           now_ns() < send_end + std::int64_t(cfg.drain_s * 1e9))
        pump(loop, client, now_ns() + 5'000'000, last_second);
    const ProcSample s2 = sample_process(server), g2 = sample_self();

    owed += r.sent * client.deliveries_per_send();
    const Sink& k = client.sink;
    r.delivered = k.delivered;
    r.delivered_per_s = double(k.delivered) / cfg.step_s;
    r.delivered_pct = r.expected ? 100.0 * double(k.delivered) / double(r.expected) : 100;
    r.p50 = k.hist.percentile_ms(0.50);
    r.p90 = k.hist.percentile_ms(0.90);
    r.p99 = k.hist.percentile_ms(0.99);
    r.p999 = k.hist.percentile_ms(0.999);
    r.cpu_pct = cpu_percent(s0, s1);
    r.rss_mib = double(s1.rss_bytes) / 1048576.0;
    if (k.delivered) {
        r.server_us_per_delivery = double(s2.cpu_ns - s0.cpu_ns) / 1e3 / double(k.delivered);
        // The generator's cost: sending and receiving, per delivery.
        r.gen_us_per_delivery = double(g2.cpu_ns - g0.cpu_ns) / 1e3 / double(k.delivered);
    }
    r.held = r.delivered_pct >= 99.0 && r.p99 <= 100.0 && r.unsent == 0;
    return r;
}

void print_step(const std::string& system, const StepResult& s) {
    std::printf("%-9s %9.0f %8.0f %9.0f %7.2f%% %8.2f %8.2f %8.2f %8.2f %6.1f%% %7.1f %7.2f %6.2f %s\n",
                system.c_str(), s.offered, s.sends_per_s, s.delivered_per_s, s.delivered_pct, s.p50, s.p90,
                s.p99, s.p999, s.cpu_pct, s.rss_mib, s.server_us_per_delivery, s.gen_us_per_delivery,
                s.held ? "held" : "-");
    std::fflush(stdout);
}

FanoutResult drive(FanoutResult r, Loop& loop, FanoutClient& client, pid_t server, const FanoutConfig& cfg,
                   const SettledCheck& settled = {}) {
    std::int64_t last_second = now_ns();
    const std::int64_t t_setup = now_ns();
    client.start();
    while (!client.ready() && !client.failed() && now_ns() - t_setup < 60'000'000'000)
        pump(loop, client, now_ns() + 10'000'000, last_second);
    r.setup_s = double(now_ns() - t_setup) / 1e9;
    if (!client.ready()) {
        r.error = "setup: " + std::to_string(loop.open_count()) + " of " +
                  std::to_string(std::size_t(cfg.convs) * cfg.listeners) + " connections ready; " + client.first_error;
        r.conn_failures = client.conn_failures;
        return r;
    }
    if (cfg.print_steps) {
        std::printf("%s: %d conversations x %d listeners, %d senders, %d-byte texts; %zu connections ready in %.2f s\n",
                    r.system.c_str(), cfg.convs, cfg.listeners, cfg.senders, cfg.bytes, loop.open_count(), r.setup_s);
        std::printf("%-9s %9s %8s %9s %8s %8s %8s %8s %8s %7s %7s %7s %6s\n", "system", "offered/s", "sends/s",
                    "deliv/s", "deliv%", "p50ms", "p90ms", "p99ms", "p99.9ms", "cpu", "rssMiB", "srv_us", "gen_us");
    }

    std::uint64_t owed = 0, sent_so_far = 0;
    auto step = [&](double rate) {
        r.steps.push_back(run_step(loop, client, server, rate, cfg, settled, last_second, owed, sent_so_far));
        if (cfg.print_steps) print_step(r.system, r.steps.back());
        return r.steps.back();
    };
    if (!cfg.rates.empty()) {
        for (double rate : cfg.rates) step(rate);
    } else {
        // Doubling until the system saturates (< 90 % delivered) or the cap; then bisect
        // between the highest held rate and the lowest that did not hold.
        double rate = cfg.start_rate;
        for (; rate <= cfg.max_rate; rate *= 2) {
            const StepResult s = step(rate);
            if (s.delivered_pct < 90 || client.unexpected_closes) break;
        }
        for (int k = 0; k < cfg.refine; ++k) {
            double lo = 0, hi = std::numeric_limits<double>::max();
            for (const auto& s : r.steps) {
                if (s.held) lo = std::max(lo, s.offered);
                else hi = std::min(hi, s.offered);
            }
            if (lo == 0 || hi == std::numeric_limits<double>::max() || hi / lo < 1.15) break;
            step(std::round(std::sqrt(lo * hi)));
        }
        // The cost figure at the requested rate (10k deliveries/s by default), when the
        // ramp did not land on it and the system holds it.
        bool have = false;
        for (const auto& s : r.steps) have = have || std::fabs(s.offered - cfg.cost_rate) < 1;
        if (!have && cfg.cost_rate > 0) {
            bool holds = false;
            for (const auto& s : r.steps) holds = holds || (s.held && s.offered >= cfg.cost_rate);
            if (holds) step(cfg.cost_rate);
        }
    }
    r.ok = true;
    r.unexpected_closes = client.unexpected_closes;
    r.verify_failures = client.verify_failures;
    r.verified = client.verified;
    r.errors = client.errors;
    r.conn_failures = client.conn_failures;
    if (!client.first_error.empty()) r.error = client.first_error;
    // Summary figures.
    // The cost figure: the step nearest cost_rate among those that delivered ≥ 99 % (a
    // saturated step's CPU per delivery says little), else the nearest of all.
    const StepResult* cost = nullptr;
    for (int pass = 0; pass < 2 && !cost; ++pass)
        for (const auto& s : r.steps) {
            if (pass == 0 && s.delivered_pct < 99) continue;
            if (!cost || std::fabs(std::log(s.offered / cfg.cost_rate)) < std::fabs(std::log(cost->offered / cfg.cost_rate)))
                cost = &s;
        }
    for (const auto& s : r.steps) {
        r.peak_per_s = std::max(r.peak_per_s, s.delivered_per_s);
        if (s.held) r.held_per_s = std::max(r.held_per_s, s.offered);
    }
    if (cost) {
        r.us_per_delivery_at_cost_rate = cost->server_us_per_delivery;
        r.gen_us_per_delivery = cost->gen_us_per_delivery;
        r.cost_rate_used = cost->offered;
    }
    return r;
}

// Runs the steps against a started server (its `start_error` if it did not start),
// then stops it and removes its temp dir.
template <class Client>
FanoutResult drive_server(FanoutResult r, ServerProcess& server, const std::string& start_error,
                          const std::string& dir, const char* subprotocol, const FanoutConfig& cfg) {
    if (!server.running()) {
        r.error = start_error;
        remove_tree(dir);
        return r;
    }
    {
        Loop loop;
        loop.max_out = 4u << 20;
        const WsTarget target = loopback_target(server.port, subprotocol);
        Client client(loop, target, cfg);
        r = drive(std::move(r), loop, client, server.pid, cfg);
    }
    stop_process(server);
    remove_tree(dir);
    return r;
}

}  // namespace

bool FanoutResult::complete() const {
    if (!ok || unexpected_closes || verify_failures || errors || steps.empty()) return false;
    for (const auto& s : steps)
        if (s.delivered != s.expected || s.unsent) return false;
    return true;
}

JsonObject FanoutResult::json() const {
    JsonObject o;
    o.str("system", system).boolean("ok", ok).num("peak_per_s", peak_per_s, 0).num("held_per_s", held_per_s, 0);
    o.num("server_us_per_delivery", us_per_delivery_at_cost_rate, 3).num("cost_rate", cost_rate_used, 0);
    o.num("gen_us_per_delivery", gen_us_per_delivery, 3).num("setup_s", setup_s, 3);
    o.integer("conn_failures", (long long)conn_failures).integer("unexpected_closes", (long long)unexpected_closes);
    o.integer("errors", (long long)errors).integer("verified", (long long)verified);
    o.integer("verify_failures", (long long)verify_failures);
    if (!error.empty()) o.str("error", error);
    std::string steps_json = "[";
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const StepResult& s = steps[i];
        JsonObject j;
        j.num("offered", s.offered, 0).num("sends_per_s", s.sends_per_s, 1).num("delivered_per_s", s.delivered_per_s, 0);
        j.num("delivered_pct", s.delivered_pct, 3).num("p50_ms", s.p50, 3).num("p90_ms", s.p90, 3);
        j.num("p99_ms", s.p99, 3).num("p999_ms", s.p999, 3).num("cpu_pct", s.cpu_pct, 1);
        j.num("rss_mib", s.rss_mib, 1).num("server_us_per_delivery", s.server_us_per_delivery, 3);
        j.num("gen_us_per_delivery", s.gen_us_per_delivery, 3).boolean("held", s.held);
        j.integer("sent", (long long)s.sent).integer("unsent", (long long)s.unsent);
        j.integer("expected", (long long)s.expected).integer("delivered", (long long)s.delivered);
        steps_json += (i ? "," : "") + j.text();
    }
    o.raw("steps", steps_json + "]");
    return o;
}

FanoutResult run_fanout_parley(const Paths& paths, const FanoutConfig& cfg, const std::string& data_root) {
    FanoutResult r;
    r.system = data_root.empty() ? "parley" : "parley-" + data_root.substr(data_root.rfind('/') + 1);
    const std::string dir = make_temp_dir("parley-load-fanout", data_root);
    RelaySetup setup{paths.relay, dir, dir + "/data", unlimited_flags()};
    std::string error;
    ServerProcess relay = start_relay(setup, 0, error);
    return drive_server<ParleyFanout>(std::move(r), relay, error, dir, "parley.v1", cfg);
}

FanoutResult drive_fanout_parley(const ServerProcess& relay, const FanoutConfig& cfg, const SettledCheck& settled) {
    FanoutResult r;
    r.system = "parley";
    Loop loop;
    loop.max_out = 4u << 20;
    const WsTarget target = loopback_target(relay.port, "parley.v1");
    ParleyFanout client(loop, target, cfg);
    return drive(std::move(r), loop, client, relay.pid, cfg, settled);
}

FanoutResult run_fanout_mosquitto(const Paths& paths, const FanoutConfig& cfg) {
    FanoutResult r;
    r.system = "mosquitto";
    if (paths.mosquitto.empty()) {
        r.error = "mosquitto not installed";
        return r;
    }
    const std::string dir = make_temp_dir("parley-load-mosquitto");
    std::string error;
    ServerProcess broker = start_mosquitto(paths.mosquitto, dir, error);
    return drive_server<MqttFanout>(std::move(r), broker, error, dir, "mqtt", cfg);
}

}  // namespace parley::load
