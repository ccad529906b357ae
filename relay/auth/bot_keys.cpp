#include "auth/bot_keys.hpp"

#include <sodium.h>

#include "auth/base64url.hpp"
#include "auth/sodium_random.hpp"

namespace parley::relay {

namespace {

// The public context key of bot_key_hash (see the header: no secret is needed).
constexpr unsigned char kContext[crypto_generichash_KEYBYTES] = "parley bot api key v1";

bool is_base64url_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

}  // namespace

std::string new_bot_key(RandomSource& random) {
    unsigned char bytes[kBotKeyBytes];
    random.fill(bytes, sizeof bytes);
    return "pk_" + base64url_encode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

bool is_bot_key_text(std::string_view key) {
    if (key.size() != kBotKeyTextBytes || key.substr(0, 3) != "pk_") return false;
    for (char c : key.substr(3))
        if (!is_base64url_char(c)) return false;
    return true;
}

std::string bot_key_hash(std::string_view key) {
    sodium_ready();
    unsigned char out[32];
    crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(key.data()), key.size(), kContext,
                       sizeof kContext);
    static const char* const kHex = "0123456789abcdef";
    std::string hex;
    hex.reserve(2 * sizeof out);
    for (unsigned char b : out) {
        hex += kHex[b >> 4];
        hex += kHex[b & 15];
    }
    return hex;
}

std::optional<std::string> bot_name_problem(std::string_view name) {
    if (name.empty() || name.size() > kMaxBotNameBytes) return std::string("a bot name has 1 to 32 characters");
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return std::string("a bot name has only a-z, 0-9, _ and -");
    return std::nullopt;
}

std::string bot_party_id(std::string_view name) { return "b_" + std::string(name); }

}  // namespace parley::relay
