// Raw TCP connections and HTTP responses (issue 15, defect 4 and P7), against the real
// binary: sockets that never speak, under a small open-files limit, and the security
// headers of static files and errors, read off the wire.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "protocol_peer.hpp"
#include "relay_process.hpp"

using namespace parley::test;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kWait = 10000;

// `count` TCP connections from `from` to 127.0.0.1:port that send nothing. Non-blocking
// connects: whether the relay accepts them or not, the kernel completes them.
std::vector<int> open_idle_sockets(int port, int count, const char* from) {
    std::vector<int> fds;
    for (int i = 0; i < count; ++i) {
        int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) break;
        sockaddr_in local{};
        local.sin_family = AF_INET;
        ::inet_pton(AF_INET, from, &local.sin_addr);
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(static_cast<uint16_t>(port));
        ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
        if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0 ||
            (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0 && errno != EINPROGRESS)) {
            ::close(fd);
            continue;
        }
        fds.push_back(fd);
    }
    return fds;
}

// How many of `fds` the relay has closed (EOF or reset).
int closed_by_peer(const std::vector<int>& fds) {
    int n = 0;
    for (int fd : fds) {
        char c;
        const ssize_t r = ::recv(fd, &c, 1, MSG_DONTWAIT | MSG_PEEK);
        n += r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
    }
    return n;
}

// utime + stime of `pid`, in clock ticks (/proc/PID/stat fields 14 and 15).
long cpu_ticks(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::istringstream rest(stat.substr(stat.rfind(')') + 2));  // after "(comm) "
    std::string field;
    long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
        if (i == 14) utime = std::stol(field);
        if (i == 15) stime = std::stol(field);
    }
    return utime + stime;
}

// A new visitor's connect + hello → welcome, in microseconds; the median of `runs`.
double hello_latency_us(const RelayProcess& relay, int runs) {
    std::vector<double> samples;
    for (int i = 0; i < runs; ++i) {
        const auto t0 = Clock::now();
        ProtocolPeer peer;
        if (!peer.connect(relay.host(), relay.port())) return 1e12;
        if (!peer.hello_new_visitor(kWait)) return 1e12;
        samples.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    }
    std::sort(samples.begin(), samples.end());
    return samples[samples.size() / 2];
}

void close_all(std::vector<int>& fds) {
    for (int fd : fds) ::close(fd);
    fds.clear();
}

// One HTTP/1.1 GET over a fresh socket, with `extra` header lines (each ending in CRLF):
// the response head (status line and headers).
std::string http_head(int port, const std::string& path, const std::string& extra = "") {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
        ::close(fd);
        return {};
    }
    const std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                                (extra.empty() ? "Connection: close\r\n" : extra) + "\r\n";
    (void)::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    std::string got;
    char buf[4096];
    const auto deadline = Clock::now() + std::chrono::seconds(5);
    while (got.find("\r\n\r\n") == std::string::npos && Clock::now() < deadline) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 200) <= 0) continue;
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        got.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    const auto end = got.find("\r\n\r\n");
    std::string head = end == std::string::npos ? got : got.substr(0, end + 2);
    std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) { return std::tolower(c); });
    return head;  // lower case: header names are case-insensitive
}

// The values of header `name` (lower case) in `head`, joined with ", " as HTTP joins a
// repeated header (for CSP: several policies, each enforced); "" when absent.
std::string header(const std::string& head, const std::string& name) {
    std::string values;
    for (auto at = head.find("\r\n" + name + ":"); at != std::string::npos;
         at = head.find("\r\n" + name + ":", at + 1)) {
        auto v = at + name.size() + 3;
        while (v < head.size() && head[v] == ' ') ++v;
        values += (values.empty() ? "" : ", ") + head.substr(v, head.find("\r\n", v) - v);
    }
    return values;
}

}  // namespace

TEST_CASE("Idle raw sockets under a small open-files limit neither spin the relay nor slow others",
          "[integration][sockets]") {
    // 256 files, soft and hard, as a container might give: 192 sockets in all (a
    // reserve of 64), 48 per address. The flood comes from 127.0.0.2, the bystander
    // from 127.0.0.1, so the per-address cap cannot be what protects the bystander.
    RelayOptions o;
    o.max_open_files = 256;
    RelayProcess relay(o);
    auto st = relay.start();
    INFO(st.detail);
    REQUIRE(st.ok);
    const double idle_us = hello_latency_us(relay, 5);
    REQUIRE(idle_us < 1e12);

    const std::size_t log_before = relay.log().size();
    std::vector<int> flood = open_idle_sockets(relay.port(), 600, "127.0.0.2");
    REQUIRE(flood.size() == 600);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));

    // A quiet window: nothing happens but the idle sockets. Before the fix lws retried
    // accept() on EMFILE at once, forever: a whole core and megabytes of log a second.
    const long ticks_before = cpu_ticks(relay.pid());
    std::this_thread::sleep_for(std::chrono::seconds(2));
    const long ticks = cpu_ticks(relay.pid()) - ticks_before;
    const double cpu_share = double(ticks) / double(::sysconf(_SC_CLK_TCK)) / 2.0;
    INFO("relay CPU over 2 quiet seconds: " << cpu_share * 100 << " %");
    CHECK(cpu_share < 0.25);

    const double busy_us = hello_latency_us(relay, 5);
    INFO("hello -> welcome: idle " << idle_us << " us, with 600 idle sockets " << busy_us << " us");
    CHECK(busy_us < 20 * std::max(idle_us, 1000.0));

    const std::size_t log_growth = relay.log().size() - log_before;
    INFO("log grew by " << log_growth << " bytes");
    CHECK(log_growth < 8 * 1024);

    // The sockets over the per-address cap were closed at accept(); the rest have sent
    // no request and are closed at the handshake timeout (5 s by default).
    const auto deadline = Clock::now() + std::chrono::seconds(12);
    while (closed_by_peer(flood) < int(flood.size()) && Clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    CHECK(closed_by_peer(flood) == int(flood.size()));
    close_all(flood);

    // And the relay serves as before.
    CHECK(hello_latency_us(relay, 1) < 1e12);
}

