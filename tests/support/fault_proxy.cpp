#include "fault_proxy.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <list>
#include <random>
#include <vector>

namespace parley::test {

namespace {

using Clock = std::chrono::steady_clock;

std::int64_t mono_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch()).count();
}

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

// Closes with an RST instead of a FIN: the peer sees "connection reset", as on a cut.
void reset_close(int fd) {
    if (fd < 0) return;
    linger l{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    ::close(fd);
}

// One direction of a connection: bytes waiting for their delivery time.
struct Pipe {
    struct Chunk {
        std::int64_t due;
        std::string bytes;
    };
    std::deque<Chunk> chunks;
    std::int64_t last_due = 0;
    bool eof = false;  // the source half-closed; forward the FIN once drained
};

struct Link {
    int client = -1;
    int upstream = -1;
    std::int64_t cut_at = 0;  // 0: never
    Pipe up;    // client → upstream
    Pipe down;  // upstream → client
    bool dead = false;  // a socket failed (the peer went away): close both
};

int connect_loopback(const std::string& host, int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, host.c_str(), &a.sin_addr);
    // Loopback: a blocking connect either succeeds or is refused at once.
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(fd);
        return -1;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    set_nonblocking(fd);
    return fd;
}

}  // namespace

FaultProxy::FaultProxy(std::string target_host, int target_port, std::uint64_t seed)
    : host_(std::move(target_host)), target_port_(target_port), seed_(seed) {}

FaultProxy::~FaultProxy() {
    stop_ = true;
    if (wake_[1] >= 0) (void)!::write(wake_[1], "x", 1);
    if (thread_.joinable()) thread_.join();
    for (int fd : {listen_fd_, wake_[0], wake_[1]})
        if (fd >= 0) ::close(fd);
}

int FaultProxy::start() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (listen_fd_ < 0) return -1;
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = 0;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(listen_fd_, 256) != 0)
        return -1;
    socklen_t len = sizeof a;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    set_nonblocking(listen_fd_);
    if (::pipe(wake_) != 0) return -1;
    set_nonblocking(wake_[0]);
    thread_ = std::thread([this] { run(); });
    return port_;
}

void FaultProxy::set_faults(Faults faults) {
    std::lock_guard<std::mutex> lock(mu_);
    faults_ = faults;
}

void FaultProxy::cut_all() {
    cut_all_ = true;
    (void)!::write(wake_[1], "x", 1);
}

FaultProxyStats FaultProxy::stats() const {
    std::lock_guard<std::mutex> lock(mu_);
    return stats_;
}

