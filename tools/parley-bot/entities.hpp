// Entities the bot personalises its replies with, taken from one visitor message:
// e-mail address, order number, amount of money and product name (from the config's
// list). A conversation keeps the latest value of each (ConversationState::entities).
//
// The relay masks personal data before a message reaches a bot (outbound policy,
// relay/core/outbound.hpp): an address then arrives as "[email]". That placeholder is
// still recorded as an e-mail (value "[email]"): the visitor gave one, the agent sees it
// in the transcript, and the bot does not ask again. Form values are not masked.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace parley::bot {

using Entities = std::map<std::string, std::string>;  // "email" | "order" | "amount" | "product"

// Entities found in `text`; the first occurrence of each kind. Pure.
Entities extract_entities(std::string_view text, const std::vector<std::string>& products);

// True for a syntactically plausible address (local@domain.tld), as the relay checks
// form fields; also true for the relay's mask placeholder "[email]".
bool looks_like_email(std::string_view text);

// The e-mail address inside `text`, or "" when there is none.
std::string find_email(std::string_view text);

// The case-folded ASCII copy used for keyword matching.
std::string lower_ascii(std::string_view text);

// True when `phrase` occurs in `lowered` on word boundaries ("sue" in "I will sue you",
// not in "issue"). `lowered` is lower_ascii() text; `phrase` is lowered here.
bool contains_phrase(std::string_view lowered, std::string_view phrase);

}  // namespace parley::bot
