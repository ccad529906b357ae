// The API's exports (issue 18, docs/api.md "Exports") against the real relay over real
// HTTP: megabytes of messages streamed in chunked transfer coding and
// decoded strictly (every row there, the last chunk there), CSV by Accept, and an
// export whose client stops reading: the relay goes on serving everyone else, and cuts
// the reader off after --stall-secs without the last chunk.
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "api_calls.hpp"
#include "http_get.hpp"
#include "native_client.hpp"
#include "protocol_peer.hpp"
#include "relay_process.hpp"
#include "start_relay.hpp"

using namespace parley::test;
namespace session = parley::session;

namespace {

constexpr int kWait = 30000;
constexpr std::size_t kTextBytes = 7900;  // near the protocol's most (8 000)

// Enough that a reader who stops leaves the relay something unsent: more than the
// largest send buffer the kernel autotunes to, plus 2 MiB for both receive buffers.
int messages_for_a_stall() {
    return static_cast<int>((send_buffer_max_bytes() + (std::int64_t{2} << 20)) / std::int64_t{kTextBytes}) + 1;
}

// Message i: its number, then filler to kTextBytes.
std::string text_of(int i) {
    std::string t = "message " + std::to_string(i) + " ";
    t.resize(kTextBytes, 'x');
    return t;
}

}  // namespace

TEST_CASE("An export streams every stored message in chunks a strict client decodes whole, and a reader that "
          "stops holds up nobody and is cut off without the last chunk",
          "[integration][api][exports]") {
    // Quotas off and a fast connection: the visitor writes megabytes in a few seconds.
    auto relay = start_relay({"--conn-rate", "2000", "--conn-burst", "2000", "--stall-secs", "2",
                              "--quota-visitor-bytes", "0"});
    const std::size_t kMessages = static_cast<std::size_t>(messages_for_a_stall());
    const std::string key = make_key(*relay, "warehouse");

    session::Config c;
    c.role = "visitor";
    c.instance = "export-visitor";
    c.name = "Ada";
    c.seed = 11;
    NativeClient visitor("visitor", c, relay->host(), relay->port());
    visitor.connect();
    REQUIRE(pump_until({&visitor}, [&] { return visitor.ready(); }, kWait));
    const std::string conv = visitor.conv();
    for (std::size_t i = 0; i < kMessages; ++i) REQUIRE(visitor.send(conv, text_of(static_cast<int>(i))).ok());
    REQUIRE(pump_until({&visitor}, [&] { return visitor.acks().size() == kMessages; }, kWait));

    const std::vector<std::string> auth{"Authorization: Bearer " + key};
    SECTION("JSON Lines, chunked, every message once and in order") {
        const auto r = http_request(relay->port(), "GET", "/api/v1/exports/messages", auth, "");
        REQUIRE(r.status == 200);
        CHECK(r.chunked);
        CHECK(r.complete);
        CHECK(r.head.find("content-length") == std::string::npos);
        CHECK(r.head.find("content-type: application/x-ndjson") != std::string::npos);
        int row = 0;
        std::size_t at = 0;
        while (at < r.body.size()) {
            const std::size_t end = r.body.find('\n', at);
            REQUIRE(end != std::string::npos);
            const json line = json::parse(r.body.substr(at, end - at));
            CHECK(line.value("conversation", "") == conv);
            CHECK(line.value("seq", 0) == row + 1);
            CHECK(line.value("text", "") == text_of(row));
            ++row;
            at = end + 1;
        }
        CHECK(static_cast<std::size_t>(row) == kMessages);
    }

    SECTION("CSV when the client accepts it") {
        auto headers = auth;
        headers.push_back("Accept: text/csv");
        const auto r = http_request(relay->port(), "GET", "/api/v1/exports/conversations", headers, "");
        REQUIRE(r.status == 200);
        CHECK(r.complete);
        CHECK(r.head.find("content-type: text/csv") != std::string::npos);
        CHECK(r.body.rfind("id,created,", 0) == 0);
        CHECK(r.body.find("\r\n" + conv + ",") != std::string::npos);
    }

    SECTION("a reader that stops") {
        // A small receive buffer, a request, and then no reading at all.
        const int stalled = raw_connect(relay->port(), 4096);
        REQUIRE(stalled >= 0);
        const std::string request = "GET /api/v1/exports/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                                    key + "\r\n\r\n";
        REQUIRE(::send(stalled, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));
        std::this_thread::sleep_for(std::chrono::milliseconds(300));

        // Everyone else is served meanwhile: a health check, another export, a message.
        CHECK(http_get(relay->port(), "/healthz").status == 200);
        const auto other = http_request(relay->port(), "GET", "/api/v1/exports/messages?format=csv", auth, "");
        CHECK(other.status == 200);
        CHECK(other.complete);
        REQUIRE(visitor.send(conv, "still served").ok());
        REQUIRE(pump_until({&visitor}, [&] { return visitor.acks().size() == kMessages + 1; }, kWait));

        // After --stall-secs (2 s) of taking nothing, the relay cuts it off: what it had
        // sent ends without the last chunk.
        std::this_thread::sleep_for(std::chrono::milliseconds(4000));
        const RawAnswer got = read_until_closed(stalled, 10000);
        ::close(stalled);
        CHECK(got.closed);
        REQUIRE(got.bytes.rfind("HTTP/1.1 200", 0) == 0);
        CHECK(got.bytes.find("transfer-encoding: chunked") != std::string::npos);
        CHECK(got.bytes.size() < kMessages * kTextBytes);
        CHECK(got.bytes.substr(got.bytes.size() - 5) != "0\r\n\r\n");
    }
}
