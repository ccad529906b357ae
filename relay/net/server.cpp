#include "net/server.hpp"

#include "store/data_dir_check.hpp"
#include "webhooks/webhook_dispatcher.hpp"

#include <algorithm>

#include <ev.h>
#include <libwebsockets.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <optional>
#include <utility>

#include "net/log_sink.hpp"
#include "net/request_header.hpp"
#include "net/security_headers.hpp"
#include "parley/protocol/frames.hpp"
#include "static/static_site.hpp"

namespace parley::relay {

std::int64_t wall_clock_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

namespace {

// What lws keeps per parley.v1 connection: only our id. The connection's real state
// lives in Server::peers_, a C++ map, so lws never has to construct C++ objects.
struct PerSession {
    ConnId id;
};

Server* server_of(lws* wsi) {
    return static_cast<Server*>(lws_context_user(lws_get_context(wsi)));
}

int parley_callback(lws* wsi, lws_callback_reasons reason, void* user, void* in, size_t len) {
    return server_of(wsi)->on_parley(wsi, reason, user, in, len);
}

int http_callback(lws* wsi, lws_callback_reasons reason, void* user, void* in, size_t len) {
    return server_of(wsi)->on_http(wsi, reason, user, in, len);
}

// The event loop is our own libev loop (epoll), which lws joins as a "foreign" loop;
// Server::run() turns it until ev_break(). This timer looks at the stop flag ten times a
// second and, once it is set, hands control back to run() at every tick (run() drains,
// then leaves). Under the poll() fallback it only wakes poll() so the flag is seen.
struct Tick {
    lws_sorted_usec_list_t sul;
    lws_context* context;
    struct ev_loop* loop = nullptr;  // null: lws's poll() loop
    const volatile std::sig_atomic_t* stop = nullptr;
    volatile std::sig_atomic_t* reload = nullptr;  // SIGHUP: reload the TLS certificate
    Server* server = nullptr;
    unsigned ticks = 0;
    std::chrono::steady_clock::time_point due{};  // when this tick should have fired
};
void on_tick(lws_sorted_usec_list_t* sul) {
    Tick* tick = lws_container_of(sul, Tick, sul);
    lws_sul_schedule(tick->context, 0, &tick->sul, on_tick, 100 * LWS_US_PER_MS);
    // How late it fired is how long the loop was busy elsewhere (/metrics, /readyz).
    const auto now = std::chrono::steady_clock::now();
    if (tick->server && tick->due.time_since_epoch().count())
        tick->server->observe_loop_lag(std::max(0.0, std::chrono::duration<double>(now - tick->due).count()));
    tick->due = now + std::chrono::milliseconds(100);
    if (tick->server && ++tick->ticks % 10 == 0) tick->server->cull_stalled();  // once a second
    if (tick->server) tick->server->poll_webhooks();
    if (tick->server && tick->reload && *tick->reload) {
        *tick->reload = 0;
        (void)tick->server->reload_tls();  // logs what happened
        tick->server->reloaded();          // the config (main.cpp's hook)
    }
    if (tick->loop && tick->stop && *tick->stop) ev_break(tick->loop, EVBREAK_ALL);
}

// Routing timers (P4): one lws timer armed at the Hub's next deadline (inactivity,
// agents' grace periods); when it fires the Hub ticks and the outputs go out.
struct RouteTimer {
    lws_sorted_usec_list_t sul;
    Server* server;
};
void on_route_timer(lws_sorted_usec_list_t* sul) {
    lws_container_of(sul, RouteTimer, sul)->server->route_tick();
}

// Group commit: events of one loop pass only queue work in the Hub; this timer, due at
// once, runs at the start of the next pass, where take_outputs() commits the store batch
// once for all of them and the outputs go out. So frames that arrive together share a
// sync to disk, and nothing is acknowledged before it is committed.
// The commit window (ServerOptions::commit_window_us) is a libev timer when the loop is
// libev's: an lws timer a millisecond out fired late by ~20 ms there (lws re-arms its
// own libev timer only as it services), which showed as 20 ms of ack latency.
struct FlushTimer {
    lws_sorted_usec_list_t sul;
    ev_timer window;  // libev loop only
    Server* server;
    bool armed = false;
};
void on_flush_timer(lws_sorted_usec_list_t* sul) {
    FlushTimer* t = lws_container_of(sul, FlushTimer, sul);
    t->armed = false;
    t->server->flush();
}
void on_flush_window(struct ev_loop*, ev_timer* w, int) {
    FlushTimer* t = static_cast<FlushTimer*>(w->data);
    t->armed = false;
    t->server->flush();
}

// RFC 6455 §5.2, server to client (unmasked), one whole text frame of `n` bytes: the
// header's size, and the header itself written at `h`.
std::size_t ws_text_header_size(std::size_t n) { return n < 126 ? 2 : n < 65536 ? 4 : 10; }
void put_ws_text_header(unsigned char* h, std::size_t n) {
    const std::size_t size = ws_text_header_size(n);
    h[0] = 0x81;  // FIN, text
    h[1] = size == 2 ? static_cast<unsigned char>(n) : size == 4 ? 126 : 127;
    for (std::size_t b = 2; b < size; ++b)  // the length, big-endian, in 2 or 8 bytes
        h[b] = static_cast<unsigned char>(static_cast<std::uint64_t>(n) >> (8 * (size - 1 - b)));
}

// Answers a refused upgrade with HTTP 403 (protocol.md §1) before lws drops the
// connection, so a browser's console says "forbidden" rather than "connection reset".
int refuse(lws* wsi) {
    lws_return_http_status(wsi, HTTP_STATUS_FORBIDDEN, "WebSocket upgrade refused");
    return -1;
}

// The address of an accepted socket, as lws_get_peer_simple() spells it for IPv4 (an
// IPv4-mapped IPv6 address counts as its IPv4 address).
std::string address_of(const sockaddr_storage& sa) {
    char text[INET6_ADDRSTRLEN] = "";
    if (sa.ss_family == AF_INET) {
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(sa).sin_addr, text, sizeof text);
    } else if (sa.ss_family == AF_INET6) {
        const in6_addr& a = reinterpret_cast<const sockaddr_in6&>(sa).sin6_addr;
        if (IN6_IS_ADDR_V4MAPPED(&a))
            inet_ntop(AF_INET, a.s6_addr + 12, text, sizeof text);
        else
            inet_ntop(AF_INET6, &a, text, sizeof text);
    }
    return text;
}

// The access log (defined with answer_ops below).
void log_access(lws* wsi, std::string_view method, std::string_view path, int status, std::size_t bytes,
                std::chrono::steady_clock::time_point began);

// The soft open-files limit now (the relay raised it to the hard limit at start).
int open_files_limit() {
    rlimit rl{};
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return 0;
    return rl.rlim_cur > 1u << 30 ? 1 << 30 : static_cast<int>(rl.rlim_cur);
}

}  // namespace

