#include "auth/visitor_token.hpp"

#include <sodium.h>

#include <charconv>

#include "auth/base64url.hpp"
#include "auth/sodium_random.hpp"

namespace parley::relay {

namespace {

constexpr const char* kSecretKey = "visitor_token_secret";

std::string mac(std::string_view secret, std::string_view payload) {
    unsigned char out[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(secret.data()),
                                secret.size());
    crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(payload.data()),
                                  payload.size());
    crypto_auth_hmacsha256_final(&st, out);
    return std::string(reinterpret_cast<const char*>(out), sizeof out);
}

}  // namespace

std::string issue_visitor_token(std::string_view secret, const VisitorClaims& claims) {
    sodium_ready();
    const std::string payload = claims.visitor_id + ":" + std::to_string(claims.expires);
    return base64url_encode(payload) + "." + base64url_encode(mac(secret, payload));
}

std::optional<VisitorClaims> verify_visitor_token(std::string_view secret, std::string_view token,
                                                  std::int64_t now) {
    sodium_ready();
    const auto dot = token.find('.');
    if (dot == std::string_view::npos) return std::nullopt;
    const auto payload = base64url_decode(token.substr(0, dot));
    const auto given = base64url_decode(token.substr(dot + 1));
    if (!payload || !given || given->size() != crypto_auth_hmacsha256_BYTES) return std::nullopt;
    const std::string expected = mac(secret, *payload);
    if (crypto_verify_32(reinterpret_cast<const unsigned char*>(given->data()),
                         reinterpret_cast<const unsigned char*>(expected.data())) != 0)
        return std::nullopt;

    // Authentic; now parse what we wrote ourselves.
    const auto colon = payload->rfind(':');
    if (colon == std::string::npos || colon == 0) return std::nullopt;
    VisitorClaims claims;
    claims.visitor_id = payload->substr(0, colon);
    const char* first = payload->data() + colon + 1;
    const char* last = payload->data() + payload->size();
    auto [end, ec] = std::from_chars(first, last, claims.expires);
    if (ec != std::errc() || end != last) return std::nullopt;
    if (claims.expires <= now) return std::nullopt;
    return claims;
}

Result<std::string> load_or_create_visitor_secret(Store& store, RandomSource& random) {
    auto stored = store.get_setting(kSecretKey);
    if (!stored) return stored.error();
    if (stored.value()) {
        auto secret = base64url_decode(*stored.value());
        if (!secret || secret->size() < 32)
            return storage_error(std::string("setting ") + kSecretKey + " is malformed");
        return *secret;
    }
    std::string secret(32, '\0');
    random.fill(reinterpret_cast<unsigned char*>(secret.data()), secret.size());
    if (Status put = store.put_setting(kSecretKey, base64url_encode(secret)); !put)
        return put.error();
    return secret;
}

}  // namespace parley::relay
