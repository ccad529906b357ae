// Long sync answers against the real relay (issue 15, defects 2 and 3): an answer of any
// length reaches a client that reads; clients that ask again and again without reading
// cannot grow the relay (run under an address-space limit, or, in a sanitizer build
// where RLIMIT_AS cannot be used, with its peak RSS checked); a client that stops
// reading is cut off with 4001. Each scenario fills one visitor's conversation with
// 700 messages of 7 000 bytes (4.9 MB, over the 4 MiB queue limit; the stalled reader gets more).
#include <catch2/catch.hpp>

#include <sys/socket.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "http_get.hpp"
#include "protocol_peer.hpp"
#include "relay_process.hpp"

using namespace parley::test;

namespace {

constexpr int kMessages = 700;
constexpr std::size_t kTextBytes = 7000;
constexpr std::int64_t kMiB = 1 << 20;

bool sanitized() {
    const char* s = std::getenv("PARLEY_SANITIZE");
    return s && std::string(s) == "1";
}

// Limits high enough to fill a conversation quickly from one connection.
std::vector<std::string> fast_args() {
    return {"--no-triage", "--conn-rate", "100000", "--conn-burst", "100000",
            "--ip-rate", "100000", "--ip-burst", "100000",
            "--quota-visitor-bytes", "0"};  // one visitor writes ~5 MB, over a day's quota
}

std::unique_ptr<RelayProcess> start_relay(RelayOptions o) {
    // Under ASan, freed memory sits in a 256 MB quarantine and counts as resident: the
    // relay (a child, which inherits the environment) gets a small one, so its peak RSS
    // measures what it holds, not what ASan keeps. Nothing changes in other builds.
    if (sanitized()) {
        const char* asan = std::getenv("ASAN_OPTIONS");
        std::string options = asan ? asan : "";
        if (options.find("quarantine_size_mb") == std::string::npos)
            ::setenv("ASAN_OPTIONS", (options + (options.empty() ? "" : ":") + "quarantine_size_mb=16").c_str(), 1);
    }
    auto relay = std::make_unique<RelayProcess>(o);
    auto st = relay->start();
    INFO(st.detail);
    REQUIRE(st.ok);
    return relay;
}

// A /proc/PID/status figure in MiB ("VmHWM": the peak resident set), -1 if unreadable.
std::int64_t status_mib(pid_t pid, const std::string& key) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(key + ":", 0) == 0) {
            std::istringstream fields(line.substr(key.size() + 1));
            std::int64_t kb = -1;
            fields >> kb;
            return kb < 0 ? -1 : kb / 1024;
        }
    return -1;
}

std::string text_of(int i) {
    std::string t = "m" + std::to_string(i) + " ";
    t.resize(kTextBytes, 'x');
    return t;
}

struct Filled {
    std::string conv;
    std::string token;
};

// A new visitor whose conversation holds `messages` long messages, sent in batches that
// are each acknowledged before the next (its own echo must not trip its queue limit).
Filled fill(RelayProcess& relay, int messages = kMessages) {
    ProtocolPeer writer;
    REQUIRE(writer.connect(relay.host(), relay.port()));
    auto w = writer.hello_new_visitor();
    REQUIRE(w);
    for (int first = 1; first <= messages; first += 50) {
        const int last = std::min(messages, first + 49);
        for (int i = first; i <= last; ++i)
            REQUIRE(writer.send({{"type", "send"}, {"conv", w->conv}, {"cid", "k" + std::to_string(i)}, {"text", text_of(i)}}));
        const std::string cid = "k" + std::to_string(last);
        REQUIRE(writer.wait_for([&](const json& j) { return j.value("type", "") == "ack" && j.value("cid", "") == cid; },
                                10000));
        writer.drain(0);
    }
    writer.close();
    return {w->conv, w->token};
}

// Another connection of the same visitor, welcomed.
void join(ProtocolPeer& peer, RelayProcess& relay, const Filled& f) {
    REQUIRE(peer.connect(relay.host(), relay.port()));
    REQUIRE(peer.send({{"type", "hello"}, {"role", "visitor"}, {"token", f.token}}));
    REQUIRE(peer.wait_type("welcome", 5000));
}

// A newcomer is welcomed, and its message acknowledged and synced: the relay serves.
void bystander_is_served(RelayProcess& relay) {
    ProtocolPeer b;
    REQUIRE(b.connect(relay.host(), relay.port()));
    auto w = b.hello_new_visitor(10000);
    REQUIRE(w);
    REQUIRE(b.send({{"type", "send"}, {"conv", w->conv}, {"cid", "b1"}, {"text", "still there?"}}));
    auto ack = b.wait_type("ack", 10000);
    REQUIRE(ack);
    CHECK(ack->value("seq", 0) == 1);
    REQUIRE(b.send({{"type", "sync"}, {"conv", w->conv}, {"after", 0}}));
    auto synced = b.wait_type("synced", 10000);
    REQUIRE(synced);
    CHECK(synced->value("last_seq", 0) == 1);
}

}  // namespace

