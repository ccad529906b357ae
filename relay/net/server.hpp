// Server: the libwebsockets adapter, the only code that includes lws. It turns socket
// events into Hub calls and Hub outputs into WebSocket writes; every chat rule lives in
// the Hub (core/hub.hpp), none here.
//
// One context, one vhost, two protocols:
//   "http"       the files of --web-root at "/", read into memory at start()
//                (static/static_site.hpp: precompressed br/gzip by Accept-Encoding,
//                ETag and 304, a year of caching for content-hashed names, no-cache
//                for entry points); /healthz, /readyz, /metrics (ops/); without a web
//                root every other HTTP request gets 404. A WebSocket upgrade that names
//                no subprotocol lands here and is refused.
//                Paths under a ServerOptions::http_services prefix (/api/, /attachments/) go to the
//                HTTP exchange (net/http_exchange.hpp: bodies, 411/413, stall timeout)
//                and its sans-I/O handler (relay/api/).
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
// - Bulk answers (sync, history) are not queued whole: the Hub keeps a cursor and the
//   adapter asks it for the next chunk (Hub::pump, ~64 KiB) only while the connection's
//   queue is below pump_below_bytes (256 KiB). So an answer of any length arrives to a
//   client that reads, and costs the relay at most pump_below_bytes + one chunk.
// - A connection with frames waiting that has taken none of them for stall_secs (30 s;
//   a client that stopped reading) is closed with 4001 as well: its queue is dropped,
//   and if even the close frame cannot be written within 5 s the socket is dropped.
//   So per connection the relay holds at most max_queue_bytes + lws's one partial write
//   (≤ 64 KiB) + the Hub's ≤ 64 pending-read cursors, whatever the client does.
// - Origin not in the allow-list: the upgrade is refused before it completes.
// - TCP connections (core/socket_limits.hpp), counted at accept(), before any request:
//   at most the open-files limit minus a reserve (max(64, limit/8), for SQLite, logs,
//   served files) in all, and max_sockets_per_ip (default 512, never more than a
//   quarter of the total) per address; one over is closed at once, unanswered. So
//   accept() never meets EMFILE (on which lws 4.1.6 logs and retries at once, forever).
// - A connection that has not sent a whole HTTP request handshake_timeout_secs (default
//   5) after it was accepted is closed (lws's header-table idle timeout).
// - Every HTTP response carries X-Content-Type-Options, Referrer-Policy and, for files,
//   a Content-Security-Policy (net/security_headers.hpp); with TLS, HSTS as well.
// - The web root is read once, at start(): at most web_root_max_bytes (64 MiB, .gz/.br
//   included) or the relay does not start. Requests are looked up in that table, never
//   on disk (no traversal); GET and HEAD only (405, and the connection closed, for any
//   other method). A body goes out one 16 KiB chunk per writable callback, so a slow
//   reader costs at most one chunk of buffer (the bytes are a view into the table), and
//   one that takes no chunk for stall_secs (30 s) is disconnected.
// - TLS (P7, tls_cert/tls_key): the port speaks only TLS 1.2+ (net/tls_certificate.hpp
//   for the settings); the TLS handshake has handshake_timeout_secs too. The pair is
//   checked before lws sees it, so a bad file stops the start with a message naming it;
//   reload_tls() (SIGHUP's flag, looked at by the 100 ms tick) swaps the pair that new
//   handshakes present, never the open connections', and keeps the old one on failure.
// - Trusted proxies (P7, trusted_proxies): a WebSocket from one of them is counted (per
//   address connection cap, frame budget, login throttle) under the client its
//   X-Forwarded-For names (net/client_address.hpp); from other peers the header is
//   ignored. Raw sockets from a trusted proxy are exempt from max_sockets_per_ip (it
//   counts before any header exists, so it would count all the proxy's clients as one);
//   the total cap still applies.
// - Log lines (lws's and ours) go through net/log_sink.hpp: core/log_throttle.hpp
//   (control characters escaped, repeats collapsed, at most 20 lines a second), then
//   text or JSON; plain HTTP answers are logged there at --log-level info (access log).
// - Rate limits (core/rate_limits.hpp): a connection beyond max_conns_per_ip is closed
//   with 4002 right after its handshake; a frame over the per-connection or per-address
//   budget is not processed and gets error 4029 with retry_after_ms.
// - Password checks (P7): the Hub's login checks run on a PasswordWorker pool
//   (auth/password_worker.hpp: password_threads threads, password_queue more waiting,
//   threads × 64 MiB of Argon2 memory at most); a worker wakes the loop with
//   lws_cancel_service, and the results go back to the Hub on the loop thread. A login
//   that finds the pool full gets 4031 at once.
// - Heartbeat: lws sends a WebSocket ping to a connection silent for heartbeat_secs and
//   hangs up one silent for dead_peer_secs (a pong or any frame counts), so a dead peer
//   frees its slot and its presence within dead_peer_secs.
// - SIGTERM (run's `stop`): the drain. New connections are closed with 1001 at once;
//   every frame already read has been handled (the Hub commits before it answers), the
//   queued frames are written, then each connection is closed with 1001 so clients
//   reconnect (to the restarted relay) with backoff.
#pragma once

