#include "metrics_scraper.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

namespace parley::load {

namespace {

// The whole answer to GET /metrics, or "" and `error`.
std::string get_metrics(int port, std::string& error) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error = std::string("socket: ") + std::strerror(errno);
        return {};
    }
    timeval timeout{2, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(std::uint16_t(port));
    a.sin_addr.s_addr = htonl(0x7f000001);
    std::string answer;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        error = std::string("connect: ") + std::strerror(errno);
    } else {
        const std::string request = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                                    "\r\nUser-Agent: parley-load\r\nConnection: close\r\n\r\n";
        if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != ssize_t(request.size())) {
            error = std::string("send: ") + std::strerror(errno);
        } else {
            // Until the server closes, or the head's Content-Length is in (a server may
            // keep the connection despite "close").
            char buf[16384];
            for (;;) {
                const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
                if (n < 0) error = std::string("recv: ") + std::strerror(errno);
                if (n <= 0) break;
                answer.append(buf, std::size_t(n));
                const std::size_t head_end = answer.find("\r\n\r\n");
                if (head_end == std::string::npos) continue;
                std::string head = answer.substr(0, head_end);
                for (char& c : head) c = char(std::tolower(static_cast<unsigned char>(c)));
                const std::size_t length_at = head.find("\r\ncontent-length:");
                if (length_at != std::string::npos &&
                    answer.size() >= head_end + 4 + std::strtoull(head.c_str() + length_at + 17, nullptr, 10))
                    break;
            }
        }
    }
    ::close(fd);
    return error.empty() ? answer : std::string();
}

// A sample's value from the exposition text: the number after "`series` ".
double sample_value(const std::string& text, const std::string& series) {
    const std::size_t at = text.find("\n" + series + " ");
    return at == std::string::npos ? -1 : std::atof(text.c_str() + at + series.size() + 2);
}

}  // namespace

void MetricsScraper::start(int port, int interval_ms) {
    port_ = port;
    interval_ms_ = interval_ms;
    stop_ = false;
    thread_ = std::thread([this] { run(); });
}

void MetricsScraper::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

MetricsScraper::Counts MetricsScraper::counts() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return counts_;
}

void MetricsScraper::run() {
    auto next = std::chrono::steady_clock::now();
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stop_) {
        lock.unlock();
        std::string error;
        std::string answer = get_metrics(port_, error);
        const bool good = answer.rfind("HTTP/1.1 200", 0) == 0 &&
                          answer.find("parley_messages_stored_total") != std::string::npos;
        if (error.empty() && !good) error = "unexpected answer: " + answer.substr(0, answer.find('\r'));
        lock.lock();
        if (good) {
            ++counts_.scrapes;
            counts_.last_bytes = answer.size() - answer.find("\r\n\r\n") - 4;
            counts_.webhook_ok = sample_value(answer, "parley_webhook_deliveries_total{result=\"ok\"}");
        } else {
            ++counts_.failures;
            if (counts_.first_error.empty()) counts_.first_error = error;
        }
        // A fixed schedule, as Prometheus keeps; a late scrape is not made up for.
        next += std::chrono::milliseconds(interval_ms_);
        if (next < std::chrono::steady_clock::now()) next = std::chrono::steady_clock::now();
        wake_.wait_until(lock, next, [this] { return stop_; });
    }
}

}  // namespace parley::load
