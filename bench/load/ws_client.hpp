// A lean, non-blocking RFC 6455 client for the load generator: many connections on one
// epoll loop, client framing with masking, no threads, no per-message allocation.
//
// Theory of operation
// -------------------
// Loop::connect() opens a non-blocking TCP socket (optionally bound to a chosen
// 127.0.0.x source address, so one machine can open more connections than one source
// address has ephemeral ports), sends the opening handshake when the socket becomes
// writable, and checks the 101 answer (Sec-WebSocket-Accept, subprotocol). From then
// on the connection's receive buffer is parsed in place: a whole unfragmented message
// reaches the handler as a string_view into that buffer (no copy); fragments are
// joined in a per-connection buffer that keeps its capacity. Pings are answered,
// closes echoed. Outgoing frames are masked while they are appended to the
// connection's out buffer, which is written when the loop flushes (once per turn, so
// several frames due at once leave in one send()). Buffers keep their capacity; in the
// steady state nothing is allocated per message.
//
// The handler's callbacks run inside Loop::run_once(); they may send on any
// connection and may close one (the close takes effect at the end of the turn, never
// inside the connection's own callback).
//
// This is not the test suite's client (tests/support/ws_client.*): that one blocks per
// call and is built for clarity; this one is built for many connections per thread.
#pragma once

#include <netinet/in.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct epoll_event;

namespace parley::load {

namespace ws_op {
constexpr std::uint8_t text = 0x1;
constexpr std::uint8_t binary = 0x2;
constexpr std::uint8_t close = 0x8;
constexpr std::uint8_t ping = 0x9;
constexpr std::uint8_t pong = 0xA;
}  // namespace ws_op

// Where and how to connect.
struct WsTarget {
    std::uint32_t ip = 0x7f000001;  // host order; 127.0.0.1
    int port = 0;
    std::string path = "/ws";
    std::string subprotocol;  // "parley.v1" or "mqtt"
    std::string origin;       // empty: no Origin header (a native client)
};

class WsConn;
class Loop;

class WsHandler {
public:
    virtual ~WsHandler() = default;
    // The handshake succeeded; the connection may send.
    virtual void on_open(WsConn& c) = 0;
    // One whole data message. `payload` is valid only during the call.
    virtual void on_message(WsConn& c, std::uint8_t opcode, std::string_view payload) = 0;
    // The connection is gone: `code` is the peer's close code, 1006 when the socket
    // failed or the handshake was refused (then `opened` is false). The WsConn stays
    // valid until the end of the loop turn; do not send on it.
    virtual void on_closed(WsConn& c, int code, bool opened) = 0;
};

class WsConn {
public:
    enum class State { connecting, handshaking, open, closing, closed };

    // Appends one masked frame to the out buffer. Returns false (and sends nothing)
    // when the connection is not open or when more than `max_out` bytes already wait:
    // the open-loop generator counts that message as not sent.
    bool send(std::uint8_t opcode, std::string_view payload);
    bool send_text(std::string_view t) { return send(ws_op::text, t); }
    // Sends a close frame and ends the connection once it is written.
    void close(int code = 1000);
    // Ends the connection at once, without a close frame (a lost network).
    void drop();

    State state() const { return state_; }
    bool is_open() const { return state_ == State::open; }
    std::size_t out_pending() const { return out_.size() - out_off_; }
    std::uint32_t id() const { return id_; }

    // Free for the scenario: an index into its own per-connection table.
    std::uint32_t user = 0;

private:
    friend class Loop;
    WsConn() = default;
    std::uint32_t next_mask();

    Loop* loop_ = nullptr;
    WsHandler* handler_ = nullptr;
    std::uint32_t id_ = 0;
    int fd_ = -1;
    State state_ = State::closed;
    bool dirty_ = false;     // in the loop's flush list
    bool doomed_ = false;    // to be closed at the end of the turn
    bool opened_ = false;
    int close_code_ = 1006;
    std::string key_;        // Sec-WebSocket-Key of the handshake
    const WsTarget* target_ = nullptr;
    std::string out_;
    std::size_t out_off_ = 0;
    std::string in_;
    std::size_t in_len_ = 0;
    std::string frag_;       // a fragmented message being joined
    std::uint8_t frag_op_ = 0;
    std::uint64_t rng_ = 0;
};

struct LoopStats {
    std::uint64_t bytes_in = 0, bytes_out = 0, frames_in = 0, frames_out = 0;
    std::uint64_t refused_sends = 0;  // send() over max_out
    std::uint64_t handshake_failures = 0;
};

class Loop {
public:
    Loop();
    ~Loop();
    Loop(const Loop&) = delete;
    Loop& operator=(const Loop&) = delete;

    // Starts a connection. `source_ip` (host order) 0: let the kernel choose. `target`
    // must outlive the connection. Returns null when no socket could be made (the
    // reason is in last_error()).
    WsConn* connect(const WsTarget& target, WsHandler& handler, std::uint32_t source_ip = 0);

    // Writes the out buffers, waits up to timeout_ms (0: poll) for socket events, runs
    // the handlers, writes again, and frees the connections closed during the turn.
    void run_once(int timeout_ms);
    // The same, waiting at most until `deadline_ns` (now_ns() clock) with the kernel's
    // sub-millisecond timer: a generator that waits in whole milliseconds sends up to a
    // millisecond late, which an open-loop latency then counts against the server.
    void run_until(std::int64_t deadline_ns);
    // Writes every out buffer that has bytes (also called by run_once).
    void flush();

    std::size_t open_count() const { return open_; }
    std::size_t live_count() const { return live_; }
    const LoopStats& stats() const { return stats_; }
    const std::string& last_error() const { return last_error_; }
    std::size_t max_out = 1u << 20;  // bytes waiting per connection before send() refuses

private:
    friend class WsConn;
    void on_event(WsConn& c, std::uint32_t events);
    void dispatch(const ::epoll_event* events, int n);  // one turn's events, then flush
    void start_handshake(WsConn& c);
    void read_some(WsConn& c);
    void parse_handshake(WsConn& c);
    void parse_frames(WsConn& c);
    void write_some(WsConn& c);
    void mark_dirty(WsConn& c);
    void finish(WsConn& c, int code);  // socket closed: tell the handler, free later

    int epfd_ = -1;
    std::vector<std::unique_ptr<WsConn>> conns_;  // index = id; null once freed
    std::vector<std::uint32_t> free_ids_;
    std::vector<WsConn*> dirty_;
    std::vector<WsConn*> dead_;
    std::size_t open_ = 0, live_ = 0;
    LoopStats stats_;
    std::string last_error_;
    std::uint64_t seed_;
};

}  // namespace parley::load
