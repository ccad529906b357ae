// HttpRequest and HttpResponse: an HTTP exchange as plain values, so that what answers a
// request (the /api/v1 routes, relay/api/; later attachment uploads) never sees a socket
// and is tested with a struct in and a struct out. net/http_exchange.hpp is the lws
// glue that fills an HttpRequest and writes an HttpResponse; this header includes no lws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parley::relay {

struct HttpRequest {
    std::string method;  // "GET", "POST", … (upper case, as lws names it)
    std::string path;    // percent-decoded by lws, without the query
    // The query's arguments in order, each split at its first '=' (a name alone has an
    // empty value); lws has percent-decoded them.
    std::vector<std::pair<std::string, std::string>> query;
    // The headers the handlers read ("" when absent).
    std::string authorization, content_type, accept;
    std::string body;    // whole, at most HttpExchangeLimits::max_body_bytes
    std::string client;  // the peer's address (for logs)
    // The first value of query argument `name`, or nullptr.
    const std::string* arg(std::string_view name) const {
        for (const auto& [k, v] : query)
            if (k == name) return &v;
        return nullptr;
    }
};

// What a streamed body's producer says after each piece.
enum class StreamStep {
    more,    // call again once this piece has gone
    done,    // the body is complete
    failed,  // cannot go on (the store failed): the connection is cut, so the client
             // sees an incomplete answer rather than a short one it would take as whole
};

struct HttpResponse {
    int status = 200;
    std::string content_type = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;  // e.g. {"retry-after", "3"}
    std::string body;
    // A streamed body (exports): when set, `body` goes first, then stream(out) is called
    // each time the previous piece has gone out, appending the next piece to `out`.
    // Each call runs on the event loop, so it bounds its own work (a page of rows).
    // Sent without Content-Length: in chunked transfer coding over HTTP/1.1, in DATA
    // frames over HTTP/2, so the end of the body is always explicit.
    std::function<StreamStep(std::string& out)> stream;
    // A deferred answer (work done off the loop: a file written or read): when set, the
    // exchange holds the connection (its stall timer armed) and calls deferred() each
    // time it is woken (HttpExchange::wake_deferred, after a worker's wake): nullopt
    // while the work goes on, then the answer, which is sent as any other.
    std::function<std::optional<HttpResponse>()> deferred;
};

}  // namespace parley::relay
