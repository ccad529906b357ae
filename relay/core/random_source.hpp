// RandomSource: where the relay's core gets its randomness (ids, session tokens).
// The core never reads a random device itself, for the same reason it never reads a
// clock: tests pass a deterministic source and get reproducible ids.
#pragma once

#include <cstddef>

namespace parley::relay {

class RandomSource {
public:
    virtual ~RandomSource() = default;
    // Fills `size` bytes. Must not fail (the production source, libsodium, cannot).
    virtual void fill(unsigned char* out, std::size_t size) = 0;
};

}  // namespace parley::relay
