#include "auth/password.hpp"

#include <sodium.h>

#include "auth/sodium_random.hpp"

namespace parley::relay {

std::optional<std::string> hash_password(std::string_view password) {
    if (!sodium_ready()) return std::nullopt;
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return std::nullopt;
    return std::string(out);
}

bool verify_password(std::string_view password, const std::string& hash) {
    if (!sodium_ready() || hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
    return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

}  // namespace parley::relay
