#include "protocol_peer.hpp"

#include <chrono>

namespace parley::test {

namespace {
using Clock = std::chrono::steady_clock;

int ms_left(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left < 0 ? 0 : int(left);
}
}  // namespace

WsStatus ProtocolPeer::connect(const std::string& host, int port, const std::string& origin,
                               const std::string& local_address) {
    WsConnectOptions o;
    o.host = host;
    o.port = port;
    o.origin = origin;
    o.source_address = local_address;
    return connect(o);
}

WsStatus ProtocolPeer::connect(const WsConnectOptions& options) {
    inbox_.clear();
    seen_.clear();
    closed_ = false;
    close_code_ = 0;
    return ws_.connect(options);
}

WsStatus ProtocolPeer::send(json frame) {
    if (frame.is_object() && !frame.contains("v")) frame["v"] = 1;
    return ws_.send_text(frame.dump());
}

std::optional<ProtocolPeer::Welcome> ProtocolPeer::hello_new_visitor(int timeout_ms) {
    if (!send({{"type", "hello"}, {"role", "visitor"}})) return std::nullopt;
    auto welcome = wait_type("welcome", timeout_ms);
    if (!welcome) return std::nullopt;
    return Welcome{welcome->value("conv", ""), welcome->value("token", "")};
}

void ProtocolPeer::pump(int timeout_ms) {
    if (closed_ || !ws_.is_open()) return;
    auto r = ws_.poll(timeout_ms);
    for (auto& text : r.texts) {
        // A frame that is not JSON is kept as a string, so that the test fails on it
        // visibly instead of here.
        json j = json::parse(text, nullptr, false);
        if (j.is_discarded()) j = text;
        inbox_.push_back(j);
        seen_.push_back(std::move(j));
    }
    if (r.closed) {
        closed_ = true;
        close_code_ = r.close_code;
    }
}

std::optional<json> ProtocolPeer::wait_for(const std::function<bool(const json&)>& match, int timeout_ms) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    std::size_t checked = 0;
    for (;;) {
        for (; checked < inbox_.size(); ++checked) {
            if (match(inbox_[checked])) {
                json found = std::move(inbox_[checked]);
                inbox_.erase(inbox_.begin() + std::ptrdiff_t(checked));
                return found;
            }
        }
        if (closed_ || !ws_.is_open() || ms_left(deadline) == 0) return std::nullopt;
        pump(ms_left(deadline));
    }
}

std::optional<json> ProtocolPeer::wait_type(const std::string& type, int timeout_ms) {
    return wait_for([&](const json& j) { return j.is_object() && j.value("type", "") == type; }, timeout_ms);
}

std::vector<json> ProtocolPeer::drain(int ms) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(ms);
    while (ms_left(deadline) > 0 && !closed_ && ws_.is_open()) pump(ms_left(deadline));
    std::vector<json> out;
    out.swap(inbox_);
    return out;
}

std::optional<json> demo_agent_inbox_entry(const std::string& host, int port, const std::string& conv,
                                           const std::string& password, int timeout_ms) {
    ProtocolPeer agent;
    if (!agent.connect(host, port)) return std::nullopt;
    if (!agent.send({{"type", "login"}, {"email", "demo@parley.local"}, {"password", password}})) return std::nullopt;
    auto inbox = agent.wait_type("inbox", timeout_ms);
    if (!inbox || !inbox->contains("convs")) return std::nullopt;
    for (const json& c : (*inbox)["convs"])
        if (c.value("conv", "") == conv) return c;
    return std::nullopt;
}

}  // namespace parley::test