struct Server::LwsTables {
    lws_protocols protocols[3];
    lws_http_mount mount;  // "/": the web root, from memory (answer_http)
    lws_http_mount ops[3];  // /healthz, /readyz, /metrics (ops/ops_endpoints.hpp)
    lws_protocol_vhost_options headers[4];  // on every response, errors included (HSTS: TLS only)
    std::string baseline_csp;               // headers[2]'s value (lws keeps the pointer)
    Tick tick;
    RouteTimer route{};
    FlushTimer flush{};
    lws_retry_bo_t retry;  // heartbeat policy (ping when idle, hang up when silent)
};

Server::Server(Hub& hub, ServerOptions options)
    : hub_(hub), options_(std::move(options)), limits_(options_.limits) {}

Server::~Server() {
    passwords_.reset();  // joins its threads, which wake the loop through the context
    if (options_.webhooks) options_.webhooks->set_wake({});  // the sender outlives the context
    if (loop_ && tables_) ev_timer_stop(loop_, &tables_->flush.window);
    if (context_) lws_context_destroy(context_);
    if (loop_) ev_loop_destroy(loop_);
}

Result<int> Server::start() {
    // make_unique value-initialises, and LwsTables has no user-provided constructor, so
    // every lws struct in it starts zeroed, as lws requires.
    tables_ = std::make_unique<LwsTables>();
    LwsTables& t = *tables_;

    // "http" first: it is the vhost's default protocol, which is where an upgrade
    // without a subprotocol lands (and is refused in on_http).
    t.protocols[0] = {"http", http_callback, 0, 0, 0, nullptr, 0};
    // rx_buffer_size: lws gives each connection a receive buffer of this size on its
    // first message and keeps it. 1 KB holds a typical frame whole; longer ones arrive
    // in pieces that receive() reassembles (up to kMaxFrameBytes). With 64 KB an idle
    // connection cost about 25 KB of RSS; with 1 KB about 3.6 KB.
    // tx_packet_size: lws sends at most this much per send() (0 would mean the 1 KB
    // receive size, splitting every larger write and buffering the rest on the heap);
    // write_queued() sends up to kMaxWriteBytes at once.
    t.protocols[1] = {"parley.v1", parley_callback, sizeof(PerSession), 1024,
                      0, nullptr, kMaxWriteBytes};

    // The web root, read once into memory (static/static_site.hpp): an unreadable or
    // oversized one stops the start here, with a message that names it.
    if (!options_.web_root.empty()) {
        auto site = StaticSite::load(options_.web_root, options_.web_root_max_bytes);
        if (!site) return site.error();
        site_ = std::make_unique<StaticSite>(std::move(site.value()));
    }

    // The operations endpoints: callback mounts of the "http" protocol (on_http answers
    // them), more specific than "/" so lws picks them first.
    static const char* const kOpsPaths[] = {"/healthz", "/readyz", "/metrics"};
    for (std::size_t i = 0; i < 3; ++i) {
        lws_http_mount& m = t.ops[i];
        m.mount_next = i + 1 < 3 ? &t.ops[i + 1] : (options_.web_root.empty() ? nullptr : &t.mount);
        m.mountpoint = kOpsPaths[i];
        m.mountpoint_len = static_cast<unsigned char>(std::strlen(kOpsPaths[i]));
        m.origin_protocol = LWSMPRO_CALLBACK;
        m.protocol = "http";
    }
    started_ms_ = wall_clock_ms();
    for (const ServerOptions::HttpService& service : options_.http_services) {
        auto handler = service.handler;
        auto exchange = std::make_unique<HttpExchange>(
            service.prefixes, service.limits,
            [handler](const HttpRequest& request) { return handler(request, wall_clock_ms()); }, service.refusal,
            [this](lws* wsi, const HttpRequest& request, const HttpResponse& response,
                   std::chrono::steady_clock::time_point began) {
                if (request.path.rfind("/api/", 0) == 0)
                    ++wire_.api_responses[std::to_string(response.status / 100) + "xx"];
                log_access(wsi, request.method, request.path, response.status, response.body.size(), began);
            });
        exchange->client_of([this](lws* wsi) {
            HttpClient client{client_address(wsi)};
            client.shared = options_.trusted_proxies.contains(std::string_view(client.address));
            return client;
        });
        exchange->on_cut([](lws*, const HttpRequest& request, const std::string& reason) {
            lwsl_err("http: %s %s cut off mid-answer: %s\n", request.method.c_str(), request.path.c_str(),
                     reason.c_str());
        });
        exchanges_.push_back(std::move(exchange));
    }

    // The web root: a callback mount too (lws 4.1.6's file mounts read the disk per
    // request and cannot pick a precompressed sibling); answer_http serves it.
    t.mount.mountpoint = "/";
    t.mount.mountpoint_len = 1;
    t.mount.origin_protocol = LWSMPRO_CALLBACK;
    t.mount.protocol = "http";
    // lws adds the vhost's canned headers in lws_add_http_header_status(), so they reach
    // every response: files, 404s, refused upgrades. It reads them through the pointer
    // on each response, so the baseline CSP is filled in once the port is known.
    t.headers[0] = {&t.headers[1], nullptr, "x-content-type-options:", "nosniff"};
    t.headers[1] = {&t.headers[2], nullptr, "referrer-policy:", "no-referrer"};
    t.baseline_csp = baseline_security_policy({});
    t.headers[2] = {nullptr, nullptr, "content-security-policy:", t.baseline_csp.c_str()};
    // HSTS, with TLS only (a browser ignores it over http, and it must never tell one to
    // insist on https where there is none). No includeSubDomains: the relay cannot know
    // what else runs under its domain.
    if (tls()) {
        t.headers[2].next = &t.headers[3];
        t.headers[3] = {nullptr, nullptr, "strict-transport-security:", kStrictTransportSecurity};
    }

    // Errors and warnings (refused origins, culled laggards) to stderr, escaped and
    // rate-limited, as text or JSON (net/log_sink.hpp); lws's startup notices would
    // drown them, so they come only at --log-level debug.
    lws_set_log_level(lws_log_mask(), lws_log_sink);
    if (site_) {
        for (const std::string& warning : site_->warnings()) lwsl_warn("%s\n", warning.c_str());
        lwsl_warn("web root %s: %zu files, %zu bytes in memory\n", options_.web_root.c_str(), site_->file_count(),
                  site_->total_bytes());
    }

    // At most this many sockets in all (core/socket_limits.hpp): the reserve keeps fds
    // for SQLite, logs and served files, so accept() never meets EMFILE.
    const int fd_limit = open_files_limit();
    const int max_sockets = fd_limit > 0 ? std::max(16, fd_limit - std::max(64, fd_limit / 8)) : 0;
    sockets_ = SocketLimits(max_sockets, options_.max_sockets_per_ip);

    lws_context_creation_info info;
    std::memset(&info, 0, sizeof info);
    info.port = options_.port;
    info.iface = options_.host.c_str();
    info.protocols = t.protocols;
    info.mounts = &t.ops[0];
    // No extensions are registered, so permessage-deflate is off: compressed frames
    // would defeat the byte limits above and cost CPU per connection.
    info.options = LWS_SERVER_OPTION_VALIDATE_UTF8;
    info.user = this;
    info.headers = &t.headers[0];
    if (tls()) {
        // The pair is read and checked here first, so a wrong file stops the start with
        // a message naming it (lws would only log, and fail to create the context).
        auto pair = TlsCertificate::load(options_.tls_cert, options_.tls_key);
        if (!pair) return pair.error();
        certificate_.pair = pair.value();
        // lws loads the same files into the vhost's SSL_CTX, then offers it to on_http
        // (LWS_CALLBACK_OPENSSL_LOAD_EXTRA_SERVER_VERIFY_CERTS), which applies our
        // settings and makes every handshake present certificate_ (reload_tls).
        info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
        info.ssl_cert_filepath = options_.tls_cert.c_str();
        info.ssl_private_key_filepath = options_.tls_key.c_str();
        // The TLS handshake, before any HTTP, has the same bound as the request
        // (PENDING_TIMEOUT_SSL_ACCEPT uses timeout_secs; lws's default is 20 s).
        info.timeout_secs = static_cast<unsigned>(std::max(1, options_.handshake_timeout_secs));
        lwsl_warn("TLS certificate %s\n", certificate_.pair->summary().c_str());
    }
    // A connection holds lws's header table from accept() until its request is whole;
    // this is how long it may (PENDING_TIMEOUT_HOLDING_AH): an idle socket goes then.
    info.timeout_secs_ah_idle = static_cast<unsigned>(std::max(1, options_.handshake_timeout_secs));
    // Dead-peer detection: lws's validity timers (ping when idle, hang up when silent).
    t.retry.secs_since_valid_ping = static_cast<uint16_t>(options_.heartbeat_secs);
    t.retry.secs_since_valid_hangup = static_cast<uint16_t>(options_.dead_peer_secs);
    if (options_.heartbeat_secs || options_.dead_peer_secs) info.retry_and_idle_policy = &t.retry;

    // libev's loop (epoll) costs per ready socket; lws's own poll() loop costs per open
    // socket on every turn, which at a thousand connections was 40 % of the relay's CPU
    // under fan-out (perf: sock_poll, tcp_poll). Without the libev plugin, poll() it is.
    // (libuv, the other choice here, lost WRITEABLE requests made right after the
    // upgrade and never sent close frames with lws 4.1.6: refused clients saw 1006.)
    loop_ = ev_loop_new(EVFLAG_AUTO);
    void* foreign_loops[] = {loop_};
    if (loop_) {
        info.options |= LWS_SERVER_OPTION_LIBEV;
        info.foreign_loops = foreign_loops;
        context_ = lws_create_context(&info);
        if (!context_) ev_loop_destroy(loop_);
    }
    if (!context_) {
        lwsl_warn("no libev event loop (libwebsockets-evlib-ev); using poll()\n");
        loop_ = nullptr;
        info.options &= ~static_cast<std::uint64_t>(LWS_SERVER_OPTION_LIBEV);
        info.foreign_loops = nullptr;
        context_ = lws_create_context(&info);
    }
    if (!context_)
        return Error{protocol::ErrorCode::storage_failed,
                     "cannot listen on " + options_.host + ":" + std::to_string(options_.port), {}};
    vhost_ = lws_get_vhost_by_name(context_, "default");
    const int port = vhost_ ? lws_get_vhost_listen_port(vhost_) : options_.port;

    origins_ = OriginPolicy(options_.allow_origins.empty() ? OriginPolicy::defaults(options_.host, port, tls())
                                                           : options_.allow_origins,
                            tls());
    t.baseline_csp = baseline_security_policy(origins_.allowed());
    t.headers[2].value = t.baseline_csp.c_str();
    lwsl_warn("open files limit %d: at most %d sockets, %d per address\n", fd_limit, sockets_.max_sockets(),
              sockets_.per_address());
    t.tick.context = context_;
    t.tick.loop = loop_;
    // Password checks (P7): off the loop. lws_cancel_service is lws's one thread-safe
    // call; it wakes the loop with LWS_CALLBACK_EVENT_WAIT_CANCELLED (on_parley).
    lws_context* context = context_;
    passwords_ = std::make_unique<PasswordWorker>(options_.password_threads, options_.password_queue,
                                                  [context] { lws_cancel_service(context); });
    // Webhooks (issue 18): a finished delivery wakes the loop the same way, so the next
    // event of its conversation goes out at once rather than at the next tick.
    if (options_.webhooks) options_.webhooks->set_wake([context] { lws_cancel_service(context); });
    for (const auto& take : options_.wake_takers) take([context] { lws_cancel_service(context); });
    t.tick.server = this;
    lws_sul_schedule(context_, 0, &t.tick.sul, on_tick, 100 * LWS_US_PER_MS);
    // The Hub's deadlines (retention sweeps, session purges) from the start: otherwise a
    // relay that nobody connects to after a restart would never purge anything.
    arm_route_timer();
    return port;
}

