// A WebSocket client that speaks Parley frames as plain JSON, with no client core in
// between: for tests that must send exactly a given frame (an agent frame before
// login, a visitor naming someone else's conversation) and look at exactly what the
// relay answers. Tests of client behaviour (resume, outbox) use NativeClient instead.
//
// Received frames queue up in an inbox; wait_for() takes the first one that matches,
// leaving the others for later checks, and seen() keeps all of them.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ws_client.hpp"

namespace parley::test {

using json = nlohmann::json;

class ProtocolPeer {
public:
    // `local_address`: the address to connect from (empty: the system's choice), e.g.
    // 127.0.0.2, another client address on loopback for per-address limits.
    WsStatus connect(const std::string& host, int port, const std::string& origin = {},
                     const std::string& local_address = {});
    WsStatus connect(const WsConnectOptions& options);  // TLS, source address, extra headers

    // Sends `frame` as one text message. Adds "v":1 when absent.
    WsStatus send(json frame);

    // The first inbox frame (already received, or arriving within timeout_ms) for which
    // `match` holds; it leaves the inbox. nullopt on timeout or close.
    std::optional<json> wait_for(const std::function<bool(const json&)>& match, int timeout_ms = 3000);

    // Shorthand: the first frame of `type`.
    std::optional<json> wait_type(const std::string& type, int timeout_ms = 3000);

    // Everything that arrives in the next `ms` milliseconds (plus the inbox), emptying
    // the inbox. Used to check that something did NOT arrive.
    std::vector<json> drain(int ms);

    // Says hello as a new visitor and waits for the welcome: the conversation and the
    // token that resumes it. nullopt if no welcome came within timeout_ms.
    struct Welcome {
        std::string conv;
        std::string token;
    };
    std::optional<Welcome> hello_new_visitor(int timeout_ms = 3000);

    // Every frame received since connect, in order, consumed or not.
    const std::vector<json>& seen() const { return seen_; }

    bool closed() const { return closed_; }
    int close_code() const { return close_code_; }
    void close(int code = 1000) { ws_.close(code); }
    void drop() { ws_.drop(); }
    WsClient& transport() { return ws_; }

private:
    void pump(int timeout_ms);

    WsClient ws_;
    std::vector<json> inbox_;
    std::vector<json> seen_;
    bool closed_ = false;
    int close_code_ = 0;
};

// The demo agent's inbox entry for `conv` (its `handoff`, `bot`, `state`…): a fresh
// connection logs in as demo@parley.local (a relay started with --demo-agent and
// RelayOptions' demo password) and reads the first inbox. nullopt when the login or the
// inbox did not come, or the inbox does not list it.
std::optional<json> demo_agent_inbox_entry(const std::string& host, int port, const std::string& conv,
                                           const std::string& password = "demo-password", int timeout_ms = 8000);

}  // namespace parley::test
