// The chat scenario: N visitor↔agent conversations handled by A agents (routing gives
// each agent N/A of them; agents are created with --add-agent and log in with their
// password, as in production).
//
// Human phase: every visitor types (a `typing` frame), sends after think_s, waits for
// the agent's reply; the agent types and replies think_s after the visitor's message
// reached it. Fixed-rate phase: messages at `rate` per second in total, alternating
// visitor and agent sides over the pairs, open loop. Both phases measure ack latency
// (send → `ack` on the sender's connection: the message is durable) and delivery
// latency (send → `msg` on the other party's connection). Every relay frame is decoded
// with the sdk codec (rates here are low enough that the generator can afford it).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <queue>

#include "clock.hpp"
#include "histogram.hpp"
#include "parley/protocol/codec.hpp"
#include "proc_stats.hpp"
#include "scenarios.hpp"
#include "servers.hpp"
#include "wire.hpp"
#include "ws_client.hpp"

namespace parley::load {

namespace p = parley::protocol;

namespace {

constexpr std::size_t kRing = 4096;  // sends in flight per side of a pair

class Chat final : public WsHandler {
public:
    Chat(Loop& loop, const WsTarget& target, const ChatConfig& cfg)
        : loop_(loop), target_(target), cfg_(cfg), pairs_(std::size_t(cfg.pairs)),
          agents_(std::size_t(cfg.agents)) {}

    struct Side {
        SendTemplate tmpl;
        std::uint64_t n = 0;
        std::vector<std::int64_t> pending = std::vector<std::int64_t>(kRing, 0);
    };
    struct Pair {
        WsConn* c = nullptr;
        bool ready = false;
        std::string conv;
        int agent = -1;  // index of the owning agent
        bool awaiting_owner = false;  // a visitor message arrived before its owner was known
        std::int64_t last_at_agent = -1, last_at_visitor = -1;  // stamps counted last
        Side visitor, agent_side;
    };
    struct Agent {
        WsConn* c = nullptr;
        bool ready = false;
        std::string id, email;
    };

    // Phase bookkeeping.
    bool measuring = false;
    Histogram ack, deliv;
    std::uint64_t sent = 0, unsent = 0, acked = 0, delivered = 0, typing_seen = 0, errors = 0, closes = 0;
    std::string first_error;

    void start() {
        for (std::size_t a = 0; a < agents_.size(); ++a) {
            agents_[a].email = "agent" + std::to_string(a) + "@bench.local";
            connect(a | kAgentBit);
        }
        for (std::size_t i = 0; i < pairs_.size(); ++i) connect(i);
    }
    bool ready() const { return ready_ == pairs_.size() + agents_.size(); }
    std::size_t assigned() const {
        std::size_t n = 0;
        for (const Pair& pr : pairs_) n += pr.agent >= 0;
        return n;
    }
    static std::string password(std::size_t a) { return "bench-password-" + std::to_string(a); }

    // Sends one stamped message from a side of pair i. Returns false if it could not.
    bool send(std::size_t i, bool from_agent, std::int64_t at) {
        Pair& pr = pairs_[i];
        WsConn* c = from_agent ? (pr.agent >= 0 ? agents_[std::size_t(pr.agent)].c : nullptr) : pr.c;
        if (!c || !c->is_open()) return false;
        Side& s = from_agent ? pr.agent_side : pr.visitor;
        const std::uint64_t n = ++s.n;
        s.pending[n % kRing] = at;
        if (!c->send_text(s.tmpl.make(n, at))) return false;
        return true;
    }
    void typing(std::size_t i, bool from_agent) {
        Pair& pr = pairs_[i];
        WsConn* c = from_agent ? (pr.agent >= 0 ? agents_[std::size_t(pr.agent)].c : nullptr) : pr.c;
        if (c && c->is_open()) c->send_text(p::encode(p::ClientFrame{p::Typing{pr.conv, true}}));
    }
    Pair& pair(std::size_t i) { return pairs_[i]; }
    std::size_t pairs() const { return pairs_.size(); }

    // What the human phase reacts to: a message reached the other side.
    std::vector<std::pair<std::size_t, bool>> arrivals;  // (pair, reached_agent)

