// WebhookSender: the HTTP side of webhook delivery, on its own thread, so a slow,
// hanging or hostile receiver never holds the relay's event loop (issue 18).
//
// Theory of operation
// -------------------
// One worker thread drives a libcurl multi handle (Debian libcurl4-openssl-dev). The
// loop thread submit()s requests into a mutex-guarded inbox and wakes the worker
// (curl_multi_wakeup); the worker adds them as easy handles, runs every transfer at
// once (the dispatcher submits at most its concurrency bound), and puts each finished
// one into an outbox the loop thread drains with take_results() on its 100 ms tick.
// Why libcurl on a thread rather than lws's client on the relay's own loop: curl does
// DNS, TLS and timeouts off the loop in one tested place, and the loop's only cost per
// delivery is a queue push and a pop; lws's client would put every receiver's
// handshake and bytes on the loop that serves the visitors.
//
// Every request: POST, no redirects followed (a 3xx is a failure), http and https only
// (curl refuses any other scheme, and no proxy from the environment is used), a connect
// timeout and a whole-request timeout, the response body read and discarded up to
// max_response_bytes (beyond: the transfer is aborted, a failure). Unless
// allow_private, the address curl connects to (after DNS, so a name that resolves to a
// private address is caught too) must be a public unicast one: loopback, RFC 1918,
// link-local (cloud metadata), CGNAT, unique-local, multicast and unspecified addresses
// are refused before the socket is opened.
//
// The destructor stops the worker and joins it; transfers in flight are abandoned (their
// deliveries stay pending in the store and are sent again after a restart).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace parley::relay {

struct WebhookSenderConfig {
    long connect_timeout_ms = 5'000;
    long timeout_ms = 15'000;                 // the whole request, response included
    std::size_t max_response_bytes = 64 * 1024;
    bool allow_private = false;               // --webhook-allow-private (tests, intranets)
};

struct WebhookRequest {
    std::int64_t delivery = 0;  // the store's delivery id, echoed in the result
    std::string url;
    std::vector<std::string> headers;  // "Name: value"
    std::string body;
};

struct WebhookResult {
    std::int64_t delivery = 0;
    bool ok = false;   // a 2xx answer
    long status = 0;   // the HTTP status (0: none)
    std::string error; // why it failed (short, for last_error and logs)
};

// Is a URL one the sender accepts (http:// or https://, with a host)? Empty when it is,
// else why not. The CLI checks a subscription's URL with it.
std::string webhook_url_problem(const std::string& url);

class WebhookSender {
public:
    explicit WebhookSender(WebhookSenderConfig config);
    ~WebhookSender();
    WebhookSender(const WebhookSender&) = delete;
    WebhookSender& operator=(const WebhookSender&) = delete;

    // Loop thread. Never blocks on the network.
    void submit(WebhookRequest request);
    std::vector<WebhookResult> take_results();
    // Called from the worker whenever results are ready (thread-safe, e.g.
    // lws_cancel_service), so a conversation's next event need not wait for the next
    // tick. Never called after set_wake({}) returns: clear it before what it wakes dies.
    void set_wake(std::function<void()> wake);

private:
    void work();
    struct Multi;
    WebhookSenderConfig config_;
    Multi* multi_ = nullptr;
    std::mutex mutex_;
    std::deque<WebhookRequest> inbox_;
    std::vector<WebhookResult> outbox_;
    std::function<void()> wake_;  // guarded by mutex_
    std::atomic<bool> stop_{false};
    std::thread worker_;
};

}  // namespace parley::relay
