// The trainer's only source of randomness: SplitMix64, seeded by the caller, so the
// same seed gives the same shuffles, dropout masks and initial weights everywhere
// (std::uniform_*_distribution is implementation-defined, so it is not used).
// Private to sdk/src/triage.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace parley::triage::detail {

struct SplitMix64 {
    uint64_t s;
    uint64_t next() {
        uint64_t z = (s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    size_t below(size_t n) { return static_cast<size_t>(next() % n); }
    // Uniform in [0, 1) with 24 bits: exact in float, the same on every platform.
    float unit() { return static_cast<float>(next() >> 40) * (1.0f / 16777216.0f); }
};

template <class T>
void shuffle(std::vector<T>& v, SplitMix64& rng) {
    for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.below(i)]);
}

}  // namespace parley::triage::detail
