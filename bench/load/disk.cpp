// The disk probe: what the disk under the relay's data dir allows a durable ack.
//
// Every acknowledged message waits for an fdatasync of SQLite's WAL, one commit at a
// time (docs/operations.md). The probe does what such a writer does, without a server:
// appends of `bytes` + fdatasync, paced at `syncs_per_s` (about the relay's commit rate
// at 5 000 msgs/s), for `seconds`, in the same temp dir as the relay's data.
//
// From the sync times it derives a floor no server on this disk can beat: while one
// sync stalls for L ms, a message that arrives t ms into the stall is acknowledged at
// the earliest when it ends (its own commit syncs after), so it waits at least L − t.
// The share of arrivals that must wait more than `slow_ms` is therefore at least
// Σ max(0, L − slow_ms) over the elapsed time. If that exceeds 1 %, an ack p99 of
// slow_ms cannot be had on this disk (assuming, as here, that a second sync does not
// overtake a stalled one on the same device).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <vector>

#include "clock.hpp"
#include "histogram.hpp"
#include "scenarios.hpp"
#include "servers.hpp"

namespace parley::load {

DiskResult run_disk_probe(const DiskConfig& cfg) {
    DiskResult r;
    const std::string dir = make_temp_dir("parley-load-disk");
    if (dir.empty()) {
        std::printf("disk: no probe (cannot make a temp dir: %s)\n", std::strerror(errno));
        return r;
    }
    const std::string path = dir + "/probe";
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char> block(std::size_t(std::max(1, cfg.bytes)), 'x');
    Histogram sync_ns;
    double over_ms = 0;  // Σ max(0, L − slow_ms)
    const std::int64_t interval = std::int64_t(1e9 / std::max(1.0, cfg.syncs_per_s));
    const std::int64_t t0 = now_ns(), end = t0 + std::int64_t(cfg.seconds * 1e9);
    for (std::int64_t due = t0; fd >= 0 && now_ns() < end; due += interval) {
        if (const std::int64_t wait = due - now_ns(); wait > 0) {
            const timespec ts{time_t(wait / 1'000'000'000), long(wait % 1'000'000'000)};
            ::nanosleep(&ts, nullptr);
        }
        if (::write(fd, block.data(), block.size()) != ssize_t(block.size())) break;
        const std::int64_t t = now_ns();
        if (::fdatasync(fd) != 0) break;
        const std::int64_t took = now_ns() - t;
        sync_ns.record(took);
        over_ms += std::max(0.0, double(took) / 1e6 - cfg.slow_ms);
    }
    const double elapsed_ms = double(now_ns() - t0) / 1e6;
    if (fd >= 0) ::close(fd);
    remove_tree(dir);
    r.syncs = sync_ns.count();
    if (r.syncs == 0) {
        std::printf("disk: no probe (%s could not be written and synced)\n", path.c_str());
        return r;
    }
    r.ok = true;
    r.p50_ms = sync_ns.percentile_ms(0.5);
    r.p90_ms = sync_ns.percentile_ms(0.9);
    r.p99_ms = sync_ns.percentile_ms(0.99);
    r.max_ms = double(sync_ns.max()) / 1e6;
    r.slow_ack_floor_pct = 100.0 * over_ms / elapsed_ms;
    std::printf("disk: %llu appends of %d B + fdatasync at %.0f/s over %.1f s: p50 %.2f, p90 %.2f, p99 %.2f, "
                "max %.1f ms; at least %.2f %% of durable acks on this disk wait > %.0f ms, whatever the server\n",
                (unsigned long long)r.syncs, cfg.bytes, cfg.syncs_per_s, elapsed_ms / 1e3, r.p50_ms, r.p90_ms,
                r.p99_ms, r.max_ms, r.slow_ack_floor_pct, cfg.slow_ms);
    std::fflush(stdout);
    return r;
}

JsonObject DiskResult::json() const {
    JsonObject o;
    o.integer("syncs", (long long)syncs).num("p50_ms", p50_ms).num("p90_ms", p90_ms).num("p99_ms", p99_ms);
    o.num("max_ms", max_ms, 1).num("slow_ack_floor_pct", slow_ack_floor_pct, 2);
    return o;
}

}  // namespace parley::load
