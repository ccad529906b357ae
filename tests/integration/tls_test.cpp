// TLS in the relay (--tls-cert/--tls-key, SIGHUP reload, HSTS) and client addresses
// behind trusted proxies (--trusted-proxy), against the real binary (issue 15, P7).
// Certificates are made at test time with the openssl CLI, in the test's own temp dir.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "protocol_peer.hpp"
#include "relay_process.hpp"

using namespace parley::test;
namespace fs = std::filesystem;

namespace {

constexpr int kWait = 5000;

// A directory of its own for the certificates, removed at the end.
struct TempDir {
    fs::path path;
    TempDir() {
        char pattern[] = "/tmp/parley-tls-XXXXXX";
        path = ::mkdtemp(pattern);
    }
    ~TempDir() {
        std::error_code ec;
        if (!std::getenv("PARLEY_KEEP_TMP")) fs::remove_all(path, ec);
    }
};

// Runs `command` in a shell and returns what it printed on stdout.
std::string run(const std::string& command) {
    std::string out;
    FILE* p = ::popen(command.c_str(), "r");
    if (!p) return out;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    ::pclose(p);
    return out;
}

// A self-signed certificate for localhost (EC P-256) at `cert`/`key`; returns its
// SHA-256 fingerprint as `openssl x509 -fingerprint` prints it ("AB:CD:…").
std::string make_certificate(const fs::path& cert, const fs::path& key, const std::string& cn = "localhost") {
    const std::string made = run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2"
                                 " -subj /CN=" + cn + " -keyout '" + key.string() + "' -out '" + cert.string() +
                                 "' >/dev/null 2>&1 && echo made");
    REQUIRE(made == "made\n");
    std::string fp = run("openssl x509 -noout -fingerprint -sha256 -in '" + cert.string() + "'");
    fp = fp.substr(fp.find('=') + 1);
    while (!fp.empty() && (fp.back() == '\n' || fp.back() == '\r')) fp.pop_back();
    return fp;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

// One HTTPS GET through `openssl s_client`; the response, head and body, lower-cased.
std::string https_get(int port, const std::string& path) {
    return lower(run("printf 'GET " + path + " HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' | "
                     "timeout 10 openssl s_client -quiet -connect 127.0.0.1:" + std::to_string(port) +
                     " 2>/dev/null"));
}

// One plain HTTP GET over a socket; the response, lower-cased.
std::string http_get(int port, const std::string& path) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string out;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
        const std::string req = "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
        (void)::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
        char buf[4096];
        ssize_t n;
        while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) out.append(buf, std::size_t(n));
    }
    ::close(fd);
    return lower(out);
}

WsConnectOptions wss(const RelayProcess& relay) {
    WsConnectOptions o;
    o.host = relay.host();
    o.port = relay.port();
    o.tls = true;
    return o;
}

}  // namespace

TEST_CASE("With --tls-cert a visitor says hello and gets a welcome over wss://", "[integration][tls]") {
    TempDir dir;
    const std::string fingerprint = make_certificate(dir.path / "cert.pem", dir.path / "key.pem");
    RelayOptions o;
    o.extra_args = {"--tls-cert", (dir.path / "cert.pem").string(), "--tls-key", (dir.path / "key.pem").string()};
    RelayProcess relay(o);
    auto st = relay.start();
    INFO(st.detail);
    REQUIRE(st.ok);
    CHECK(relay.log().find("listening on https://") != std::string::npos);

    ProtocolPeer visitor;
    REQUIRE(visitor.connect(wss(relay)));
    CHECK(visitor.transport().peer_fingerprint() == fingerprint);
    auto welcome = visitor.hello_new_visitor(kWait);
    REQUIRE(welcome);
    CHECK_FALSE(welcome->conv.empty());

    SECTION("the relay's own https:// origin may open a WebSocket; its http:// one may not") {
        WsConnectOptions page = wss(relay);
        page.origin = "https://127.0.0.1:" + std::to_string(relay.port());
        ProtocolPeer browser;
        CHECK(browser.connect(page));
        page.origin = "http://127.0.0.1:" + std::to_string(relay.port());
        CHECK_FALSE(browser.connect(page));
    }
    SECTION("plain ws:// is not served on the TLS port") {
        ProtocolPeer plain;
        CHECK_FALSE(plain.connect(relay.host(), relay.port()));
    }
}

