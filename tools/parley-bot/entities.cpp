#include "entities.hpp"

// GCC 12 warns -Wmaybe-uninitialized inside libstdc++'s <regex> automaton when it is
// instantiated at -O1 (the sanitizer build); a false positive (GCC bug 105562) that
// would bury real warnings of this file, so it is silenced here only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <regex>

#include "parley/triage/pii.hpp"

namespace parley::bot {

std::string lower_ascii(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

namespace {

bool is_word_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           static_cast<unsigned char>(c) >= 0x80;
}

}  // namespace

bool contains_phrase(std::string_view lowered, std::string_view phrase) {
    const std::string p = lower_ascii(phrase);
    if (p.empty()) return false;
    for (size_t at = lowered.find(p); at != std::string_view::npos; at = lowered.find(p, at + 1)) {
        const bool left = at == 0 || !is_word_char(lowered[at - 1]);
        const size_t end = at + p.size();
        const bool right = end >= lowered.size() || !is_word_char(lowered[end]);
        if (left && right) return true;
    }
    return false;
}

std::string find_email(std::string_view text) {
    for (const triage::PiiSpan& s : triage::find_pii(text))
        if (s.kind == triage::PiiKind::email) return std::string(text.substr(s.begin, s.end - s.begin));
    if (text.find("[email]") != std::string_view::npos) return "[email]";
    return {};
}

bool looks_like_email(std::string_view text) {
    // Trim, then the whole text must be the one address the PII scanner finds.
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '.')) text.remove_suffix(1);
    if (text == "[email]") return true;
    for (const triage::PiiSpan& s : triage::find_pii(text))
        if (s.kind == triage::PiiKind::email && s.begin == 0 && s.end == text.size()) return true;
    return false;
}

Entities extract_entities(std::string_view text, const std::vector<std::string>& products) {
    Entities out;
    if (std::string email = find_email(text); !email.empty()) out["email"] = email;

    // std::regex is slow to build: once per process. It runs on one short message. It
    // matches bytes, so a multi-byte sign (€, £) is an alternative, never in a [class].
    // Every repetition is bounded: libstdc++'s regex engine recurses once per repeated
    // item, so an unbounded \s* over 8000 spaces from a visitor would recurse 8000 deep.
    static const std::regex order_re(
        R"((?:order|invoice|ord)\s{0,3}(?:number|no\.?|nr\.?|id)?\s{0,3}[:#]?\s{0,3}#?\s{0,3}([a-z]{0,4}-?\d{3,12})\b|#\s?(\d{4,12})\b)",
        std::regex::icase);
    static const std::regex amount_re(
        R"((\$|€|£)\s?(\d{1,7}(?:[.,]\d{1,2})?)|\b(\d{1,7}(?:[.,]\d{1,2})?)\s?(eur|euros?|usd|dollars?|gbp|pounds?)\b)",
        std::regex::icase);
    const std::string s(text);
    std::smatch m;
    if (std::regex_search(s, m, order_re)) out["order"] = m[1].matched ? m[1].str() : m[2].str();
    if (std::regex_search(s, m, amount_re)) out["amount"] = m.str(0);

    const std::string lowered = lower_ascii(text);
    for (const std::string& p : products) {
        if (contains_phrase(lowered, p)) {
            out["product"] = p;
            break;
        }
    }
    return out;
}

}  // namespace parley::bot
