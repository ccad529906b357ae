#include "ws_client.hpp"

#include "clock.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>

namespace parley::load {

namespace {

// ---- SHA-1 and base64, for Sec-WebSocket-Accept only -----------------------------

std::uint32_t rol(std::uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

std::array<std::uint8_t, 20> sha1(std::string_view data) {
    std::uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
    std::string m(data);
    const std::uint64_t bits = std::uint64_t(data.size()) * 8;
    m.push_back(char(0x80));
    while (m.size() % 64 != 56) m.push_back('\0');
    for (int i = 7; i >= 0; --i) m.push_back(char(bits >> (8 * i)));
    for (std::size_t off = 0; off < m.size(); off += 64) {
        std::uint32_t w[80];
        for (int i = 0; i < 16; ++i) {
            const auto* p = reinterpret_cast<const unsigned char*>(m.data() + off + 4 * i);
            w[i] = std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | p[3];
        }
        for (int i = 16; i < 80; ++i) w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
        std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
        for (int i = 0; i < 80; ++i) {
            std::uint32_t f, k;
            if (i < 20) f = (b & c) | (~b & d), k = 0x5A827999;
            else if (i < 40) f = b ^ c ^ d, k = 0x6ED9EBA1;
            else if (i < 60) f = (b & c) | (b & d) | (c & d), k = 0x8F1BBCDC;
            else f = b ^ c ^ d, k = 0xCA62C1D6;
            const std::uint32_t t = rol(a, 5) + f + e + k + w[i];
            e = d, d = c, c = rol(b, 30), b = a, a = t;
        }
        h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e;
    }
    std::array<std::uint8_t, 20> out{};
    for (int i = 0; i < 20; ++i) out[i] = std::uint8_t(h[i / 4] >> (24 - 8 * (i % 4)));
    return out;
}

std::string base64(const std::uint8_t* p, std::size_t n) {
    static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < n; i += 3) {
        std::uint32_t v = std::uint32_t(p[i]) << 16;
        if (i + 1 < n) v |= std::uint32_t(p[i + 1]) << 8;
        if (i + 2 < n) v |= p[i + 2];
        out += t[(v >> 18) & 63];
        out += t[(v >> 12) & 63];
        out += i + 1 < n ? t[(v >> 6) & 63] : '=';
        out += i + 2 < n ? t[v & 63] : '=';
    }
    return out;
}

std::string accept_for(const std::string& key) {
    const auto d = sha1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
    return base64(d.data(), d.size());
}

// The value of header `name` (lower case, with the colon) in a response head, or "".
std::string header(std::string_view head, std::string_view name) {
    std::size_t at = 0;
    while ((at = head.find("\r\n", at)) != std::string_view::npos) {
        at += 2;
        if (head.size() - at < name.size()) break;
        bool same = true;
        for (std::size_t i = 0; i < name.size() && same; ++i)
            same = char(std::tolower(static_cast<unsigned char>(head[at + i]))) == name[i];
        if (!same) continue;
        std::size_t b = at + name.size(), e = head.find("\r\n", b);
        if (e == std::string_view::npos) e = head.size();
        while (b < e && (head[b] == ' ' || head[b] == '\t')) ++b;
        while (e > b && (head[e - 1] == ' ' || head[e - 1] == '\t')) --e;
        return std::string(head.substr(b, e - b));
    }
    return {};
}

std::uint64_t xorshift(std::uint64_t& s) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
}

}  // namespace

// ---- WsConn ------------------------------------------------------------------------

std::uint32_t WsConn::next_mask() { return std::uint32_t(xorshift(rng_) >> 16); }