// One turn of the event loop: until the next tick at most (libev), or one poll() pass.
bool Server::turn() {
    if (loop_) {
        ev_run(loop_, EVRUN_ONCE);
        return true;
    }
    return lws_service(context_, 0) >= 0;
}

parley::Status Server::reload_tls() {
    if (!tls()) return Unit{};
    auto pair = TlsCertificate::load(options_.tls_cert, options_.tls_key);
    if (!pair) {
        lwsl_warn("TLS reload failed, keeping the certificate in use: %s\n", pair.error().detail.c_str());
        return pair.error();
    }
    certificate_.pair = pair.value();
    lwsl_warn("TLS certificate reloaded: %s\n", certificate_.pair->summary().c_str());
    return Unit{};
}

void Server::reloaded() {
    if (!reload_hook_) return;
    reload_hook_();
    arm_route_timer();
}

void Server::set_rate_limits(const RateLimitConfig& limits) {
    options_.limits = limits;
    limits_.set_config(limits);
}

void Server::set_max_body_bytes(const std::string& prefix, std::size_t bytes) {
    for (std::size_t i = 0; i < options_.http_services.size() && i < exchanges_.size(); ++i) {
        const auto& prefixes = options_.http_services[i].prefixes;
        if (std::find(prefixes.begin(), prefixes.end(), prefix) == prefixes.end()) continue;
        options_.http_services[i].limits.max_body_bytes = bytes;
        exchanges_[i]->set_max_body_bytes(bytes);
    }
}

void Server::run(const volatile std::sig_atomic_t& stop, volatile std::sig_atomic_t* reload) {
    tables_->tick.stop = &stop;
    tables_->tick.reload = reload;
    if (loop_) {
        while (!stop) ev_run(loop_, 0);  // returns at ev_break (the tick)
    } else {
        while (!stop)
            if (lws_service(context_, 0) < 0) return;
    }

    // Shutdown: every client gets 1001 after what is already queued for it. Each turn
    // of the loop ends at the next tick (libev) or does not block (poll), so the 2 s
    // bound holds even if a peer never answers.
    draining_ = true;
    hub_.shutdown(wall_clock_ms());
    dispatch();
    const std::int64_t deadline = wall_clock_ms() + 2000;
    while (!peers_.empty() && wall_clock_ms() < deadline)
        if (!turn()) break;
}

