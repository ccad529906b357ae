// parley::json::parse: strict RFC 8259 text → Value. See value.hpp for the data model.
//
// Accepts exactly what nlohmann/json 3.11's parse() accepted for the sdk (tests/sdk/json
// checks both on many inputs):
//  - one value with optional white space (space, tab, LF, CR) around it, after an
//    optional UTF-8 byte-order mark at the very start; nothing after it but a NUL
//    byte and whatever follows that (nlohmann's lexer reads NUL as end of input);
//  - strings of well-formed UTF-8 (no overlong forms, no encoded surrogates, nothing
//    beyond U+10FFFF) without raw control characters; escapes \" \\ \/ \b \f \n \r \t
//    and \uXXXX, where a high surrogate must be followed by a \u low surrogate and a
//    lone low surrogate is refused; \u0000 is allowed;
//  - numbers with no leading zeros, no '+', digits on both sides of '.', and an
//    exponent with digits; an integer beyond 64 bits becomes a double, a double that
//    overflows to infinity is refused;
//  - duplicate object keys: kept, and Value::find returns the last (nlohmann's result).
//
// The one deliberate difference: nesting deeper than `max_depth` is refused (nlohmann
// had no limit; the codec refuses depth > 16 before parsing anyway).
//
// Pure, no exceptions; may be called from any callback.
#pragma once

#include <optional>
#include <string_view>

#include "parley/json/value.hpp"

namespace parley::json {

inline constexpr int kDefaultMaxDepth = 256;

// The document, or nullopt when `text` is not exactly one JSON value.
std::optional<Value> parse(std::string_view text, int max_depth = kDefaultMaxDepth);

}  // namespace parley::json
