// Visitor tokens (docs/protocol.md §9): base64url(payload) "." base64url(HMAC-SHA256(
// secret, payload)), payload = "<visitor id>:<expiry ms>". Stateless: the relay keeps
// only the secret, so any number of visitors cost nothing until they write.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/random_source.hpp"
#include "store/store.hpp"

namespace parley::relay {

constexpr std::int64_t kVisitorTokenTtlMs = 30LL * 24 * 60 * 60 * 1000;  // 30 days

struct VisitorClaims {
    std::string visitor_id;
    std::int64_t expires = 0;  // ms since the epoch
};

std::string issue_visitor_token(std::string_view secret, const VisitorClaims& claims);

// The claims of a token whose MAC checks out (compared in constant time) and whose
// expiry is after `now`; nullopt for a forged, tampered, malformed or expired token.
std::optional<VisitorClaims> verify_visitor_token(std::string_view secret, std::string_view token,
                                                  std::int64_t now);

// The HMAC secret kept in the store's settings ("visitor_token_secret"); 32 random
// bytes are generated and stored on first use. Changing it logs every visitor out.
Result<std::string> load_or_create_visitor_secret(Store& store, RandomSource& random);

}  // namespace parley::relay
