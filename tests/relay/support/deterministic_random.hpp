// A RandomSource that counts: 0x00, 0x01, 0x02, … across calls. Ids and tokens come out
// different from each other and the same on every run.
#pragma once

#include "core/random_source.hpp"

namespace parley::relay::test {

class DeterministicRandom : public RandomSource {
public:
    void fill(unsigned char* out, std::size_t size) override {
        for (std::size_t i = 0; i < size; ++i) out[i] = next_++;
    }

private:
    unsigned char next_ = 0;
};

}  // namespace parley::relay::test
