#include "api/api_keys.hpp"

#include <sodium.h>

#include "auth/base64url.hpp"
#include "auth/sodium_random.hpp"
#include "parley/json/parse.hpp"
#include "parley/json/value.hpp"

namespace parley::relay::api {

namespace {

// The public context key of api_key_hash: not the bot keys' one, so a key of one kind
// can never match a row of the other.
constexpr unsigned char kContext[crypto_generichash_KEYBYTES] = "parley http api key v1";

std::string hex(const unsigned char* bytes, std::size_t n) {
    static const char* const kHex = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
        out += kHex[bytes[i] >> 4];
        out += kHex[bytes[i] & 15];
    }
    return out;
}

Error store_error(std::string detail) { return Error{protocol::ErrorCode::storage_failed, std::move(detail), {}}; }

}  // namespace

std::optional<Scope> parse_scope(std::string_view text) {
    if (text == "read") return Scope::read;
    if (text == "write") return Scope::write;
    if (text == "admin") return Scope::admin;
    return std::nullopt;
}

const char* scope_name(Scope scope) {
    switch (scope) {
    case Scope::read: return "read";
    case Scope::write: return "write";
    case Scope::admin: return "admin";
    }
    return "read";
}

std::string new_api_key(RandomSource& random) {
    unsigned char bytes[32];
    random.fill(bytes, sizeof bytes);
    return "pk_" + base64url_encode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

std::string new_api_key_id(RandomSource& random) {
    unsigned char bytes[6];
    random.fill(bytes, sizeof bytes);
    return "k_" + hex(bytes, sizeof bytes);
}

bool is_api_key_text(std::string_view key) {
    if (key.size() != 46 || key.substr(0, 3) != "pk_") return false;
    for (char c : key.substr(3))
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
    return true;
}

std::string api_key_hash(std::string_view key) {
    sodium_ready();
    unsigned char out[32];
    crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(key.data()), key.size(), kContext,
                       sizeof kContext);
    return hex(out, sizeof out);
}

std::optional<std::string> api_key_name_problem(std::string_view name) {
    if (name.empty() || name.size() > 64) return std::string("an API key's name has 1 to 64 characters");
    for (char c : name)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            return std::string("an API key's name has no control characters");
    return std::nullopt;
}

std::string encode_api_keys(const std::vector<ApiKey>& keys) {
    json::Value doc = json::Value::array();
    for (const ApiKey& k : keys) {
        json::Value row = json::Value::object();
        row["id"] = k.id;
        row["name"] = k.name;
        row["scope"] = scope_name(k.scope);
        row["hash"] = k.hash;
        row["created"] = static_cast<long long>(k.created);
        row["revoked"] = static_cast<long long>(k.revoked);
        doc.push_back(std::move(row));
    }
    return doc.dump();
}

std::vector<ApiKey> decode_api_keys(std::string_view text) {
    std::vector<ApiKey> out;
    const auto doc = json::parse(text);
    if (!doc || !doc->is_array()) return out;
    for (const json::Value& row : doc->elements()) {
        const json::Value* id = row.find("id");
        const json::Value* name = row.find("name");
        const json::Value* scope = row.find("scope");
        const json::Value* hash = row.find("hash");
        if (!id || !id->is_string() || !name || !scope || !hash || !hash->is_string()) continue;
        const auto parsed = parse_scope(scope->as_string());
        if (!parsed) continue;
        ApiKey k{id->as_string(), name->as_string(), *parsed, hash->as_string(), 0, 0};
        if (const json::Value* c = row.find("created"); c && c->is_integer()) k.created = c->as_int();
        if (const json::Value* r = row.find("revoked"); r && r->is_integer()) k.revoked = r->as_int();
        out.push_back(std::move(k));
    }
    return out;
}

Result<std::vector<ApiKey>> load_api_keys(Store& store) {
    auto text = store.get_setting(kApiKeysSetting);
    if (!text) return text.error();
    if (!text.value()) return std::vector<ApiKey>{};
    return decode_api_keys(*text.value());
}

Status save_api_keys(Store& store, const std::vector<ApiKey>& keys) {
    return store.put_setting(kApiKeysSetting, encode_api_keys(keys));
}

Result<CreatedKey> create_api_key(Store& store, RandomSource& random, std::string name, Scope scope,
                                  std::int64_t now) {
    if (auto problem = api_key_name_problem(name)) return Error{protocol::ErrorCode::bad_field, *problem, {}};
    auto keys = load_api_keys(store);
    if (!keys) return keys.error();
    if (keys.value().size() >= kMaxApiKeys)
        return store_error("there are " + std::to_string(kMaxApiKeys) + " API keys already");
    CreatedKey made;
    made.key = new_api_key(random);
    made.row = ApiKey{new_api_key_id(random), std::move(name), scope, api_key_hash(made.key), now, 0};
    keys.value().push_back(made.row);
    if (Status s = save_api_keys(store, keys.value()); !s) return s.error();
    return made;
}

Result<ApiKey> revoke_api_key(Store& store, const std::string& id, std::int64_t now) {
    auto keys = load_api_keys(store);
    if (!keys) return keys.error();
    for (ApiKey& k : keys.value()) {
        if (k.id != id) continue;
        if (!k.revoked) k.revoked = now;
        if (Status s = save_api_keys(store, keys.value()); !s) return s.error();
        return k;
    }
    return Error{protocol::ErrorCode::bad_field, "no API key " + id, {}};
}

std::optional<ApiKey> ApiKeyRing::lookup(std::string_view bearer, std::int64_t now) {
    if (!is_api_key_text(bearer)) return std::nullopt;  // no store read for garbage
    if (!loaded_ || now - loaded_at_ >= kReloadMs || now < loaded_at_) {
        // A failed read keeps the last good list: a busy disk must not lock everyone out.
        if (auto keys = load_api_keys(store_)) keys_ = std::move(keys).value();
        loaded_ = true;
        loaded_at_ = now;
    }
    const std::string hash = api_key_hash(bearer);
    for (const ApiKey& k : keys_)
        if (!k.revoked && k.hash.size() == hash.size() && sodium_memcmp(k.hash.data(), hash.data(), hash.size()) == 0)
            return k;
    return std::nullopt;
}

}  // namespace parley::relay::api