void FaultProxy::run() {
    std::mt19937_64 rng(seed_);
    std::list<Link> links;
    auto faults = [&] {
        std::lock_guard<std::mutex> lock(mu_);
        return faults_;
    };
    auto count = [&](auto field, std::uint64_t n = 1) {
        std::lock_guard<std::mutex> lock(mu_);
        stats_.*field += n;
    };
    auto delay = [&](const Faults& f) -> std::int64_t {
        if (f.delay_max_ms <= f.delay_min_ms) return f.delay_min_ms;
        return std::uniform_int_distribution<int>(f.delay_min_ms, f.delay_max_ms)(rng);
    };
    auto life = [&](const Faults& f) -> std::int64_t {
        if (f.mean_life_ms <= 0) return 0;
        std::exponential_distribution<double> d(1.0 / f.mean_life_ms);
        return mono_ms() + 1 + static_cast<std::int64_t>(d(rng));
    };
    // Reads what is available from `from` into `pipe`; false when the link must die.
    auto pull = [&](int from, Pipe& pipe, const Faults& f) {
        char buf[16384];
        for (;;) {
            ssize_t n = ::recv(from, buf, sizeof buf, 0);
            if (n > 0) {
                const std::int64_t due = std::max(pipe.last_due, mono_ms() + delay(f));
                pipe.last_due = due;
                pipe.chunks.push_back({due, std::string(buf, static_cast<std::size_t>(n))});
                count(&FaultProxyStats::bytes, static_cast<std::uint64_t>(n));
                continue;
            }
            if (n == 0) {
                pipe.eof = true;
                return true;
            }
            return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
        }
    };
    // Writes what is due from `pipe` to `to`; false when the link must die.
    auto push = [&](Pipe& pipe, int to) {
        const std::int64_t now = mono_ms();
        while (!pipe.chunks.empty() && pipe.chunks.front().due <= now) {
            std::string& bytes = pipe.chunks.front().bytes;
            ssize_t n = ::send(to, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
            bytes.erase(0, static_cast<std::size_t>(n));
            if (!bytes.empty()) return true;
            pipe.chunks.pop_front();
        }
        if (pipe.chunks.empty() && pipe.eof) ::shutdown(to, SHUT_WR);
        return true;
    };

    while (!stop_) {
        const Faults f = faults();
        const std::int64_t now = mono_ms();
        const bool everyone = cut_all_.exchange(false);

        // Deaths: scheduled cuts, or both directions finished.
        for (auto it = links.begin(); it != links.end();) {
            Link& l = *it;
            const bool cut = everyone || (l.cut_at && now >= l.cut_at);
            const bool done = l.up.eof && l.down.eof && l.up.chunks.empty() && l.down.chunks.empty();
            if (cut || l.dead || done) {
                if (cut) count(&FaultProxyStats::cuts);
                if (done && !cut && !l.dead) {
                    ::close(l.client);
                    ::close(l.upstream);
                } else {
                    reset_close(l.client);
                    reset_close(l.upstream);
                }
                it = links.erase(it);
            } else {
                // A schedule that was switched off (or on) applies to live links too.
                if (f.mean_life_ms <= 0) l.cut_at = 0;
                else if (!l.cut_at) l.cut_at = life(f);
                ++it;
            }
        }

        // Poll: the listener, the wake pipe, every socket for input (and for output
        // when something is due), and wake up for the next due chunk or cut.
        std::vector<pollfd> fds;
        fds.push_back({listen_fd_, POLLIN, 0});
        fds.push_back({wake_[0], POLLIN, 0});
        std::int64_t wait = 50;
        auto consider = [&](std::int64_t at) { wait = std::min(wait, std::max<std::int64_t>(0, at - now)); };
        for (Link& l : links) {
            if (!l.up.chunks.empty()) consider(l.up.chunks.front().due);
            if (!l.down.chunks.empty()) consider(l.down.chunks.front().due);
            if (l.cut_at) consider(l.cut_at);
            // Input while the source is open; output when something is due for it
            // (upstream receives `up`, the client receives `down`).
            short client_ev = l.up.eof ? 0 : POLLIN, upstream_ev = l.down.eof ? 0 : POLLIN;
            if (!l.down.chunks.empty() && l.down.chunks.front().due <= now) client_ev |= POLLOUT;
            if (!l.up.chunks.empty() && l.up.chunks.front().due <= now) upstream_ev |= POLLOUT;
            fds.push_back({l.client, client_ev, 0});
            fds.push_back({l.upstream, upstream_ev, 0});
        }
        ::poll(fds.data(), fds.size(), static_cast<int>(wait));
        if (fds[1].revents & POLLIN) {
            char drain[64];
            while (::read(wake_[0], drain, sizeof drain) > 0) {
            }
        }

        // New clients.
        if (fds[0].revents & POLLIN) {
            for (;;) {
                int c = ::accept(listen_fd_, nullptr, nullptr);
                if (c < 0) break;
                count(&FaultProxyStats::accepted);
                int one = 1;
                ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                int u = connect_loopback(host_, target_port_);
                if (u < 0) {
                    count(&FaultProxyStats::upstream_refused);
                    reset_close(c);
                    continue;
                }
                set_nonblocking(c);
                Link l;
                l.client = c;
                l.upstream = u;
                l.cut_at = life(f);
                links.push_back(std::move(l));
            }
        }

        // Traffic, in both directions.
        std::size_t i = 2;
        for (Link& l : links) {
            if (i + 1 >= fds.size()) break;  // accepted during this turn: next turn
            const pollfd& cfd = fds[i++];
            const pollfd& ufd = fds[i++];
            bool ok = true;
            if (cfd.revents & (POLLIN | POLLHUP | POLLERR)) ok = ok && pull(l.client, l.up, f);
            if (ufd.revents & (POLLIN | POLLHUP | POLLERR)) ok = ok && pull(l.upstream, l.down, f);
            ok = ok && push(l.up, l.upstream) && push(l.down, l.client);
            if (!ok) l.dead = true;
        }
    }
    for (Link& l : links) {
        reset_close(l.client);
        reset_close(l.upstream);
    }
}

}  // namespace parley::test
