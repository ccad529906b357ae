#include "http_get.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <strings.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>

namespace parley::test {

HttpResponse http_request(int port, const std::string& method, const std::string& path, const std::string& host) {
    return http_request(port, method, path, {}, {}, host);
}

namespace {

// Chunked transfer coding, strictly: each chunk is a hex size line, that many bytes and
// CRLF; a 0 size line and CRLF end the body. `body` becomes the data; true when the end
// was there (anything malformed or missing: false).
bool decode_chunked(std::string& body) {
    std::string data;
    std::size_t at = 0;
    while (true) {
        const std::size_t eol = body.find("\r\n", at);
        if (eol == std::string::npos || eol == at) break;
        char* stop = nullptr;
        const unsigned long long n = std::strtoull(body.c_str() + at, &stop, 16);
        if (stop != body.c_str() + eol) break;
        at = eol + 2;
        if (n == 0) {
            const bool ended = body.compare(at, 2, "\r\n") == 0 && at + 2 == body.size();
            body = std::move(data);
            return ended;
        }
        if (body.size() < at + n + 2 || body.compare(at + n, 2, "\r\n") != 0) break;
        data.append(body, at, n);
        at += n + 2;
    }
    body = std::move(data);
    return false;
}

}  // namespace

HttpResponse http_request(int port, const std::string& method, const std::string& path,
                          const std::vector<std::string>& headers, const std::string& body, const std::string& host) {
    HttpResponse r;
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return r;
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, host.c_str(), &to.sin_addr);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
        ::close(fd);
        return r;
    }
    std::string request = method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n";
    bool length_given = false;
    for (const std::string& h : headers) {
        request += h + "\r\n";
        length_given = length_given || strncasecmp(h.c_str(), "content-length:", 15) == 0;
    }
    if (!length_given) request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    request += "\r\n" + body;
    (void)::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    std::string got;
    char buf[8192];
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 200) <= 0) continue;
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        got.append(buf, static_cast<std::size_t>(n));
        // Done once the body announced by content-length is in (the relay may keep the
        // socket open a little after it).
        const auto end = got.find("\r\n\r\n");
        if (end == std::string::npos) continue;
        std::string head = got.substr(0, end + 2);
        for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        const auto cl = head.find("\r\ncontent-length:");
        if (cl != std::string::npos &&
            got.size() >= end + 4 + std::strtoull(head.c_str() + cl + 17, nullptr, 10))
            break;
    }
    ::close(fd);
    const auto end = got.find("\r\n\r\n");
    if (got.rfind("HTTP/1.", 0) != 0 || end == std::string::npos) return r;
    r.status = std::atoi(got.c_str() + 9);
    r.head = got.substr(0, end + 2);
    for (char& c : r.head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.body = got.substr(end + 4);
    r.chunked = r.head.find("\r\ntransfer-encoding: chunked") != std::string::npos;
    if (r.chunked) {
        r.complete = decode_chunked(r.body);
    } else {
        const auto cl = r.head.find("\r\ncontent-length:");
        r.complete = cl == std::string::npos || r.body.size() >= std::strtoull(r.head.c_str() + cl + 17, nullptr, 10);
    }
    return r;
}

int raw_connect(int port, int receive_buffer, const char* from) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    if (receive_buffer > 0) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    if (from) {
        sockaddr_in source{};
        source.sin_family = AF_INET;
        if (::inet_pton(AF_INET, from, &source.sin_addr) != 1 ||
            ::bind(fd, reinterpret_cast<sockaddr*>(&source), sizeof source) != 0) {
            ::close(fd);
            return -1;
        }
    }
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<uint16_t>(port));
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

std::int64_t send_buffer_max_bytes() {
    std::ifstream in("/proc/sys/net/ipv4/tcp_wmem");
    std::int64_t low = 0, initial = 0, most = 0;
    if (in >> low >> initial >> most && most > 0) return most;
    return std::int64_t{4} << 20;  // Linux's default
}

RawAnswer read_until_closed(int fd, int ms) {
    RawAnswer a;
    char buf[65536];
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0) continue;
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) {
            a.closed = true;
            break;
        }
        a.bytes.append(buf, static_cast<std::size_t>(n));
    }
    return a;
}

}  // namespace parley::test
