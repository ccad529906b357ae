// Internal to sdk/src/json: decimal text → double (decimal.cpp).
#pragma once

#include <string_view>

namespace parley::json::detail {

// `token` matches -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? (the parser checked).
// Sets `out` to the nearest double (ties to even), exactly as strtod; false when the
// value rounds to infinity.
bool decimal_to_double(std::string_view token, double& out);

}  // namespace parley::json::detail