    void on_open(WsConn& c) override {
        if (c.user & kAgentBit) {
            const std::size_t a = c.user & ~kAgentBit;
            c.send_text(p::encode(p::ClientFrame{p::Login{agents_[a].email, password(a)}}));
        } else {
            p::Hello h;
            h.role = "visitor";
            h.name = "Visitor " + std::to_string(c.user);
            c.send_text(p::encode(p::ClientFrame{h}));
        }
    }

    void on_message(WsConn& c, std::uint8_t op, std::string_view text) override {
        if (op != ws_op::text) return;
        const std::int64_t now = now_ns();
        auto decoded = p::decode_relay(text);
        if (!decoded) return fail("undecodable frame: " + std::string(text.substr(0, 100)));
        const p::RelayFrame& f = decoded.value();
        const bool is_agent = c.user & kAgentBit;
        const std::size_t idx = c.user & ~kAgentBit;
        if (const auto* w = std::get_if<p::Welcome>(&f)) {
            if (is_agent) {
                agents_[idx].id = w->me.id;
                agents_[idx].ready = true;
            } else {
                Pair& pr = pairs_[idx];
                pr.conv = w->conv.value_or("");
                pr.ready = true;
                pr.visitor.tmpl = SendTemplate(pr.conv, "v" + std::to_string(idx) + ".", std::size_t(cfg_.bytes));
                pr.agent_side.tmpl = SendTemplate(pr.conv, "a" + std::to_string(idx) + ".", std::size_t(cfg_.bytes));
                by_conv_[pr.conv] = idx;
            }
            ++ready_;
        } else if (const auto* a = std::get_if<p::Ack>(&f)) {
            on_ack(a->cid, now);
        } else if (const auto* m = std::get_if<p::Msg>(&f)) {
            const p::Message& msg = m->message;
            const bool from_agent = msg.from.role == "agent";
            if (from_agent == is_agent) return;  // the sender's own echo
            auto it = by_conv_.find(msg.conv);
            if (it == by_conv_.end()) return;
            Pair& pr = pairs_[it->second];
            const std::int64_t stamp = read_stamp(msg.text);
            if (stamp < 0) return;
            // Another agent's conversation (routing shows a queued one to the team).
            if (is_agent && pr.agent >= 0 && pr.agent != int(idx)) return;
            // Count each message once on the receiving side, whoever got it first.
            std::int64_t& last = is_agent ? pr.last_at_agent : pr.last_at_visitor;
            if (stamp == last) return;
            last = stamp;
            if (measuring && stamp >= window_start_) {
                ++delivered;
                deliv.record(now - stamp);
            }
            // The hub sends a first message before the `conv` frame that names its new
            // owner: the agent answers once it knows the conversation is its own.
            if (is_agent && pr.agent < 0) pr.awaiting_owner = true;
            else arrivals.emplace_back(it->second, is_agent);
        } else if (const auto* cu = std::get_if<p::ConvUpdate>(&f)) {
            if (is_agent) own(cu->summary, idx);
        } else if (const auto* in = std::get_if<p::Inbox>(&f)) {
            if (is_agent)
                for (const auto& s : in->convs) own(s, idx);
        } else if (std::holds_alternative<p::TypingNotice>(f)) {
            ++typing_seen;
        } else if (const auto* e = std::get_if<p::ErrorFrame>(&f)) {
            fail("relay error " + std::to_string(int(e->code)) + ": " + e->message);
        }
    }

    void on_closed(WsConn& c, int code, bool opened) override {
        ++closes;
        fail(opened ? "the relay closed a connection with " + std::to_string(code)
                    : "connection failed: " + loop_.last_error());
        if (c.user & kAgentBit) agents_[c.user & ~kAgentBit].c = nullptr;
        else pairs_[c.user].c = nullptr;
    }

    void open_window(std::int64_t start) {
        window_start_ = start;
        measuring = true;
        ack.clear();
        deliv.clear();
        sent = unsent = acked = delivered = 0;
    }

private:
    static constexpr std::uint32_t kAgentBit = 0x80000000u;

