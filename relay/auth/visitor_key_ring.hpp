// The keys that sign visitor tokens (P7, data at rest), as kept in their key file.
//
// Theory of operation. The newest key signs; every key still in the ring verifies, so
// rotating adds a key without logging anyone out. A key stops signing when its successor
// is made; the tokens it signed live at most kVisitorTokenTtlMs (30 days) longer, so it
// is pruned once its successor is that old (at rotation and at every start). A token
// names its key by id; an id the ring no longer (or never) held fails like any forged
// token. The key that was kept in the database before key files (schema ≤ 5, settings
// "visitor_token_secret") is marked `legacy`: it alone also verifies tokens issued before
// key ids existed (the two-part format), until it is pruned like any other.
//
// The file is text, one key a line, oldest first, the last line signs:
//     # comment
//     <id> <created ms> <base64url secret ≥ 32 bytes> [legacy]
// Pure: no file, clock or randomness here (relay/auth/visitor_key_file.hpp does I/O).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.hpp"

namespace parley::relay {

struct VisitorKey {
    std::uint32_t id = 0;
    std::int64_t created = 0;  // ms since the epoch
    std::string secret;        // raw bytes, ≥ 32
    bool legacy = false;       // also verifies tokens without a key id
};

class VisitorKeyRing {
public:
    static constexpr std::size_t kSecretBytes = 32;

    // A ring of one key (id 1): tests, fuzzers, and a relay's first start.
    static VisitorKeyRing single(std::string secret, std::int64_t created = 0, bool legacy = false);

    // The file's text. Errors (kStorage): no key, a malformed line, a short secret, ids
    // not strictly increasing.
    static Result<VisitorKeyRing> parse(std::string_view text);
    std::string format() const;

    // A default ring is empty (a HubConfig nobody filled): it signs nothing (tokens are
    // "") and verifies nothing. parse() and single() never make an empty ring.
    bool empty() const { return keys_.empty(); }
    const VisitorKey& signing() const { return keys_.back(); }  // not empty()
    const VisitorKey* find(std::uint32_t id) const;
    const VisitorKey* legacy() const;  // nullptr: no token without a key id verifies
    const std::vector<VisitorKey>& keys() const { return keys_; }

    // A new signing key (id one more than the last) made at `now`; the others verify on.
    void rotate(std::string secret, std::int64_t now);  // not empty()
    // Drops every key whose successor was made at least `token_ttl_ms` before `now`:
    // no unexpired token can name it. Returns how many went.
    std::size_t prune(std::int64_t now, std::int64_t token_ttl_ms);

private:
    std::vector<VisitorKey> keys_;  // oldest first, ids increasing
};

}  // namespace parley::relay
