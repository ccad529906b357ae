#include "core/identity_claim.hpp"

#include "auth/identity_verifier.hpp"

namespace parley::relay {

std::optional<IdentityClaim> identity_claim(const protocol::Hello& f, const std::vector<std::string>& secrets,
                                            std::int64_t now, IdentityProofs accepted) {
    if (!f.user_id && !f.email && f.attributes.empty() && !f.user_hash && !f.identity_token) return std::nullopt;
    IdentityClaim out;
    protocol::Contact contact;
    contact.user_id = f.user_id.value_or("");
    contact.email = f.email.value_or("");
    contact.attributes = f.attributes;
    IdentityCheck check = secrets.empty() ? IdentityCheck::no_secret : IdentityCheck::no_proof;
    const bool refused = secrets.empty() ? false
                         : f.identity_token ? accepted == IdentityProofs::user_hash
                         : f.user_hash      ? accepted == IdentityProofs::identity_token
                                            : false;
    if (refused) {
        check = IdentityCheck::proof_not_accepted;
    } else if (f.identity_token) {
        TokenCheck t = verify_identity_token(secrets, *f.identity_token, now);
        check = t.check;
        if (check == IdentityCheck::verified) {
            contact.user_id = t.claims.user_id;
            contact.email = t.claims.email.value_or("");
            contact.email_verified = t.claims.email.has_value();
            out.name = t.claims.name;
        }
    } else if (f.user_hash) {
        check = verify_user_hash(secrets, contact.user_id, *f.user_hash);
    }
    contact.verified = check == IdentityCheck::verified;
    out.state.user_id = contact.user_id;
    out.state.verified = contact.verified;
    if (!contact.verified) out.state.reason = identity_check_name(check);
    if (!contact.user_id.empty()) out.contact = std::move(contact);
    return out;
}

}  // namespace parley::relay
