// A RandomSource that counts: 0x00, 0x01, 0x02, … across calls. Ids and tokens come out
// different from each other and the same on every run. Once 256 bytes are given out the
// byte counter would wrap and repeat ids, so from then on each call starts with ff ff and
// a 48-bit call counter: still unique, and still increasing in the order of the calls.
#pragma once

#include <cstdint>

#include "core/random_source.hpp"

namespace parley::relay::test {

class DeterministicRandom : public RandomSource {
public:
    void fill(unsigned char* out, std::size_t size) override {
        if (given_ + size <= 256) {
            for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<unsigned char>(given_++);
            return;
        }
        given_ = 256;  // for good: later calls never go back to the byte counter
        const std::uint64_t call = ++late_calls_;
        for (std::size_t i = 0; i < size; ++i) {
            if (i < 2) out[i] = 0xff;
            else if (i < 8) out[i] = static_cast<unsigned char>(call >> (8 * (7 - i)));
            else out[i] = static_cast<unsigned char>(i);
        }
    }

private:
    std::size_t given_ = 0;         // bytes counted out so far (the first 256)
    std::uint64_t late_calls_ = 0;  // calls after them
};

}  // namespace parley::relay::test
