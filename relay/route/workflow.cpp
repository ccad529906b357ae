#include "route/workflow.hpp"

#include <algorithm>
#include <cstdint>

namespace parley::route {
namespace {

// Characters dropped from word edges. Apostrophes stay ("that's"), colons and
// parentheses stay so ":)" survives.
bool is_edge_punct(char c) {
    return c == '.' || c == ',' || c == '!' || c == '?' || c == ';' || c == '"';
}

// Decodes one UTF-8 code point at s[i]; returns its length (1 on malformed input).
std::size_t decode(std::string_view s, std::size_t i, std::uint32_t& cp) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 1;
    if (i + n > s.size()) n = 1;
    cp = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
    for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    return n;
}

// Pictographs, dingbats, symbols, flags, skin tones, joiners and variation selectors:
// what a customer sends as a lone reaction. "…" (U+2026) counts too, as punctuation.
bool is_emoji_or_joiner(std::uint32_t cp) {
    return (cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF) ||
           (cp >= 0x2190 && cp <= 0x21FF) || (cp >= 0x2B00 && cp <= 0x2BFF) ||
           cp == 0x200D || cp == 0xFE0F || cp == 0xFE0E || cp == 0x20E3 || cp == 0x2026 ||
           cp == 0x2764;
}

// Whole message made only of emoji (and spaces)? Empty counts as no.
bool only_emoji(std::string_view word) {
    if (word.empty()) return false;
    for (std::size_t i = 0; i < word.size();) {
        std::uint32_t cp = 0;
        i += decode(word, i, cp);
        if (!is_emoji_or_joiner(cp)) return false;
    }
    return true;
}

// Length in words of the longest phrase of `list` starting at words[at], 0 if none.
std::size_t match_at(const std::vector<std::string>& words, std::size_t at,
                     const std::vector<std::vector<std::string>>& phrases) {
    std::size_t best = 0;
    for (const auto& p : phrases) {
        if (p.empty() || p.size() <= best || at + p.size() > words.size()) continue;
        bool eq = true;
        for (std::size_t k = 0; k < p.size() && eq; ++k) eq = words[at + k] == p[k];
        if (eq) best = p.size();
    }
    return best;
}

std::vector<std::vector<std::string>> split_all(const std::vector<std::string>& list) {
    std::vector<std::vector<std::string>> out;
    out.reserve(list.size());
    for (const auto& s : list) out.push_back(normalise_words(s));
    return out;
}

}  // namespace

std::vector<std::string> normalise_words(std::string_view text) {
    std::vector<std::string> words;
    std::string cur;
    auto flush = [&] {
        std::size_t b = 0, e = cur.size();
        while (b < e && is_edge_punct(cur[b])) ++b;
        while (e > b && is_edge_punct(cur[e - 1])) --e;
        if (e > b) words.push_back(cur.substr(b, e - b));
        cur.clear();
    };
    for (char c : text) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            flush();
        } else {
            cur.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
        }
    }
    flush();
    // A trailing emoji glued to a word ("thanks🙏") is split off so both can match.
    std::vector<std::string> out;
    for (auto& w : words) {
        std::size_t cut = w.size();
        for (std::size_t i = 0; i < w.size();) {
            std::uint32_t cp = 0;
            std::size_t n = decode(w, i, cp);
            if (is_emoji_or_joiner(cp)) { cut = i; break; }
            i += n;
        }
        if (cut > 0 && cut < w.size() && only_emoji(std::string_view(w).substr(cut))) {
            std::string head = w.substr(0, cut);
            while (!head.empty() && is_edge_punct(head.back())) head.pop_back();
            if (!head.empty()) out.push_back(head);
            out.push_back(w.substr(cut));
        } else {
            out.push_back(std::move(w));
        }
    }
    return out;
}

Workflow::Workflow(const WorkflowConfig& cfg)
    : prompts_(split_all(cfg.closing_prompts)),
      replies_(split_all(cfg.closing_replies)),
      acks_(split_all(cfg.acknowledgements)) {}

bool Workflow::is_closing_prompt(std::string_view text) const {
    const auto words = normalise_words(text);
    for (std::size_t i = 0; i < words.size(); ++i)
        if (match_at(words, i, prompts_) > 0) return true;
    return false;
}

CustomerMeaning Workflow::classify(std::string_view text, bool prompt_armed) const {
    const auto words = normalise_words(text);
    if (words.empty()) return CustomerMeaning::Ordinary;  // attachments, blank: a real message
    const auto& acks = acks_;
    const auto& closes = replies_;
    bool saw_close = false;
    for (std::size_t i = 0; i < words.size();) {
        std::size_t c = prompt_armed ? match_at(words, i, closes) : 0;
        std::size_t a = match_at(words, i, acks);
        if (only_emoji(words[i])) a = std::max<std::size_t>(a, 1);
        if (c == 0 && a == 0) return CustomerMeaning::Ordinary;
        if (c >= a) { saw_close = true; i += c; } else { i += a; }
    }
    return saw_close ? CustomerMeaning::Decline : CustomerMeaning::Acknowledgement;
}

}  // namespace parley::route