TEST_CASE("Every HTTPS response carries Strict-Transport-Security; plain http never does",
          "[integration][tls][headers]") {
    TempDir dir;
    make_certificate(dir.path / "cert.pem", dir.path / "key.pem");
    RelayOptions o;
    o.web_root = std::string(PARLEY_SOURCE_DIR) + "/web";
    o.extra_args = {"--tls-cert", (dir.path / "cert.pem").string(), "--tls-key", (dir.path / "key.pem").string()};
    RelayProcess relay(o);
    auto st = relay.start();
    INFO(st.detail);
    REQUIRE(st.ok);
    for (const char* path : {"/widget/frame.html", "/no-such-file.html"}) {
        const std::string response = https_get(relay.port(), path);
        INFO(path << ": " << response.substr(0, 600));
        CHECK(response.rfind("http/1.1 ", 0) == 0);
        CHECK(response.find("\r\nstrict-transport-security: max-age=31536000\r\n") != std::string::npos);
        CHECK(response.find("\r\nx-content-type-options: nosniff\r\n") != std::string::npos);
    }

    RelayOptions plain_options;
    plain_options.web_root = o.web_root;
    RelayProcess plain(plain_options);
    st = plain.start();
    INFO(st.detail);
    REQUIRE(st.ok);
    const std::string response = http_get(plain.port(), "/widget/frame.html");
    INFO(response.substr(0, 600));
    CHECK(response.rfind("http/1.1 200", 0) == 0);
    CHECK(response.find("strict-transport-security") == std::string::npos);
}

TEST_CASE("SIGHUP reloads the certificate: new connections get the new one, open ones carry on",
          "[integration][tls]") {
    TempDir dir;
    const fs::path cert = dir.path / "cert.pem", key = dir.path / "key.pem";
    const std::string first = make_certificate(cert, key);
    RelayOptions o;
    o.extra_args = {"--tls-cert", cert.string(), "--tls-key", key.string()};
    RelayProcess relay(o);
    auto st = relay.start();
    INFO(st.detail);
    REQUIRE(st.ok);

    ProtocolPeer old;
    REQUIRE(old.connect(wss(relay)));
    REQUIRE(old.transport().peer_fingerprint() == first);
    REQUIRE(old.hello_new_visitor(kWait));

    // The new pair is made beside the old one and renamed over it, as certbot does.
    const std::string second = make_certificate(dir.path / "new-cert.pem", dir.path / "new-key.pem");
    REQUIRE(second != first);
    fs::rename(dir.path / "new-cert.pem", cert);
    fs::rename(dir.path / "new-key.pem", key);
    REQUIRE(::kill(relay.pid(), SIGHUP) == 0);

    // The loop reloads within a tick (100 ms); wait for it rather than for a fixed time.
    std::string seen;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
        ProtocolPeer probe;
        REQUIRE(probe.connect(wss(relay)));
        seen = probe.transport().peer_fingerprint();
        if (seen == second) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK(seen == second);
    CHECK(relay.log().find("TLS certificate reloaded") != std::string::npos);

    // The connection opened before the reload still works, on its old session.
    REQUIRE(old.send({{"type", "ping"}, {"n", 1}}));
    CHECK(old.wait_type("pong", kWait));
    CHECK_FALSE(old.closed());

    SECTION("a reload that fails keeps the certificate in use and says why") {
        make_certificate(dir.path / "other-cert.pem", dir.path / "other-key.pem");
        fs::rename(dir.path / "other-key.pem", key);  // a key that is not the certificate's
        REQUIRE(::kill(relay.pid(), SIGHUP) == 0);
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (relay.log().find("TLS reload failed") == std::string::npos && std::chrono::steady_clock::now() < until)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        CHECK(relay.log().find("TLS reload failed") != std::string::npos);
        CHECK(relay.log().find("is not the private key of") != std::string::npos);
        ProtocolPeer probe;
        REQUIRE(probe.connect(wss(relay)));
        CHECK(probe.transport().peer_fingerprint() == second);
        CHECK(probe.hello_new_visitor(kWait));
        CHECK(relay.running());
    }
}