    void connect(std::size_t user) {
        WsConn* c = loop_.connect(target_, *this);
        if (!c) return fail(loop_.last_error());
        c->user = std::uint32_t(user);
        if (user & kAgentBit) agents_[user & ~kAgentBit].c = c;
        else pairs_[user].c = c;
    }
    void own(const p::ConvSummary& s, std::size_t agent) {
        auto it = by_conv_.find(s.conv);
        if (it == by_conv_.end()) return;
        Pair& pr = pairs_[it->second];
        if (s.agent == agents_[agent].id) {
            pr.agent = int(agent);
            if (pr.awaiting_owner) arrivals.emplace_back(it->second, true);
            pr.awaiting_owner = false;
        } else if (pairs_[it->second].agent == int(agent)) pairs_[it->second].agent = -1;
    }
    void on_ack(const std::string& cid, std::int64_t now) {
        // cid = v<pair>.<12 digits> or a<pair>.<12 digits>
        const auto dot = cid.find('.');
        if (cid.size() < 3 || dot == std::string::npos) return;
        const std::size_t i = std::size_t(std::atoll(cid.c_str() + 1));
        const std::uint64_t n = std::uint64_t(std::atoll(cid.c_str() + dot + 1));
        if (i >= pairs_.size()) return;
        Side& s = cid[0] == 'a' ? pairs_[i].agent_side : pairs_[i].visitor;
        const std::int64_t at = s.pending[n % kRing];
        if (measuring && at >= window_start_) {
            ++acked;
            ack.record(now - at);
        }
    }
    void fail(const std::string& e) {
        ++errors;
        if (first_error.empty()) first_error = e;
    }

