#include "parley/protocol/rules.hpp"

#include "parley/protocol/frames.hpp"

namespace parley::protocol {

namespace {
bool is_lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
bool is_cid_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == ':' || c == '-';
}
bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
}  // namespace

bool is_conv_id(std::string_view s) {
    if (s.size() != 18 || s[0] != 'c' || s[1] != '_') return false;
    for (std::size_t i = 2; i < s.size(); ++i)
        if (!is_lower_hex(s[i])) return false;
    return true;
}

bool is_cid(std::string_view s) {
    if (s.empty() || s.size() > 64) return false;
    for (char c : s)
        if (!is_cid_char(c)) return false;
    return true;
}

std::optional<ErrorCode> text_problem(std::string_view text) {
    if (text.size() > kMaxTextBytes) return ErrorCode::text_too_long;
    for (char c : text)
        if (!is_space(c)) return std::nullopt;
    return ErrorCode::bad_field;  // empty or white space only
}

std::optional<ErrorCode> name_problem(std::string_view name) {
    if (name.size() > kMaxNameBytes) return ErrorCode::text_too_long;
    return std::nullopt;
}

bool is_party_role(std::string_view s) { return s == "visitor" || s == "agent" || s == "bot" || s == "system"; }
bool is_client_role(std::string_view s) { return s == "visitor" || s == "agent" || s == "bot"; }

bool is_handoff_reason(std::string_view s) {
    if (s.empty() || s.size() > kMaxReasonBytes) return false;
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    return true;
}

bool is_presence_status(std::string_view s) {
    return s == "online" || s == "away" || s == "available" || s == "offline";
}

}  // namespace parley::protocol
