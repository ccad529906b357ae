#include "ws_client.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>

namespace parley::test {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxReadPerPoll = 64 * 1024;  // see poll()

int ms_left(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left < 0 ? 0 : int(left);
}

std::string lower(std::string s) {
    for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t");
    auto e = s.find_last_not_of(" \t\r");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// Value of header `name` (lower-case) in a raw HTTP response head, or "".
std::string header_value(const std::string& head, const std::string& name) {
    std::size_t at = 0;
    while ((at = head.find("\r\n", at)) != std::string::npos) {
        at += 2;
        auto end = head.find("\r\n", at);
        std::string line = head.substr(at, end == std::string::npos ? std::string::npos : end - at);
        auto colon = line.find(':');
        if (colon != std::string::npos && lower(trim(line.substr(0, colon))) == name) {
            return trim(line.substr(colon + 1));
        }
    }
    return {};
}

}  // namespace

WsClient::WsClient() : rng_(std::random_device{}()) {}

WsClient::~WsClient() { close_socket(); }

std::array<std::uint8_t, 4> WsClient::random_mask() {
    std::uint32_t r = rng_();
    return {std::uint8_t(r), std::uint8_t(r >> 8), std::uint8_t(r >> 16), std::uint8_t(r >> 24)};
}

void WsClient::close_socket() {
    if (ssl_) SSL_free(ssl_);
    if (ssl_ctx_) SSL_CTX_free(ssl_ctx_);
    ssl_ = nullptr;
    ssl_ctx_ = nullptr;
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

long WsClient::write_some(const char* data, std::size_t len) {
    if (!ssl_) return long(::send(fd_, data, len, MSG_NOSIGNAL));
    ERR_clear_error();
    const int n = SSL_write(ssl_, data, int(len));
    if (n > 0) return n;
    const int e = SSL_get_error(ssl_, n);
    errno = e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE ? EAGAIN : EPIPE;
    return -1;
}

long WsClient::read_some(char* data, std::size_t len) {
    if (!ssl_) return long(::recv(fd_, data, len, 0));
    ERR_clear_error();
    const int n = SSL_read(ssl_, data, int(len));
    if (n > 0) return n;
    const int e = SSL_get_error(ssl_, n);
    if (e == SSL_ERROR_ZERO_RETURN) return 0;
    errno = e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE ? EAGAIN : ECONNRESET;
    return -1;
}

bool WsClient::buffered() const { return ssl_ && SSL_pending(ssl_) > 0; }

WsStatus WsClient::start_tls(const std::string& host, int timeout_ms) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    ssl_ctx_ = SSL_CTX_new(TLS_client_method());
    if (!ssl_ctx_) return WsStatus::failure("tls: SSL_CTX_new failed");
    SSL_CTX_set_verify(ssl_ctx_, SSL_VERIFY_NONE, nullptr);  // self-signed: fingerprints instead
    ssl_ = SSL_new(ssl_ctx_);
    if (!ssl_ || SSL_set_fd(ssl_, fd_) != 1) return WsStatus::failure("tls: SSL_new failed");
    SSL_set_tlsext_host_name(ssl_, host.c_str());
    for (;;) {
        ERR_clear_error();
        const int rc = SSL_connect(ssl_);
        if (rc == 1) break;
        const int e = SSL_get_error(ssl_, rc);
        if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
            char reason[256] = "";
            ERR_error_string_n(ERR_peek_last_error(), reason, sizeof reason);
            return WsStatus::failure("tls: handshake failed (" + std::string(reason) + ")");
        }
        pollfd pfd{fd_, short(e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT), 0};
        if (::poll(&pfd, 1, ms_left(deadline)) <= 0) return WsStatus::failure("tls: handshake timed out");
    }
    if (X509* cert = SSL_get1_peer_certificate(ssl_)) {
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int n = 0;
        X509_digest(cert, EVP_sha256(), md, &n);
        X509_free(cert);
        static const char* hex = "0123456789ABCDEF";
        for (unsigned int i = 0; i < n; ++i) {
            if (i) peer_fingerprint_ += ':';
            peer_fingerprint_ += hex[md[i] >> 4];
            peer_fingerprint_ += hex[md[i] & 15];
        }
    }
    return {};
}

void WsClient::drop() {
    close_socket();
    reader_ = WsReader();
}

