// API keys (issue 18, docs/api.md "Keys"): who may call /api/v1, and with which scope.
//
// Theory of operation
// -------------------
// `parley-relay --create-api-key NAME --scope read|write|admin` makes 32 random bytes,
// prints them once as "pk_" + 43 base64url characters, and stores only api_key_hash()
// of that text (keyed BLAKE2b with a public context key distinct from the bot keys':
// the key has 256 bits of entropy, so its hash cannot be inverted or guessed, and a copy
// of the database cannot be replayed as a key — auth/bot_keys.hpp says why no slow hash
// and no secret hashing key). A client sends `Authorization: Bearer pk_…`.
//
// Scopes nest: read < write < admin. GET routes need read, POST routes write; admin is
// for the administration routes (agents, canned responses, keys; routes.cpp) and allows
// everything. Keys are also made and revoked over the API (api_key_routes.cpp), never
// one of a higher scope than the caller's (may_grant).
//
// Where they live: one document in the store's settings table (key "api_keys"), a JSON
// array of {id, name, scope, hash, created, revoked}, at most kMaxApiKeys rows. The CLI
// reads, changes and writes it beside a running relay; the relay re-reads it at most
// once per kReloadMs (ApiKeyRing::lookup), so a revocation takes effect within a
// second (one made over the API: at the next request, ApiKeyRing::reload). Revoked keys stay listed (revoked = when) but never match. A table of its own
// was the road not taken: keys are few, and a settings row needs no schema migration in
// a session where other branches migrate too.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/random_source.hpp"
#include "parley/core/result.hpp"
#include "store/store.hpp"

namespace parley::relay::api {

enum class Scope { read = 1, write = 2, admin = 3 };
std::optional<Scope> parse_scope(std::string_view text);
const char* scope_name(Scope scope);
inline bool allows(Scope held, Scope needed) { return static_cast<int>(held) >= static_cast<int>(needed); }
// Whether a caller holding `held` may create (or revoke) a key of scope `key`: never one
// stronger than its own, so a key cannot be used to escalate (POST /api/v1/api-keys).
inline bool may_grant(Scope held, Scope key) { return allows(held, key); }

struct ApiKey {
    std::string id;    // "k_" + 12 hex digits: what --revoke-api-key names, the audit log's actor
    std::string name;  // the operator's label (1–64 printable characters)
    Scope scope = Scope::read;
    std::string hash;  // api_key_hash of the key text
    std::int64_t created = 0;
    std::int64_t revoked = 0;  // 0: in use
};

constexpr std::size_t kMaxApiKeys = 1000;
constexpr const char* kApiKeysSetting = "api_keys";

// "pk_" + base64url(32 random bytes), and its id "k_" + 12 hex digits.
std::string new_api_key(RandomSource& random);
std::string new_api_key_id(RandomSource& random);
bool is_api_key_text(std::string_view key);
std::string api_key_hash(std::string_view key);
std::optional<std::string> api_key_name_problem(std::string_view name);

// The stored document.
std::string encode_api_keys(const std::vector<ApiKey>& keys);
std::vector<ApiKey> decode_api_keys(std::string_view text);  // unreadable rows skipped
Result<std::vector<ApiKey>> load_api_keys(Store& store);
Status save_api_keys(Store& store, const std::vector<ApiKey>& keys);

// The CLI's operations (main.cpp). create: the new row and the key text (shown once).
struct CreatedKey {
    ApiKey row;
    std::string key;
};
Result<CreatedKey> create_api_key(Store& store, RandomSource& random, std::string name, Scope scope,
                                  std::int64_t now);
Result<ApiKey> revoke_api_key(Store& store, const std::string& id, std::int64_t now);

// The relay's view: the keys in memory, re-read from the store at most every kReloadMs.
class ApiKeyRing {
public:
    explicit ApiKeyRing(Store& store) : store_(store) {}
    // The key this Authorization header's bearer token is, if it is one in use.
    std::optional<ApiKey> lookup(std::string_view bearer, std::int64_t now);
    // The keys changed here (the API revoked one): re-read them at the next lookup.
    void reload() { loaded_ = false; }
    static constexpr std::int64_t kReloadMs = 1000;

private:
    Store& store_;
    std::vector<ApiKey> keys_;
    std::int64_t loaded_at_ = 0;
    bool loaded_ = false;
};

}  // namespace parley::relay::api
