#include "native_client.hpp"

#include <poll.h>

#include <algorithm>
#include <type_traits>

namespace parley::test {

namespace {
template <class... Fs>
struct overloaded : Fs... {
    using Fs::operator()...;
};
template <class... Fs>
overloaded(Fs...) -> overloaded<Fs...>;
}  // namespace

std::int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

NativeClient::NativeClient(std::string label, session::Config config, std::string host, int port)
    : label_(std::move(label)), core_(std::move(config)), host_(std::move(host)), port_(port) {}

void NativeClient::connect() {
    core_.connect(now_ms());
    service();
}

void NativeClient::disconnect() {
    core_.disconnect(now_ms());
    service();
}

Result<std::string> NativeClient::send(const std::string& conv, const std::string& text) {
    auto r = core_.send(conv, text, now_ms());
    service();
    return r;
}

Status NativeClient::typing(const std::string& conv, bool on) {
    auto r = core_.typing(conv, on, now_ms());
    service();
    return r;
}

Status NativeClient::read(const std::string& conv, std::int64_t seq) {
    auto r = core_.read(conv, seq, now_ms());
    service();
    return r;
}

Status NativeClient::history(const std::string& conv, std::optional<std::int64_t> before, int limit) {
    auto r = core_.history(conv, before, limit, now_ms());
    service();
    return r;
}

Status NativeClient::presence(const std::string& status) {
    auto r = core_.presence(status, now_ms());
    service();
    return r;
}

void NativeClient::set_network(bool up) {
    network_up_ = up;
    if (!up && ws_.is_open()) {
        ws_.drop();
        core_.closed(1006, now_ms());
    }
    service();
}

void NativeClient::set_endpoint(std::string host, int port) {
    host_ = std::move(host);
    port_ = port;
}

void NativeClient::open_transport() {
    connect_pending_ = false;
    WsConnectOptions o;
    o.host = host_;
    o.port = port_;
    o.timeout_ms = 3000;
    auto st = ws_.connect(o);
    if (!st) {
        wire_log_.push_back("!! connect failed: " + st.detail);
        core_.closed(1006, now_ms());
        return;
    }
    ++transports_opened_;
    core_.opened(now_ms());
}

void NativeClient::handle(session::Event event) {
    std::visit(overloaded{
                   [&](const session::ConnectRequest&) {
                       // Held while the simulated network is down; serviced when it is up.
                       connect_pending_ = true;
                   },
                   [&](const session::DisconnectRequest&) {
                       connect_pending_ = false;
                       ws_.close(1000, 500);
                   },
                   [&](const protocol::Welcome& w) {
                       welcome_ = w;
                       ++welcome_count_;
                       if (w.conv) conv_ = *w.conv;
                   },
                   [&](const session::Delivered& d) { messages_[d.message.conv].push_back(d.message); },
                   [&](const protocol::Ack& a) { acks_.push_back(a); },
                   [&](const protocol::ErrorFrame& e) { errors_.push_back(e); },
                   [&](const protocol::TypingNotice& t) {
                       typing_.push_back(t);
                       peer_typing_[t.conv] = t.on;
                   },
                   [&](const protocol::ReadNotice& r) { reads_.push_back(r); },
                   [&](const session::HistoryPage& p) { pages_.push_back(p); },
                   [&](const protocol::Inbox& in) {
                       for (const auto& c : in.convs) inbox_[c.conv] = c;
                   },
                   [&](const protocol::ConvUpdate& c) { inbox_[c.summary.conv] = c.summary; },
                   [&](const auto&) {},
               },
               event);
    events_.push_back(std::move(event));
}

void NativeClient::flush() {
    for (auto& frame : core_.take_outgoing()) {
        wire_log_.push_back("-> " + frame);
        if (!ws_.is_open()) continue;  // the core resends what matters after welcome
        if (auto st = ws_.send_text(frame); !st) {
            wire_log_.push_back("!! send failed: " + st.detail);
            ws_.drop();
            core_.closed(1006, now_ms());
        }
    }
}

void NativeClient::service() {
    // 1. Socket input.
    if (ws_.is_open()) {
        auto r = ws_.poll(0);
        for (const auto& text : r.texts) {
            wire_log_.push_back("<- " + text);
            (void)core_.receive(text, now_ms());  // a bad frame arrives as an error event
        }
        if (r.closed) {
            wire_log_.push_back("!! closed " + std::to_string(r.close_code));
            core_.closed(r.close_code, now_ms());
        }
    }
    // 2. Timers.
    if (auto d = core_.next_deadline(); d && *d <= now_ms()) core_.tick(now_ms());
    // 3–4. Events and output, until the core has nothing more to say (opening a
    // transport produces a hello, a failed open produces a backoff, ...).
    for (int round = 0; round < 16; ++round) {
        auto events = core_.take_events();
        for (auto& e : events) handle(std::move(e));
        flush();
        if (connect_pending_ && network_up_) {
            open_transport();
            continue;
        }
        if (events.empty()) break;
    }
}

std::vector<protocol::Message> NativeClient::messages(const std::string& conv) const {
    auto it = messages_.find(conv);
    return it == messages_.end() ? std::vector<protocol::Message>{} : it->second;
}

bool NativeClient::peer_typing(const std::string& conv) const {
    auto it = peer_typing_.find(conv);
    return it != peer_typing_.end() && it->second;
}

bool pump_until(const std::vector<NativeClient*>& clients, const std::function<bool()>& done,
                int timeout_ms) {
    const auto deadline = now_ms() + timeout_ms;
    for (;;) {
        for (auto* c : clients) c->service();
        if (done()) return true;
        const auto left = deadline - now_ms();
        if (left <= 0) return false;
        // Sleep until a socket is readable, a core deadline is due, or 20 ms pass
        // (the cap keeps held connects and other host-side state moving).
        std::int64_t wait = std::min<std::int64_t>(left, 20);
        std::vector<pollfd> fds;
        for (auto* c : clients) {
            if (c->fd() >= 0) fds.push_back({c->fd(), POLLIN, 0});
            if (auto d = c->core().next_deadline()) wait = std::min<std::int64_t>(wait, std::max<std::int64_t>(0, *d - now_ms()));
        }
        ::poll(fds.data(), fds.size(), int(wait));
    }
}

void pump_for(const std::vector<NativeClient*>& clients, int ms) {
    pump_until(clients, [] { return false; }, ms);
}

}  // namespace parley::test
