// Hub, identity (issue 17; docs/protocol.md §4 "Identity"): whose identity a visitor's
// connection gets when its hello claims to be a site's user, and what agents see of it.
//
// Theory of operation
// -------------------
// A visitor is who holds their visitor token (one per browser). A *verified* claim for a
// user id (core/identity_claim.hpp) names one visitor identity per user: the first
// visitor verified for it holds it (the store keeps at most one verified contact per
// user id). So:
//   verified, a visitor already holds the user  the connection is welcomed as that
//                                               visitor, whatever token it sent: a
//                                               second device resumes the user's
//                                               conversation with its whole history
//   verified, nobody holds the user yet         the token's visitor becomes the user's
//                                               (a fresh one without a token): what they
//                                               wrote anonymously before logging in is
//                                               thereby the user's conversation
//   verified, but the token's visitor is        a fresh visitor for this user: one user's
//   verified as another user                    conversation never passes to another
//   unverified (forged, expired, no secret)     the token decides, as without a claim;
//                                               the claim is stored marked unverified,
//                                               never over a verified contact
// Only a verified claim is ever looked up, so an unverified claim of someone's user id
// reveals nothing (not even whether that user exists) and joins nothing.
// When the user already has a visitor elsewhere, the anonymous conversation of *this*
// device stays with its anonymous identity (agents keep it; the device now shows the
// user's): merging two live conversations (two queues, two owners) has no safe answer.
#include "core/audit_log.hpp"
#include "core/hub.hpp"

namespace parley::relay {

namespace p = protocol;

Status Hub::adopt_identity(const Conn& c, const IdentityClaim& claim, std::optional<Visitor>& visitor) {
    if (!claim.contact || !claim.contact->verified) return Ok{};  // the token decides
    const std::string& user = claim.contact->user_id;
    auto holder = store_.verified_visitor(user);
    if (!holder) return holder.error();
    if (holder.value()) {
        if (visitor && visitor->id == *holder.value()) return Ok{};
        auto found = store_.find_visitor(*holder.value());
        if (!found) return found.error();
        if (found.value()) {
            // Another device (or a cleared browser) joins the user's visitor: audited,
            // with the address; the user id is the site's, the visitor id is ours.
            p::AuditEntry e;
            e.actor_role = "visitor";
            e.actor_id = found.value()->id;
            e.action = audit::kIdentityJoined;
            e.target = found.value()->id;
            e.detail = "a verified claim from another device";
            e.address = c.address;
            audit(std::move(e));
            visitor = found.value();
            return Ok{};
        }
    }
    // Nobody holds the user: the token's visitor becomes theirs, unless it is another's.
    if (visitor) {
        auto current = store_.find_contact(visitor->id);
        if (!current) return current.error();
        if (current.value() && current.value()->verified && current.value()->user_id != user) visitor.reset();
    }
    return Ok{};
}

Result<bool> Hub::store_claim(const IdentityClaim& claim, const Visitor& visitor, std::int64_t now) {
    if (!claim.contact) return false;
    auto current = store_.find_contact(visitor.id);
    if (!current) return current.error();
    if (current.value() && current.value()->verified && !claim.contact->verified) return false;  // never downgraded
    // The visitor's pre-chat answers and the e-mail mark stay (core/prechat_form.hpp).
    const p::Contact next = current.value() ? with_relay_attributes(*claim.contact, *current.value()) : *claim.contact;
    if (current.value() && *current.value() == next) return false;
    if (Status s = store_.put_contact(visitor.id, next, now); !s) return s.error();
    return true;
}

void Hub::add_contact(p::ConvSummary& s) const {
    if (s.visitor.id.empty()) return;
    auto found = store_.find_contact(s.visitor.id);
    if (found && found.value()) s.contact = *found.value();
}

}  // namespace parley::relay
