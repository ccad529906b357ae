// Rich messages (issue 16, docs/protocol.md "Rich messages"): the relay's checks of a
// message's `parts` and of a visitor's `reply` to one. Pure functions: JSON text and
// frames in, the documented error out; no store, no clock.
//
// Theory of operation
// -------------------
// The codec keeps `parts` as compact JSON text once it has checked it is an array;
// check_parts() walks it against the table of kinds below and names the first member
// that breaks a rule by its path ("parts[1].buttons[0].url"), as 1005 bad_field. Every
// member it does not know is refused too: what is stored is exactly what is documented.
//
//   kind           members (required*)                        limits
//   -------------  -----------------------------------------  ----------------------
//   quick_replies  options*: [{id*, label*}]                  1–10 options
//   buttons        buttons*: [{label*, id | url}]             1–5 buttons, id xor url
//   card           title*, text, image (url), buttons         text ≤ 1 000 bytes
//   form           id*, submit, fields*: [{name*, label*,     1–8 fields, names unique;
//                  type* text|email|choice, required,         choice: options* 1–10,
//                  options}]                                  others: no options
//   file           id* (an uploaded file of the sender's,     the Hub checks the file and
//                  attachments/)                              stores name, mime and size
//
// ids and names: 1–64 of [A-Za-z0-9_.:-]; labels, titles, submit: 1–80 bytes; urls:
// ≤ 2 048 bytes, http:// or https:// and something after it, no space or control byte.
// At most 8 parts.
//
// A reply names the message it answers (`to`); the Hub reads that message and hands
// its parts to check_reply(), which checks the option or form exists there (1005
// reply.to / reply.option / reply.form) and then validates every form value at once:
// required present, e-mail syntactically an address, choice among its options, text
// ≤ 500 bytes, no unknown or repeated field: 1011 invalid_form with one reason per bad
// field.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "parley/core/result.hpp"
#include "parley/protocol/frames.hpp"

namespace parley::relay::rich {

constexpr std::size_t kMaxParts = 8;
constexpr std::size_t kMaxOptions = 10;      // quick replies, and a choice field's options
constexpr std::size_t kMaxButtons = 5;
constexpr std::size_t kMaxFields = 8;
constexpr std::size_t kMaxLabelBytes = 80;   // label, title, submit
constexpr std::size_t kMaxCardTextBytes = 1000;
constexpr std::size_t kMaxUrlBytes = 2048;
constexpr std::size_t kMaxTextValueBytes = 500;  // a text field's value
constexpr std::size_t kMaxEmailBytes = 254;

// Attachments (issue 17): "att_" and 1–60 lower-case hex digits, as the relay names
// uploaded files (attachments/attachment_files.hpp).
bool is_attachment_id(std::string_view id);
// Whether every part of `parts` (at least one) is a `file` part: the one kind a visitor
// may send.
bool only_files(std::string_view parts);

// The first problem with a `parts` array (compact JSON text): 1005 bad_field, its
// detail "bad field: <path>". None when the parts follow the table above.
std::optional<Error> check_parts(std::string_view parts);

// The problem with `reply` answering a message whose parts are `target_parts` ("" when
// the message has none, or does not exist / is not the visitor's to see): 1005
// bad_field naming reply.to / reply.option / reply.form / reply.values, or 1011
// invalid_form with `fields` (each bad field's name → its reason). `ref` is the cid.
std::optional<protocol::ErrorFrame> check_reply(const protocol::Reply& reply, std::string_view target_parts,
                                                const std::string& ref);

// Whether `s` is an e-mail address as a form's `email` field accepts it: local@domain,
// local 1–64 of the RFC 5322 atom characters and dots (no leading, trailing or double
// dot), domain two or more labels of [A-Za-z0-9-] (1–63, no leading or trailing '-'),
// at most 254 bytes. Internationalised addresses are refused (ASCII only).
bool is_email(std::string_view s);

}  // namespace parley::relay::rich
