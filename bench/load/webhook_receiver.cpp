#include "webhook_receiver.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace parley::load {

namespace {

constexpr std::size_t kMaxHead = 64 * 1024;
constexpr std::size_t kMaxBody = 4 * 1024 * 1024;  // the relay's bodies are a few hundred bytes
const char kOk[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
const char kNotAllowed[] = "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

struct Connection {
    int fd = -1;
    std::string in, out;
    bool close_after_write = false;
};

std::string lower(std::string s) {
    for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// One request head: its method, body length, and whether the peer asked to close.
// `ok` false: a head this receiver does not serve (chunked, or no number).
struct Head {
    bool ok = true;
    std::string method;
    std::size_t content_length = 0;
    bool close = false;
};

Head parse_head(const std::string& head) {
    Head h;
    h.method = head.substr(0, head.find(' '));
    std::size_t at = head.find("\r\n");
    while (at != std::string::npos && at + 2 < head.size()) {
        const std::size_t end = head.find("\r\n", at + 2);
        const std::string line = head.substr(at + 2, end == std::string::npos ? std::string::npos : end - at - 2);
        at = end;
        const std::size_t colon = line.find(':');
        if (colon == std::string::npos) continue;
        const std::string name = lower(line.substr(0, colon));
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(" \t"));
        if (name == "content-length") {
            char* stop = nullptr;
            const unsigned long long n = std::strtoull(value.c_str(), &stop, 10);
            h.ok = h.ok && stop != value.c_str() && n <= kMaxBody;
            h.content_length = std::size_t(n);
        } else if (name == "transfer-encoding") {
            h.ok = false;  // libcurl sends a length for POSTFIELDS; chunked is not expected
        } else if (name == "connection") {
            h.close = lower(value).find("close") != std::string::npos;
        }
    }
    return h;
}

}  // namespace

bool WebhookReceiver::start(const std::string& cid_prefix, std::string& error) {
    cid_prefix_ = cid_prefix;
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(0x7f000001);  // loopback only
    socklen_t len = sizeof a;
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(listen_fd_, 64) != 0 || ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        error = std::string("webhook receiver: cannot listen on 127.0.0.1: ") + std::strerror(errno);
        if (listen_fd_ >= 0) ::close(listen_fd_);
        listen_fd_ = -1;
        return false;
    }
    port_ = ntohs(a.sin_port);
    stop_ = false;
    thread_ = std::thread([this] { serve(); });
    return true;
}

void WebhookReceiver::stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (listen_fd_ >= 0) ::close(listen_fd_);
    listen_fd_ = -1;
}

std::string WebhookReceiver::url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }

WebhookReceiver::Counts WebhookReceiver::counts() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return counts_;
}

void WebhookReceiver::count(const std::string& body) {
    // The relay writes compact JSON with "type" first (webhooks/webhook_payload.cpp), and a
    // text cannot hold an unescaped quote, so plain searches find the two fields.
    const bool message_created = body.rfind("{\"type\":\"message.created\"", 0) == 0;
    bool fresh = false;
    if (message_created) {
        static const std::string kCid = "\"cid\":\"";
        const std::size_t at = body.find(kCid);
        if (at != std::string::npos) {
            const std::size_t from = at + kCid.size(), end = body.find('"', from);
            const std::string cid = body.substr(from, end == std::string::npos ? 0 : end - from);
            fresh = cid.rfind(cid_prefix_, 0) == 0 && cids_.insert(cid).second;
        }
    }
    std::lock_guard<std::mutex> lock(mutex_);
    ++counts_.posts;
    counts_.message_created += message_created;
    counts_.distinct_cids += fresh;
}

void WebhookReceiver::serve() {
    std::vector<Connection> conns;
    std::vector<pollfd> fds;
    while (!stop_) {
        fds.assign(1, pollfd{listen_fd_, POLLIN, 0});
        for (const Connection& c : conns)
            fds.push_back(pollfd{c.fd, short(POLLIN | (c.out.empty() ? 0 : POLLOUT)), 0});
        // A short timeout so stop() is seen within 50 ms.
        if (::poll(fds.data(), fds.size(), 50) <= 0) continue;
        if (fds[0].revents & POLLIN) {
            int fd;
            while ((fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
                conns.push_back(Connection{fd, {}, {}, false});
                std::lock_guard<std::mutex> lock(mutex_);
                ++counts_.connections;
            }
        }
        for (std::size_t i = 0; i + 1 < fds.size(); ++i) {
            Connection& c = conns[i];
            const short ev = fds[i + 1].revents;
            bool gone = ev & (POLLERR | POLLNVAL);
            if (ev & (POLLIN | POLLHUP)) {
                char buf[16384];
                const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
                if (n > 0) c.in.append(buf, std::size_t(n));
                else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) gone = true;
            }
            // Every whole request in the buffer: answered in order.
            while (!gone && !c.close_after_write) {
                const std::size_t head_end = c.in.find("\r\n\r\n");
                if (head_end == std::string::npos) {
                    if (c.in.size() > kMaxHead) gone = true;
                    break;
                }
                const Head h = parse_head(c.in.substr(0, head_end));
                if (!h.ok || h.method != "POST") {
                    c.out += kNotAllowed;
                    c.close_after_write = true;
                    std::lock_guard<std::mutex> lock(mutex_);
                    ++counts_.refused;
                    break;
                }
                const std::size_t total = head_end + 4 + h.content_length;
                if (c.in.size() < total) break;
                count(c.in.substr(head_end + 4, h.content_length));
                c.in.erase(0, total);
                c.out += kOk;
                c.close_after_write = h.close;
            }
            if (!gone && !c.out.empty()) {
                const ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
                if (n > 0) c.out.erase(0, std::size_t(n));
                else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) gone = true;
            }
            if (gone || (c.close_after_write && c.out.empty())) {
                ::close(c.fd);
                c.fd = -1;
            }
        }
        conns.erase(std::remove_if(conns.begin(), conns.end(), [](const Connection& c) { return c.fd < 0; }),
                    conns.end());
    }
    for (Connection& c : conns) ::close(c.fd);
}

}  // namespace parley::load
