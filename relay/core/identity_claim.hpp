// IdentityClaim: what a visitor's hello says about who they are on the site, judged
// against the relay's identity secrets (issue 17; docs/protocol.md §4 "Identity").
// Pure: the Hub passes the hello, the secrets and `now`; the Hub then decides whose
// identity the connection gets (core/hub_identity.cpp).
//
// What is vouched for:
//   user_hash       the user id (HMAC of it); the e-mail and the name are the page's word
//   identity_token  the token's `sub`, `email` and `name`; the hello's own user_id and
//                   email are then ignored (the token's claims win)
// Attributes are never vouched for: they are what the page says. A claim whose proof
// fails keeps the hello's own user_id and e-mail as unverified claims (agents see them
// marked "unverified"); a failed token's claims are dropped (unreadable or untrusted).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "parley/protocol/frames.hpp"

namespace parley::relay {

// Which proofs the relay accepts (--identity-proof). Why not always both: they share
// the secret, so a site that lets users pick their own user id and renders its
// user_hash would sign, as a "user id", any JWT signing input "header.payload" a user
// chose; its hash is then that JWT's signature. So one proof by default (user_hash);
// both only for a site whose user ids are its own (numbers, UUIDs).
enum class IdentityProofs { both, user_hash, identity_token };

struct IdentityClaim {
    protocol::IdentityState state;            // the welcome's `identity`
    std::optional<protocol::Contact> contact; // none: no user id could be read
    std::optional<std::string> name;          // a verified token's name (before masking)
};

// nullopt when the hello makes no claim (no user_id, email, attributes or proof).
// A proof of a kind not accepted is not checked: reason "proof_not_accepted".
std::optional<IdentityClaim> identity_claim(const protocol::Hello& hello, const std::vector<std::string>& secrets,
                                            std::int64_t now, IdentityProofs accepted = IdentityProofs::both);

}  // namespace parley::relay
