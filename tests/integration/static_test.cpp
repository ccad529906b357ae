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

    const int fd = raw_connect(relay.port(), 4096);  // a small buffer: writes stop soon
    REQUIRE(fd >= 0);
    const std::string request = "GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    REQUIRE(::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size()));
    // Read nothing for a while: the relay fills the socket buffers, then waits for the
    // client; one stall_secs later it hangs up (well within these 4 s).
    std::this_thread::sleep_for(std::chrono::seconds(4));
    const RawAnswer answer = read_until_closed(fd, 10000);
    ::close(fd);
    CHECK(answer.closed);
    CHECK(answer.bytes.size() < kSize);  // the rest of the file was never sent

    // The relay serves others meanwhile and afterwards.
    const HttpResponse other = http_get(relay.port(), "/healthz");
    CHECK(other.status == 200);
}