TEST_CASE("A sync answer longer than the 4 MiB queue limit reaches a client that reads, in order, then synced",
          "[integration][sync-memory]") {
    RelayOptions o;
    o.extra_args = fast_args();
    auto relay = start_relay(o);
    const Filled f = fill(*relay);

    ProtocolPeer reader;
    join(reader, *relay, f);
    REQUIRE(reader.send({{"type", "sync"}, {"conv", f.conv}, {"after", 0}}));
    auto synced = reader.wait_type("synced", 20000);
    INFO("closed " << reader.closed() << " with " << reader.close_code());
    REQUIRE(synced);
    CHECK(synced->value("last_seq", 0) == kMessages);
    CHECK_FALSE(reader.closed());

    int expected = 1;
    for (const auto& j : reader.seen()) {
        if (j.value("type", "") != "msg") continue;
        CHECK(j.value("seq", 0) == expected);
        CHECK(j.value("text", "") == text_of(expected));
        ++expected;
    }
    CHECK(expected == kMessages + 1);
    std::printf("sync of %d × %zu bytes: relay peak RSS %lld MiB\n", kMessages, kTextBytes,
                static_cast<long long>(status_mib(relay->pid(), "VmHWM")));
}

TEST_CASE("Connections repeating sync after 0 without reading cannot exhaust the relay's memory",
          "[integration][sync-memory]") {
    RelayOptions o;
    o.extra_args = fast_args();
    // RLIMIT_AS: the relay's mappings at start are about 25 MB; 1 GiB is what a small
    // container gives. ASan reserves terabytes of address space, so there only the peak
    // RSS is checked (below; it is checked in every build). Today's relay measured
    // 945 MiB here, or died.
    if (!sanitized()) o.max_address_space = 1024 * kMiB;
    auto relay = start_relay(o);
    const Filled f = fill(*relay);
    const std::int64_t before = status_mib(relay->pid(), "VmHWM");

    // 16 connections of the visitor, 100 syncs each, none of them read: today's answers
    // would be 16 × 100 × 4.9 MB.
    std::vector<std::unique_ptr<ProtocolPeer>> greedy;
    for (int c = 0; c < 16; ++c) {
        greedy.push_back(std::make_unique<ProtocolPeer>());
        join(*greedy.back(), *relay, f);
    }
    const std::string sync = json{{"v", 1}, {"type", "sync"}, {"conv", f.conv}, {"after", 0}}.dump();
    for (int round = 0; round < 100; ++round)
        for (auto& g : greedy) REQUIRE(g->transport().send_text(sync));
    std::this_thread::sleep_for(std::chrono::seconds(2));  // let the relay take it all in

    bystander_is_served(*relay);
    const std::int64_t peak = status_mib(relay->pid(), "VmHWM");
    std::printf("16 × 100 unread syncs: relay peak RSS %lld MiB (after filling: %lld MiB)\n",
                static_cast<long long>(peak), static_cast<long long>(before));
    // Each connection may hold its queue (≤ 4 MiB, in practice 256 KiB + one chunk) and
    // lws's partial write: far below what a whole answer per sync would take.
    CHECK(peak > 0);
    CHECK(peak < 256);
    greedy.clear();
    bystander_is_served(*relay);
}

TEST_CASE("A client that reads part of a long sync and then stops reading is closed with 4001",
          "[integration][sync-memory]") {
    RelayOptions o;
    o.extra_args = fast_args();
    o.extra_args.push_back("--stall-secs");
    o.extra_args.push_back("2");
    auto relay = start_relay(o);
    // The relay's send buffer autotunes up to tcp_wmem's maximum (4 MiB by default), and
    // a 700-message answer leaves only 4.2 MB after the first 100: a kernel could take it
    // all, leaving the relay nothing unsent and no stall to see (it did, 2 runs in 3 under
    // ASan). So this conversation holds what the reader's 100 messages, the largest send
    // buffer, both receive buffers and 2 MiB more need.
    const int messages = 100 + static_cast<int>((send_buffer_max_bytes() + 2 * kMiB) / kTextBytes) + 1;
    const Filled f = fill(*relay, messages);

    ProtocolPeer reader;
    join(reader, *relay, f);
    // A small receive buffer, fixed (no autotuning): otherwise the kernels of both ends
    // could hold the whole rest of the answer, and the relay would have nothing unsent.
    const int small = 32 * 1024;
    REQUIRE(::setsockopt(reader.transport().native_handle(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small) == 0);
    REQUIRE(reader.send({{"type", "sync"}, {"conv", f.conv}, {"after", 0}}));
    // It reads the first 100 messages (a relay that queued the whole answer has closed
    // it with 4001 before sending any)...
    REQUIRE(reader.wait_for([](const json& j) { return j.value("type", "") == "msg" && j.value("seq", 0) == 100; },
                            10000));
    // ...then reads nothing until the relay has given up on it: the relay sees the stall
    // only once its kernel send buffer is full (up to 4 MiB), which an instrumented relay
    // on a busy machine takes seconds to fill, so the pause ends on the relay's log line
    // (within 30 s), not after a fixed time. Then it reads what is left.
    const std::string gave_up = "read nothing for 2 s";
    const auto give_up_by = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (relay->log().find(gave_up) == std::string::npos && std::chrono::steady_clock::now() < give_up_by)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    for (int i = 0; i < 40 && !reader.closed(); ++i) reader.drain(250);
    int msgs = 0;
    for (const auto& j : reader.seen()) msgs += j.value("type", "") == "msg";
    INFO("of " << messages << " messages, " << msgs << " read; relay log:\n" << relay->log());
    REQUIRE(reader.closed());
    CHECK(reader.close_code() == 4001);
    CHECK(msgs < messages);  // cut off before the end
    CHECK(relay->log().find(gave_up) != std::string::npos);

    bystander_is_served(*relay);
    const std::int64_t peak = status_mib(relay->pid(), "VmHWM");
    std::printf("a stalled reader: relay peak RSS %lld MiB\n", static_cast<long long>(peak));
    CHECK(peak < 256);
}
