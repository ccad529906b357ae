#include "replay/protocol_driver.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "parley/native/connection.hpp"
#include "parley/triage/pii.hpp"

namespace parley::bot::replay {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// lws contexts are made and unmade one at a time (see the header).
std::mutex lws_setup;

constexpr const char* kSupervisor = "demo@parley.local";
constexpr int kFirstTokenWaitMs = 20000;  // past the relay's bot_slow (15 s): that shows up
constexpr int kSilentWaitMs = 1000;
constexpr int kHandoffInfoWaitMs = 10000;

double ms_since(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

std::string random_password() {
    std::ifstream in("/dev/urandom", std::ios::binary);
    std::string out;
    static const char* kAlphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    for (int i = 0; i < 24; ++i) out += kAlphabet[static_cast<unsigned char>(in.get()) % 56];
    return out;
}

bool write_private(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::trunc);
    out << text << "\n";
    out.close();
    return out && ::chmod(path.c_str(), 0600) == 0;
}

std::unique_ptr<native::Connection> connect(session::Config config, const std::string& url_text) {
    auto url = native::parse_url(url_text);
    if (!url) return nullptr;
    std::lock_guard<std::mutex> lock(lws_setup);
    auto c = std::make_unique<native::Connection>(std::move(config), url.value());
    if (!c->start()) return nullptr;
    return c;
}

void disconnect(std::unique_ptr<native::Connection>& c) {
    if (!c) return;
    std::lock_guard<std::mutex> lock(lws_setup);
    c.reset();
}

}  // namespace

// ---- the rig -------------------------------------------------------------------------

ProtocolRig::ProtocolRig(RigOptions options) : options_(std::move(options)) {}

ProtocolRig::~ProtocolRig() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        stopping_ = true;
    }
    if (watcher_.joinable()) watcher_.join();
    bot_.reset();
    relay_.reset();
    if (own_work_dir_) {
        std::error_code ec;
        fs::remove_all(options_.work_dir, ec);
    }
}

std::string ProtocolRig::relay_url() const { return "ws://127.0.0.1:" + std::to_string(port_) + "/"; }

std::string ProtocolRig::start() {
    std::error_code ec;
    if (options_.work_dir.empty()) {
        const char* tmp = std::getenv("TMPDIR");
        std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/parley-replay-XXXXXX";
        if (!::mkdtemp(templ.data())) return "cannot make a temp dir";
        options_.work_dir = templ;
        own_work_dir_ = true;
    }
    const fs::path work = options_.work_dir;
    fs::create_directories(work, ec);
    const std::string data = (work / "data").string();
    const std::string password = random_password();
    const std::string password_file = (work / "demo-password").string();
    const std::string key_file = (work / "bot-key").string();
    gaps_path_ = (work / "gaps.db").string();
    if (!write_private(password_file, password)) return "cannot write " + password_file;

    // The bot's key, as an operator makes it: printed once on stdout.
    const CommandResult made = run_command(options_.relay_bin, {"--data-dir", data, "--create-bot-key", "replay",
                                                                "--bot-name", "Parley Bot"});
    std::string key = made.out;
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
    if (made.status != 0 || key.rfind("pk_", 0) != 0)
        return "parley-relay --create-bot-key failed (status " + std::to_string(made.status) + "): " + made.out;
    if (!write_private(key_file, key)) return "cannot write " + key_file;

    std::vector<std::string> args = {"--data-dir", data, "--port", "0", "--demo-agent", "--demo-password-file",
                                     password_file, "--quota-new-visitors", "0", "--quota-new-conversations", "0"};
    args.insert(args.end(), options_.relay_args.begin(), options_.relay_args.end());
    relay_ = std::make_unique<ChildProcess>(options_.relay_bin, args, (work / "relay.log").string());
    if (std::string e = relay_->start("parley-relay listening on http://127.0.0.1:", options_.start_timeout_ms);
        !e.empty())
        return e;
    {
        // The listening line names the port the kernel chose (--port 0).
        const std::string log = relay_->log();
        const std::string line = "listening on http://127.0.0.1:";
        const size_t at = log.find(line);
        for (size_t i = at + line.size(); i < log.size() && std::isdigit(static_cast<unsigned char>(log[i])); ++i)
            port_ = port_ * 10 + (log[i] - '0');
        if (port_ <= 0) return "no port in the relay's listening line";
    }

    bot_ = std::make_unique<ChildProcess>(
        options_.bot_bin,
        std::vector<std::string>{"--relay", relay_url(), "--config", options_.bot_config, "--key-file", key_file,
                                 "--gaps", gaps_path_},
        (work / "bot.log").string());
    if (std::string e = bot_->start("ready: b_replay", options_.start_timeout_ms); !e.empty()) return e;

    // The supervisor who sees why each conversation was handed over.
    session::Config sup;
    sup.role = "agent";
    sup.email = kSupervisor;
    sup.password = password;
    sup.instance = "replay-watch";
    auto watch_conn = connect(sup, relay_url());
    if (!watch_conn) return "cannot start the supervisor's connection";
    watching_ = false;
    watcher_ = std::thread([this, c = std::move(watch_conn)]() mutable {
        const auto deadline = Clock::now() + std::chrono::milliseconds(options_.start_timeout_ms);
        for (;;) {
            {
                std::lock_guard<std::mutex> lock(mu_);
                if (stopping_) break;
            }
            c->poll(50);
            std::lock_guard<std::mutex> lock(mu_);
            auto note = [&](const protocol::ConvSummary& s) {
                if (!s.handoff) return;
                seen_[s.conv].handoff = ObservedHandoff{s.handoff->reason, s.handoff->summary, s.team};
            };
            for (const session::Event& e : c->take_events()) {
                if (std::holds_alternative<protocol::Welcome>(e)) watching_ = true;
                if (const auto* u = std::get_if<protocol::ConvUpdate>(&e)) note(u->summary);
                if (const auto* in = std::get_if<protocol::Inbox>(&e))
                    for (const auto& s : in->convs) note(s);
                if (const auto* d = std::get_if<session::Delivered>(&e))
                    if (d->message.from.role == "visitor" && d->message.meta)
                        seen_[d->message.conv].intents[d->message.cid] = d->message.meta->intent;
            }
            if (c->state() == session::State::stopped) watch_error_ = "the relay refused the supervisor";
            if (!watching_ && Clock::now() > deadline) watch_error_ = "the supervisor got no welcome";
            changed_.notify_all();
        }
        disconnect(c);
    });
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait_for(lock, std::chrono::milliseconds(options_.start_timeout_ms + 1000),
                      [&] { return watching_ || !watch_error_.empty(); });
    if (!watching_) return watch_error_.empty() ? "the supervisor did not connect" : watch_error_;
    return {};
}

