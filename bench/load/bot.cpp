// The bot scenario (issue 16, "Bots that answer in under a second"): new visitors at a
// fixed rate, each asking one question, answered by the real parley-bot through the
// real relay, all on this machine.
//
// Set-up as an operator would: a fresh data dir, a bot key from --create-bot-key (given
// to parley-bot in a 0600 file), the relay with the generator's usual per-address limits
// off (every visitor comes from 127.0.0.1; the bot's own frame budget, --bot-conn-rate,
// stays at its default) and parley-bot with the given rules file. Then, open loop, every
// 1/rate s a new visitor connects, says hello, and on its welcome sends one question:
// the first typed visitor line of one of the transcripts, in turn. Measured per visitor:
// send → the bot's first `stream` delta or `msg` (time to first token) and send → the
// bot's final `msg` (the whole answer, paced deltas included); the visitor leaves after
// that final message, or after its `queue` frame when the bot hands over. CPU per answer
// is utime + stime of parley-bot and of the relay (/proc/PID/stat) over the window from
// the first visitor to the last answer, divided by the answers.
#include <dirent.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <unordered_set>

#include "clock.hpp"
#include "histogram.hpp"
#include "parley/protocol/codec.hpp"
#include "proc_stats.hpp"
#include "scenarios.hpp"
#include "servers.hpp"
#include "ws_client.hpp"

namespace parley::load {

namespace p = parley::protocol;

namespace {

// The first typed visitor line ("> text", not "> [press …]") of every *.txt in `dir`.
std::vector<std::string> load_questions(const std::string& dir) {
    std::vector<std::string> files, out;
    if (DIR* d = ::opendir(dir.c_str())) {
        while (dirent* e = ::readdir(d)) {
            const std::string n = e->d_name;
            if (n.size() > 4 && n.compare(n.size() - 4, 4, ".txt") == 0) files.push_back(dir + "/" + n);
        }
        ::closedir(d);
    }
    std::sort(files.begin(), files.end());
    for (const std::string& f : files) {
        std::ifstream in(f);
        std::string line;
        while (std::getline(in, line))
            if (line.rfind("> ", 0) == 0 && line.rfind("> [", 0) != 0) {
                out.push_back(line.substr(2));
                break;
            }
    }
    return out;
}

class Visitors final : public WsHandler {
public:
    Visitors(Loop& loop, const WsTarget& target, std::vector<std::string> questions)
        : loop_(loop), target_(target), questions_(std::move(questions)) {}

    struct Visitor {
        WsConn* c = nullptr;
        std::string conv;
        std::int64_t sent_at = 0;
        bool first = false, done = false;
    };

    void open_one() {
        const std::size_t i = visitors_.size();
        visitors_.emplace_back();
        WsConn* c = loop_.connect(target_, *this);
        if (!c) return fail(loop_.last_error());
        c->user = std::uint32_t(i);
        visitors_[i].c = c;
    }

    void on_open(WsConn& c) override {
        p::Hello h;
        h.role = "visitor";
        h.name = "Bench visitor " + std::to_string(c.user);
        c.send_text(p::encode(p::ClientFrame{h}));
    }

    void on_message(WsConn& c, std::uint8_t op, std::string_view text) override {
        if (op != ws_op::text) return;
        const std::int64_t now = now_ns();
        Visitor& v = visitors_[c.user];
        auto decoded = p::decode_relay(text);
        if (!decoded) return fail("undecodable frame: " + std::string(text.substr(0, 100)));
        const p::RelayFrame& f = decoded.value();
        if (const auto* w = std::get_if<p::Welcome>(&f)) {
            v.conv = w->conv.value_or("");
            p::Send s;
            s.conv = v.conv;
            s.cid = "q1";
            s.text = questions_[c.user % questions_.size()];
            v.sent_at = now_ns();
            if (c.send_text(p::encode(p::ClientFrame{s}))) ++sent;
            else fail("could not send a question");
        } else if (std::holds_alternative<p::Ack>(f)) {
            ack.record(now - v.sent_at);  // the question is stored: the relay's part so far
        } else if (const auto* s = std::get_if<p::StreamNotice>(&f)) {
            if (s->from.role != "bot") return;
            first_token(v, now);
            streams_.insert(c.user);
        } else if (const auto* m = std::get_if<p::Msg>(&f)) {
            if (m->message.from.role != "bot") return;
            first_token(v, now);
            if (!v.done) {
                v.done = true;
                ++answers;
                answer.record(now - v.sent_at);
                if (streams_.count(c.user)) ++streamed;
                streams_.erase(c.user);
                leave(v);
            }
        } else if (std::holds_alternative<p::QueueNotice>(f)) {
            ++queued;  // a handoff: the reply came first, nothing follows
            if (v.done) leave(v);
        } else if (const auto* e = std::get_if<p::ErrorFrame>(&f)) {
            fail("relay error " + std::to_string(int(e->code)) + ": " + e->message);
        }
    }