bool WsConn::send(std::uint8_t opcode, std::string_view payload) {
    if (state_ != State::open && !(state_ == State::closing && opcode == ws_op::close)) return false;
    if (out_pending() > loop_->max_out && opcode < 0x8) {
        ++loop_->stats_.refused_sends;
        return false;
    }
    if (out_off_ == out_.size()) {  // everything written: reuse from the start
        out_.clear();
        out_off_ = 0;
    }
    const std::size_t n = payload.size();
    unsigned char head[14];
    std::size_t h = 0;
    head[h++] = std::uint8_t(0x80 | opcode);
    if (n < 126) {
        head[h++] = std::uint8_t(0x80 | n);
    } else if (n < 65536) {
        head[h++] = 0x80 | 126;
        head[h++] = std::uint8_t(n >> 8);
        head[h++] = std::uint8_t(n);
    } else {
        head[h++] = 0x80 | 127;
        for (int i = 7; i >= 0; --i) head[h++] = std::uint8_t(std::uint64_t(n) >> (8 * i));
    }
    const std::uint32_t mask = next_mask();
    std::memcpy(head + h, &mask, 4);
    h += 4;
    const std::size_t at = out_.size();
    out_.resize(at + h + n);  // amortised: the buffer keeps its capacity
    char* dst = out_.data() + at;
    std::memcpy(dst, head, h);
    dst += h;
    // Mask 8 bytes at a time; the mask repeats every 4 bytes, so the 64-bit word is the
    // 32-bit mask twice.
    const std::uint64_t m64 = std::uint64_t(mask) | std::uint64_t(mask) << 32;
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        std::uint64_t w;
        std::memcpy(&w, payload.data() + i, 8);
        w ^= m64;
        std::memcpy(dst + i, &w, 8);
    }
    const auto* mb = reinterpret_cast<const unsigned char*>(&mask);
    for (; i < n; ++i) dst[i] = char(payload[i] ^ mb[i & 3]);
    ++loop_->stats_.frames_out;
    loop_->mark_dirty(*this);
    return true;
}

void WsConn::close(int code) {
    if (state_ != State::open) {
        if (state_ == State::connecting || state_ == State::handshaking) drop();
        return;
    }
    state_ = State::closing;
    const char payload[2] = {char(code >> 8), char(code & 0xff)};
    send(ws_op::close, std::string_view(payload, 2));
}

void WsConn::drop() {
    if (state_ == State::closed) return;
    ::epoll_ctl(loop_->epfd_, EPOLL_CTL_DEL, fd_, nullptr);
    ::close(fd_);
    fd_ = -1;
    if (opened_) --loop_->open_;
    --loop_->live_;
    state_ = State::closed;
    loop_->dead_.push_back(this);
}

// ---- Loop --------------------------------------------------------------------------

Loop::Loop() : epfd_(::epoll_create1(EPOLL_CLOEXEC)) {
    seed_ = std::uint64_t(std::chrono::steady_clock::now().time_since_epoch().count()) | 1;
}

Loop::~Loop() {
    for (auto& c : conns_)
        if (c && c->fd_ >= 0) ::close(c->fd_);
    if (epfd_ >= 0) ::close(epfd_);
}

WsConn* Loop::connect(const WsTarget& target, WsHandler& handler, std::uint32_t source_ip) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        last_error_ = std::string("socket: ") + std::strerror(errno);
        return nullptr;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (source_ip) {
        // Choose the port at connect() time, per destination: many more connections
        // per source address than a bind() to port 0 would allow.
        ::setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
        sockaddr_in src{};
        src.sin_family = AF_INET;
        src.sin_addr.s_addr = htonl(source_ip);
        if (::bind(fd, reinterpret_cast<sockaddr*>(&src), sizeof src) < 0) {
            last_error_ = std::string("bind: ") + std::strerror(errno);
            ::close(fd);
            return nullptr;
        }
    }
    sockaddr_in dst{};
    dst.sin_family = AF_INET;
    dst.sin_port = htons(std::uint16_t(target.port));
    dst.sin_addr.s_addr = htonl(target.ip);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&dst), sizeof dst) < 0 && errno != EINPROGRESS) {
        last_error_ = std::string("connect: ") + std::strerror(errno);
        ::close(fd);
        return nullptr;
    }
    std::uint32_t id;
    if (!free_ids_.empty()) {
        id = free_ids_.back();
        free_ids_.pop_back();
    } else {
        id = std::uint32_t(conns_.size());
        conns_.emplace_back();
    }
    conns_[id].reset(new WsConn());
    WsConn& c = *conns_[id];
    c.loop_ = this;
    c.handler_ = &handler;
    c.id_ = id;
    c.fd_ = fd;
    c.state_ = WsConn::State::connecting;
    c.target_ = &target;
    c.rng_ = seed_ ^ (std::uint64_t(id + 1) * 0x9E3779B97F4A7C15ull);
    xorshift(c.rng_);
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    ev.data.u32 = id;
    ::epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev);
    ++live_;
    return &c;
}

void Loop::run_once(int timeout_ms) {
    flush();  // what the caller queued goes out before the wait, not after it
    epoll_event events[256];
    dispatch(events, ::epoll_wait(epfd_, events, 256, timeout_ms));
}