#include <chrono>
#include <csignal>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/hub.hpp"
#include "auth/password_worker.hpp"
#include "core/rate_limits.hpp"
#include "core/socket_limits.hpp"
#include "net/client_address.hpp"
#include "net/http_exchange.hpp"
#include "net/origin_policy.hpp"
#include "net/tls_certificate.hpp"
#include "static/static_site.hpp"

struct lws;
struct lws_context;
struct lws_vhost;

struct ev_loop;  // libev's loop (ev.h stays out of this header)

namespace parley::relay {

class WebhookDispatcher;  // webhooks/webhook_dispatcher.hpp

struct ServerOptions {
    std::string host = "127.0.0.1";
    int port = 8080;                       // 0: the kernel picks a free port
    std::string web_root;                  // empty: no static files
    std::size_t web_root_max_bytes = kDefaultWebRootMaxBytes;  // the web root in memory, .gz/.br included
    std::vector<std::string> allow_origins;  // empty: OriginPolicy::defaults(host, port)
    std::size_t max_queue_bytes = 4u << 20;
    std::size_t pump_below_bytes = 256u << 10;  // bulk answers: next chunk below this
    int stall_secs = 30;                        // no write progress with data queued: 4001
    RateLimitConfig limits;        // frames per second, connections per address
    int max_sockets_per_ip = 512;  // TCP connections per address, before any handshake (0: none)
    int handshake_timeout_secs = 5;  // to send a whole HTTP request after connecting
    int heartbeat_secs = 20;       // lws pings a connection silent this long (0: never)
    // Group commit: once a loop pass has opened a store batch, frames of the next
    // passes join it for this long before it is committed and the outputs leave. At
    // 1 000 messages/s, 1 ms puts about two messages in each sync instead of one.
    int commit_window_us = 1000;
    int dead_peer_secs = 45;       // and hangs up one silent this long (0: never)
    int password_threads = 1;      // Argon2 checks at once (64 MiB each)
    std::size_t password_queue = 16;  // checks waiting for a thread; beyond: 4031
    // TLS (P7): both set: https:// and wss:// only, HSTS on every response, SIGHUP
    // reloads the files (net/tls_certificate.hpp). Both empty: plain http:// and ws://.
    std::string tls_cert, tls_key;
    // Reverse proxies whose X-Forwarded-For names the client (net/client_address.hpp).
    TrustedProxies trusted_proxies;
    // Operations (issue 18, ops/ops_endpoints.hpp): GET /healthz, /readyz, /metrics.
    // /metrics answers only peers inside these networks (empty: everyone); the data
    // directory is what /readyz checks for writability; the version is in /metrics.
    TrustedProxies metrics_allow;
    std::string data_dir;
    std::string version;
    // HTTP requests with bodies (net/http_exchange.hpp), one exchange per service: the
    // /api/v1 routes (relay/api/, issue 18) and attachments (relay/attachments/, issue
    // 17). Paths under a service's prefixes go to its handler, run on the loop with the
    // wall clock; paths of no service are the web root's like any other.
    struct HttpService {
        std::vector<std::string> prefixes;
        std::function<HttpResponse(const HttpRequest&, std::int64_t now)> handler;
        std::function<HttpResponse(int status, std::string detail)> refusal;  // 411, 413… in its format
        HttpExchangeLimits limits;
    };
    std::vector<HttpService> http_services;
    // Given the loop's waker once the server has started (thread-safe: lws_cancel_service),
    // for workers whose results the loop must pick up (attachments' file worker).
    std::vector<std::function<void(std::function<void()> wake)>> wake_takers;
    // Webhooks (issue 18): polled on the 100 ms tick when no batch is open; null: none.
    WebhookDispatcher* webhooks = nullptr;
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
    // `reload` (optional; SIGHUP's flag): when it becomes non-zero the loop clears it and
    // reloads the TLS certificate (reload_tls), within 100 ms.
    void run(const volatile std::sig_atomic_t& stop, volatile std::sig_atomic_t* reload = nullptr);