// ---- callbacks --------------------------------------------------------------------

int Server::on_http(lws* wsi, int reason, void* user, void* in, std::size_t len) {
    switch (reason) {
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
        lwsl_warn("refusing a WebSocket upgrade without subprotocol parley.v1\n");
        return refuse(wsi);
    case LWS_CALLBACK_FILTER_NETWORK_CONNECTION: {
        // Right after accept(), on the listening wsi; `user` is lws 4.1.6's
        // lws_filter_network_conn_args. Non-zero: lws closes the socket at once. If kept,
        // lws creates its wsi next (LWS_CALLBACK_WSI_CREATE, below) in the same call.
        const auto* args = static_cast<const lws_filter_network_conn_args*>(user);
        accepted_from_.clear();
        if (!args) return 0;
        std::string address = address_of(args->cli_addr);
        // A trusted proxy carries many clients on its sockets: only the total cap applies
        // to it (its clients are counted per forwarded address once they upgrade).
        const bool allowed = options_.trusted_proxies.contains(address)
                                 ? sockets_.max_sockets() == 0 || sockets_.open_sockets() < sockets_.max_sockets()
                                 : sockets_.allows(address);
        if (!allowed) {
            ++wire_.connections_refused;
            lwsl_warn("refusing a connection from %s: %d sockets open from it, %d in all\n", address.c_str(),
                      sockets_.open_from(address), sockets_.open_sockets());
            return 1;
        }
        accepted_from_ = std::move(address);
        return 0;
    }
    case LWS_CALLBACK_OPENSSL_LOAD_EXTRA_SERVER_VERIFY_CERTS:  // TLS: the vhost's SSL_CTX, once
        if (auto configured = configure_tls_server(static_cast<SSL_CTX*>(user), &certificate_); !configured) {
            lwsl_err("%s\n", configured.error().detail.c_str());
            return 1;
        }
        return 0;
    case LWS_CALLBACK_WSI_CREATE:  // always protocols[0], i.e. here
        if (!accepted_from_.empty()) sockets_.open(reinterpret_cast<std::uintptr_t>(wsi), accepted_from_);
        accepted_from_.clear();
        return 0;
    case LWS_CALLBACK_WSI_DESTROY:  // always protocols[0]: WebSockets end here too
        sockets_.close(reinterpret_cast<std::uintptr_t>(wsi));
        http_answers_.erase(wsi);
        static_sends_.erase(wsi);
        for (auto& exchange : exchanges_) exchange->forget(wsi);
        return 0;
    case LWS_CALLBACK_HTTP:  // every HTTP request: the mounts are callback mounts
        return answer_http(wsi);
    case LWS_CALLBACK_HTTP_BODY:  // only the exchanges' requests read a body
        if (HttpExchange* exchange = exchange_of(wsi)) return exchange->on_body(wsi, in, len);
        return lws_callback_http_dummy(wsi, static_cast<lws_callback_reasons>(reason), user, in, len);
    case LWS_CALLBACK_HTTP_BODY_COMPLETION: {
        HttpExchange* exchange = exchange_of(wsi);
        if (!exchange) return lws_callback_http_dummy(wsi, static_cast<lws_callback_reasons>(reason), user, in, len);
        const int rc = exchange->on_body_done(wsi);
        schedule_flush();  // the handler may have fed the Hub: its live frames go out
        return rc;
    }
    case LWS_CALLBACK_HTTP_WRITEABLE:
        if (HttpExchange* exchange = exchange_of(wsi)) return exchange->on_writeable(wsi);
        if (http_answers_.count(wsi)) return write_ops_answer(wsi);
        if (static_sends_.count(wsi)) return write_static(wsi);
        return lws_callback_http_dummy(wsi, static_cast<lws_callback_reasons>(reason), user, in, len);
    case LWS_CALLBACK_CLOSED_HTTP:
        for (auto& exchange : exchanges_) exchange->forget(wsi);
        http_answers_.erase(wsi);
        static_sends_.erase(wsi);
        return lws_callback_http_dummy(wsi, static_cast<lws_callback_reasons>(reason), user, in, len);
    default:
        return lws_callback_http_dummy(wsi, static_cast<lws_callback_reasons>(reason), user, in, len);
    }
}

int Server::on_parley(lws* wsi, int reason, void* user, void* in, std::size_t len) {
    auto* session = static_cast<PerSession*>(user);
    switch (reason) {
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION: {
        // Here and not in HTTP_CONFIRM_UPGRADE: that path is affected by
        // CVE-2025-11677 in lws 4.1.6.
        const int total = lws_hdr_total_length(wsi, WSI_TOKEN_ORIGIN);
        if (total <= 0) return 0;  // no Origin: a native client
        std::string origin(static_cast<std::size_t>(total) + 1, '\0');
        if (lws_hdr_copy(wsi, origin.data(), total + 1, WSI_TOKEN_ORIGIN) != total) return -1;
        origin.resize(static_cast<std::size_t>(total));
        // The Host header, for the relay's own pages reached by any name (origin_policy.hpp).
        std::string host;
        if (const int host_len = lws_hdr_total_length(wsi, WSI_TOKEN_HOST); host_len > 0 && host_len < 512) {
            host.assign(static_cast<std::size_t>(host_len) + 1, '\0');
            if (lws_hdr_copy(wsi, host.data(), host_len + 1, WSI_TOKEN_HOST) == host_len)
                host.resize(static_cast<std::size_t>(host_len));
            else
                host.clear();
        }
        if (origins_.allows(origin, host)) return 0;
        ++wire_.connections_refused;
        log_event(LogLevel::warn, "origin_refused", {{"origin", origin}}, "refusing a WebSocket from origin " + origin);
        return refuse(wsi);
    }
    case LWS_CALLBACK_ESTABLISHED: {
        session->id = next_id_++;
        ++wire_.connections_opened;
        Peer& peer = peers_[session->id];
        peer.wsi = wsi;
        peer.progress_at = wall_clock_ms();
        const std::string client = client_address(wsi);
        const char* address = client.c_str();
        // Closed at once, after the handshake so that the client reads a close code:
        // 1001 while draining, 4002 over the address's connection limit.
        if (draining_ || !limits_.admit(session->id, address)) {
            peer.close_code = draining_ ? protocol::close_code::going_away
                                        : protocol::close_code::too_many_connections;
            peer.close_reason = draining_ ? "relay going away" : "too many connections";
            if (!draining_) lwsl_warn("refusing a connection from %s: too many connections\n", address);
            lws_callback_on_writable(wsi);
            return 0;
        }
        // Issue 17: the browser, for the agents' customer context (the Hub keeps 400 bytes).
        const std::string user_agent = request_header(wsi, WSI_TOKEN_HTTP_USER_AGENT).value_or("");
        hub_.on_open(session->id, wall_clock_ms(), address, user_agent);
        schedule_flush();
        return 0;
    }
    case LWS_CALLBACK_RECEIVE: {
        auto it = peers_.find(session->id);
        if (it == peers_.end()) return -1;
        if (it->second.rx.empty() && !it->second.rx_too_large && lws_is_first_fragment(wsi))
            it->second.rx_binary = lws_frame_is_binary(wsi);
        const bool final = lws_is_final_fragment(wsi) && lws_remaining_packet_payload(wsi) == 0;
        receive(session->id, it->second, static_cast<const char*>(in), len, final);
        schedule_flush();
        return 0;
    }
    case LWS_CALLBACK_SERVER_WRITEABLE: {
        auto it = peers_.find(session->id);
        if (it == peers_.end()) return -1;
        const int result = write_one(it->second);
        // The queue drained below the low-water mark: the Hub's next chunk (dispatch).
        if (result == 0 && it->second.pulling && has_room(it->second)) schedule_flush();
        return result;
    }
    case LWS_CALLBACK_EVENT_WAIT_CANCELLED:  // a password worker has results (or any other wake)
        password_results();
        poll_webhooks();  // or a webhook delivery finished
        // or a file job finished: deferred HTTP answers that are ready go out
        for (auto& exchange : exchanges_) exchange->wake_deferred();
        schedule_flush();
        return 0;
    case LWS_CALLBACK_CLOSED: {
        limits_.release(session->id);
        pulling_.erase(std::remove(pulling_.begin(), pulling_.end(), session->id), pulling_.end());
        if (peers_.erase(session->id)) {
            hub_.on_close(session->id, wall_clock_ms());
            schedule_flush();
        }
        return 0;
    }
    default:
        return 0;
    }
}

