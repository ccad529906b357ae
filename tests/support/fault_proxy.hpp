// FaultProxy: a TCP proxy on loopback that injects faults between clients and the
// relay, for the fault-injection test (tests/integration/fault_test.cpp).
//
// Theory of operation: one background thread runs a poll() loop. Each accepted client
// connection gets a fresh upstream connection to the target (refused upstream → the
// client's connection is closed at once, as a dead relay would look). Bytes read from
// either side are queued with a delivery time `now + delay`, delay drawn uniformly from
// [delay_min_ms, delay_max_ms] but never earlier than the bytes queued before them, so
// the stream is delayed, never reordered (TCP semantics). Each connection is also given
// a lifetime drawn from an exponential distribution with mean `mean_life_ms`; when it
// runs out, both sockets are reset (SO_LINGER 0): a cut in the middle of whatever was
// in flight, frames included.
//
// Everything random comes from one seeded generator, so a failing run can be repeated
// with the same seed (timing on a busy machine still varies). The faults can be changed
// or switched off while the proxy runs (set_faults), e.g. to let clients converge.
// Thread-safe: the public methods may be called from the test thread at any time.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace parley::test {

struct Faults {
    int delay_min_ms = 0;
    int delay_max_ms = 0;
    int mean_life_ms = 0;  // 0: never cut
};

struct FaultProxyStats {
    std::uint64_t accepted = 0;          // client connections accepted
    std::uint64_t upstream_refused = 0;  // closed because the target did not answer
    std::uint64_t cuts = 0;              // connections reset by the fault schedule
    std::uint64_t bytes = 0;             // bytes forwarded, both directions
};

class FaultProxy {
public:
    FaultProxy(std::string target_host, int target_port, std::uint64_t seed);
    ~FaultProxy();  // stops the thread, closes every socket
    FaultProxy(const FaultProxy&) = delete;
    FaultProxy& operator=(const FaultProxy&) = delete;

    // Listens on 127.0.0.1 (any free port) and starts the thread. Returns the port, or
    // -1 when the listening socket cannot be made.
    int start();
    void set_faults(Faults faults);
    // Resets every open connection now (a network outage for everyone).
    void cut_all();
    FaultProxyStats stats() const;
    int port() const { return port_; }

private:
    struct Impl;
    void run();

    std::string host_;
    int target_port_;
    int port_ = -1;
    int listen_fd_ = -1;
    int wake_[2] = {-1, -1};  // self-pipe: wakes the loop for stop/cut_all
    std::atomic<bool> stop_{false};
    std::atomic<bool> cut_all_{false};
    mutable std::mutex mu_;
    Faults faults_;
    FaultProxyStats stats_;
    std::uint64_t seed_;
    std::thread thread_;
};

}  // namespace parley::test