void Loop::run_until(std::int64_t deadline_ns) {
    flush();
    const std::int64_t wait = std::clamp<std::int64_t>(deadline_ns - now_ns(), 0, 50'000'000);
    const timespec timeout{time_t(wait / 1'000'000'000), long(wait % 1'000'000'000)};
    epoll_event events[256];
    int n = ::epoll_pwait2(epfd_, events, 256, &timeout, nullptr);
    if (n < 0 && errno == ENOSYS) n = ::epoll_wait(epfd_, events, 256, int((wait + 999'999) / 1'000'000));
    dispatch(events, n);
}

void Loop::dispatch(const epoll_event* events, int n) {
    for (int i = 0; i < n; ++i) {
        const std::uint32_t id = events[i].data.u32;
        if (id < conns_.size() && conns_[id] && conns_[id]->state_ != WsConn::State::closed)
            on_event(*conns_[id], events[i].events);
    }
    flush();
    for (WsConn* c : dead_) {
        free_ids_.push_back(c->id_);
        conns_[c->id_].reset();
    }
    dead_.clear();
}

void Loop::flush() {
    // write_some may add to dirty_ (never while iterating: it only writes).
    for (std::size_t i = 0; i < dirty_.size(); ++i) {
        WsConn* c = dirty_[i];
        c->dirty_ = false;
        if (c->state_ != WsConn::State::closed) write_some(*c);
    }
    dirty_.clear();
}

void Loop::mark_dirty(WsConn& c) {
    if (c.dirty_) return;
    c.dirty_ = true;
    dirty_.push_back(&c);
}

void Loop::on_event(WsConn& c, std::uint32_t events) {
    if (c.state_ == WsConn::State::connecting) {
        if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) return;
        int err = 0;
        socklen_t len = sizeof err;
        ::getsockopt(c.fd_, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err || (events & (EPOLLERR | EPOLLHUP))) {
            ++stats_.handshake_failures;
            last_error_ = std::string("connect: ") + std::strerror(err ? err : ECONNREFUSED);
            return finish(c, 1006);
        }
        start_handshake(c);
    }
    if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) read_some(c);
    if (c.state_ != WsConn::State::closed && (events & EPOLLOUT)) write_some(c);
}

void Loop::start_handshake(WsConn& c) {
    c.state_ = WsConn::State::handshaking;
    std::uint8_t key[16];
    for (int i = 0; i < 16; i += 8) {
        const std::uint64_t r = xorshift(c.rng_);
        std::memcpy(key + i, &r, 8);
    }
    c.key_ = base64(key, sizeof key);
    const WsTarget& t = *c.target_;
    char ip[INET_ADDRSTRLEN];
    const std::uint32_t be = htonl(t.ip);
    ::inet_ntop(AF_INET, &be, ip, sizeof ip);
    const std::string host = std::string(ip) + ":" + std::to_string(t.port);
    c.out_ = "GET " + t.path + " HTTP/1.1\r\nHost: " + host +
             "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + c.key_ +
             "\r\nSec-WebSocket-Version: 13\r\n";
    if (!t.subprotocol.empty()) c.out_ += "Sec-WebSocket-Protocol: " + t.subprotocol + "\r\n";
    if (!t.origin.empty()) c.out_ += "Origin: " + t.origin + "\r\n";
    c.out_ += "\r\n";
    c.out_off_ = 0;
    c.in_.resize(4096);
    c.in_len_ = 0;
    mark_dirty(c);
}

void Loop::read_some(WsConn& c) {
    for (;;) {
        // Small at first (10 000 idle connections hold 10 000 of these), doubled while
        // the peer sends faster than one recv() takes.
        if (c.in_.size() - c.in_len_ < 1024) c.in_.resize(std::max<std::size_t>(c.in_.size() * 2, 4096));
        const ssize_t n = ::recv(c.fd_, c.in_.data() + c.in_len_, c.in_.size() - c.in_len_, 0);
        if (n > 0) {
            stats_.bytes_in += std::size_t(n);
            c.in_len_ += std::size_t(n);
            if (c.state_ == WsConn::State::handshaking) parse_handshake(c);
            else parse_frames(c);
            if (c.state_ == WsConn::State::closed) return;
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
        if (c.state_ == WsConn::State::handshaking) {
            ++stats_.handshake_failures;
            last_error_ = "handshake: connection closed";
        }
        return finish(c, c.close_code_);  // EOF or error
    }
}

void Loop::parse_handshake(WsConn& c) {
    const std::string_view buf(c.in_.data(), c.in_len_);
    const std::size_t end = buf.find("\r\n\r\n");
    if (end == std::string_view::npos) {
        if (buf.size() > 16384) {
            ++stats_.handshake_failures;
            last_error_ = "handshake: response head too large";
            finish(c, 1006);
        }
        return;
    }
    const std::string_view head = buf.substr(0, end + 2);
    std::string why;
    if (head.compare(0, 12, "HTTP/1.1 101") != 0)
        why = "not 101: " + std::string(head.substr(0, head.find("\r\n")));
    else if (header(head, "sec-websocket-accept:") != accept_for(c.key_))
        why = "wrong Sec-WebSocket-Accept";
    else if (!c.target_->subprotocol.empty() &&
             header(head, "sec-websocket-protocol:") != c.target_->subprotocol)
        why = "subprotocol not accepted";
    if (!why.empty()) {
        ++stats_.handshake_failures;
        last_error_ = "handshake: " + why;
        return finish(c, 1006);
    }
    const std::size_t used = end + 4;
    std::memmove(c.in_.data(), c.in_.data() + used, c.in_len_ - used);
    c.in_len_ -= used;
    c.state_ = WsConn::State::open;
    c.opened_ = true;
    ++open_;
    c.handler_->on_open(c);
    if (c.state_ != WsConn::State::closed) parse_frames(c);
}

void Loop::parse_frames(WsConn& c) {
    std::size_t pos = 0;
    const auto* b = reinterpret_cast<const unsigned char*>(c.in_.data());
    while (c.state_ != WsConn::State::closed) {
        const std::size_t avail = c.in_len_ - pos;
        if (avail < 2) break;
        const unsigned char* p = b + pos;
        const bool fin = p[0] & 0x80;
        const std::uint8_t op = p[0] & 0x0f;
        const bool masked = p[1] & 0x80;
        std::uint64_t len = p[1] & 0x7f;
        std::size_t h = 2;
        if (len == 126) {
            if (avail < 4) break;
            len = std::uint64_t(p[2]) << 8 | p[3];
            h = 4;
        } else if (len == 127) {
            if (avail < 10) break;
            len = 0;
            for (int i = 0; i < 8; ++i) len = len << 8 | p[2 + i];
            h = 10;
        }
        if (masked) h += 4;  // servers must not mask; tolerate it
        if (len > (64u << 20)) {
            last_error_ = "frame too large";
            return finish(c, 1009);
        }
        if (avail < h + len) {
            if (c.in_.size() < pos + h + len) c.in_.resize(std::max<std::size_t>(c.in_.size() * 2, pos + h + len + 4096));
            break;
        }
        char* payload = c.in_.data() + pos + h;
        if (masked)
            for (std::uint64_t i = 0; i < len; ++i) payload[i] ^= char(p[h - 4 + (i & 3)]);
        const std::string_view data(payload, std::size_t(len));
        pos += h + std::size_t(len);
        ++stats_.frames_in;
        if (op == ws_op::ping) {
            // Copy: send() may grow out_, never in_, so `data` stays valid anyway.
            c.send(ws_op::pong, data);
        } else if (op == ws_op::pong) {
        } else if (op == ws_op::close) {
            c.close_code_ = data.size() >= 2 ? (std::uint8_t(data[0]) << 8 | std::uint8_t(data[1])) : 1005;
            if (c.state_ == WsConn::State::open) c.close(c.close_code_);
            write_some(c);
            return finish(c, c.close_code_);
        } else if (op == 0) {
            c.frag_.append(data);
            if (fin) {
                c.handler_->on_message(c, c.frag_op_, c.frag_);
                c.frag_.clear();
            }
        } else if (!fin) {
            c.frag_op_ = op;
            c.frag_.assign(data);
        } else {
            c.handler_->on_message(c, op, data);
        }
        b = reinterpret_cast<const unsigned char*>(c.in_.data());  // a handler never grows in_, but be safe
    }
    if (c.state_ == WsConn::State::closed) return;
    if (pos) {
        std::memmove(c.in_.data(), c.in_.data() + pos, c.in_len_ - pos);
        c.in_len_ -= pos;
    }
}

void Loop::write_some(WsConn& c) {
    while (c.out_off_ < c.out_.size()) {
        const ssize_t n = ::send(c.fd_, c.out_.data() + c.out_off_, c.out_.size() - c.out_off_, MSG_NOSIGNAL);
        if (n > 0) {
            stats_.bytes_out += std::size_t(n);
            c.out_off_ += std::size_t(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;  // EPOLLOUT will come
        return finish(c, 1006);
    }
    c.out_.clear();
    c.out_off_ = 0;
}

void Loop::finish(WsConn& c, int code) {
    if (c.state_ == WsConn::State::closed) return;
    const bool opened = c.opened_;
    c.drop();
    c.handler_->on_closed(c, code, opened);
}

}  // namespace parley::load