    void on_closed(WsConn& c, int code, bool opened) override {
        Visitor& v = visitors_[c.user];
        v.c = nullptr;
        if (v.done) return;  // we left
        ++closes;
        fail(opened ? "the relay closed a visitor with " + std::to_string(code)
                    : "a visitor could not connect: " + loop_.last_error());
    }

    std::size_t count() const { return visitors_.size(); }
    bool all_done() const {
        for (const Visitor& v : visitors_)
            if (!v.done) return false;
        return true;
    }

    Histogram ttft, answer, ack;
    std::vector<Histogram> ttft_by_5s;  // by the send time's 5-second window from t0
    std::int64_t t0 = 0;
    std::uint64_t sent = 0, first_tokens = 0, answers = 0, streamed = 0, queued = 0, errors = 0, closes = 0;
    std::string first_error;

private:
    void first_token(Visitor& v, std::int64_t now) {
        if (v.first) return;
        v.first = true;
        ++first_tokens;
        ttft.record(now - v.sent_at);
        const std::size_t w = std::size_t(std::max<std::int64_t>(0, v.sent_at - t0) / 5'000'000'000LL);
        if (ttft_by_5s.size() <= w) ttft_by_5s.resize(w + 1);
        ttft_by_5s[w].record(now - v.sent_at);
    }
    // The visitor leaves once its answer is in (the bot may still hand over after it:
    // that needs no visitor). Left open, a few thousand idle visitors would only
    // measure the relay's memory.
    void leave(Visitor& v) {
        if (v.c) v.c->close(1000);
    }
    void fail(const std::string& e) {
        ++errors;
        if (first_error.empty()) first_error = e;
    }

    Loop& loop_;
    const WsTarget& target_;
    std::vector<std::string> questions_;
    std::vector<Visitor> visitors_;
    std::unordered_set<std::uint32_t> streams_;
};

}  // namespace

bool BotResult::complete() const {
    return ok && errors == 0 && closes == 0 && sent == offered && first_tokens == sent && answers == sent;
}

JsonObject BotResult::json() const {
    JsonObject o;
    o.boolean("ok", ok);
    if (!error.empty()) o.str("error", error);
    o.integer("questions", questions).integer("offered", (long long)offered).integer("sent", (long long)sent);
    o.integer("first_tokens", (long long)first_tokens).integer("answers", (long long)answers);
    o.integer("streamed", (long long)streamed).integer("queued", (long long)queued);
    o.integer("errors", (long long)errors).integer("closes", (long long)closes);
    o.num("ttft_p50_ms", ttft_p50).num("ttft_p99_ms", ttft_p99).num("ttft_max_ms", ttft_max);
    o.num("answer_p50_ms", answer_p50).num("answer_p99_ms", answer_p99).num("seconds", seconds);
    o.num("bot_cpu_s", bot_cpu_s).num("relay_cpu_s", relay_cpu_s);
    o.num("bot_us_per_answer", bot_us_per_answer, 1).num("relay_us_per_answer", relay_us_per_answer, 1);
    o.num("bot_rss_mib", bot_rss_mib, 1);
    return o;
}

BotResult run_bot(const Paths& paths, const BotConfig& cfg) {
    BotResult r;
    const std::vector<std::string> questions = load_questions(cfg.questions);
    r.questions = int(questions.size());
    if (questions.empty()) {
        r.error = "no questions in " + cfg.questions + " (give --questions DIR of transcripts)";
        return r;
    }
    if (cfg.bot.empty() || cfg.bot_config.empty()) {
        r.error = "needs --bot PATH and --bot-config FILE";
        return r;
    }
    const std::string work = make_temp_dir("parley-load-bot", paths.work);
    RelaySetup setup{paths.relay, work, work + "/data", unlimited_flags()};
    std::string err;
    const std::string key = create_bot_key(setup, "bench", err);
    if (key.empty()) {
        r.error = err;
        remove_tree(work);
        return r;
    }
    {
        std::ofstream k(work + "/bot-key");
        k << key << "\n";
    }
    ServerProcess relay = start_relay(setup, 0, err);
    if (!relay.running()) {
        r.error = err;
        remove_tree(work);
        return r;
    }
    const std::string url = "ws://127.0.0.1:" + std::to_string(relay.port) + "/";
    ServerProcess bot = start_program({cfg.bot, "--relay", url, "--config", cfg.bot_config, "--key-file",
                                       work + "/bot-key", "--gaps", work + "/gaps.db"},
                                      work, "parley-bot", "ready: b_bench", 30000, err);
    if (!bot.running()) {
        r.error = err;
        stop_process(relay);
        remove_tree(work);
        return r;
    }

    Loop loop;
    const WsTarget target = loopback_target(relay.port);
    Visitors v(loop, target, questions);
    const std::uint64_t n = std::uint64_t(std::max(1.0, cfg.rate * cfg.seconds));
    const std::int64_t period = std::int64_t(1e9 / std::max(0.1, cfg.rate));
    const ProcSample bot0 = sample_process(bot.pid), relay0 = sample_process(relay.pid);
    const std::int64_t t0 = now_ns();
    v.t0 = t0;
    for (std::uint64_t i = 0; i < n; ++i) {
        const std::int64_t at = t0 + std::int64_t(i) * period;
        while (now_ns() < at) loop.run_until(at);
        v.open_one();
    }
    r.offered = n;
    const std::int64_t drain_until = now_ns() + std::int64_t(cfg.drain_s * 1e9);
    while (now_ns() < drain_until && !v.all_done()) loop.run_once(10);
    const ProcSample bot1 = sample_process(bot.pid), relay1 = sample_process(relay.pid);
    r.seconds = double(now_ns() - t0) / 1e9;
    for (int i = 0; i < 20 && loop.live_count(); ++i) loop.run_once(10);  // the closes go out

    r.ok = bot0.ok && bot1.ok && relay0.ok && relay1.ok;
    if (!r.ok) r.error = "could not read /proc of the relay or the bot";
    r.sent = v.sent, r.first_tokens = v.first_tokens, r.answers = v.answers, r.streamed = v.streamed;
    r.queued = v.queued, r.errors = v.errors, r.closes = v.closes;
    if (!v.first_error.empty()) r.error = v.first_error;
    r.ttft_p50 = v.ttft.percentile_ms(0.50), r.ttft_p99 = v.ttft.percentile_ms(0.99);
    r.ttft_max = double(v.ttft.max()) / 1e6;
    r.answer_p50 = v.answer.percentile_ms(0.50), r.answer_p99 = v.answer.percentile_ms(0.99);
    r.bot_cpu_s = double(bot1.cpu_ns - bot0.cpu_ns) / 1e9;
    r.relay_cpu_s = double(relay1.cpu_ns - relay0.cpu_ns) / 1e9;
    if (r.answers) {
        r.bot_us_per_answer = r.bot_cpu_s * 1e6 / double(r.answers);
        r.relay_us_per_answer = r.relay_cpu_s * 1e6 / double(r.answers);
    }
    r.bot_rss_mib = double(bot1.rss_bytes) / (1 << 20);

    std::printf("bot: %llu new conversations at %.0f/s over %.1f s (%d questions in turn): %llu sent, %llu first "
                "tokens, %llu answers (%llu streamed), %llu handed over\n",
                (unsigned long long)r.offered, cfg.rate, cfg.seconds, r.questions, (unsigned long long)r.sent,
                (unsigned long long)r.first_tokens, (unsigned long long)r.answers, (unsigned long long)r.streamed,
                (unsigned long long)r.queued);
    std::printf("bot: first token p50 %.1f ms, p99 %.1f ms, max %.1f ms; whole answer p50 %.0f ms, p99 %.0f ms\n",
                r.ttft_p50, r.ttft_p99, r.ttft_max, r.answer_p50, r.answer_p99);
    std::printf("bot: the question's ack (stored by the relay) p50 %.1f ms, p99 %.1f ms\n", v.ack.percentile_ms(0.5),
                v.ack.percentile_ms(0.99));
    std::printf("bot: first token p50/p99 by 5 s of the run:");
    for (const Histogram& h : v.ttft_by_5s) std::printf(" %.0f/%.0f", h.percentile_ms(0.5), h.percentile_ms(0.99));
    std::printf(" ms\n");
    std::printf("bot: CPU per answer: parley-bot %.0f us (%.2f s), relay %.0f us (%.2f s); parley-bot RSS %.1f MiB%s%s\n",
                r.bot_us_per_answer, r.bot_cpu_s, r.relay_us_per_answer, r.relay_cpu_s, r.bot_rss_mib,
                r.error.empty() ? "" : "; first error: ", r.error.c_str());

    stop_process(bot);
    stop_process(relay);
    remove_tree(work);
    return r;
}

}  // namespace parley::load