// The address the per-client limits count this connection under: the peer's, or, from
// a trusted proxy, the client its X-Forwarded-For names (net/client_address.hpp).
std::string Server::client_address(lws* wsi) {
    char peer[64] = "";
    lws_get_peer_simple(wsi, peer, sizeof peer);
    std::optional<std::string> header;
    // Read only from a trusted peer: from others it is ignored anyway.
    const bool trusted = options_.trusted_proxies.contains(std::string_view(peer));
    if (const int total = trusted ? lws_hdr_total_length(wsi, WSI_TOKEN_X_FORWARDED_FOR) : 0; total > 0) {
        header.emplace(static_cast<std::size_t>(total) + 1, '\0');
        if (lws_hdr_copy(wsi, header->data(), total + 1, WSI_TOKEN_X_FORWARDED_FOR) == total)
            header->resize(static_cast<std::size_t>(total));
        else
            header->assign("?");  // could not be read whole: malformed
    }
    const ClientAddress client = parley::relay::client_address(
        options_.trusted_proxies, peer, header ? std::optional<std::string_view>(*header) : std::nullopt);
    if (client.malformed)
        lwsl_warn("malformed X-Forwarded-For from trusted proxy %s; counting the proxy's address\n",
                  client.address.c_str());
    return client.address;
}

// ---- receiving and sending ----------------------------------------------------------

void Server::receive(ConnId id, Peer& peer, const char* data, std::size_t len, bool final) {
    // A message that arrives whole (the usual case) is read where lws put it; only
    // fragments are reassembled. Past the limit keep only the fact that it was too large.
    std::string_view text(data, len);
    if (!(final && peer.rx.empty() && !peer.rx_too_large)) {
        if (!peer.rx_too_large) {
            if (peer.rx.size() + len > protocol::kMaxFrameBytes) {
                peer.rx_too_large = true;
                std::string().swap(peer.rx);
            } else {
                peer.rx.append(data, len);
            }
        }
        if (!final) return;
        text = peer.rx;
    }

    ++wire_.frames_in;
    wire_.bytes_in += text.size();
    const auto read_at = std::chrono::steady_clock::now();
    const std::uint64_t stored_before = hub_.counters().messages_stored;
    const std::int64_t now = wall_clock_ms();
    const std::string* bot = hub_.bot_party(id);
    const std::int64_t wait = peer.close_code ? -1 : limits_.charge(id, now, bot ? *bot : std::string_view());
    if (wait < 0) {
        // Refused at its handshake, or closing: what it sends is not read any more.
    } else if (wait > 0)
        hub_.on_rate_limited(id, text, wait, now);
    else if (peer.rx_too_large)
        hub_.on_too_large(id, now);
    else if (peer.rx_binary)
        hub_.on_binary(id, now);
    else
        hub_.on_text(id, text, now);
    // /metrics' ack latency: what this frame stored waits for the next dispatch's commit.
    for (auto n = hub_.counters().messages_stored - stored_before; n > 0; --n) awaiting_commit_.push_back(read_at);
    // An idle connection holds no reassembly buffer.
    if (peer.rx.capacity() > std::string().capacity()) std::string().swap(peer.rx);
    peer.rx_binary = false;
    peer.rx_too_large = false;
}

// A reader too slow for its queue: what is queued is dropped, the close frame (4001)
// follows as soon as the socket takes it, and if it never does (a client that stopped
// reading) lws drops the connection 5 s later.
void Server::close_too_slow(Peer& peer) {
    ++wire_.slow_closed;
    peer.queue.clear();
    peer.queued_bytes = 0;
    peer.close_code = protocol::close_code::too_slow;
    peer.close_reason = "too slow to read";
    lws_callback_on_writable(peer.wsi);
    lws_set_timeout(peer.wsi, PENDING_TIMEOUT_CLOSE_SEND, 5);
}

bool Server::has_room(const Peer& peer) const {
    return !peer.close_code && peer.queued_bytes < options_.pump_below_bytes;
}

void Server::deliver(std::vector<Output> outputs) {
    for (Output& out : outputs) {
        auto it = peers_.find(out.conn);
        if (it == peers_.end()) continue;  // closed meanwhile
        Peer& peer = it->second;
        if (out.kind == Output::Kind::pull) {
            if (!peer.pulling && !peer.close_code) {
                peer.pulling = true;
                pulling_.push_back(out.conn);
            }
            continue;
        }
        if (out.kind == Output::Kind::close) {
            if (!peer.close_code) {
                peer.close_code = out.code;
                peer.close_reason = out.text();
            }
        } else if (peer.close_code) {
            continue;  // closing: nothing new goes out
        } else if (peer.queued_bytes + out.text().size() > options_.max_queue_bytes) {
            // The receiver is the boss, but a receiver that does not read would make us
            // hold unbounded memory: drop what is queued and close with "too slow".
            log_event(LogLevel::warn, "slow_consumer_closed", {{"conn", std::to_string(out.conn), true}},
                      "closing a connection whose queue exceeded " + std::to_string(options_.max_queue_bytes) +
                          " bytes");
            close_too_slow(peer);
        } else {
            peer.queued_bytes += out.text().size();
            peer.queue.push_back(std::move(out.body));
        }
        if (!peer.touched) {
            peer.touched = true;
            touched_.push_back(out.conn);
        }
    }
}

