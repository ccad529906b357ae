// The value rules of protocol v1 (docs/protocol.md §2, §4): what makes a conversation
// id, a client message id, a message text or a display name acceptable. The decoder
// and the client core share them, so the client refuses locally exactly what the
// relay would refuse.
#pragma once

#include <optional>
#include <string_view>

#include "parley/protocol/error_code.hpp"

namespace parley::protocol {

// `c_` followed by exactly 16 lowercase hex digits.
bool is_conv_id(std::string_view s);

// 1–64 characters from [A-Za-z0-9_.:-].
bool is_cid(std::string_view s);

// Problem with a message text, if any: text_too_long above 8 000 bytes, bad_field when
// empty or only ASCII white space.
std::optional<ErrorCode> text_problem(std::string_view text);

// Problem with a display name, if any: text_too_long above 80 bytes.
std::optional<ErrorCode> name_problem(std::string_view name);

// Roles a party may have (`visitor`, `agent`, `system`) and a hello may claim
// (`visitor`, `agent`).
bool is_party_role(std::string_view s);
bool is_client_role(std::string_view s);
// A handoff's reason (issue 16): 1–40 characters of [a-z0-9_].
bool is_handoff_reason(std::string_view s);

// Presence statuses: visitors `online`/`away`, agents `available`/`away`/`offline`.
// The codec accepts any of the four; which role may use which is the relay's rule.
bool is_presence_status(std::string_view s);

}  // namespace parley::protocol