TEST_CASE("One address cannot hold more sockets than its cap; another address still connects",
          "[integration][sockets]") {
    RelayOptions o;
    o.extra_args = {"--max-sockets-per-ip", "20", "--handshake-timeout-secs", "30"};
    RelayProcess relay(o);
    auto st = relay.start();
    INFO(st.detail);
    REQUIRE(st.ok);
    std::vector<int> held = open_idle_sockets(relay.port(), 20, "127.0.0.2");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    std::vector<int> over = open_idle_sockets(relay.port(), 5, "127.0.0.2");
    const auto deadline = Clock::now() + std::chrono::seconds(5);
    while (closed_by_peer(over) < 5 && Clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK(closed_by_peer(over) == 5);  // closed at once, long before the timeout
    CHECK(closed_by_peer(held) == 0);
    ProtocolPeer other;  // from 127.0.0.1
    REQUIRE(other.connect(relay.host(), relay.port()));
    CHECK(other.hello_new_visitor(kWait));

    SECTION("closed sockets free their slots, WebSockets included") {
        close_all(held);
        close_all(over);
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        std::vector<int> again = open_idle_sockets(relay.port(), 20, "127.0.0.2");
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        CHECK(closed_by_peer(again) == 0);
        close_all(again);
        // 30 WebSockets one after the other from 127.0.0.1, over its cap of 20 in all:
        // each is released when it closes.
        for (int i = 0; i < 30; ++i) {
            ProtocolPeer peer;
            INFO("WebSocket " << i);
            REQUIRE(peer.connect(relay.host(), relay.port()));
            REQUIRE(peer.send({{"type", "ping"}, {"n", i}}));
            REQUIRE(peer.wait_type("pong", kWait));
        }
    }
    close_all(held);
    close_all(over);
}

TEST_CASE("Every HTTP response carries nosniff and Referrer-Policy; pages carry their CSP",
          "[integration][sockets][headers]") {
    RelayOptions o;
    o.web_root = std::string(PARLEY_SOURCE_DIR) + "/web";  // the page sources: their HTML is served as is
    o.extra_args = {"--allow-origin", "https://shop.example"};
    RelayProcess relay(o);
    auto st = relay.start();
    INFO(st.detail);
    REQUIRE(st.ok);

    const std::string frame = http_head(relay.port(), "/widget/frame.html");
    INFO(frame);
    CHECK(frame.rfind("http/1.1 200", 0) == 0);
    CHECK(header(frame, "x-content-type-options") == "nosniff");
    CHECK(header(frame, "referrer-policy") == "no-referrer");
    const std::string frame_csp = header(frame, "content-security-policy");
    CHECK(frame_csp.find("script-src 'self' 'wasm-unsafe-eval'") != std::string::npos);
    CHECK(frame_csp.find("frame-ancestors https://shop.example") != std::string::npos);

    const std::string console = http_head(relay.port(), "/console/index.html");
    INFO(console);
    CHECK(console.rfind("http/1.1 200", 0) == 0);
    CHECK(header(console, "x-content-type-options") == "nosniff");
    CHECK(header(console, "content-security-policy").find("frame-ancestors 'none'") != std::string::npos);

    const std::string script = http_head(relay.port(), "/widget/app.css");
    INFO(script);
    CHECK(script.rfind("http/1.1 200", 0) == 0);
    CHECK(header(script, "x-content-type-options") == "nosniff");
    CHECK(header(script, "content-security-policy").find("frame-ancestors 'none'") != std::string::npos);

    const std::string missing = http_head(relay.port(), "/no-such-file.html");
    INFO(missing);
    CHECK(missing.rfind("http/1.1 404", 0) == 0);
    CHECK(header(missing, "x-content-type-options") == "nosniff");
    CHECK(header(missing, "referrer-policy") == "no-referrer");
    CHECK(header(missing, "content-security-policy").find("frame-ancestors https://shop.example") !=
          std::string::npos);

    // A refused upgrade (no parley.v1 subprotocol) is an HTTP 403 with the same headers.
    const std::string refused = http_head(relay.port(), "/ws",
                                          "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                                          "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n");
    INFO(refused);
    CHECK(refused.substr(0, refused.find("\r\n")).find(" 403 ") != std::string::npos);
    CHECK(header(refused, "x-content-type-options") == "nosniff");
    CHECK(header(refused, "content-security-policy").find("frame-ancestors") != std::string::npos);
}