void Server::dispatch() {
    // Checks first: a full pool refuses a login (or an agent administrator's new
    // password) through the Hub, which adds an output.
    bool hash_refused = false;
    for (PasswordCheck& check : hub_.take_password_checks()) {
        const std::uint64_t ticket = check.ticket;
        const bool hash_new = check.hash_new;
        if (passwords_ &&
            passwords_->submit(PasswordJob{ticket, std::move(check.password), std::move(check.hash), hash_new}))
            continue;
        if (hash_new) hub_.on_password_hashed(ticket, std::nullopt, wall_clock_ms());
        else hub_.on_password_checked(ticket, PasswordOutcome::not_checked, wall_clock_ms());
        hash_refused = hash_refused || hash_new;
    }
    // An API act waiting for that hash (agents' new passwords) has its answer now (429):
    // no worker will wake the loop for it.
    if (hash_refused)
        for (auto& exchange : exchanges_) exchange->wake_deferred();
    // Webhooks (issue 18), once per pass however many deliveries finished: their
    // outcomes join the pass's batch (no sync of their own), and new attempts start only
    // after it is committed, so nothing uncommitted is sent (webhook_dispatcher.hpp).
    const bool webhooks = options_.webhooks && std::exchange(webhooks_wanted_, false);
    if (webhooks) options_.webhooks->settle(wall_clock_ms(), wire_);
    // The commit of the pass's batch happens inside take_outputs(): its time (fsync
    // included) is the commit histogram of /metrics.
    const bool committing = hub_.batch_open();
    const auto begin = std::chrono::steady_clock::now();
    auto outputs = hub_.take_outputs();
    const auto committed_at = std::chrono::steady_clock::now();
    if (committing) wire_.commit_seconds.observe(std::chrono::duration<double>(committed_at - begin).count());
    // A failed commit acknowledged nothing: its senders resend, and are timed again then.
    if (hub_.counters().commit_failures == commit_failures_seen_)
        for (const auto read_at : awaiting_commit_)
            wire_.ack_seconds.observe(std::chrono::duration<double>(committed_at - read_at).count());
    awaiting_commit_.clear();
    deliver(std::move(outputs));
    if (webhooks) {
        if (hub_.batch_open()) poll_webhooks();  // not expected; the next pass then
        else options_.webhooks->start(wall_clock_ms(), wire_);
    }
    // /readyz: the store is ready while its last commit went through.
    if (const HubCounters& counted = hub_.counters(); counted.commit_failures != commit_failures_seen_) {
        lwsl_err("commit failed: %llu batch(es) not stored since start; their senders resend\n",
                 static_cast<unsigned long long>(counted.commit_failures));
        commit_failures_seen_ = counted.commit_failures;
        commits_seen_ = counted.commits;
        last_commit_ok_ = false;
    } else if (counted.commits != commits_seen_) {
        commits_seen_ = counted.commits;
        last_commit_ok_ = true;
    }
    // P7: an audit entry that could not be written is never silent (hub.hpp says which
    // acts went ahead without one).
    if (hub_.audit_failures() > audit_failures_logged_) {
        lwsl_err("audit log: %llu entr(ies) could not be written (%llu since start)\n",
                 static_cast<unsigned long long>(hub_.audit_failures() - audit_failures_logged_),
                 static_cast<unsigned long long>(hub_.audit_failures()));
        audit_failures_logged_ = hub_.audit_failures();
    }
    // Bulk answers (sync, history): the Hub's next chunk for each connection that waits
    // for one and has room, one chunk each per dispatch. Those still below the mark
    // after this pass's writes get the next one on the next pass (schedule_flush below,
    // or SERVER_WRITEABLE once their queue drains): the downstream peer sets the pace.
    if (!pulling_.empty()) {
        const std::int64_t now = wall_clock_ms();
        std::vector<ConnId> waiting;
        waiting.swap(pulling_);
        for (ConnId id : waiting) {
            auto it = peers_.find(id);
            if (it == peers_.end()) continue;
            Peer& peer = it->second;
            if (!peer.close_code && !has_room(peer)) {
                pulling_.push_back(id);  // still waiting for room
                continue;
            }
            peer.pulling = false;  // a `pull` output sets it again while reads remain
            if (!peer.close_code) hub_.pump(id, now);
        }
        deliver(hub_.take_outputs());
    }
    // Every frame this pass made for a connection leaves in one send(), written now when
    // lws holds nothing unsent for it: waiting for WRITEABLE would cost two epoll_ctl
    // calls and a loop pass per connection, and the socket almost always has room.
    // What does not fit is buffered by lws, which then asks for WRITEABLE itself.
    for (ConnId id : touched_) {
        auto it = peers_.find(id);
        if (it == peers_.end()) continue;
        Peer& peer = it->second;
        peer.touched = false;
        if (peer.close_code || lws_partial_buffered(peer.wsi)) {
            lws_callback_on_writable(peer.wsi);
        } else if (!write_queued(peer)) {
            // Not inside an lws callback, so it cannot be closed by returning -1: lws
            // closes it on its next pass.
            lws_set_timeout(peer.wsi, PENDING_TIMEOUT_KILLED_BY_PARENT, LWS_TO_KILL_ASYNC);
        }
    }
    touched_.clear();
    for (ConnId id : pulling_) {
        auto it = peers_.find(id);
        if (it != peers_.end() && has_room(it->second)) {
            schedule_flush();
            break;
        }
    }
    arm_route_timer();
}

void Server::password_results() {
    if (!passwords_) return;
    const std::vector<PasswordResult> results = passwords_->take_results();
    if (results.empty()) return;
    const std::int64_t now = wall_clock_ms();
    for (const PasswordResult& r : results) {
        if (r.hashed)
            hub_.on_password_hashed(r.ticket, r.hash.empty() ? std::nullopt : std::optional<std::string>(r.hash), now);
        else
            hub_.on_password_checked(r.ticket, r.match ? PasswordOutcome::match : PasswordOutcome::mismatch, now);
    }
    schedule_flush();
}

void Server::cull_stalled() {
    if (options_.stall_secs <= 0) return;
    const std::int64_t now = wall_clock_ms();
    for (auto& [id, peer] : peers_) {
        if (peer.close_code) continue;  // closing already
        if (peer.queue.empty() && !lws_partial_buffered(peer.wsi)) {
            peer.progress_at = now;  // nothing unsent: not stalled
            continue;
        }
        if (now - peer.progress_at < std::int64_t(options_.stall_secs) * 1000) continue;
        log_event(LogLevel::warn, "stalled_connection_closed", {{"conn", std::to_string(id), true}},
                  "closing a connection that read nothing for " + std::to_string(options_.stall_secs) + " s");
        close_too_slow(peer);
    }
}

void Server::poll_webhooks() {
    if (!options_.webhooks) return;
    webhooks_wanted_ = true;
    schedule_flush();
}

void Server::route_tick() {
    hub_.tick(wall_clock_ms());
    dispatch();  // re-arms for the next deadline
}

void Server::flush() { dispatch(); }

