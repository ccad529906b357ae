// The pre-chat form and contact capture (issue 17; docs/operations.md "Pre-chat form",
// docs/protocol.md `prechat`): what the operator asks visitors before their first
// message, whether a visitor's answers are acceptable, and how they land on the contact.
//
// Theory of operation
// -------------------
// The operator lists the questions in one option, --prechat-fields, left to right as the
// widget shows them:
//     name*,email*,order=Your order number
// `name` and `email` are built in (the widget words them in the visitor's language); any
// other entry is `id=Label`, the operator's own question (id 1–32 of [a-z0-9_], label
// 1–100 bytes, no comma). A `*` after the id makes the question required. At most 6
// entries, each id once. Nothing configured: no form.
//
// Answers are values, not trust: the relay checks them again whatever the widget did,
// and every bad field gets one reason (1011 invalid_form, `fields`):
//   required   a required question left blank (or, offline, no e-mail)
//   email      an e-mail that does not look like one (local@domain.tld, ≤ 254 bytes)
//   too_long   a name over 80 bytes, an answer over 256
//   unknown    a question the form does not ask (offline: anything but email)
// They are stored on the visitor's contact (the sealed contacts row, erased with the
// visitor): name → name, email → email, an own question → attribute "prechat.<id>".
// What a *verified* contact holds came from the site and is never overwritten, and is
// never asked for (fields_to_ask). Offline capture stores the e-mail and marks the
// conversation with attribute "reply_by_email" = its id, which agents see as "will be
// answered by e-mail".
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parley/core/result.hpp"
#include "parley/protocol/frames.hpp"

namespace parley::relay {

using PrechatForm = std::vector<protocol::PrechatField>;
using PrechatValues = std::vector<std::pair<std::string, std::string>>;

constexpr std::size_t kMaxPrechatFields = 6;
constexpr std::size_t kMaxPrechatLabelBytes = 100;
// The contact attribute that marks a conversation to be answered by e-mail, and the
// prefix of the attributes that hold answers to the operator's own questions. The relay
// owns them: a site's claims cannot set them (with_relay_attributes).
constexpr std::string_view kReplyByEmailAttribute = "reply_by_email";
constexpr std::string_view kPrechatAttributePrefix = "prechat.";

// The form of --prechat-fields ("" = none), or bad_field with what is wrong.
Result<PrechatForm> parse_prechat_fields(std::string_view spec);

// True when `email` looks like an address: 3–254 bytes, one '@', a local part of 1–64
// bytes and a domain with a dot inside, no space or control character.
bool looks_like_email(std::string_view email);

// Every bad field of the answers, (field, reason) in the order of the form; empty when
// acceptable. `offline`: the capture form, whose only question is a required e-mail.
// `known`: what we know of the visitor; a question it answers (fields_to_ask left it
// out) is not required.
PrechatValues prechat_problems(const PrechatForm& form, const PrechatValues& values, bool offline,
                               const protocol::Contact* known = nullptr);

// The questions still to ask a visitor with this contact: those whose answer it already
// holds are left out, so a verified visitor is never asked what the site told us, and
// nobody is asked twice.
PrechatForm fields_to_ask(const PrechatForm& form, const protocol::Contact* contact);

// The contact with the (acceptable) answers stored; a verified contact's name and e-mail
// stay. Blank answers change nothing. `conv` is marked when `offline`.
protocol::Contact with_answers(protocol::Contact contact, const PrechatValues& values, bool offline,
                               const std::string& conv);

// `claim` with the relay's own attributes of `current` (answers, the e-mail mark) kept,
// and any of those keys the claim itself made dropped; name and e-mail the claim leaves
// empty come from `current` when it holds answers. So a later hello does not wipe them.
protocol::Contact with_relay_attributes(protocol::Contact claim, const protocol::Contact& current);

}  // namespace parley::relay
