#include "auth/visitor_token.hpp"

#include <sodium.h>

#include <charconv>

#include "auth/base64url.hpp"
#include "auth/sodium_random.hpp"

namespace parley::relay {

namespace {

constexpr std::string_view kDomain = "parley-vt2.";

std::string mac(std::string_view secret, std::string_view prefix, std::string_view payload) {
    unsigned char out[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(secret.data()),
                                secret.size());
    crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(prefix.data()),
                                  prefix.size());
    crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(payload.data()),
                                  payload.size());
    crypto_auth_hmacsha256_final(&st, out);
    return std::string(reinterpret_cast<const char*>(out), sizeof out);
}

std::string payload_of(const VisitorClaims& claims) {
    return claims.visitor_id + ":" + std::to_string(claims.expires);
}

// What the MAC covers in the current format: the domain, the key id, the payload.
std::string signed_prefix(std::uint32_t kid) { return std::string(kDomain) + std::to_string(kid) + "."; }

bool same_mac(const std::string& given, const std::string& expected) {
    return given.size() == crypto_auth_hmacsha256_BYTES &&
           crypto_verify_32(reinterpret_cast<const unsigned char*>(given.data()),
                            reinterpret_cast<const unsigned char*>(expected.data())) == 0;
}

// Parses a payload we wrote ourselves (its MAC already checked).
std::optional<VisitorClaims> claims_of(const std::string& payload, std::int64_t now) {
    const auto colon = payload.rfind(':');
    if (colon == std::string::npos || colon == 0) return std::nullopt;
    VisitorClaims claims;
    claims.visitor_id = payload.substr(0, colon);
    const char* first = payload.data() + colon + 1;
    const char* last = payload.data() + payload.size();
    auto [end, ec] = std::from_chars(first, last, claims.expires);
    if (ec != std::errc() || end != last) return std::nullopt;
    if (claims.expires <= now) return std::nullopt;
    return claims;
}

}  // namespace

std::string issue_visitor_token(const VisitorKeyRing& keys, const VisitorClaims& claims) {
    sodium_ready();
    if (keys.empty()) return "";
    const VisitorKey& key = keys.signing();
    const std::string payload = payload_of(claims);
    return "k" + std::to_string(key.id) + "." + base64url_encode(payload) + "." +
           base64url_encode(mac(key.secret, signed_prefix(key.id), payload));
}

std::string issue_legacy_visitor_token(std::string_view secret, const VisitorClaims& claims) {
    sodium_ready();
    const std::string payload = payload_of(claims);
    return base64url_encode(payload) + "." + base64url_encode(mac(secret, "", payload));
}

std::optional<VisitorClaims> verify_visitor_token(const VisitorKeyRing& keys, std::string_view token,
                                                  std::int64_t now) {
    sodium_ready();
    const auto dot = token.find('.');
    if (dot == std::string_view::npos) return std::nullopt;
    const auto second = token.find('.', dot + 1);

    if (second == std::string_view::npos) {  // before key ids: the legacy key alone
        const VisitorKey* legacy = keys.legacy();
        if (!legacy) return std::nullopt;
        const auto payload = base64url_decode(token.substr(0, dot));
        const auto given = base64url_decode(token.substr(dot + 1));
        if (!payload || !given || !same_mac(*given, mac(legacy->secret, "", *payload))) return std::nullopt;
        // A current token's MAC input dressed as a legacy payload: authentic bytes, but
        // never ones we issued as a legacy token (visitor ids start "v_").
        if (payload->rfind(kDomain, 0) == 0) return std::nullopt;
        return claims_of(*payload, now);
    }

    // "k<id>": digits only, no sign, no leading zero, so one id has one spelling.
    const std::string_view kid_text = token.substr(0, dot);
    if (kid_text.size() < 2 || kid_text.size() > 11 || kid_text[0] != 'k' || kid_text[1] == '0') return std::nullopt;
    std::uint32_t kid = 0;
    auto [end, ec] = std::from_chars(kid_text.data() + 1, kid_text.data() + kid_text.size(), kid);
    if (ec != std::errc() || end != kid_text.data() + kid_text.size()) return std::nullopt;
    const VisitorKey* key = keys.find(kid);
    if (!key) return std::nullopt;
    const auto payload = base64url_decode(token.substr(dot + 1, second - dot - 1));
    const auto given = base64url_decode(token.substr(second + 1));
    if (!payload || !given || !same_mac(*given, mac(key->secret, signed_prefix(kid), *payload)))
        return std::nullopt;
    return claims_of(*payload, now);
}

}  // namespace parley::relay
