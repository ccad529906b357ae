// Server: the libwebsockets adapter, the only code that includes lws. It turns socket
// events into Hub calls and Hub outputs into WebSocket writes; every chat rule lives in
// the Hub (core/hub.hpp), none here.
//
// One context, one vhost, two protocols:
//   "http"       static files from --web-root at "/" (index.html by default); without a
//                web root every HTTP request gets 404. A WebSocket upgrade that names
//                no subprotocol lands here and is refused.
//   "parley.v1"  the chat protocol, on any path (clients use /ws).
//
// Limits and what happens at them:
// - Incoming message > 65 536 bytes (summed over its fragments): the bytes are dropped
//   as they arrive, and when the message ends the client gets error 1006; the
//   connection stays open. lws itself never closes for size (it hands large frames
//   over in pieces), so close 1009 is not used by this relay.
// - Invalid UTF-8 in a text message: lws closes with 1007 (LWS_SERVER_OPTION_VALIDATE_UTF8).
// - Outgoing queue of one connection > max_queue_bytes (default 4 MiB, a client that
//   does not read): the queue is dropped and the connection closed with 4001 (too slow;
//   the client reconnects and syncs).
// - Origin not in the allow-list: the upgrade is refused before it completes.
#pragma once

#include <csignal>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/hub.hpp"
#include "net/origin_policy.hpp"

struct lws;
struct lws_context;
struct lws_vhost;

namespace parley::relay {

struct ServerOptions {
    std::string host = "127.0.0.1";
    int port = 8080;                       // 0: the kernel picks a free port
    std::string web_root;                  // empty: no static files
    std::vector<std::string> allow_origins;  // empty: OriginPolicy::defaults(host, port)
    std::size_t max_queue_bytes = 4u << 20;
};

class Server {
public:
    Server(Hub& hub, ServerOptions options);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Creates the lws context and starts listening. Returns the bound port, or an
    // error message.
    Result<int> start();

    // Serves until `stop` becomes non-zero (set it from a signal handler), then closes
    // every connection with 1001 and returns once they are gone (or after 2 s).
    void run(const volatile std::sig_atomic_t& stop);

    // Called by the lws callbacks (server.cpp); not for other use.
    int on_parley(lws* wsi, int reason, void* user, void* in, std::size_t len);
    int on_http(lws* wsi, int reason, void* user, void* in, std::size_t len);

private:
    struct Peer {
        lws* wsi = nullptr;
        std::deque<std::string> queue;  // each entry has LWS_PRE bytes of headroom
        std::size_t queued_bytes = 0;
        int close_code = 0;             // non-zero: close once the queue has drained
        std::string close_reason;
        std::string rx;                 // the message being reassembled
        bool rx_binary = false;
        bool rx_too_large = false;
    };

    void dispatch();  // delivers the Hub's outputs to the peers' queues
    void receive(ConnId id, Peer& peer, const char* data, std::size_t len, bool final);
    int write_one(Peer& peer);

    Hub& hub_;
    ServerOptions options_;
    OriginPolicy origins_;
    lws_context* context_ = nullptr;
    lws_vhost* vhost_ = nullptr;
    ConnId next_id_ = 1;
    std::unordered_map<ConnId, Peer> peers_;

    struct LwsTables;  // protocols, mount and mime types, which must outlive the context
    std::unique_ptr<LwsTables> tables_;
};

// Milliseconds since the Unix epoch: the `now` the adapter passes to the Hub.
std::int64_t wall_clock_ms();

}  // namespace parley::relay