void Server::schedule_flush() {
    if (!context_ || !tables_) return dispatch();
    FlushTimer& t = tables_->flush;
    if (t.armed) return;
    t.server = this;
    t.armed = true;
    const bool window = hub_.batch_open() && options_.commit_window_us > 0;
    if (window && loop_) {
        ev_timer_init(&t.window, on_flush_window, options_.commit_window_us / 1e6, 0.);
        t.window.data = &t;
        ev_timer_start(loop_, &t.window);
        return;
    }
    lws_sul_schedule(context_, 0, &t.sul, on_flush_timer, window ? options_.commit_window_us : 1);
}

void Server::arm_route_timer() {
    if (!context_ || !tables_) return;
    RouteTimer& t = tables_->route;
    t.server = this;
    const auto at = hub_.next_deadline();
    if (!at) {
        lws_sul_cancel(&t.sul);
        return;
    }
    const std::int64_t in_ms = std::max<std::int64_t>(0, *at - wall_clock_ms());
    lws_sul_schedule(context_, 0, &t.sul, on_route_timer, static_cast<lws_usec_t>(in_ms + 1) * LWS_US_PER_MS);
}

bool Server::write_queued(Peer& peer) {
    // Whole WebSocket frames, header included, side by side in one buffer and one raw
    // write: a server's frames are unmasked, so the header is two bytes for a typical
    // message. The shared frames are copied once into a buffer that keeps its capacity.
    std::size_t used = LWS_PRE;
    std::size_t frames = 0;
    for (const auto& frame : peer.queue) {
        const std::size_t n = frame->size();
        const std::size_t header = ws_text_header_size(n);
        if (frames > 0 && used - LWS_PRE + header + n > kMaxWriteBytes) break;
        if (write_buf_.size() < used + header + n) write_buf_.resize(used + header + n);
        put_ws_text_header(write_buf_.data() + used, n);
        std::memcpy(write_buf_.data() + used + header, frame->data(), n);
        used += header + n;
        ++frames;
    }
    if (frames == 0) return true;
    // Called only when lws holds nothing unsent for this peer: all it was given went out.
    peer.progress_at = wall_clock_ms();
    const std::size_t len = used - LWS_PRE;
    // LWS_WRITE_RAW: the bytes go out as they are (lws frames nothing; no extension is
    // registered that could). A partial send is kept by lws and finished first.
    if (lws_write(peer.wsi, write_buf_.data() + LWS_PRE, len, LWS_WRITE_RAW) < static_cast<int>(len)) return false;
    wire_.frames_out += frames;
    wire_.bytes_out += len;
    for (std::size_t k = 0; k < frames; ++k) {
        peer.queued_bytes -= peer.queue.front()->size();
        peer.queue.pop_front();
    }
    if (!peer.queue.empty() || peer.close_code) lws_callback_on_writable(peer.wsi);
    return true;
}

int Server::write_one(Peer& peer) {
    if (!peer.queue.empty()) return write_queued(peer) ? 0 : -1;
    if (peer.close_code) {
        lws_close_reason(peer.wsi, static_cast<lws_close_status>(peer.close_code),
                         reinterpret_cast<unsigned char*>(peer.close_reason.data()),
                         peer.close_reason.size());
        return -1;
    }
    return 0;
}

// ---- operations endpoints (issue 18, ops/ops_endpoints.hpp) ---------------------------

void Server::observe_loop_lag(double seconds) {
    loop_lag_seconds_ = seconds;
    wire_.loop_lag_seconds.observe(seconds);
}

Readiness Server::readiness() const {
    Readiness r;
    r.store_ok = last_commit_ok_;
    r.loop_lag_seconds = loop_lag_seconds_;
    if (!options_.data_dir.empty()) {
        const auto room = free_bytes_of(options_.data_dir);
        r.data_dir_writable = access(options_.data_dir.c_str(), W_OK) == 0 && room && *room > 0;
    }
    return r;
}

namespace {
// The socket's peer (a proxy's address when behind one: --metrics-allow names who may
// scrape, which is the proxy or the Prometheus server itself).
std::string peer_of(lws* wsi) {
    char peer[64] = "";
    lws_get_peer_simple(wsi, peer, sizeof peer);
    return peer;
}

// The access log (--log-level info, docs/operations.md "Logs"): one line per plain HTTP
// answer, when it is queued (`duration_ms` is the relay's time to answer, not the
// transfer's). The path without its query string (which may carry a token); no header.
void log_access(lws* wsi, std::string_view method, std::string_view path, int status, std::size_t bytes,
                std::chrono::steady_clock::time_point began) {
    if (!log_enabled(LogLevel::info)) return;
    path = path.substr(0, path.find('?'));
    char duration[32];
    std::snprintf(duration, sizeof duration, "%.3f",
                  std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - began).count());
    std::string client = peer_of(wsi);
    if (client.rfind("::ffff:", 0) == 0 && client.find('.') != std::string::npos) client.erase(0, 7);  // IPv4
    std::string msg = std::string(method) + " " + std::string(path) + " " + std::to_string(status) + " " +
                      std::to_string(bytes) + " B " + duration + " ms from " + client;
    log_event(LogLevel::info, "http_request",
              {{"method", std::string(method)},
               {"path", std::string(path)},
               {"status", std::to_string(status), true},
               {"bytes", std::to_string(bytes), true},
               {"duration_ms", duration, true},
               {"client", client}},
              std::move(msg));
}
}  // namespace

int Server::answer_ops(lws* wsi) {
    const auto began = std::chrono::steady_clock::now();
    ++wire_.http_requests;
    char uri[64] = "";
    HttpAnswer answer;
    if (lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) <= 0) {
        answer = {405, "text/plain; charset=utf-8", "only GET\n"};
    } else if (lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI) < 0 || !is_ops_path(uri)) {
        answer = {404, "text/plain; charset=utf-8", "not found\n"};
    } else if (std::string_view(uri) == "/metrics" && !options_.metrics_allow.empty() &&
               !options_.metrics_allow.contains(std::string_view(peer_of(wsi)))) {
        answer = {403, "text/plain; charset=utf-8", "/metrics is not open to this address (--metrics-allow)\n"};
    } else {
        answer = parley::relay::answer_ops(uri, hub_.counters(), wire_, hub_.gauges(), readiness(), options_.version,
                                           (wall_clock_ms() - started_ms_) / 1000.0);
    }
    unsigned char headers[LWS_PRE + 512];
    unsigned char* start = headers + LWS_PRE;
    unsigned char* p = start;
    unsigned char* end = headers + sizeof headers - 1;
    static const char kNoStore[] = "no-store";
    if (lws_add_http_common_headers(wsi, static_cast<unsigned int>(answer.status), answer.content_type.c_str(),
                                    answer.body.size(), &p, end) ||
        lws_add_http_header_by_name(wsi, reinterpret_cast<const unsigned char*>("cache-control:"),
                                    reinterpret_cast<const unsigned char*>(kNoStore), sizeof kNoStore - 1, &p, end) ||
        lws_finalize_write_http_header(wsi, start, &p, end))
        return 1;
    if (log_enabled(LogLevel::info)) {
        char* method_uri = nullptr;
        int method_uri_len = 0;
        const int method = lws_http_get_uri_and_method(wsi, &method_uri, &method_uri_len);
        log_access(wsi, method == LWSHUMETH_GET ? "GET" : "OTHER",
                   method_uri ? std::string_view(method_uri, std::size_t(std::max(0, method_uri_len))) : "",
                   answer.status, answer.body.size(), began);
    }
    http_answers_[wsi] = std::move(answer.body);
    lws_callback_on_writable(wsi);
    return 0;
}