std::optional<ObservedHandoff> ProtocolRig::wait_handoff(const std::string& conv, int timeout_ms) {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] {
        auto it = seen_.find(conv);
        return it != seen_.end() && it->second.handoff;
    });
    auto it = seen_.find(conv);
    return it == seen_.end() ? std::nullopt : it->second.handoff;
}

std::string ProtocolRig::intent_of(const std::string& conv, const std::string& cid, int timeout_ms) {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                      [&] { return seen_.count(conv) && seen_[conv].intents.count(cid); });
    auto it = seen_.find(conv);
    if (it == seen_.end()) return {};
    auto i = it->second.intents.find(cid);
    return i == it->second.intents.end() ? std::string() : i->second;
}

// ---- one visitor ---------------------------------------------------------------------

struct ProtocolDriver::Visitor {
    std::unique_ptr<native::Connection> conn;
    std::string conv;
    bool handed_off = false;
    struct BotMessage {
        std::int64_t seq;
        nlohmann::json parts;
    };
    std::vector<BotMessage> bot_messages;
    std::set<std::string> streamed;  // cids of the bot's streams seen
};

ProtocolDriver::ProtocolDriver(ProtocolRig& rig) : rig_(rig) {
    if (auto g = GapLog::open(rig_.gaps_path()); g) gaps_ = std::make_unique<GapLog>(std::move(g).value());
}

ProtocolDriver::~ProtocolDriver() {
    if (visitor_) disconnect(visitor_->conn);
}

void ProtocolDriver::start(const std::string& name) {
    if (visitor_) disconnect(visitor_->conn);
    visitor_ = std::make_unique<Visitor>();
    problem_.clear();
    session::Config config;
    config.role = "visitor";
    config.name = "Replay " + name.substr(0, 60);
    static std::atomic<int> counter{0};
    config.instance = "rp" + std::to_string(++counter);
    config.seed = static_cast<std::uint64_t>(counter.load());
    visitor_->conn = connect(config, rig_.relay_url());
    if (!visitor_->conn) {
        problem_ = "the visitor could not start a connection";
        return;
    }
    const auto t0 = Clock::now();
    while (ms_since(t0) < kFirstTokenWaitMs) {
        visitor_->conn->poll(50);
        for (const session::Event& e : visitor_->conn->take_events())
            if (const auto* w = std::get_if<protocol::Welcome>(&e)) visitor_->conv = w->conv.value_or("");
        if (!visitor_->conv.empty()) return;
    }
    problem_ = "the visitor got no welcome within " + std::to_string(kFirstTokenWaitMs) + " ms";
}

