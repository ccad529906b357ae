// The `messages.reply` column (schema step 8, issue 16): a visitor's answer to a rich
// message (protocol::Reply) as a JSON object, "" when the message answers nothing.
// (`messages.parts` needs no such helper: it is the compact JSON the codec produced.)
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "parley/protocol/frames.hpp"

namespace parley::relay {

// {"to":13,"option":"pricing"} or {"to":13,"form":"lead","values":{…}}; "" for nullopt.
std::string reply_to_column(const std::optional<protocol::Reply>& reply);
// The inverse. "" and anything unreadable give nullopt (a damaged column loses the
// reference, never the message: its text still says what was answered).
std::optional<protocol::Reply> reply_from_column(std::string_view text);

}  // namespace parley::relay