int Server::write_ops_answer(lws* wsi) {
    auto it = http_answers_.find(wsi);
    std::string body = std::move(it->second);
    http_answers_.erase(it);
    std::vector<unsigned char> buf(LWS_PRE + body.size());
    std::memcpy(buf.data() + LWS_PRE, body.data(), body.size());
    if (lws_write(wsi, buf.data() + LWS_PRE, body.size(), LWS_WRITE_HTTP_FINAL) < static_cast<int>(body.size()))
        return -1;
    return lws_http_transaction_completed(wsi) ? -1 : 0;
}

// ---- the web root (issue 17, static/static_site.hpp) -----------------------------------

HttpExchange* Server::exchange_of(lws* wsi) const {
    for (const auto& exchange : exchanges_)
        if (exchange->owns(wsi)) return exchange.get();
    return nullptr;
}

int Server::answer_http(lws* wsi) {
    const auto began = std::chrono::steady_clock::now();
    const bool get = lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) > 0;
    const bool head = !get && lws_hdr_total_length(wsi, WSI_TOKEN_HEAD_URI) > 0;
    std::optional<std::string> path = request_header(wsi, get ? WSI_TOKEN_GET_URI : WSI_TOKEN_HEAD_URI);
    if (!path) {  // another method: its URI, to tell an ops path from a file
        char* uri = nullptr;
        int uri_len = 0;
        if (lws_http_get_uri_and_method(wsi, &uri, &uri_len) >= 0 && uri) path.emplace(uri, std::size_t(uri_len));
    }
    for (auto& exchange : exchanges_) {
        if (!path || !exchange->serves(*path)) continue;
        const int rc = exchange->on_request(wsi);
        schedule_flush();  // a request without a body was answered: the Hub's outputs go out
        return rc;
    }
    if (!site_ || (path && is_ops_path(*path))) return answer_ops(wsi);
    ++wire_.http_requests;
    const std::optional<std::string> accept = request_header(wsi, WSI_TOKEN_HTTP_ACCEPT_ENCODING);
    const std::optional<std::string> none_match = request_header(wsi, WSI_TOKEN_HTTP_IF_NONE_MATCH);
    StaticRequest request;
    request.method = get ? "GET" : head ? "HEAD" : "OTHER";
    request.path = path ? std::string_view(*path) : std::string_view();
    if (accept) request.accept_encoding = *accept;
    if (none_match) request.if_none_match = *none_match;
    const StaticAnswer a = site_->answer(request);

    // The headers: lws_add_http_header_status adds the vhost's canned ones (nosniff,
    // referrer policy, baseline CSP, HSTS); the page's own CSP goes on every answer.
    const std::string csp = content_security_policy(request.path, origins_.allowed());
    std::vector<unsigned char> buf(LWS_PRE + 2048 + csp.size() + tables_->baseline_csp.size());
    unsigned char* start = buf.data() + LWS_PRE;
    unsigned char* p = start;
    unsigned char* end = buf.data() + buf.size() - 1;
    auto add = [&](const char* name, std::string_view value) {
        return lws_add_http_header_by_name(wsi, reinterpret_cast<const unsigned char*>(name),
                                           reinterpret_cast<const unsigned char*>(value.data()),
                                           static_cast<int>(value.size()), &p, end) == 0;
    };
    const bool body = !a.body.empty();
    bool ok = lws_add_http_header_status(wsi, static_cast<unsigned int>(a.status), &p, end) == 0 &&
              (a.status == 304 || add("content-type:", a.content_type)) &&
              // Content-Length by name for HEAD and 304: lws would wait for the bytes
              // it announces if set with lws_add_http_header_content_length.
              (body ? lws_add_http_header_content_length(wsi, a.body.size(), &p, end) == 0
                    : a.status == 304 || add("content-length:", std::to_string(a.content_length))) &&
              (a.content_encoding.empty() || add("content-encoding:", a.content_encoding)) &&
              (a.etag.empty() || add("etag:", a.etag)) &&
              (a.cache_control.empty() || add("cache-control:", a.cache_control)) &&
              (!a.vary_accept_encoding || add("vary:", "Accept-Encoding")) &&
              (a.location.empty() || add("location:", a.location)) &&
              (!a.allow_get_head || add("allow:", "GET, HEAD")) &&
              // Not GET or HEAD: lws would read a request body next; close instead.
              (get || head || add("connection:", "close")) &&
              add("content-security-policy:", csp) &&
              lws_finalize_write_http_header(wsi, start, &p, end) == 0;
    if (!ok) return 1;
    log_access(wsi, request.method, request.path, a.status, a.body.size(), began);
    if (!get && !head) {
        // Written at once and the connection closed: lws would otherwise read the
        // request's body first (and a chunked one it may wait for), never calling back.
        std::vector<unsigned char> out(LWS_PRE + a.body.size());
        std::memcpy(out.data() + LWS_PRE, a.body.data(), a.body.size());
        (void)lws_write(wsi, out.data() + LWS_PRE, a.body.size(), LWS_WRITE_HTTP_FINAL);
        return -1;
    }
    if (!body) return lws_http_transaction_completed(wsi) ? -1 : 0;
    static_sends_[wsi] = {a.body, 0};  // the site outlives every connection
    arm_static_stall(wsi);
    lws_callback_on_writable(wsi);
    return 0;
}

// A body's reader must take each chunk within stall_secs (as a WebSocket must its
// frames), or lws closes the connection: a client that stops reading keeps neither a
// socket nor a buffered chunk for long.
void Server::arm_static_stall(lws* wsi) {
    if (options_.stall_secs > 0) lws_set_timeout(wsi, PENDING_TIMEOUT_HTTP_CONTENT, options_.stall_secs);
}

int Server::write_static(lws* wsi) {
    StaticSend& send = static_sends_.at(wsi);
    // One chunk per WRITEABLE: lws keeps what the socket does not take and calls back
    // once it has gone, so a connection holds at most one chunk beyond the table.
    const std::size_t n = std::min(send.body.size() - send.sent, kStaticChunkBytes);
    const bool last = send.sent + n == send.body.size();
    if (http_buf_.size() < LWS_PRE + n) http_buf_.resize(LWS_PRE + n);
    std::memcpy(http_buf_.data() + LWS_PRE, send.body.data() + send.sent, n);
    if (lws_write(wsi, http_buf_.data() + LWS_PRE, n, last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) <
        static_cast<int>(n))
        return -1;
    send.sent += n;
    if (!last) {
        arm_static_stall(wsi);
        lws_callback_on_writable(wsi);
        return 0;
    }
    lws_set_timeout(wsi, NO_PENDING_TIMEOUT, 0);
    static_sends_.erase(wsi);
    return lws_http_transaction_completed(wsi) ? -1 : 0;
}

}  // namespace parley::relay