    // Reads --tls-cert and --tls-key again; new handshakes use them, open connections
    // keep theirs. On failure the old certificate stays and the error says why (it is
    // logged too). Without TLS it does nothing.
    parley::Status reload_tls();
    bool tls() const { return !options_.tls_cert.empty(); }

    // SIGHUP's config reload (config/live_config.hpp): called by the tick on the loop
    // thread, after reload_tls(), at a safe point (no callback of a connection under
    // way). It may call the setters below; the routing timer is re-armed afterwards, so
    // a changed Hub deadline (retention, bot rules) is taken at once.
    void on_reload(std::function<void()> hook) { reload_hook_ = std::move(hook); }
    void reloaded();  // the tick: the hook, then the timer (not for other use)
    // Live settings, loop thread only: the frame and connection limits of every
    // connection from its next frame; the /metrics allow-list from the next request; the
    // largest body of the HTTP service that serves `prefix` from its next request.
    void set_rate_limits(const RateLimitConfig& limits);
    void set_metrics_allow(TrustedProxies allow) { options_.metrics_allow = std::move(allow); }
    void set_max_body_bytes(const std::string& prefix, std::size_t bytes);

    // Called by the lws callbacks (server.cpp); not for other use.
    int on_parley(lws* wsi, int reason, void* user, void* in, std::size_t len);
    int on_http(lws* wsi, int reason, void* user, void* in, std::size_t len);
    // The routing timer fired (P4): tick the Hub and deliver what it says.
    void route_tick();
    void flush();  // group commit: commit what this loop pass did, then deliver
    void cull_stalled();  // the tick, once a second: 4001 to connections that stopped reading
    // The tick or the sender's wake: run the webhook dispatcher in the next pass's
    // dispatch() (once per pass however many deliveries finished; see there).
    void poll_webhooks();

private:
    struct Peer {
        lws* wsi = nullptr;
        // Frames waiting for SERVER_WRITEABLE, shared with every other listener of the
        // same message (a list: an idle connection's empty queue allocates nothing).
        std::list<std::shared_ptr<const std::string>> queue;
        std::size_t queued_bytes = 0;
        int close_code = 0;             // non-zero: close once the queue has drained
        std::string close_reason;
        std::string rx;                 // the message being reassembled
        bool rx_binary = false;
        bool rx_too_large = false;
        bool touched = false;  // in touched_: has new frames from this dispatch
        bool pulling = false;  // in pulling_: the Hub has bulk answers waiting for room
        std::int64_t progress_at = 0;  // ms: last time it had nothing unsent, or wrote
    };

    // Hands the Hub's password checks to the pool, then its outputs (and the next chunk
    // of bulk answers for connections with room) to the peers' queues.
    void dispatch();
    void password_results();  // on the loop thread: the pool's finished checks to the Hub
    void deliver(std::vector<Output> outputs);  // dispatch's first half: into the queues
    bool has_room(const Peer& peer) const;      // below pump_below_bytes, not closing
    void close_too_slow(Peer& peer);            // 4001: queue dropped, close, hard deadline
    void schedule_flush();  // dispatch at the start of the next loop pass (FlushTimer)
    void arm_route_timer();  // P4: the lws timer at the Hub's next deadline
    void receive(ConnId id, Peer& peer, const char* data, std::size_t len, bool final);
    int write_one(Peer& peer);      // SERVER_WRITEABLE: the next frames, or the close
    bool write_queued(Peer& peer);  // queued frames, up to kMaxWriteBytes, in one write
    // One send() carries at most this much; it is also lws's tx_packet_size.
    static constexpr std::size_t kMaxWriteBytes = 64 * 1024;

