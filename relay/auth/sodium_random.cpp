#include "auth/sodium_random.hpp"

#include <sodium.h>

namespace parley::relay {

bool sodium_ready() {
    static const bool ok = sodium_init() >= 0;  // 0 = initialised now, 1 = already
    return ok;
}

SodiumRandom::SodiumRandom() { sodium_ready(); }

void SodiumRandom::fill(unsigned char* out, std::size_t size) { randombytes_buf(out, size); }

}  // namespace parley::relay
