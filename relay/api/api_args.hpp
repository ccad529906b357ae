// Reading the API's query arguments: what more than one handler file needs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace parley::relay::api {

// A decimal integer, the whole text (at most 18 digits, so it never overflows);
// nullopt otherwise.
std::optional<std::int64_t> integer(const std::string& text);

}  // namespace parley::relay::api
