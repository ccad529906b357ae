// SodiumRandom: the production RandomSource, libsodium's randombytes_buf (the OS CSPRNG).
#pragma once

#include "core/random_source.hpp"

namespace parley::relay {

class SodiumRandom : public RandomSource {
public:
    SodiumRandom();  // initialises libsodium
    void fill(unsigned char* out, std::size_t size) override;
};

// Initialises libsodium once; safe to call any number of times. Returns false when the
// library cannot initialise (no usable random device), which is fatal for the relay.
bool sodium_ready();

}  // namespace parley::relay
