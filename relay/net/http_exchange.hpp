// HttpExchange: the lws glue for HTTP requests that carry a body and get a computed
// answer (the /api/v1 routes today; attachment uploads next). It collects one request
// into a plain HttpRequest (net/http_message.hpp), hands it to a sans-I/O handler, and
// writes the HttpResponse the handler returns. Nothing here knows what a route means.
//
// Theory of operation
// -------------------
// Server::on_http passes the callbacks of a connection whose path the exchange serves
// (serves(path): the path starts with one of its prefixes):
//
//   LWS_CALLBACK_HTTP             on_request: method, path, query arguments and the
//                                 headers a handler reads (Authorization, Content-Type,
//                                 Accept) are copied out of lws's header table, then:
//       GET/HEAD/DELETE…          no body: the handler runs at once
//       POST/PUT/PATCH            Content-Length absent → 411; above max_body_bytes →
//                                 413 before a byte of the body is read, and the
//                                 connection closed (lws would read the body next);
//                                 0 → the handler runs at once; else the body is read
//                                 max_bodies held at once in all, or
//                                 max_bodies_per_client by this client → 503 Retry-After
//   LWS_CALLBACK_HTTP_BODY        on_body: appended (never beyond Content-Length, so
//                                 never beyond max_body_bytes); the stall timer re-armed
//   LWS_CALLBACK_HTTP_BODY_COMPLETION  on_body_done: the handler runs; a deferred answer
//                                 (HttpResponse::deferred) waits for wake_deferred()
//   LWS_CALLBACK_HTTP_WRITEABLE   on_writeable: the status line and headers, then the
//                                 body one kChunkBytes chunk per callback; a streamed
//                                 body (HttpResponse::stream) asks its producer for the
//                                 next piece each time the last one has gone
//   LWS_CALLBACK_CLOSED_HTTP /
//   LWS_CALLBACK_WSI_DESTROY      forget: the connection's state is dropped
//
// Limits: a body larger than max_body_bytes is refused by its announced length; a
// client that sends no byte of its announced body, or takes no chunk of the answer, for
// stall_secs is disconnected (lws's PENDING_TIMEOUT_HTTP_CONTENT, re-armed at each
// chunk). So a connection costs at most max_body_bytes plus one chunk being written
// (the answer itself is bounded by the handler: the API pages every list; a streamed
// answer holds one piece at a time, and is produced only as fast as the client reads).
// The handler runs on the loop thread, synchronously: it must bound its own work
// (store reads a page at a time). `answered` is called once per answer, with the
// request and the response (access log, metrics).
//
// Adding another user of the exchange (uploads): give it its prefix and a handler; a
// larger body limit for it would be a second exchange with its own limits.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "net/http_message.hpp"

struct lws;

namespace parley::relay {

struct HttpExchangeLimits {
    std::size_t max_body_bytes = 64 * 1024;  // a request body; beyond it 413
    int stall_secs = 30;                     // no body byte / no answer chunk taken: closed
    // Requests with a body held at once (received, being received, or waiting for a
    // deferred answer); beyond it 503 with Retry-After before the body is read. 0: no
    // cap. Bounds the exchange's memory to max_bodies × max_body_bytes.
    std::size_t max_bodies = 0;
    // Of those, held at once by one client address (ClientOf); beyond it 503 too. 0: no
    // share. Without it one client announcing bodies it never sends holds every slot for
    // stall_secs and all uploads wait; with it they hold their share and the rest serve.
    std::size_t max_bodies_per_client = 0;
};

// The address a request is counted under (net/client_address.hpp: a trusted proxy's
// X-Forwarded-For client), and whether it is shared by many clients (the trusted proxy
// itself, for a request without the header): a shared address has no share of its own,
// only the total cap applies, as for WebSockets (net/server.cpp).
struct HttpClient {
    std::string address;
    bool shared = false;
};

class HttpExchange {
public:
    using Handler = std::function<HttpResponse(const HttpRequest&)>;
    using Answered = std::function<void(lws*, const HttpRequest&, const HttpResponse&,
                                        std::chrono::steady_clock::time_point began)>;
    // The exchange's own refusals (411, 413) in the handler's format (the API's: a
    // problem document): status and a sentence saying why.
    using Refusal = std::function<HttpResponse(int status, std::string detail)>;

    HttpExchange(std::vector<std::string> prefixes, HttpExchangeLimits limits, Handler handler, Refusal refusal,
                 Answered answered);

    // Called when a streamed body's producer fails (StreamStep::failed) with the reason it
    // gave; the connection is then cut (for the adapter's log and counters).
    using Cut = std::function<void(lws*, const HttpRequest&, const std::string& reason)>;
    void on_cut(Cut cut) { cut_ = std::move(cut); }
    // How a connection's client address is read (default: the peer's own address).
    using ClientOf = std::function<HttpClient(lws*)>;
    void client_of(ClientOf client_of) { client_of_ = std::move(client_of); }

    bool serves(std::string_view path) const;
    // A config reload: requests that arrive from now on are held to the new limit (one
    // whose body is being read keeps the limit it was admitted under).
    void set_max_body_bytes(std::size_t bytes) { limits_.max_body_bytes = bytes; }

    // The lws callbacks (see the table above); each returns what the callback returns
    // to lws (non-zero: close the connection).
    int on_request(lws* wsi);
    int on_body(lws* wsi, const void* in, std::size_t len);
    int on_body_done(lws* wsi);
    int on_writeable(lws* wsi);
    bool owns(lws* wsi) const { return exchanges_.count(wsi) != 0; }
    void forget(lws* wsi) { exchanges_.erase(wsi); }
    // Asks each deferred answer (HttpResponse::deferred) whether it is ready; those that
    // are go out. Called on the loop when a worker has woken it.
    void wake_deferred();

    static constexpr std::size_t kChunkBytes = 16 * 1024;

private:
    struct Exchange {
        HttpRequest request;
        std::size_t expected = 0;  // the announced Content-Length
        HttpResponse response;
        bool answering = false;     // the response is set; headers not yet written
        bool waiting = false;       // a deferred answer not ready yet
        bool headers_sent = false;
        std::string piece;          // what is being written: the body, or a streamed piece
        std::size_t sent = 0;       // bytes of `piece` written
        bool produced = true;       // no more pieces will come (a streamed body: done)
        bool chunked = false;       // a streamed body over HTTP/1.1: chunked transfer coding
        std::chrono::steady_clock::time_point began;
        bool shared_client = false; // request.client is a trusted proxy's (HttpClient::shared)
        // Holds a body in memory: being received, or waiting for its deferred answer (an
        // answered request's body is dropped at once, answer()).
        bool holds_body() const { return expected > 0 && (!answering || waiting); }
    };
    int answer(lws* wsi, Exchange& x);           // runs the handler, asks for WRITEABLE
    int refuse_now(lws* wsi, Exchange& x, HttpResponse response);  // written at once, closed
    bool write_headers(lws* wsi, const HttpResponse& r, bool close, bool chunked = false);
    bool write_piece(lws* wsi, Exchange& x, std::size_t n, bool last);
    void arm_stall(lws* wsi);

    std::vector<std::string> prefixes_;
    HttpExchangeLimits limits_;
    Handler handler_;
    Refusal refusal_;
    Answered answered_;
    ClientOf client_of_;
    Cut cut_;
    std::unordered_map<lws*, Exchange> exchanges_;
    std::vector<unsigned char> buf_;  // LWS_PRE + headers or one chunk
};

}  // namespace parley::relay
