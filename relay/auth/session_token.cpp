#include "auth/session_token.hpp"

#include <sodium.h>

#include "auth/base64url.hpp"
#include "auth/sodium_random.hpp"

namespace parley::relay {

std::string new_session_token(RandomSource& random) {
    unsigned char bytes[32];
    random.fill(bytes, sizeof bytes);
    return base64url_encode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

std::string session_token_hash(std::string_view token) {
    sodium_ready();
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(token.data()), token.size());
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return std::string(hex);
}

std::string session_public_id(std::string_view token_hash) {
    return "s_" + std::string(token_hash.substr(0, 16));
}

}  // namespace parley::relay
