#include "webhooks/webhook_signature.hpp"

#include <sodium.h>

#include <vector>

namespace parley::relay {

namespace {

std::string base64(const unsigned char* bytes, std::size_t n) {
    std::string out(sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), bytes, n, sodium_base64_VARIANT_ORIGINAL);
    out.resize(out.find('\0'));
    return out;
}

}  // namespace

std::string new_webhook_secret(RandomSource& random) {
    unsigned char bytes[kWebhookSecretBytes];
    random.fill(bytes, sizeof bytes);
    return "whsec_" + base64(bytes, sizeof bytes);
}

Result<std::string> webhook_secret_key(std::string_view secret) {
    if (secret.rfind("whsec_", 0) == 0) secret.remove_prefix(6);
    std::vector<unsigned char> key(secret.size());
    std::size_t n = 0;
    if (secret.empty() || sodium_base642bin(key.data(), key.size(), secret.data(), secret.size(), nullptr, &n,
                                            nullptr, sodium_base64_VARIANT_ORIGINAL) != 0 || n == 0)
        return Error{protocol::ErrorCode::bad_field, "a webhook secret is whsec_ followed by base64", {}};
    return std::string(reinterpret_cast<const char*>(key.data()), n);
}

std::string webhook_signature(std::string_view key, std::string_view id, std::int64_t timestamp,
                              std::string_view body) {
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
    const std::string ts = std::to_string(timestamp);
    auto feed = [&](std::string_view part) {
        crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(part.data()), part.size());
    };
    feed(id);
    feed(".");
    feed(ts);
    feed(".");
    feed(body);
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_final(&state, mac);
    return "v1," + base64(mac, sizeof mac);
}

}  // namespace parley::relay