    Hub& hub_;
    ServerOptions options_;
    OriginPolicy origins_;
    lws_context* context_ = nullptr;
    lws_vhost* vhost_ = nullptr;
    ConnId next_id_ = 1;
    std::vector<unsigned char> write_buf_;  // LWS_PRE headroom + the frames being written
    std::unordered_map<ConnId, Peer> peers_;
    std::uint64_t audit_failures_logged_ = 0;  // Hub::audit_failures() already logged
    std::vector<ConnId> touched_;  // peers given frames by the dispatch under way
    std::vector<ConnId> pulling_;  // peers with bulk answers waiting (Peer::pulling)
    RateLimits limits_;
    std::function<void()> reload_hook_;  // on_reload
    CurrentCertificate certificate_;  // TLS: what new handshakes present
    std::string client_address(lws* wsi);  // the peer, or who a trusted proxy forwards
    SocketLimits sockets_;        // TCP connections, from accept() on
    std::string accepted_from_;   // FILTER_NETWORK_CONNECTION → the WSI_CREATE that follows
    bool draining_ = false;  // SIGTERM: no new connections, the rest get 1001
    // Operations (issue 18): what crossed the wire, the loop's lateness, and the answers
    // to /healthz, /readyz and /metrics waiting for their socket to take them.
    WireCounters wire_;
    // When each message stored since the last dispatch was read (one entry per message).
    std::vector<std::chrono::steady_clock::time_point> awaiting_commit_;
    double loop_lag_seconds_ = 0;  // the housekeeping timer's latest lateness
    std::int64_t started_ms_ = 0;
    std::uint64_t commits_seen_ = 0, commit_failures_seen_ = 0;  // Hub counters at the last dispatch
    bool last_commit_ok_ = true;                                 // /readyz's store check
    bool webhooks_wanted_ = false;  // poll_webhooks() asked; dispatch() runs the dispatcher
    std::unordered_map<lws*, std::string> http_answers_;
    int answer_http(lws* wsi);            // LWS_CALLBACK_HTTP: an ops path, or the web root
    int answer_ops(lws* wsi);             // /healthz, /readyz, /metrics
    int write_ops_answer(lws* wsi);       // LWS_CALLBACK_HTTP_WRITEABLE
    // The web root (issue 17), in memory from start() on; null without --web-root. Each
    // response body being written is a view into it and how much has gone.
    struct StaticSend {
        std::string_view body;
        std::size_t sent = 0;
    };
    std::unique_ptr<StaticSite> site_;
    std::vector<std::unique_ptr<HttpExchange>> exchanges_;  // one per ServerOptions::http_services
    HttpExchange* exchange_of(lws* wsi) const;              // the one holding this connection, or null
    std::unordered_map<lws*, StaticSend> static_sends_;
    std::vector<unsigned char> http_buf_;  // LWS_PRE headroom + one chunk of a body
    int write_static(lws* wsi);
    void arm_static_stall(lws* wsi);  // stall_secs to take the next chunk, or closed
    static constexpr std::size_t kStaticChunkBytes = 16 * 1024;
    Readiness readiness() const;
public:
    void observe_loop_lag(double seconds);  // the tick (server.cpp); not for other use
private:
    struct ev_loop* loop_ = nullptr;  // our libev loop, which lws joins; null: lws's poll loop
    bool turn();                 // one turn of the loop (run()'s drain)

    struct LwsTables;  // protocols, mount and mime types, which must outlive the context
    std::unique_ptr<LwsTables> tables_;
    // Declared last, so destroyed first: its threads call lws_cancel_service(context_).
    std::unique_ptr<PasswordWorker> passwords_;
};

// Milliseconds since the Unix epoch: the `now` the adapter passes to the Hub.
std::int64_t wall_clock_ms();

}  // namespace parley::relay
