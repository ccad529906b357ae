// The SDK's native transport: a session::Client (the sans-I/O core) driven over a
// libwebsockets 4.1.6 client connection, for native apps and bots (parley-bot).
//
// Theory of operation
// -------------------
// A Connection owns one lws context (its own poll() event loop: no thread, no libev)
// and one session::Client. Everything runs on the caller's thread inside poll():
//
//   1. lws_service() waits for socket activity or a wake timer, set at the earlier of
//      poll()'s own end and the core's next_deadline(). lws callbacks only record what
//      happened (opened, a whole text frame, closed with a code); they never call the
//      core, so the core is never re-entered from inside lws.
//   2. pump(): the recorded inputs go to the core (opened / receive / closed), tick()
//      runs when its deadline has passed, then the core's events are acted on — a
//      "connect" event dials the Url (lws_client_connect_via_info), a "disconnect"
//      event closes the socket with 1000 — and handed to the application as they are;
//      take_outgoing() frames join the write queue.
//   3. The write queue is written one frame per LWS_CALLBACK_CLIENT_WRITEABLE, in
//      order (the receiver is the boss: nothing is written unless lws says writable).
//
// Each dial gets a generation number (the wsi's opaque user data). Callbacks of an
// older generation (a socket the core already gave up) are ignored and that socket is
// closed, so a late close can never be mistaken for the current one's.
//
// Reconnecting, backoff, resume (sync) and resending the outbox are the core's work:
// this adapter reports the close code it got (the peer's close frame, else 1006) and
// the core decides (4100–4199 stop; 1000 go offline; anything else: backoff).
// Frames queued for a socket that closes are dropped with it: the core resends
// unacknowledged messages after the next welcome; write_frame() frames are not
// resent (the caller owns them).
//
// start() sets lws's process-wide log level to errors and warnings (its notices would
// drown the application's output).
//
// Not thread-safe: one thread calls every method. No method throws. DNS resolution is
// lws 4.1.6's synchronous getaddrinfo() (this build has no async DNS), so dialling a
// name may block the thread for as long as the resolver takes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "parley/core/result.hpp"
#include "parley/native/url.hpp"
#include "parley/session/client.hpp"

struct lws;
struct lws_context;

namespace parley::native {

struct TransportOptions {
    // wss:// only. A PEM file of the certificate authorities to trust, instead of the
    // system's store; empty: the system's store. The relay's name (or IP) must match
    // its certificate.
    std::string ca_file;
    // wss:// only, for tests and development: accept a self-signed certificate and skip
    // the name check. Never in production: anyone on the path can then read the chat.
    bool allow_self_signed = false;
    // The Origin header to send; empty: none (the relay admits native clients without one).
    std::string origin;
    // The write queue's bound, in frames. Frames of the core are always taken (the core
    // bounds them: they are the app's own actions); write_frame() is refused beyond it.
    std::size_t max_queued_frames = 1024;
    // A received message longer than this closes the socket with 1009 (the core then
    // reconnects). The protocol's frames are at most 65 536 bytes (docs/protocol.md §2).
    std::size_t max_frame_bytes = 1 << 20;
    // TCP connect + TLS + upgrade must finish within this (lws's timeout_secs).
    int connect_timeout_secs = 10;
};

class Connection {
public:
    // Nothing happens until start(). A bad config (session::validate) is reported by
    // start(), not here.
    Connection(session::Config config, Url url, TransportOptions options = {});
    ~Connection();  // stop()
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Creates the lws context and asks the core to connect (the dial happens in the
    // next poll()). Errors: the config's (session::validate: bad_field, missing_field,
    // text_too_long); storage_failed when lws cannot create its context (e.g. an
    // unreadable ca_file); already_authenticated when already started.
    Status start();

    // Runs the event loop for at most timeout_ms (0: only what is ready now); returns
    // earlier as soon as there are events to take. Does nothing before start() or
    // after stop(). Must not be called from inside itself (there are no callbacks).
    void poll(int timeout_ms);

    // The core's events since the last call, in order, "connect" and "disconnect"
    // included (the Connection has already acted on those).
    std::vector<session::Event> take_events();

    // The session, for user actions (send, typing, read, history, presence, routing…):
    // call them with now_ms(); what they queue is written during the next poll().
    session::Client& client() { return client_; }
    const session::Client& client() const { return client_; }
    // The clock the Connection gives the core (steady clock, milliseconds).
    static std::int64_t now_ms();

    // Queues one text frame the Client does not model (yet), written after the frames
    // queued before it. Not kept across a reconnect. Errors: not_authenticated when the
    // session is not connected (no welcome yet); rate_limited when the write queue
    // holds max_queued_frames; too_large when it exceeds 65 536 bytes.
    Status write_frame(std::string json);

    // Disconnects (close 1000 after what is queued, waiting at most 1 s for the close
    // handshake) and destroys the lws context. The core keeps its outbox; start() may
    // be called again. Idempotent.
    void stop();

    session::State state() const { return client_.state(); }
    // The close code of the last socket that closed (1006 when it had none), if any.
    std::optional<int> last_close_code() const { return last_close_code_; }
    // Sockets that reached the WebSocket upgrade (the first one and every reconnect).
    int transports_opened() const { return transports_opened_; }
    // Frames waiting in the write queue.
    std::size_t queued_frames() const { return queue_.size(); }

    // The lws protocol callback (public so the protocol table can name it; not API).
    static int callback(lws* wsi, int reason, void* user, void* in, std::size_t len);

private:
    struct Input {
        enum Kind { opened, received, closed } kind;
        std::string text;
        int code = 0;
    };

    int on_callback(lws* wsi, int reason, void* in, std::size_t len);
    void pump();
    void act(const session::Event& event);
    void dial();
    void hang_up();
    void take_outgoing();
    void arm_wake(std::int64_t at);

    std::optional<Error> config_error_;  // session::validate, reported by start()
    session::Client client_;
    Url url_;
    TransportOptions options_;
    lws_context* context_ = nullptr;

    std::uintptr_t generation_ = 0;  // of the newest dial
    std::uintptr_t current_ = 0;     // the dial the core waits on / talks over; 0: none
    lws* wsi_ = nullptr;             // current_'s socket once upgraded
    std::optional<int> peer_close_;  // code of current_'s peer close frame
    int close_with_ = 0;             // our close code for current_ (e.g. 1009), 0: none
    std::string rx_;                 // current_'s message being reassembled
    bool rx_too_large_ = false;
    std::vector<lws*> closing_;      // older sockets to close at their next WRITEABLE

    std::deque<std::string> queue_;  // to write to wsi_, in order
    std::vector<unsigned char> tx_;  // LWS_PRE + one frame
    std::vector<Input> inputs_;
    std::vector<session::Event> events_;
    std::optional<int> last_close_code_;
    int transports_opened_ = 0;

    struct Wake;
    std::unique_ptr<Wake> wake_;  // the lws timer that ends a poll() wait (connection.cpp)
};

}  // namespace parley::native