namespace {

// How many times the bot has recorded `question` as a knowledge gap.
std::int64_t gap_count(GapLog* gaps, const std::string& question) {
    if (!gaps) return -1;
    auto list = gaps->list(kMaxGaps);
    if (!list) return -1;
    const std::string key = gap_key(triage::mask_pii(question));
    for (const Gap& g : list.value())
        if (gap_key(g.question) == key) return g.count;
    return 0;
}

bool offers(const nlohmann::json& parts, const std::string& option, const std::string& form) {
    for (const auto& p : parts) {
        const std::string kind = p.value("kind", "");
        if (!form.empty() && kind == "form" && p.value("id", "") == form) return true;
        if (option.empty()) continue;
        for (const char* list : {"options", "buttons"})
            for (const auto& o : p.value(list, nlohmann::json::array()))
                if (o.is_object() && o.value("id", "") == option) return true;
    }
    return false;
}

}  // namespace

ObservedTurn ProtocolDriver::send(const VisitorTurn& turn) {
    ObservedTurn o;
    if (!problem_.empty()) {
        o.problem = problem_;
        return o;
    }
    Visitor& v = *visitor_;
    native::Connection& c = *v.conn;
    const std::int64_t gaps_before = gap_count(gaps_.get(), turn.text);
    const bool was_handed_off = v.handed_off;

    Result<std::string> cid = std::string();
    if (!turn.option.empty() || !turn.form.empty()) {
        protocol::Reply r;
        r.option = turn.option;
        r.form = turn.form;
        for (const auto& [k, val] : turn.values) r.values.emplace_back(k, val);
        for (auto it = v.bot_messages.rbegin(); it != v.bot_messages.rend(); ++it)
            if (offers(it->parts, turn.option, turn.form)) {
                r.to = it->seq;
                break;
            }
        if (!r.to && !v.bot_messages.empty()) r.to = v.bot_messages.back().seq;  // the relay will say why not
        cid = c.client().reply(v.conv, turn.text, std::move(r), native::Connection::now_ms());
    } else {
        cid = c.client().send(v.conv, turn.text, native::Connection::now_ms());
    }
    const auto sent_at = Clock::now();
    if (!cid) {
        o.problem = "the SDK refused the visitor's message: " + cid.error().detail;
        return o;
    }

    std::optional<Clock::time_point> last_frame;
    bool queued = false;
    while (true) {
        c.poll(20);
        for (const session::Event& e : c.take_events()) {
            if (const auto* s = std::get_if<protocol::StreamNotice>(&e)) {
                if (s->from.role != "bot") continue;
                if (!o.first_token_ms) o.first_token_ms = ms_since(sent_at);
                v.streamed.insert(s->cid);
                last_frame = Clock::now();
            } else if (const auto* d = std::get_if<session::Delivered>(&e)) {
                if (d->mine || d->message.from.role != "bot") continue;
                if (!o.first_token_ms) o.first_token_ms = ms_since(sent_at);
                ObservedReply r;
                r.text = d->message.text;
                if (!d->message.parts.empty())
                    r.parts = nlohmann::json::parse(d->message.parts, nullptr, false);
                if (!r.parts.is_array()) r.parts = nlohmann::json::array();
                r.streamed = v.streamed.count(d->message.cid) > 0;
                v.bot_messages.push_back({d->message.seq, r.parts});
                o.replies.push_back(std::move(r));
                last_frame = Clock::now();
            } else if (std::holds_alternative<protocol::QueueNotice>(e)) {
                if (!v.handed_off) queued = true;
                v.handed_off = true;
                last_frame = Clock::now();
            } else if (const auto* err = std::get_if<protocol::ErrorFrame>(&e)) {
                o.problem += (o.problem.empty() ? "" : "; ") + std::string("relay error ") +
                             std::to_string(static_cast<int>(err->code)) + ": " + err->message;
            }
        }
        if (queued) break;  // a handoff is the last thing a decision does
        if (last_frame) {
            const double settle = std::clamp(3 * o.first_token_ms.value_or(0), 700.0, 5000.0);
            if (std::chrono::duration<double, std::milli>(Clock::now() - *last_frame).count() >= settle) break;
        } else if (ms_since(sent_at) >= (was_handed_off ? kSilentWaitMs : kFirstTokenWaitMs)) {
            if (!was_handed_off) o.problem += (o.problem.empty() ? "" : "; ") + std::string("no answer within ") +
                                              std::to_string(kFirstTokenWaitMs) + " ms";
            break;
        }
    }
    if (queued) {
        o.handoff = rig_.wait_handoff(v.conv, kHandoffInfoWaitMs);
        if (!o.handoff) o.problem += "the visitor was queued, but no agent saw a handoff";
    }
    o.intent = rig_.intent_of(v.conv, cid.value(), 200);
    const std::int64_t gaps_after = gap_count(gaps_.get(), turn.text);
    o.gap_recorded = gaps_before >= 0 && gaps_after > gaps_before;
    return o;
}

}  // namespace parley::bot::replay
