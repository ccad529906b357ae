// Sealed column values (P7, data at rest): personal text encrypted before it reaches
// the database, when the operator gives the relay a data key (--data-key-file).
//
// Theory of operation. A value is sealed with XChaCha20-Poly1305 (libsodium's
// crypto_aead_xchacha20poly1305_ietf) under a 32-byte data key, with a fresh random
// 24-byte nonce, so the same text sealed twice gives unrelated bytes. The stored form is
//     0x01 (version) | key id (4 bytes, big-endian) | nonce (24) | ciphertext | tag (16)
// and the associated data binds the value to its place: the version and key id, then the
// column's name and the row's key (for a message: conversation, seq; for a visitor: its
// id), each length-prefixed so no two places spell the same bytes. A value copied to
// another row or column, or any byte changed, fails to open: a storage error that says
// so, never other text. The key id is a fingerprint of the key (BLAKE2b, 4 bytes), so a
// key file needs no id of its own and a ring of keys (during rotation) finds the key that
// sealed each value.
//
// Pure: randomness comes in through RandomSource, the key file's I/O is apart
// (data_key_file.hpp).
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "core/random_source.hpp"
#include "store/store.hpp"

namespace parley::relay {

struct DataKey {
    static constexpr std::size_t kBytes = 32;
    std::uint32_t id = 0;  // fingerprint of `bytes`
    std::array<unsigned char, kBytes> bytes{};

    static DataKey from_bytes(std::string_view raw);  // raw.size() == kBytes
};

// Where a value lives: the column ("messages.text") and its row's key parts.
std::string seal_binding(std::string_view column, std::initializer_list<std::string_view> row_key);

constexpr unsigned char kSealVersion = 0x01;
constexpr std::size_t kSealOverhead = 1 + 4 + 24 + 16;  // bytes added to each value

std::string seal_value(const DataKey& key, std::string_view plaintext, std::string_view binding,
                       RandomSource& random);

// The plaintext of `sealed`, opened with whichever of `keys` sealed it. Errors
// (storage_failed): not a sealed value (short, unknown version), sealed with a key not
// in `keys`, or not authentic for `binding` (changed bytes, or moved from another row).
Result<std::string> open_value(const std::vector<DataKey>& keys, std::string_view sealed,
                               std::string_view binding);

// The id of the key a sealed value names (0 when it is not one): rotation checks.
std::uint32_t sealed_key_id(std::string_view sealed);

}  // namespace parley::relay
