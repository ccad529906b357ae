// A latency histogram with fixed log-linear buckets (1/64 relative precision, up to
// about 39 hours in ns): recording is an index computation and an increment, so the
// generator records every delivery without allocating. Percentiles return the upper
// edge of the bucket that holds them (a slight over-estimate, never an under-one).
#pragma once

#include <array>
#include <cstdint>

namespace parley::load {

class Histogram {
public:
    void record(std::int64_t ns) {
        const std::uint64_t v = ns < 0 ? 0 : std::uint64_t(ns);
        ++counts_[index(v)];
        ++total_;
        if (v > max_) max_ = v;
    }
    void merge(const Histogram& o) {
        for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += o.counts_[i];
        total_ += o.total_;
        if (o.max_ > max_) max_ = o.max_;
    }
    void clear() { *this = Histogram(); }
    std::uint64_t count() const { return total_; }
    // q in [0, 1]; 0 when empty. In ns.
    std::uint64_t percentile(double q) const {
        if (!total_) return 0;
        const std::uint64_t want = std::uint64_t(q * double(total_ - 1)) + 1;
        std::uint64_t seen = 0;
        for (std::size_t i = 0; i < counts_.size(); ++i) {
            seen += counts_[i];
            if (seen >= want) {
                const std::uint64_t hi = upper(i);
                return hi < max_ ? hi : max_;
            }
        }
        return max_;
    }
    double percentile_ms(double q) const { return double(percentile(q)) / 1e6; }
    std::uint64_t max() const { return max_; }

private:
    // v < 128: exact. Else 64 buckets per power of two.
    static std::size_t index(std::uint64_t v) {
        if (v < 128) return std::size_t(v);
        const int msb = 63 - __builtin_clzll(v);
        if (msb > 47) return kBuckets - 1;
        return 128 + std::size_t(msb - 7) * 64 + std::size_t((v >> (msb - 6)) - 64);
    }
    static std::uint64_t upper(std::size_t i) {
        if (i < 128) return i;
        const std::size_t k = i - 128;
        const int shift = int(k / 64) + 1;
        return ((std::uint64_t(k % 64) + 65) << shift) - 1;
    }
    static constexpr std::size_t kBuckets = 128 + 41 * 64;
    std::array<std::uint64_t, kBuckets> counts_{};
    std::uint64_t total_ = 0;
    std::uint64_t max_ = 0;
};

}  // namespace parley::load
