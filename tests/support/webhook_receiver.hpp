// A webhook receiver for tests (issue 18): a small HTTP/1.1 server on 127.0.0.1 that
// records every POST it gets (headers, body) and answers per its mode, so a test can
// take it down, make it fail or hang, and bring it back on the same port.
//
//   ok      200, then the connection is closed (Connection: close)
//   fail    500 (recorded as refused: the sender must try again)
//   hang    reads the request and answers nothing until the mode changes or stop()
//   down    not listening: connections are refused
//
// One thread accepts; one thread per connection reads and answers (joined by stop()).
// Thread-safe: the test thread reads what was received while the server runs.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace parley::test {

struct WebhookRequestSeen {
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string path;
    std::string body;
    int answered = 0;  // the status it was answered with (0: none, hung)
};

class WebhookReceiver {
public:
    enum class Mode { ok, fail, hang, down };

    WebhookReceiver();  // listening, mode ok, on a free port
    ~WebhookReceiver();
    WebhookReceiver(const WebhookReceiver&) = delete;
    WebhookReceiver& operator=(const WebhookReceiver&) = delete;

    int port() const { return port_; }
    std::string url(const std::string& path = "/hook") const;
    void set_mode(Mode mode);  // down closes the listener; any other mode reopens it
    // Every request answered 2xx so far (accepted deliveries), in arrival order.
    std::vector<WebhookRequestSeen> accepted() const;
    std::size_t requests() const;  // all requests read, whatever the answer
    std::size_t hanging() const;   // requests read and not answered yet

private:
    void listen_now();
    void accept_loop();
    void serve(int fd);

    mutable std::mutex mutex_;
    std::condition_variable changed_;
    Mode mode_ = Mode::ok;
    int listen_fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread acceptor_;
    std::vector<std::thread> connections_;
    std::vector<WebhookRequestSeen> accepted_;
    std::size_t requests_ = 0;
    std::size_t hanging_ = 0;
};

}  // namespace parley::test
