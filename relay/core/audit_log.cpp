#include "core/audit_log.hpp"

#include <sodium.h>

#include "core/login_throttle.hpp"
#include "parley/protocol/codec.hpp"
#include "parley/protocol/json_writer.hpp"

namespace parley::relay::audit {

std::string email_digest(std::string_view key, std::string_view email) {
    // The key is hashed to the 32 bytes BLAKE2b takes, with a label so this digest can
    // never equal another use of the same secret.
    const std::string labelled = "parley audit e-mail key\n" + std::string(key);
    unsigned char k[crypto_generichash_KEYBYTES];
    crypto_generichash(k, sizeof k, reinterpret_cast<const unsigned char*>(labelled.data()), labelled.size(),
                       nullptr, 0);
    const std::string normal = login_account_key(email);
    unsigned char digest[8];
    crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(normal.data()), normal.size(),
                       k, sizeof k);
    char hex[sizeof digest * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return "email:" + std::string(hex);
}

namespace {

void clip(std::string& s) {
    if (s.size() <= kMaxAuditField) return;
    std::size_t end = kMaxAuditField;
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;  // not mid-character
    s.resize(end);
}

}  // namespace

protocol::AuditEntry clipped(protocol::AuditEntry e) {
    for (std::string* s : {&e.actor_role, &e.actor_id, &e.actor_name, &e.action, &e.conv, &e.target, &e.detail,
                           &e.address})
        clip(*s);
    return e;
}

std::string entry_json(const protocol::AuditEntry& entry) {
    std::string out = "{";
    protocol::JsonWriter j(out);
    protocol::write_audit_entry(j, entry);
    j.end();
    return out;
}

}  // namespace parley::relay::audit
