// The SDK's sans-I/O client core (parley::session::Client) driven over a real socket
// (WsClient) and the real clock: the native transport adapter, as the widget's
// WebSocket glue is the browser one. Tests use it to check what an application built
// on the SDK sees: welcome, delivered messages, acks, typing, read receipts, resume.
//
// Theory of operation: service() is one turn of the host loop —
//   1. read the socket without waiting; feed texts to receive(), a close to closed();
//   2. tick() when the core's deadline has passed;
//   3. drain events: "connect" opens the socket (opened() or closed(1006)),
//      "disconnect" closes it; record everything else;
//   4. write take_outgoing() to the socket, in order.
// pump_until() runs service() over several clients until a condition holds, sleeping
// in poll() on all their sockets, so no test busy-waits or sleeps blindly.
//
// A simulated network switch (set_network) holds connects back while "down", so a
// test can make a client miss messages deterministically and then let it resume.
// Not thread-safe; one test thread drives all clients.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "parley/session/client.hpp"
#include "ws_client.hpp"

namespace parley::test {

// Milliseconds on the monotonic clock shared by every NativeClient.
std::int64_t now_ms();

class NativeClient {
public:
    NativeClient(std::string label, session::Config config, std::string host, int port);

    // ---- user actions (forwarded to the core with the current time) ---------------
    void connect();
    void disconnect();
    Result<std::string> send(const std::string& conv, const std::string& text);
    Status typing(const std::string& conv, bool on);
    Status read(const std::string& conv, std::int64_t seq);
    Status history(const std::string& conv, std::optional<std::int64_t> before = std::nullopt,
                   int limit = 50);
    Status presence(const std::string& status);

    // ---- simulated network ---------------------------------------------------------
    // Cuts the transport without a close frame (the relay sees the TCP connection end;
    // the core sees 1006). Connect requests wait until set_network(true).
    void set_network(bool up);
    bool network_up() const { return network_up_; }
    // Where the next connect goes (after a relay restart on another port).
    void set_endpoint(std::string host, int port);

    // One turn of the host loop (see above). Never blocks beyond a connect handshake.
    void service();

    // ---- what the application saw ----------------------------------------------------
    const std::string& label() const { return label_; }
    session::Client& core() { return core_; }
    session::State state() const { return core_.state(); }
    bool ready() const { return core_.state() == session::State::connected; }
    const std::vector<session::Event>& events() const { return events_; }
    // The visitor's conversation (from welcome), "" before.
    const std::string& conv() const { return conv_; }
    const std::optional<protocol::Welcome>& welcome() const { return welcome_; }
    int welcomes() const { return welcome_count_; }
    // Delivered messages of `conv`, in the order the core delivered them.
    std::vector<protocol::Message> messages(const std::string& conv) const;
    const std::vector<protocol::Ack>& acks() const { return acks_; }
    const std::vector<protocol::ErrorFrame>& errors() const { return errors_; }
    const std::vector<protocol::TypingNotice>& typing_notices() const { return typing_; }
    const std::vector<protocol::ReadNotice>& read_notices() const { return reads_; }
    const std::vector<session::HistoryPage>& history_pages() const { return pages_; }
    // The agent's view: inbox entries, updated by conv frames.
    const std::map<std::string, protocol::ConvSummary>& inbox() const { return inbox_; }
    // Whether `conv` has a peer typing right now per the latest typing notice
    // (expiry is the core's business: it emits on:false when a peer's indicator lapses).
    bool peer_typing(const std::string& conv) const;
    // Frames written to / read from the socket, for failure messages.
    const std::vector<std::string>& wire_log() const { return wire_log_; }
    int transports_opened() const { return transports_opened_; }

    int fd() const { return ws_.native_handle(); }

private:
    void open_transport();
    void handle(session::Event event);
    void flush();

    std::string label_;
    session::Client core_;
    std::string host_;
    int port_;
    WsClient ws_;
    bool network_up_ = true;
    bool connect_pending_ = false;
    int transports_opened_ = 0;

    std::vector<session::Event> events_;
    std::optional<protocol::Welcome> welcome_;
    int welcome_count_ = 0;
    std::string conv_;
    std::map<std::string, std::vector<protocol::Message>> messages_;
    std::vector<protocol::Ack> acks_;
    std::vector<protocol::ErrorFrame> errors_;
    std::vector<protocol::TypingNotice> typing_;
    std::vector<protocol::ReadNotice> reads_;
    std::vector<session::HistoryPage> pages_;
    std::map<std::string, protocol::ConvSummary> inbox_;
    std::map<std::string, bool> peer_typing_;
    std::vector<std::string> wire_log_;
};

// Services `clients` until `done()` holds or timeout_ms passes; returns done().
bool pump_until(const std::vector<NativeClient*>& clients, const std::function<bool()>& done,
                int timeout_ms = 5000);

// Services `clients` for `ms` milliseconds: to give something the chance to arrive
// that must not.
void pump_for(const std::vector<NativeClient*>& clients, int ms);

}  // namespace parley::test