WsStatus WsClient::connect(const WsConnectOptions& o) {
    close_socket();
    reader_ = WsReader();
    close_sent_ = false;
    const auto deadline = Clock::now() + std::chrono::milliseconds(o.timeout_ms);

    // 1. TCP connect, non-blocking so that the timeout holds.
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    std::string port = std::to_string(o.port);
    if (int rc = ::getaddrinfo(o.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
        return WsStatus::failure("getaddrinfo: " + std::string(gai_strerror(rc)));
    }
    int fd = ::socket(found->ai_family, found->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        ::freeaddrinfo(found);
        return WsStatus::failure("socket: " + std::string(std::strerror(errno)));
    }
    if (!o.source_address.empty()) {  // e.g. 127.0.0.2: another client address on loopback
        addrinfo* source = nullptr;
        hints.ai_family = found->ai_family;
        hints.ai_flags = AI_NUMERICHOST;
        const bool bound = ::getaddrinfo(o.source_address.c_str(), nullptr, &hints, &source) == 0 &&
                           ::bind(fd, source->ai_addr, source->ai_addrlen) == 0;
        const std::string err = std::strerror(errno);
        if (source) ::freeaddrinfo(source);
        if (!bound) {
            ::freeaddrinfo(found);
            ::close(fd);
            return WsStatus::failure("bind " + o.source_address + ": " + err);
        }
    }
    int rc = ::connect(fd, found->ai_addr, found->ai_addrlen);
    ::freeaddrinfo(found);
    if (rc < 0 && errno != EINPROGRESS) {
        std::string err = std::strerror(errno);
        ::close(fd);
        return WsStatus::failure("connect: " + err);
    }
    pollfd pfd{fd, POLLOUT, 0};
    if (rc < 0 && ::poll(&pfd, 1, ms_left(deadline)) <= 0) {
        ::close(fd);
        return WsStatus::failure("connect: timed out");
    }
    int soerr = 0;
    socklen_t len = sizeof soerr;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
    if (soerr != 0) {
        ::close(fd);
        return WsStatus::failure("connect: " + std::string(std::strerror(soerr)));
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fd_ = fd;
    peer_fingerprint_.clear();
    if (o.tls) {
        if (auto st = start_tls(o.host, ms_left(deadline)); !st) {
            close_socket();
            return st;
        }
    }

    // 2. The upgrade request, with a random 16-byte key.
    std::string key_bytes;
    for (int i = 0; i < 4; ++i) {
        auto m = random_mask();
        key_bytes.append(reinterpret_cast<const char*>(m.data()), m.size());
    }
    const std::string key = base64_encode(key_bytes);
    std::string req = "GET " + o.path + " HTTP/1.1\r\n";
    req += "Host: " + (o.host_header.empty() ? o.host + ":" + port : o.host_header) + "\r\n";
    req += "Upgrade: websocket\r\nConnection: Upgrade\r\n";
    req += "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n";
    if (!o.subprotocol.empty()) req += "Sec-WebSocket-Protocol: " + o.subprotocol + "\r\n";
    if (!o.origin.empty()) req += "Origin: " + o.origin + "\r\n";
    for (const std::string& line : o.extra_headers) req += line + "\r\n";
    req += "\r\n";
    if (auto st = write_all(req, ms_left(deadline)); !st) {
        close_socket();
        return st;
    }

    // 3. Read the response head; bytes after it are already WebSocket frames.
    std::string head;
    std::size_t end = std::string::npos;
    while ((end = head.find("\r\n\r\n")) == std::string::npos) {
        pollfd rp{fd_, POLLIN, 0};
        if (!buffered() && ::poll(&rp, 1, ms_left(deadline)) <= 0) {
            close_socket();
            return WsStatus::failure("handshake: timed out; got: " + head);
        }
        char buf[4096];
        long n = read_some(buf, sizeof buf);
        if (n <= 0 && !(n < 0 && (errno == EAGAIN || errno == EINTR))) {
            close_socket();
            return WsStatus::failure("handshake: connection closed; got: " + head);
        }
        if (n > 0) head.append(buf, std::size_t(n));
        if (head.size() > 65536) {
            close_socket();
            return WsStatus::failure("handshake: response head too large");
        }
    }
    if (head.size() > end + 4) reader_.feed(head.data() + end + 4, head.size() - end - 4);
    head.resize(end + 2);  // keep the last header's CRLF for header_value()

    const std::string status_line = head.substr(0, head.find("\r\n"));
    auto fail = [&](const std::string& why) {
        close_socket();
        return WsStatus::failure("handshake: " + why + " (" + status_line + ")");
    };
    if (status_line.compare(0, 12, "HTTP/1.1 101") != 0) return fail("not 101");
    if (lower(header_value(head, "upgrade")) != "websocket") return fail("bad Upgrade");
    if (lower(header_value(head, "connection")).find("upgrade") == std::string::npos) {
        return fail("bad Connection");
    }
    if (header_value(head, "sec-websocket-accept") != ws_accept_for(key)) {
        return fail("wrong Sec-WebSocket-Accept");
    }
    if (!o.subprotocol.empty() && header_value(head, "sec-websocket-protocol") != o.subprotocol) {
        return fail("subprotocol not accepted");
    }
    return {};
}

WsStatus WsClient::write_all(std::string_view bytes, int timeout_ms) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (!bytes.empty()) {
        if (fd_ < 0) return WsStatus::failure("write: not connected");
        long n = write_some(bytes.data(), bytes.size());
        if (n > 0) {
            bytes.remove_prefix(std::size_t(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
            return WsStatus::failure("write: " + std::string(std::strerror(errno)));
        }
        pollfd pfd{fd_, POLLOUT, 0};
        if (::poll(&pfd, 1, ms_left(deadline)) <= 0) return WsStatus::failure("write: timed out");
    }
    return {};
}

WsStatus WsClient::send_text(std::string_view text) {
    if (fd_ < 0 || close_sent_) return WsStatus::failure("send: connection is closed");
    return write_all(ws_encode_frame(ws_op::text, text, random_mask()), 5000);
}

WsStatus WsClient::send_raw(std::string_view bytes) { return write_all(bytes, 5000); }

void WsClient::handle_event(WsEvent ev, WsPollResult& out) {
    switch (ev.kind) {
        case WsEvent::Kind::text:
            out.texts.push_back(std::move(ev.payload));
            break;
        case WsEvent::Kind::binary:
        case WsEvent::Kind::pong:
            break;
        case WsEvent::Kind::ping:
            if (!close_sent_) (void)write_all(ws_encode_frame(ws_op::pong, ev.payload, random_mask()), 1000);
            break;
        case WsEvent::Kind::close:
            // Echo the close (RFC 6455 §5.5.1) unless we started the closing handshake.
            if (!close_sent_) {
                (void)write_all(ws_encode_frame(ws_op::close, ws_close_payload(ev.close_code == 1005 ? 1000 : ev.close_code),
                                                random_mask()),
                                1000);
            }
            out.closed = true;
            out.close_code = ev.close_code;
            out.close_reason = std::move(ev.payload);
            close_socket();
            break;
        case WsEvent::Kind::error:
            (void)write_all(ws_encode_frame(ws_op::close, ws_close_payload(1002), random_mask()), 1000);
            out.closed = true;
            out.close_code = 1002;
            out.close_reason = std::move(ev.payload);
            close_socket();
            break;
    }
}

WsPollResult WsClient::poll(int timeout_ms) {
    WsPollResult out;
    // Events already buffered come first; only wait when there are none.
    while (fd_ >= 0) {
        auto ev = reader_.next();
        if (!ev) break;
        handle_event(std::move(*ev), out);
    }
    if (fd_ < 0 || !out.texts.empty() || out.closed) return out;

    pollfd pfd{fd_, POLLIN, 0};
    int ready = buffered() ? 1 : ::poll(&pfd, 1, timeout_ms < 0 ? 0 : timeout_ms);
    if (ready <= 0) return out;

    // Read what there is now, up to 64 KiB, then hand back the whole events. Bounded:
    // against a relay that keeps sending, "until EAGAIN" could read a whole long answer
    // in one poll, and a test's reader that means to stop after some frame would not.
    bool eof = false;
    for (std::size_t taken = 0; taken < kMaxReadPerPoll;) {
        char buf[16384];
        long n = read_some(buf, sizeof buf);
        if (n > 0) {
            reader_.feed(buf, std::size_t(n));
            taken += std::size_t(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) eof = true;
        break;
    }
    while (fd_ >= 0) {
        auto ev = reader_.next();
        if (!ev) break;
        handle_event(std::move(*ev), out);
    }
    if (eof && fd_ >= 0) {
        out.closed = true;
        out.close_code = 1006;  // "abnormal closure": no close frame (RFC 6455 §7.4.1)
        close_socket();
    }
    return out;
}

void WsClient::close(int code, int timeout_ms) {
    if (fd_ < 0) return;
    if (!close_sent_) {
        close_sent_ = true;
        (void)write_all(ws_encode_frame(ws_op::close, ws_close_payload(code), random_mask()), timeout_ms);
    }
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (fd_ >= 0) {
        auto r = poll(ms_left(deadline));
        if (r.closed || ms_left(deadline) == 0) break;
    }
    close_socket();
}

}  // namespace parley::test
