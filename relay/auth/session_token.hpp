// Agent session tokens: 32 random bytes, base64url. The relay stores only the SHA-256
// of a token (hex), so a copy of the database cannot be replayed as a login.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/random_source.hpp"

namespace parley::relay {

constexpr std::int64_t kSessionTtlMs = 12LL * 60 * 60 * 1000;  // 12 hours

std::string new_session_token(RandomSource& random);

// Lower-case hex SHA-256 of the token text: the key under which the session is stored.
std::string session_token_hash(std::string_view token);

}  // namespace parley::relay
