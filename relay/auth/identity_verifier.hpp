// Identity verification (issue 17): is a visitor's claim to be a site's logged-in user
// vouched for by the site's own server? Pure: no I/O, no clock (`now` comes in).
//
// Theory of operation
// -------------------
// The site's server holds the relay's identity secret (auth/identity_secret_file.hpp)
// and vouches for a user in one of two ways, both checked here:
//   user_hash       hex(HMAC-SHA256(secret, user_id)): 64 hex digits (either case); the
//                   user id itself comes in the hello. Intercom's "identity verification".
//   identity_token  a JWT (RFC 7519) signed HS256 with the same secret, claims `sub`
//                   (the user id, required), `exp` (required), `nbf`/`iat` (optional),
//                   `email`, `name` (optional). Only {"alg":"HS256"} is accepted: `none`
//                   and every other algorithm are refused before anything else is read,
//                   and so is a header with `crit` (extensions we do not understand).
//                   The signature is checked before the payload is parsed, so only a
//                   holder of the secret can reach the JSON reader with a payload.
// Every MAC comparison is constant-time (crypto_verify_32). Each secret of the list is
// tried (the current one first, then the previous one kept by a rotation). Times allow
// kIdentitySkewMs of clock difference between the site's server and the relay.
// Why no revocation list: a token lives minutes (the site mints one per page view); a
// replayed token is worth what a copied session cookie of the site is worth, no more.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parley::relay {

constexpr std::size_t kMaxIdentityTokenBytes = 2048;
constexpr std::int64_t kIdentitySkewMs = 60'000;
// Longest user id, e-mail and name a token may carry (the hello's own limits,
// protocol/rules.hpp, are the same).
constexpr std::size_t kMaxUserIdBytes = 128;
constexpr std::size_t kMaxEmailBytes = 254;
constexpr std::size_t kMaxClaimNameBytes = 80;

// Why a claim is not verified; `verified` when it is. The names are the wire's
// (welcome.identity.reason, docs/protocol.md §4 "Identity").
enum class IdentityCheck {
    verified,
    no_secret,       // the relay has no identity secret: every claim is unverified
    no_proof,        // neither user_hash nor identity_token was given
    bad_hash,        // user_hash is not the HMAC of user_id under any secret (or not hex)
    bad_token,       // malformed JWT, another alg, a bad signature, bad or missing claims
    expired,         // exp + skew <= now
    not_yet_valid,   // nbf (or iat) - skew > now
    proof_not_accepted,  // the relay accepts the other kind of proof only (--identity-proof)
};
const char* identity_check_name(IdentityCheck check);

// What a verified JWT vouches for.
struct TokenClaims {
    std::string user_id;
    std::optional<std::string> email;
    std::optional<std::string> name;
};

struct TokenCheck {
    IdentityCheck check = IdentityCheck::bad_token;
    TokenClaims claims;  // meaningful only when check == verified
};

// user_hash check: verified or no_secret / bad_hash. `secrets` are the keys as the
// site's server uses them (the secret's text, its ASCII bytes).
IdentityCheck verify_user_hash(const std::vector<std::string>& secrets, std::string_view user_id,
                               std::string_view user_hash);

// JWT check; `now` in ms since the epoch.
TokenCheck verify_identity_token(const std::vector<std::string>& secrets, std::string_view token,
                                 std::int64_t now);

// hex(HMAC-SHA256(secret, message)), lowercase: what a site's server computes (tests,
// docs).
std::string identity_hmac_hex(std::string_view secret, std::string_view message);

}  // namespace parley::relay
