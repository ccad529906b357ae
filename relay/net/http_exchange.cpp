#include "net/http_exchange.hpp"

#include <libwebsockets.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <optional>

#include "net/request_header.hpp"

namespace parley::relay {

namespace {

const char* method_name(int method) {
    switch (method) {
    case LWSHUMETH_GET: return "GET";
    case LWSHUMETH_POST: return "POST";
    case LWSHUMETH_OPTIONS: return "OPTIONS";
    case LWSHUMETH_PUT: return "PUT";
    case LWSHUMETH_PATCH: return "PATCH";
    case LWSHUMETH_DELETE: return "DELETE";
    case LWSHUMETH_HEAD: return "HEAD";
    default: return "OTHER";
    }
}

bool has_body(std::string_view method) { return method == "POST" || method == "PUT" || method == "PATCH"; }

// The query's arguments: lws keeps each one (percent-decoded) as a fragment of
// WSI_TOKEN_HTTP_URI_ARGS.
std::vector<std::pair<std::string, std::string>> query_of(lws* wsi) {
    std::vector<std::pair<std::string, std::string>> out;
    for (int i = 0; i < 64; ++i) {  // lws holds at most a header table's worth anyway
        const int n = lws_hdr_fragment_length(wsi, WSI_TOKEN_HTTP_URI_ARGS, i);
        if (n <= 0) break;
        std::string arg(static_cast<std::size_t>(n) + 1, '\0');
        if (lws_hdr_copy_fragment(wsi, arg.data(), n + 1, WSI_TOKEN_HTTP_URI_ARGS, i) < 0) break;
        arg.resize(static_cast<std::size_t>(n));
        const std::size_t eq = arg.find('=');
        if (eq == std::string::npos) out.emplace_back(std::move(arg), std::string());
        else out.emplace_back(arg.substr(0, eq), arg.substr(eq + 1));
    }
    return out;
}

}  // namespace

HttpExchange::HttpExchange(std::vector<std::string> prefixes, HttpExchangeLimits limits, Handler handler,
                           Refusal refusal, Answered answered)
    : prefixes_(std::move(prefixes)),
      limits_(limits),
      handler_(std::move(handler)),
      refusal_(std::move(refusal)),
      answered_(std::move(answered)) {}

bool HttpExchange::serves(std::string_view path) const {
    return std::any_of(prefixes_.begin(), prefixes_.end(),
                       [&](const std::string& p) { return path.substr(0, p.size()) == p; });
}

void HttpExchange::arm_stall(lws* wsi) {
    if (limits_.stall_secs > 0) lws_set_timeout(wsi, PENDING_TIMEOUT_HTTP_CONTENT, limits_.stall_secs);
}

int HttpExchange::on_request(lws* wsi) {
    Exchange& x = exchanges_[wsi];
    x = Exchange{};
    x.began = std::chrono::steady_clock::now();
    char* uri = nullptr;
    int uri_len = 0;
    const int method = lws_http_get_uri_and_method(wsi, &uri, &uri_len);
    x.request.method = method_name(method);
    if (uri && uri_len > 0) x.request.path.assign(uri, static_cast<std::size_t>(uri_len));
    x.request.query = query_of(wsi);
    x.request.authorization = request_header(wsi, WSI_TOKEN_HTTP_AUTHORIZATION).value_or("");
    x.request.content_type = request_header(wsi, WSI_TOKEN_HTTP_CONTENT_TYPE).value_or("");
    x.request.accept = request_header(wsi, WSI_TOKEN_HTTP_ACCEPT).value_or("");
    if (client_of_) {
        HttpClient client = client_of_(wsi);
        x.request.client = std::move(client.address);
        x.shared_client = client.shared;
    } else {
        char peer[64] = "";
        lws_get_peer_simple(wsi, peer, sizeof peer);
        x.request.client = peer;
    }
    if (!has_body(x.request.method)) return answer(wsi, x);

    // A body: refused by its announced length before any of it is read.
    const std::optional<std::string> length = request_header(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH);
    if (!length) return refuse_now(wsi, x, refusal_(411, "a request with a body needs a Content-Length"));
    char* end = nullptr;
    const unsigned long long n = std::strtoull(length->c_str(), &end, 10);
    if (length->empty() || *end != '\0')
        return refuse_now(wsi, x, refusal_(400, "Content-Length is not a number"));
    if (n > limits_.max_body_bytes)
        return refuse_now(wsi, x,
                          refusal_(413, "the body is " + *length + " bytes; at most " +
                                            std::to_string(limits_.max_body_bytes) + " are accepted"));
    if (n > 0 && (limits_.max_bodies > 0 || limits_.max_bodies_per_client > 0)) {
        std::size_t held = 0, held_by_client = 0;
        for (const auto& [other, e] : exchanges_) {
            if (other == wsi || !e.holds_body()) continue;
            ++held;
            held_by_client += e.request.client == x.request.client;
        }
        const bool full = limits_.max_bodies > 0 && held >= limits_.max_bodies;
        const bool share_used = limits_.max_bodies_per_client > 0 && !x.shared_client &&
                                held_by_client >= limits_.max_bodies_per_client;
        if (full || share_used) {
            HttpResponse busy = refusal_(503, full ? "too many uploads at once; retry in a few seconds"
                                                   : "this address has " + std::to_string(held_by_client) +
                                                         " uploads under way, the most at once; retry when one is done");
            busy.headers.emplace_back("retry-after", "5");
            return refuse_now(wsi, x, std::move(busy));
        }
    }
    x.expected = static_cast<std::size_t>(n);
    if (x.expected == 0) return answer(wsi, x);
    x.request.body.reserve(x.expected);
    arm_stall(wsi);
    return 0;
}

int HttpExchange::on_body(lws* wsi, const void* in, std::size_t len) {
    auto it = exchanges_.find(wsi);
    if (it == exchanges_.end() || it->second.answering) return 0;
    Exchange& x = it->second;
    // lws delivers at most Content-Length bytes; the cap holds whatever it does.
    const std::size_t room = x.expected - std::min(x.expected, x.request.body.size());
    x.request.body.append(static_cast<const char*>(in), std::min(len, room));
    arm_stall(wsi);
    return 0;
}

int HttpExchange::on_body_done(lws* wsi) {
    auto it = exchanges_.find(wsi);
    if (it == exchanges_.end() || it->second.answering) return 0;
    return answer(wsi, it->second);
}

int HttpExchange::answer(lws* wsi, Exchange& x) {
    x.response = handler_(x.request);
    x.answering = true;
    // The handler took what it needs of the body (a deferred job holds its own copy):
    // one copy of an upload is in memory while it is written, not two, and none once
    // the answer is known.
    std::string().swap(x.request.body);
    if (x.response.deferred) {  // sent once wake_deferred() finds it ready
        x.waiting = true;
        arm_stall(wsi);
        return 0;
    }
    if (answered_) answered_(wsi, x.request, x.response, x.began);
    arm_stall(wsi);
    lws_callback_on_writable(wsi);
    return 0;
}

void HttpExchange::wake_deferred() {
    for (auto& [wsi, x] : exchanges_) {
        if (!x.waiting) continue;
        std::optional<HttpResponse> ready = x.response.deferred();
        if (!ready) continue;
        x.response = std::move(*ready);
        x.waiting = false;
        if (answered_) answered_(wsi, x.request, x.response, x.began);
        arm_stall(wsi);
        lws_callback_on_writable(wsi);
    }
}

bool HttpExchange::write_headers(lws* wsi, const HttpResponse& r, bool close, bool chunked) {
    std::size_t room = LWS_PRE + 1024 + r.content_type.size();
    for (const auto& [name, value] : r.headers) room += name.size() + value.size() + 8;
    if (buf_.size() < room) buf_.resize(room);
    unsigned char* start = buf_.data() + LWS_PRE;
    unsigned char* p = start;
    unsigned char* end = buf_.data() + room - 1;
    auto add = [&](std::string name, std::string_view value) {
        name += ':';
        return lws_add_http_header_by_name(wsi, reinterpret_cast<const unsigned char*>(name.c_str()),
                                           reinterpret_cast<const unsigned char*>(value.data()),
                                           static_cast<int>(value.size()), &p, end) == 0;
    };
    // A streamed body has no length: HTTP/1.1 frames it in chunks, HTTP/2 in DATA frames.
    const bool streamed = static_cast<bool>(r.stream);
    bool ok = lws_add_http_header_status(wsi, static_cast<unsigned int>(r.status), &p, end) == 0 &&
              add("content-type", r.content_type) &&
              (streamed || lws_add_http_header_content_length(wsi, r.body.size(), &p, end) == 0) &&
              (!chunked || add("transfer-encoding", "chunked")) &&
              add("cache-control", "no-store") && (!close || add("connection", "close"));
    for (const auto& [name, value] : r.headers) ok = ok && add(name, value);
    return ok && lws_finalize_write_http_header(wsi, start, &p, end) == 0;
}

// 411/413 and the like, before the body: lws would read the body next (and a client
// that never sends it would hold the connection), so the answer goes out at once and
// the connection is closed.
int HttpExchange::refuse_now(lws* wsi, Exchange& x, HttpResponse response) {
    x.response = std::move(response);
    if (answered_) answered_(wsi, x.request, x.response, x.began);
    if (write_headers(wsi, x.response, true)) {
        std::vector<unsigned char> out(LWS_PRE + x.response.body.size());
        std::memcpy(out.data() + LWS_PRE, x.response.body.data(), x.response.body.size());
        (void)lws_write(wsi, out.data() + LWS_PRE, x.response.body.size(), LWS_WRITE_HTTP_FINAL);
    }
    exchanges_.erase(wsi);
    return -1;
}

int HttpExchange::on_writeable(lws* wsi) {
    auto it = exchanges_.find(wsi);
    if (it == exchanges_.end() || !it->second.answering || it->second.waiting) return 0;
    Exchange& x = it->second;
    if (!x.headers_sent) {
        const bool streamed = static_cast<bool>(x.response.stream);
        // An HTTP/2 stream is a child of its network connection; only HTTP/1.1 chunks.
        x.chunked = streamed && lws_get_network_wsi(wsi) == wsi;
        if (!write_headers(wsi, x.response, false, x.chunked)) return -1;
        x.headers_sent = true;
        x.piece = std::move(x.response.body);
        x.sent = 0;
        x.produced = !streamed;
        if (!x.piece.empty() || streamed) {
            arm_stall(wsi);
            lws_callback_on_writable(wsi);
            return 0;
        }
    }
    // A streamed body's next piece, once the last has gone: produced only as fast as
    // the client takes it, so a slow reader costs one piece of memory and no work.
    if (x.sent == x.piece.size() && !x.produced) {
        x.piece.clear();
        x.sent = 0;
        const StreamStep step = x.response.stream(x.piece);
        if (step == StreamStep::failed) {
            // Cut without the last chunk: the client sees the answer is incomplete.
            if (cut_) cut_(wsi, x.request, x.piece);
            exchanges_.erase(it);
            return -1;
        }
        x.produced = step == StreamStep::done;
    }
    // One chunk per WRITEABLE: lws keeps what the socket does not take and calls back
    // once it has gone, so a slow reader holds one chunk of buffer beyond the answer.
    const std::size_t n = std::min(x.piece.size() - x.sent, kChunkBytes);
    const bool last = x.produced && x.sent + n == x.piece.size();
    if ((n > 0 || (last && x.response.stream)) && !write_piece(wsi, x, n, last)) return -1;
    if (!last) {
        arm_stall(wsi);
        lws_callback_on_writable(wsi);
        return 0;
    }
    exchanges_.erase(it);
    lws_set_timeout(wsi, NO_PENDING_TIMEOUT, 0);
    return lws_http_transaction_completed(wsi) ? -1 : 0;
}

// n bytes of the piece from x.sent; `last` ends the body (the terminating chunk of
// chunked coding, END_STREAM over HTTP/2).
bool HttpExchange::write_piece(lws* wsi, Exchange& x, std::size_t n, bool last) {
    std::string framed;
    if (x.chunked) {
        char size[24] = "";
        if (n > 0) std::snprintf(size, sizeof size, "%zx\r\n", n);
        framed = size;
        framed.append(x.piece, x.sent, n);
        if (n > 0) framed += "\r\n";
        if (last) framed += "0\r\n\r\n";
    } else {
        framed.assign(x.piece, x.sent, n);
    }
    if (buf_.size() < LWS_PRE + framed.size()) buf_.resize(LWS_PRE + framed.size());
    std::memcpy(buf_.data() + LWS_PRE, framed.data(), framed.size());
    if (lws_write(wsi, buf_.data() + LWS_PRE, framed.size(), last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) <
        static_cast<int>(framed.size()))
        return false;
    x.sent += n;
    return true;
}

}  // namespace parley::relay
