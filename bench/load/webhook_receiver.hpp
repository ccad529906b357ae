// A webhook receiver for the overhead scenario (bench/load/overhead.cpp): an HTTP/1.1
// server on 127.0.0.1 that answers every POST with 200 at once and counts what came.
//
// Why its own few lines of HTTP and not libwebsockets (which the relay links):
// parley-load is a stand-alone project on the sdk alone (bench/run.sh builds it without
// the relay's dependencies), and what a receiver needs here is small: read a request
// head, read Content-Length bytes, answer 200, keep the connection for the next request
// (the relay's libcurl reuses it). One thread, poll() over the listening socket and the
// relay's few connections (--webhook-concurrency, 8 by default). It does not verify
// signatures: that is the receiver's CPU, not the relay's.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>

namespace parley::load {

class WebhookReceiver {
public:
    struct Counts {
        std::uint64_t posts = 0;              // answered 200
        std::uint64_t message_created = 0;    // of them, message.created events
        std::uint64_t distinct_cids = 0;      // … distinct client ids starting with the prefix
        std::uint64_t refused = 0;            // not a POST, chunked, or over the size bounds
        std::uint64_t connections = 0;        // accepted
    };

    WebhookReceiver() = default;
    WebhookReceiver(const WebhookReceiver&) = delete;
    WebhookReceiver& operator=(const WebhookReceiver&) = delete;
    ~WebhookReceiver() { stop(); }

    // Listens on 127.0.0.1 (a free port) and serves on its own thread until stop().
    // `cid_prefix`: the generator's client message ids; message.created events whose
    // message.cid starts with it are counted once each (delivery is at least once).
    // False and `error` when it cannot listen.
    bool start(const std::string& cid_prefix, std::string& error);
    // Ends the thread and closes every socket. Idempotent.
    void stop();

    // http://127.0.0.1:PORT/hook
    std::string url() const;
    // From any thread.
    Counts counts() const;

private:
    void serve();
    void count(const std::string& body);

    int listen_fd_ = -1;
    int port_ = 0;
    std::string cid_prefix_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    mutable std::mutex mutex_;
    Counts counts_;
    std::unordered_set<std::string> cids_;  // the serving thread's alone
};

}  // namespace parley::load