TEST_CASE("A missing, unreadable or mismatched certificate stops the start with a clear message",
          "[integration][tls]") {
    struct Case {
        std::string cert, key, message;  // files in the temp dir; what stderr says
    };
    const auto c = GENERATE(values<Case>({
        {"missing.pem", "key.pem", "--tls-cert DIR/missing.pem: cannot read (No such file or directory)"},
        {"cert.pem", "missing.pem", "--tls-key DIR/missing.pem: cannot read (No such file or directory)"},
        {"garbage.pem", "key.pem", "--tls-cert DIR/garbage.pem: no PEM certificate"},
        {"cert.pem", "garbage.pem", "--tls-key DIR/garbage.pem: no unencrypted PEM private key"},
        {"cert.pem", "other-key.pem", "--tls-key DIR/other-key.pem is not the private key of --tls-cert DIR/cert.pem"},
    }));
    TempDir dir;
    make_certificate(dir.path / "cert.pem", dir.path / "key.pem");
    make_certificate(dir.path / "other-cert.pem", dir.path / "other-key.pem");
    std::ofstream(dir.path / "garbage.pem") << "not a certificate\n";
    std::string message = c.message;
    for (std::size_t at; (at = message.find("DIR")) != std::string::npos;) message.replace(at, 3, dir.path.string());
    CAPTURE(c.cert, c.key);
    RelayOptions o;
    o.extra_args = {"--tls-cert", (dir.path / c.cert).string(), "--tls-key", (dir.path / c.key).string()};
    RelayProcess relay(o);
    CHECK_FALSE(relay.start().ok);
    INFO(relay.log());
    CHECK(relay.exit_code() == 1);
    CHECK(relay.log().find("parley-relay: " + message) != std::string::npos);
}

TEST_CASE("Behind a trusted proxy connections are limited per forwarded address; other peers cannot forward",
          "[integration][limits][proxy]") {
    RelayOptions o;
    o.extra_args = {"--max-conns-per-ip", "2", "--trusted-proxy", "127.0.0.1"};
    RelayProcess relay(o);
    auto st = relay.start();
    INFO(st.detail);
    REQUIRE(st.ok);

    auto connect = [&](ProtocolPeer& peer, const std::string& source, const std::string& forwarded) {
        WsConnectOptions c;
        c.host = relay.host();
        c.port = relay.port();
        c.source_address = source;
        c.extra_headers = {"X-Forwarded-For: " + forwarded};
        return peer.connect(c);
    };
    auto refused = [](ProtocolPeer& peer) {
        (void)peer.drain(500);
        return peer.closed() && peer.close_code() == 4002;
    };

    // From the proxy (127.0.0.1): two forwarded clients, two connections each.
    ProtocolPeer a1, a2, a3, b1, b2;
    REQUIRE(connect(a1, "127.0.0.1", "203.0.113.1"));
    REQUIRE(connect(a2, "127.0.0.1", "198.51.100.7, 203.0.113.1"));  // the client's own claim is ignored
    REQUIRE(connect(b1, "127.0.0.1", "203.0.113.2"));
    REQUIRE(connect(b2, "127.0.0.1", "203.0.113.2"));
    REQUIRE(connect(a3, "127.0.0.1", "203.0.113.1"));
    CHECK(refused(a3));  // the third of 203.0.113.1
    for (ProtocolPeer* p : {&a1, &a2, &b1, &b2}) {
        REQUIRE(p->send({{"type", "ping"}, {"n", 1}}));
        CHECK(p->wait_type("pong", kWait));
    }

    // From 127.0.0.2, not trusted: the header is ignored, all count as 127.0.0.2.
    ProtocolPeer x1, x2, x3;
    REQUIRE(connect(x1, "127.0.0.2", "192.0.2.1"));
    REQUIRE(connect(x2, "127.0.0.2", "192.0.2.2"));
    REQUIRE(connect(x3, "127.0.0.2", "192.0.2.3"));
    CHECK(refused(x3));
    REQUIRE(x1.send({{"type", "ping"}, {"n", 1}}));
    CHECK(x1.wait_type("pong", kWait));

    // A malformed header from the proxy counts as the proxy itself (none open yet as it).
    ProtocolPeer m1, m2, m3;
    REQUIRE(connect(m1, "127.0.0.1", "not-an-address"));
    REQUIRE(connect(m2, "127.0.0.1", "203.0.113.9:4711"));
    REQUIRE(connect(m3, "127.0.0.1", "garbage"));
    CHECK(refused(m3));
    CHECK(relay.log().find("malformed X-Forwarded-For from trusted proxy 127.0.0.1") != std::string::npos);
}
