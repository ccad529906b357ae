// Visitor tokens (docs/protocol.md §9). Stateless: the relay keeps only its keys
// (auth/visitor_key_ring.hpp), so any number of visitors cost nothing until they write.
//
//   "k" <key id> "." base64url(payload) "." base64url(HMAC-SHA256(key, "parley-vt2." <key id> "." payload))
//   payload = "<visitor id>:<expiry ms>"
//
// The key id says which key of the ring signed, so a rotation logs no one out. Tokens
// from before key ids (two parts: base64url(payload) "." base64url(HMAC(key, payload)))
// verify only with the ring's legacy key, the secret once kept in the database. The
// "parley-vt2." prefix keeps the two MAC inputs apart: neither format's MAC is ever a
// valid MAC of the other's payload for a real visitor id.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "auth/visitor_key_ring.hpp"

namespace parley::relay {

constexpr std::int64_t kVisitorTokenTtlMs = 30LL * 24 * 60 * 60 * 1000;  // 30 days

struct VisitorClaims {
    std::string visitor_id;
    std::int64_t expires = 0;  // ms since the epoch
};

// Signed with the ring's signing key.
std::string issue_visitor_token(const VisitorKeyRing& keys, const VisitorClaims& claims);

// The claims of a token whose MAC checks out (compared in constant time) under the key
// it names, and whose expiry is after `now`; nullopt for a forged, tampered, malformed
// or expired token, and for one naming a key the ring does not hold (pruned, or never
// made): the caller treats all of them alike.
std::optional<VisitorClaims> verify_visitor_token(const VisitorKeyRing& keys, std::string_view token,
                                                  std::int64_t now);

// The payload as the legacy format signed it (tests of the upgrade make old tokens).
std::string issue_legacy_visitor_token(std::string_view secret, const VisitorClaims& claims);

}  // namespace parley::relay
