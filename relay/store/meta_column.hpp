// The `messages.meta` column: a message's triage metadata (protocol::Meta) as a JSON
// object, "{}" when the message has none. Shared by the store backends that keep text.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "parley/protocol/frames.hpp"

namespace parley::relay {

// {"intent":…,"confidence":…,"signals":[…]}, or "{}" for nullopt.
std::string meta_to_column(const std::optional<protocol::Meta>& meta);
// The inverse. "{}", "" and anything unreadable give nullopt (a damaged column loses
// the tags, never the message).
std::optional<protocol::Meta> meta_from_column(std::string_view text);

}  // namespace parley::relay
