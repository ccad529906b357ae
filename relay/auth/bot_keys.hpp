// Bot API keys (issue 16): what a bot's `hello` carries, and what the store keeps of it.
//
// Theory of operation
// -------------------
// An operator creates a key with `parley-relay --create-bot-key NAME` (main.cpp): 32
// random bytes, shown once as "pk_" + 43 base64url characters. The store keeps only
// bot_key_hash(key) under the bot's NAME (its party id is "b_" + NAME), so a copy of the
// database cannot be replayed as a bot. A bot's hello looks its key up by that hash; a
// revoked key (--revoke-bot-key deletes its row) no longer matches, and a running relay
// closes the connections opened with it at its next session check (core/hub_bots.cpp).
//
// The hash is libsodium's keyed BLAKE2b (crypto_generichash) with a fixed, public
// context key rather than a secret one: the key has 256 bits of entropy, so nobody can
// guess one from its hash, and slow hashing (Argon2) would only spend the relay's CPU at
// every hello. A secret hashing key (a file beside the visitor-token key) was the road
// not taken: it protects nothing more, and losing the file would silently invalidate
// every bot's key.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/random_source.hpp"

namespace parley::relay {

constexpr std::size_t kBotKeyBytes = 32;        // random bytes of a key
constexpr std::size_t kBotKeyTextBytes = 3 + 43;  // "pk_" + base64url(32 bytes)
constexpr std::size_t kMaxBotNameBytes = 32;    // NAME of --create-bot-key

// A new key: "pk_" + base64url(32 random bytes).
std::string new_bot_key(RandomSource& random);
// Whether `key` has the shape of a key (the prefix, the length, the alphabet). A hello
// with anything else is refused without a store read.
bool is_bot_key_text(std::string_view key);
// Lower-case hex of the keyed BLAKE2b-256 of the key text: the stored form.
std::string bot_key_hash(std::string_view key);
// NAME: 1–32 characters of [a-z0-9_-]. nullopt when valid, else why not.
std::optional<std::string> bot_name_problem(std::string_view name);
// The party id of the bot NAME: "b_" + NAME.
std::string bot_party_id(std::string_view name);

}  // namespace parley::relay
