#include "auth/identity_verifier.hpp"

#include <sodium.h>

#include <cmath>

#include "auth/base64url.hpp"
#include "auth/sodium_random.hpp"
#include "parley/json/parse.hpp"

namespace parley::relay {

namespace {

using parley::json::Value;

std::string hmac(std::string_view secret, std::string_view message) {
    sodium_ready();
    unsigned char out[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
    crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(message.data()), message.size());
    crypto_auth_hmacsha256_final(&st, out);
    return std::string(reinterpret_cast<const char*>(out), sizeof out);
}

// True when `mac` (32 bytes) is the HMAC of `message` under one of the secrets.
bool mac_matches(const std::vector<std::string>& secrets, std::string_view message, const std::string& mac) {
    if (mac.size() != crypto_auth_hmacsha256_BYTES) return false;
    bool any = false;
    for (const std::string& secret : secrets) {  // every secret is tried: no early exit to time
        const std::string expected = hmac(secret, message);
        any |= crypto_verify_32(reinterpret_cast<const unsigned char*>(mac.data()),
                                reinterpret_cast<const unsigned char*>(expected.data())) == 0;
    }
    return any;
}

// 64 hex digits (either case) → 32 bytes; nullopt otherwise.
std::optional<std::string> from_hex(std::string_view hex) {
    if (hex.size() != 2 * crypto_auth_hmacsha256_BYTES) return std::nullopt;
    std::string out(crypto_auth_hmacsha256_BYTES, '\0');
    std::size_t len = 0;
    if (sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), hex.data(), hex.size(), nullptr,
                       &len, nullptr) != 0 ||
        len != out.size())
        return std::nullopt;
    return out;
}

// A NumericDate (seconds, RFC 7519 §2) as ms; nullopt when absent. `bad` is set when
// present but not a finite number in range.
std::optional<std::int64_t> date_ms(const Value& payload, const char* key, bool& bad) {
    const Value* v = payload.find(key);
    if (!v) return std::nullopt;
    if (!v->is_number()) {
        bad = true;
        return std::nullopt;
    }
    const double s = v->as_double();
    if (!std::isfinite(s) || s < 0 || s > 1e11) {  // year 5138: beyond, a typo or an attack
        bad = true;
        return std::nullopt;
    }
    return static_cast<std::int64_t>(s * 1000.0);
}

// An optional string claim within a size; `bad` when present with another type or too long.
std::optional<std::string> string_claim(const Value& payload, const char* key, std::size_t max, bool& bad) {
    const Value* v = payload.find(key);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_string() || v->as_string().empty() || v->as_string().size() > max) {
        bad = true;
        return std::nullopt;
    }
    return v->as_string();
}

// The header must say exactly HS256 (typ, when present, JWT) and nothing critical.
bool header_ok(std::string_view encoded) {
    auto text = base64url_decode(encoded);
    if (!text) return false;
    auto header = parley::json::parse(*text, 4);
    if (!header || !header->is_object()) return false;
    const Value* alg = header->find("alg");
    if (!alg || !alg->is_string() || alg->as_string() != "HS256") return false;
    if (const Value* typ = header->find("typ"); typ && !(typ->is_string() && typ->as_string() == "JWT"))
        return false;
    return header->find("crit") == nullptr;
}

}  // namespace

const char* identity_check_name(IdentityCheck check) {
    switch (check) {
        case IdentityCheck::verified: return "verified";
        case IdentityCheck::no_secret: return "no_secret";
        case IdentityCheck::no_proof: return "no_proof";
        case IdentityCheck::bad_hash: return "bad_hash";
        case IdentityCheck::bad_token: return "bad_token";
        case IdentityCheck::expired: return "expired";
        case IdentityCheck::not_yet_valid: return "not_yet_valid";
        case IdentityCheck::proof_not_accepted: return "proof_not_accepted";
    }
    return "bad_token";
}

std::string identity_hmac_hex(std::string_view secret, std::string_view message) {
    const std::string mac = hmac(secret, message);
    char hex[2 * crypto_auth_hmacsha256_BYTES + 1];
    sodium_bin2hex(hex, sizeof hex, reinterpret_cast<const unsigned char*>(mac.data()), mac.size());
    return hex;
}

IdentityCheck verify_user_hash(const std::vector<std::string>& secrets, std::string_view user_id,
                               std::string_view user_hash) {
    if (secrets.empty()) return IdentityCheck::no_secret;
    auto mac = from_hex(user_hash);
    if (!mac || user_id.empty() || user_id.size() > kMaxUserIdBytes) return IdentityCheck::bad_hash;
    return mac_matches(secrets, user_id, *mac) ? IdentityCheck::verified : IdentityCheck::bad_hash;
}

TokenCheck verify_identity_token(const std::vector<std::string>& secrets, std::string_view token,
                                 std::int64_t now) {
    TokenCheck out;
    if (secrets.empty()) {
        out.check = IdentityCheck::no_secret;
        return out;
    }
    // 1. Shape: three base64url parts, within the size cap.
    if (token.size() > kMaxIdentityTokenBytes) return out;
    const auto dot1 = token.find('.');
    const auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) return out;
    // 2. The algorithm, before anything else: HS256 or nothing (alg none, RS256, …).
    if (!header_ok(token.substr(0, dot1))) return out;
    // 3. The signature over "header.payload", under any of the secrets.
    auto signature = base64url_decode(token.substr(dot2 + 1));
    if (!signature || !mac_matches(secrets, token.substr(0, dot2), *signature)) return out;
    // 4. Only now the payload: a JSON object with sub and exp.
    auto text = base64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1));
    if (!text) return out;
    auto payload = parley::json::parse(*text, 4);
    if (!payload || !payload->is_object()) return out;
    bool bad = false;
    auto sub = string_claim(*payload, "sub", kMaxUserIdBytes, bad);
    auto email = string_claim(*payload, "email", kMaxEmailBytes, bad);
    auto name = string_claim(*payload, "name", kMaxClaimNameBytes, bad);
    auto exp = date_ms(*payload, "exp", bad);
    auto nbf = date_ms(*payload, "nbf", bad);
    auto iat = date_ms(*payload, "iat", bad);
    if (bad || !sub || !exp) return out;  // a token without an expiry would be good forever
    // 5. Time, with skew either way.
    if (*exp + kIdentitySkewMs <= now) {
        out.check = IdentityCheck::expired;
        return out;
    }
    if ((nbf && *nbf - kIdentitySkewMs > now) || (iat && *iat - kIdentitySkewMs > now)) {
        out.check = IdentityCheck::not_yet_valid;
        return out;
    }
    out.check = IdentityCheck::verified;
    out.claims = TokenClaims{*sub, email, name};
    return out;
}

}  // namespace parley::relay
