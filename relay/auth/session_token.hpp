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

// The public id of a session ("s_" + the first 16 hex digits of its hash): what the
// `sessions` frame lists and `logout` names. It reveals nothing usable: the hash is
// one-way, and the id is honoured only for the agent that owns the session.
std::string session_public_id(std::string_view token_hash);

}  // namespace parley::relay
