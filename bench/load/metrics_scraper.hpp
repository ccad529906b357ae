// Scrapes the relay's /metrics on a fixed schedule from its own thread, as a Prometheus
// server would, for the overhead scenario (bench/load/overhead.cpp).
//
// Each scrape is one blocking GET on a fresh loopback connection ("Connection: close").
// Prometheus keeps its connection open; a new one per scrape is the pessimistic case for
// the relay (an accept and a close more each time). A thread rather than the generator's
// epoll loop so that the load's sends keep their schedule while a scrape waits.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace parley::load {

class MetricsScraper {
public:
    struct Counts {
        std::uint64_t scrapes = 0;   // answered 200 with the relay's metrics in the body
        std::uint64_t failures = 0;  // anything else
        std::size_t last_bytes = 0;  // the last good body's size
        // From the last good scrape: parley_webhook_deliveries_total{result="ok"}; -1: none.
        double webhook_ok = -1;
        std::string first_error;
    };

    MetricsScraper() = default;
    MetricsScraper(const MetricsScraper&) = delete;
    MetricsScraper& operator=(const MetricsScraper&) = delete;
    ~MetricsScraper() { stop(); }

    // Scrapes http://127.0.0.1:`port`/metrics every `interval_ms` (the first at once)
    // until stop().
    void start(int port, int interval_ms);
    // Ends the thread (after a scrape in progress, which times out within 2 s). Idempotent.
    void stop();
    // From any thread.
    Counts counts() const;

private:
    void run();

    int port_ = 0;
    int interval_ms_ = 1000;
    bool stop_ = false;  // under mutex_
    std::thread thread_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    Counts counts_;
};

}  // namespace parley::load
