// Reply templates: choosing the variant whose entities are known, and filling in its
// placeholders ({email} {order} {amount} {product} {company} {bot}). Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "bot_config.hpp"
#include "entities.hpp"

namespace parley::bot {

// The first template all of whose `needs` are in `known`; null when none fits.
const ReplyTemplate* choose_template(const std::vector<ReplyTemplate>& replies, const Entities& known);

// `text` with each {name} replaced by known[name]; an unknown placeholder stays as
// written (a visible typo in the config is easier to find than a silent gap).
std::string render_template(std::string_view text, const Entities& known);

}  // namespace parley::bot
