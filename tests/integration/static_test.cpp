// The web root over real sockets (issue 17, relay/static/): what a client that stops
// reading a file costs the relay. Compression, caching and 304s are checked against
// the real relay by tests/browser/static.test.mjs; the rules by relay_tests
// "[static_site]".
#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>

#include "http_get.hpp"
#include "relay_process.hpp"

using namespace parley::test;
namespace fs = std::filesystem;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        char pattern[] = "/tmp/parley-static-XXXXXX";
        path = ::mkdtemp(pattern);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

// A connected loopback socket with a small receive buffer (so the relay's writes stop
// as soon as the client stops reading), or -1.
int connect_small(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    const int small = 4096;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// Reads until the peer closes or `ms` pass; the bytes read, and whether it closed.
std::pair<std::size_t, bool> drain(int fd, int ms) {
    std::size_t total = 0;
    char buf[65536];
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0) continue;
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) return {total, true};
        total += static_cast<std::size_t>(n);
    }
    return {total, false};
}

}  // namespace

TEST_CASE("A client that stops reading a file is disconnected after stall_secs, the file unsent",
          "[integration][sockets][static]") {
    TempDir dir;
    const std::size_t kSize = 8u << 20;  // random bytes: no .gz/.br, the relay sends all 8 MiB
    {
        std::string bytes(kSize, '\0');
        std::mt19937 rng(17);
        for (char& c : bytes) c = static_cast<char>(rng());
        std::ofstream(dir.path / "big.bin", std::ios::binary) << bytes;
    }
    RelayOptions o;
    o.web_root = dir.path.string();
    o.extra_args = {"--stall-secs", "1"};
    RelayProcess relay(o);
    auto st = relay.start();
    INFO(st.detail);
    REQUIRE(st.ok);

    const int fd = connect_small(relay.port());
    REQUIRE(fd >= 0);
    const std::string request = "GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    REQUIRE(::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size()));
    // Read nothing for a while: the relay fills the socket buffers, then waits for the
    // client; one stall_secs later it hangs up (well within these 4 s).
    std::this_thread::sleep_for(std::chrono::seconds(4));
    const auto [read, closed] = drain(fd, 10000);
    ::close(fd);
    CHECK(closed);
    CHECK(read < kSize);  // the rest of the file was never sent

    // The relay serves others meanwhile and afterwards.
    const HttpResponse other = http_get(relay.port(), "/healthz");
    CHECK(other.status == 200);
}
