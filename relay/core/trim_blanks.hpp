// Spaces and tabs off both ends: HTTP's optional white space around header list items
// (Accept-Encoding, X-Forwarded-For), and around form answers.
#pragma once

#include <string_view>

namespace parley::relay {

inline std::string_view trim_blanks(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

}  // namespace parley::relay
