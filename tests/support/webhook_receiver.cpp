#include "webhook_receiver.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>

namespace parley::test {

WebhookReceiver::WebhookReceiver() {
    listen_now();
    acceptor_ = std::thread([this] { accept_loop(); });
}

WebhookReceiver::~WebhookReceiver() {
    stop_ = true;
    changed_.notify_all();
    acceptor_.join();
    for (std::thread& t : connections_) t.join();
    std::lock_guard<std::mutex> lock(mutex_);
    if (listen_fd_ >= 0) close(listen_fd_);
}

std::string WebhookReceiver::url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void WebhookReceiver::listen_now() {  // mutex_ held or not started yet
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(port_));
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd, 64) != 0) {
        close(fd);
        return;
    }
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    listen_fd_ = fd;
}

void WebhookReceiver::set_mode(Mode mode) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (mode == Mode::down && listen_fd_ >= 0) {
        // shutdown first: the accept thread may be in poll() on it, which would keep the
        // socket listening (and connections queueing unanswered) until it returns.
        shutdown(listen_fd_, SHUT_RDWR);
        close(listen_fd_);
        listen_fd_ = -1;
    } else if (mode != Mode::down && listen_fd_ < 0) {
        listen_now();
    }
    mode_ = mode;
    changed_.notify_all();
}

std::vector<WebhookRequestSeen> WebhookReceiver::accepted() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return accepted_;
}
std::size_t WebhookReceiver::requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
}
std::size_t WebhookReceiver::hanging() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return hanging_;
}

void WebhookReceiver::accept_loop() {
    while (!stop_) {
        int fd;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            fd = listen_fd_;
        }
        if (fd < 0) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            continue;
        }
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, 20) <= 0) continue;
        std::lock_guard<std::mutex> lock(mutex_);
        if (listen_fd_ != fd) continue;  // closed meanwhile (down)
        int c = accept(fd, nullptr, nullptr);
        if (c >= 0) connections_.emplace_back([this, c] { serve(c); });
    }
}

void WebhookReceiver::serve(int fd) {
    // Read one request: the head, then Content-Length bytes of body.
    std::string in;
    std::size_t head_end = std::string::npos, need = 0;
    char buf[4096];
    while (!stop_) {
        if (head_end != std::string::npos && in.size() >= head_end + 4 + need) break;
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, 50) <= 0) continue;
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0) {
            close(fd);
            return;
        }
        in.append(buf, static_cast<std::size_t>(n));
        if (head_end == std::string::npos && (head_end = in.find("\r\n\r\n")) != std::string::npos) {
            std::string lower = in.substr(0, head_end);
            std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
            auto at = lower.find("content-length:");
            if (at != std::string::npos) need = std::stoul(lower.substr(at + 15));
        }
    }
    if (stop_) {
        close(fd);
        return;
    }
    WebhookRequestSeen seen;
    seen.body = in.substr(head_end + 4, need);
    std::size_t line_end = in.find("\r\n");
    const std::string request_line = in.substr(0, line_end);
    const auto sp1 = request_line.find(' '), sp2 = request_line.rfind(' ');
    seen.path = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
    for (std::size_t at = line_end + 2; at < head_end;) {
        std::size_t end = in.find("\r\n", at);
        if (end > head_end) end = head_end;
        const std::string line = in.substr(at, end - at);
        const auto colon = line.find(':');
        if (colon != std::string::npos) {
            std::string name = line.substr(0, colon);
            std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
            std::string value = line.substr(colon + 1);
            while (!value.empty() && value.front() == ' ') value.erase(value.begin());
            seen.headers[name] = value;
        }
        at = end + 2;
    }
    int status = 0;
    {
        std::unique_lock<std::mutex> lock(mutex_);
        ++requests_;
        ++hanging_;
        changed_.wait(lock, [&] { return stop_ || mode_ != Mode::hang; });
        --hanging_;
        if (!stop_) {
            status = mode_ == Mode::ok ? 200 : 500;
            seen.answered = status;
            if (status == 200) accepted_.push_back(seen);
        }
    }
    if (status) {
        const std::string answer = "HTTP/1.1 " + std::to_string(status) + (status == 200 ? " OK" : " Error") +
                                   "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        (void)!write(fd, answer.data(), answer.size());
    }
    close(fd);
}

}  // namespace parley::test