    Loop& loop_;
    const WsTarget& target_;
    const ChatConfig& cfg_;
    std::vector<Pair> pairs_;
    std::vector<Agent> agents_;
    std::map<std::string, std::size_t> by_conv_;
    std::size_t ready_ = 0;
    std::int64_t window_start_ = 0;
};

struct Timer {
    std::int64_t at;
    std::size_t pair;
    int kind;  // 0 visitor types, 1 visitor sends, 2 agent types, 3 agent sends
    bool operator>(const Timer& o) const { return at > o.at; }
};

void pump_until(Loop& loop, std::int64_t until) {
    while (now_ns() < until) loop.run_once(int(std::max<std::int64_t>(1, (until - now_ns()) / 1'000'000)));
}

}  // namespace

bool ChatResult::complete() const {
    return ok && errors == 0 && unexpected_closes == 0 && human_msgs > 0 && human_acked == human_msgs &&
           human_delivered == human_msgs && rate_unsent == 0 && rate_acked == rate_sent &&
           rate_delivered == rate_sent;
}

JsonObject ChatResult::json() const {
    JsonObject o;
    o.boolean("ok", ok);
    if (!error.empty()) o.str("error", error);
    o.integer("human_msgs", (long long)human_msgs).integer("human_acked", (long long)human_acked);
    o.integer("human_delivered", (long long)human_delivered).integer("typing_seen", (long long)typing_seen);
    o.num("human_ack_p50_ms", human_ack_p50).num("human_ack_p99_ms", human_ack_p99);
    o.num("human_deliv_p50_ms", human_deliv_p50).num("human_deliv_p99_ms", human_deliv_p99);
    o.num("rate", rate, 0).num("rate_acked_per_s", rate_acked_per_s, 1).num("rate_acked_pct", rate_acked_pct, 2);
    o.integer("rate_sent", (long long)rate_sent).integer("rate_unsent", (long long)rate_unsent);
    o.integer("rate_acked", (long long)rate_acked).integer("rate_delivered", (long long)rate_delivered);
    o.num("ack_p50_ms", rate_ack_p50).num("ack_p99_ms", rate_ack_p99);
    o.num("deliv_p50_ms", rate_deliv_p50).num("deliv_p99_ms", rate_deliv_p99);
    o.num("send_lag_p99_ms", rate_send_lag_p99);
    o.num("relay_cpu_pct", rate_cpu_pct, 1).num("relay_us_per_msg", rate_server_us_per_msg, 1);
    o.integer("errors", (long long)errors).integer("unexpected_closes", (long long)unexpected_closes);
    return o;
}

ChatResult run_chat(const Paths& paths, const ChatConfig& cfg) {
    ChatResult r;
    const std::string dir = make_temp_dir("parley-load-chat");
    RelaySetup setup{paths.relay, dir, dir + "/data", unlimited_flags()};
    const int per_agent = (cfg.pairs + cfg.agents - 1) / cfg.agents + 1;
    const std::string load = std::to_string(per_agent);
    for (int a = 0; a < cfg.agents; ++a) {
        if (!add_agent(setup, "agent" + std::to_string(a) + "@bench.local", "Agent " + std::to_string(a),
                       "bench-password-" + std::to_string(a),
                       // Every team the relay's default rules route to: triage tags some
                       // bench texts "billing", and a team with no agent would hold them.
                       {"--preferred", load, "--max-load", load, "--team", "general", "--team", "billing"},
                       r.error)) {
            remove_tree(dir);
            return r;
        }
    }
    ServerProcess relay = start_relay(setup, 0, r.error);
    if (!relay.running()) {
        remove_tree(dir);
        return r;
    }
    {
        Loop loop;
        const WsTarget target = loopback_target(relay.port);
        Chat chat(loop, target, cfg);
        chat.start();
        const std::int64_t t0 = now_ns();
        while (!chat.ready() && chat.errors == 0 && now_ns() - t0 < 60'000'000'000) loop.run_once(10);
        if (!chat.ready()) {
            r.error = "setup: not every agent and visitor got a welcome: " + chat.first_error;
        } else {
            std::printf("chat: %d visitor-agent pairs, %d agents (%d conversations each at most); ready in %.2f s\n",
                        cfg.pairs, cfg.agents, per_agent, double(now_ns() - t0) / 1e9);
            // ---- human phase ----
            std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> timers;
            const std::int64_t think = std::int64_t(cfg.think_s * 1e9);
            const std::int64_t h0 = now_ns() + 10'000'000;
            const std::int64_t h_end = h0 + std::int64_t(cfg.human_s * 1e9);
            chat.open_window(h0);
            for (std::size_t i = 0; i < chat.pairs(); ++i)
                timers.push({h0 + std::int64_t(double(think) * double(i) / double(chat.pairs())), i, 0});
            std::uint64_t human_sent = 0;
            while (now_ns() < h_end) {
                const std::int64_t now = now_ns();
                while (!timers.empty() && timers.top().at <= now) {
                    const Timer t = timers.top();
                    timers.pop();
                    if (t.at >= h_end) continue;
                    const bool agent = t.kind >= 2;
                    if (t.kind == 0 || t.kind == 2) {
                        chat.typing(t.pair, agent);
                        timers.push({t.at + think - think / 5, t.pair, t.kind + 1});
                    } else if (chat.send(t.pair, agent, t.at)) {
                        ++human_sent;
                    } else {
                        ++chat.unsent;
                    }
                }
                for (auto [i, reached_agent] : chat.arrivals)  // the other side answers
                    timers.push({now_ns() + think / 5, i, reached_agent ? 2 : 0});
                chat.arrivals.clear();
                const std::int64_t next = timers.empty() ? now + 10'000'000 : timers.top().at;
                loop.run_once(int(std::clamp<std::int64_t>((next - now_ns()) / 1'000'000, 1, 10)));
            }
            // Drain: acks and deliveries of what was sent.
            const std::int64_t d_end = now_ns() + 3'000'000'000;
            while ((chat.acked < human_sent || chat.delivered < human_sent) && now_ns() < d_end) loop.run_once(5);
            chat.arrivals.clear();
            r.human_msgs = human_sent;
            r.human_acked = chat.acked;
            r.human_delivered = chat.delivered;
            r.typing_seen = chat.typing_seen;
            r.human_ack_p50 = chat.ack.percentile_ms(0.5);
            r.human_ack_p99 = chat.ack.percentile_ms(0.99);
            r.human_deliv_p50 = chat.deliv.percentile_ms(0.5);
            r.human_deliv_p99 = chat.deliv.percentile_ms(0.99);
            char human_label[64];
            std::snprintf(human_label, sizeof human_label, "human (think %.1f s)", cfg.think_s);
            std::printf("%-22s %8s %8s %9s %8s %8s %9s %9s\n", "phase", "msgs/s", "sent", "acked", "ack p50",
                        "ack p99", "deliv p50", "deliv p99");
            std::printf("%-22s %8.1f %8llu %9llu %8.2f %8.2f %9.2f %9.2f  (typing notices seen: %llu)\n",
                        human_label, double(human_sent) / cfg.human_s, (unsigned long long)human_sent,
                        (unsigned long long)chat.acked, r.human_ack_p50, r.human_ack_p99, r.human_deliv_p50,
                        r.human_deliv_p99, (unsigned long long)chat.typing_seen);
            std::fflush(stdout);
            pump_until(loop, now_ns() + 300'000'000);

            // ---- fixed-rate phase ----
            if (cfg.rate > 0) {
                r.rate = cfg.rate;
                const std::int64_t f0 = now_ns() + 2'000'000;
                chat.open_window(f0);
                const ProcSample s0 = sample_process(relay.pid);
                const std::uint64_t total = std::uint64_t(std::llround(cfg.rate * cfg.rate_s));
                const double interval = 1e9 / cfg.rate;
                Histogram lag;  // how late the generator sent: counted in every latency
                std::uint64_t i = 0;
                while (i < total) {
                    const std::int64_t now = now_ns();
                    while (i < total) {
                        const std::int64_t at = f0 + std::int64_t(double(i) * interval);
                        if (at > now) break;
                        // Alternate sides; walk the pairs so each sender's rate stays even.
                        const std::size_t pair = std::size_t(i / 2) % chat.pairs();
                        lag.record(now - at);
                        if (chat.send(pair, i % 2 == 1, at)) ++chat.sent;
                        else ++chat.unsent;
                        ++i;
                    }
                    loop.run_until(f0 + std::int64_t(double(i) * interval));
                }
                r.rate_send_lag_p99 = lag.percentile_ms(0.99);
                chat.arrivals.clear();
                const std::int64_t w_end = f0 + std::int64_t(cfg.rate_s * 1e9);
                pump_until(loop, w_end);
                const ProcSample s1 = sample_process(relay.pid);
                const std::int64_t d2 = now_ns() + 3'000'000'000;
                while ((chat.acked < chat.sent || chat.delivered < chat.sent) && now_ns() < d2) loop.run_once(5);
                const ProcSample s2 = sample_process(relay.pid);
                chat.arrivals.clear();
                r.rate_sent = chat.sent;
                r.rate_unsent = chat.unsent;
                r.rate_acked = chat.acked;
                r.rate_delivered = chat.delivered;
                r.rate_acked_per_s = double(chat.acked) / cfg.rate_s;
                r.rate_acked_pct = chat.sent ? 100.0 * double(chat.acked) / double(chat.sent) : 0;
                r.rate_ack_p50 = chat.ack.percentile_ms(0.5);
                r.rate_ack_p99 = chat.ack.percentile_ms(0.99);
                r.rate_deliv_p50 = chat.deliv.percentile_ms(0.5);
                r.rate_deliv_p99 = chat.deliv.percentile_ms(0.99);
                r.rate_cpu_pct = cpu_percent(s0, s1);
                if (chat.acked) r.rate_server_us_per_msg = double(s2.cpu_ns - s0.cpu_ns) / 1e3 / double(chat.acked);
                char label[64];
                std::snprintf(label, sizeof label, "fixed %.0f msgs/s", cfg.rate);
                std::printf("%-22s %8.1f %8llu %9llu %8.2f %8.2f %9.2f %9.2f  (relay CPU %.1f %%, %.0f us/msg; "
                            "%.1f %% acked within 3 s; sent late by <= %.2f ms at p99)\n",
                            label, r.rate_acked_per_s, (unsigned long long)chat.sent, (unsigned long long)chat.acked,
                            r.rate_ack_p50, r.rate_ack_p99, r.rate_deliv_p50, r.rate_deliv_p99, r.rate_cpu_pct,
                            r.rate_server_us_per_msg, r.rate_acked_pct, r.rate_send_lag_p99);
            }
            r.ok = true;
            r.errors = chat.errors;
            r.unexpected_closes = chat.closes;
            if (!chat.first_error.empty()) r.error = chat.first_error;
            if (chat.assigned() != chat.pairs())
                r.error = "only " + std::to_string(chat.assigned()) + " of " + std::to_string(chat.pairs()) +
                          " conversations were assigned to an agent";
        }
    }
    stop_process(relay);
    remove_tree(dir);
    return r;
}

}  // namespace parley::load
