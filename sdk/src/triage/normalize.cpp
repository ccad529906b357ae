// Normalisation: one pass over code points, each classified as letter (folded and
// stripped of accents), digit, emoji, joiner (dropped), apostrophe (dropped) or
// separator. Tables cover the scripts our default model and signals meet; anything
// else is kept as a letter, unchanged, so unknown scripts still form tokens.
#include "parley/triage/normalize.hpp"

#include <cstdint>

namespace parley::triage {
namespace {

// Base letters for U+00C0..U+00FF. '*' = multi-letter (handled in code), ' ' = symbol.
constexpr char kLatin1[] =
    "aaaaaa*ceeeeiiiidnooooo ouuuuy**"
    "aaaaaa*ceeeeiiiidnooooo ouuuuy*y";
static_assert(sizeof(kLatin1) == 65, "64 entries");

// Base letters for U+0100..U+017F (Latin Extended-A). '*' = multi-letter.
constexpr char kLatinExtA[] =
    "aaaaaa" "cccccccc" "dddd" "eeeeeeeeee" "gggggggg" "hhhh" "iiiiiiiiii" "**" "jj"
    "kkk" "llllllllll" "nnnnnnnnn" "oooooo" "**" "rrrrrr" "ssssssss" "tttttt"
    "uuuuuuuuuuuu" "ww" "yyy" "zzzzzz" "s";
static_assert(sizeof(kLatinExtA) == 129, "128 entries");

enum class Kind { letter, digit, emoji, drop, apostrophe, separator };

bool is_emoji(char32_t c) {
    return (c >= 0x1F000 && c <= 0x1FAFF) || (c >= 0x2600 && c <= 0x27BF) ||
           (c >= 0x2B00 && c <= 0x2BFF) || c == 0x2764 || c == 0x203C || c == 0x2049;
}

Kind classify(char32_t c) {
    if (c < 0x80) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return Kind::letter;
        if (c >= '0' && c <= '9') return Kind::digit;
        if (c == '\'' || c == '`') return Kind::apostrophe;
        return Kind::separator;  // controls, space, punctuation
    }
    if (c == 0x2019 || c == 0x2018 || c == 0x02BC) return Kind::apostrophe;
    if ((c >= 0x0300 && c <= 0x036F) || c == 0x200C || c == 0x200D || c == 0x00AD ||
        c == 0xFE0E || c == 0xFE0F || (c >= 0x1F3FB && c <= 0x1F3FF) || c == 0xFFFD)
        return Kind::drop;
    if ((c >= 0x0660 && c <= 0x0669) || (c >= 0x06F0 && c <= 0x06F9)) return Kind::digit;
    if (c >= 0x00A0 && c <= 0x00BF) return (c == 0xAA || c == 0xBA) ? Kind::letter : Kind::separator;
    if (c == 0xD7 || c == 0xF7) return Kind::separator;
    if (is_emoji(c)) return Kind::emoji;
    if ((c >= 0x2000 && c <= 0x206F) || (c >= 0x2190 && c <= 0x23FF) ||
        (c >= 0x2500 && c <= 0x25FF) || (c >= 0x3000 && c <= 0x303F) ||
        (c >= 0xFE10 && c <= 0xFE6F) || c == 0x0589 || c == 0x05BE || c == 0x060C ||
        c == 0x061F || c == 0x06D4 || c == 0x0964 || c == 0x0965)
        return Kind::separator;
    return Kind::letter;
}

// Appends the folded, accent-free form of a letter.
void append_letter(std::string& out, char32_t c) {
    if (c < 0x80) {
        out.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
        return;
    }
    const char* multi = nullptr;
    char base = 0;
    if (c == 0xAA) base = 'a';
    else if (c == 0xBA) base = 'o';
    else if (c >= 0xC0 && c <= 0xFF) {
        base = kLatin1[c - 0xC0];
        if (base == '*') multi = (c == 0xC6 || c == 0xE6) ? "ae" : (c == 0xDF) ? "ss" : "th";
    } else if (c >= 0x100 && c <= 0x17F) {
        base = kLatinExtA[c - 0x100];
        if (base == '*') multi = (c <= 0x133) ? "ij" : "oe";
    }
    if (multi) { out += multi; return; }
    if (base) { out.push_back(base); return; }

    // Greek: fold case, drop tonos and dialytika.
    if (c >= 0x0386 && c <= 0x03CE) {
        switch (c) {
            case 0x0386: case 0x03AC: c = 0x03B1; break;           // ά → α
            case 0x0388: case 0x03AD: c = 0x03B5; break;           // έ → ε
            case 0x0389: case 0x03AE: c = 0x03B7; break;           // ή → η
            case 0x038A: case 0x03AF: case 0x0390: case 0x03AA: case 0x03CA:
                c = 0x03B9; break;                                 // ί → ι
            case 0x038C: case 0x03CC: c = 0x03BF; break;           // ό → ο
            case 0x038E: case 0x03CD: case 0x03B0: case 0x03AB: case 0x03CB:
                c = 0x03C5; break;                                 // ύ → υ
            case 0x038F: case 0x03CE: c = 0x03C9; break;           // ώ → ω
            case 0x03C2: c = 0x03C3; break;                        // ς → σ
            default:
                if (c >= 0x0391 && c <= 0x03A9) c += 0x20;
        }
    } else if (c >= 0x0400 && c <= 0x042F) {                       // Cyrillic capitals
        c += (c >= 0x0410) ? 0x20 : 0x50;
    }
    if (c == 0x0451 || c == 0x0450) c = 0x0435;                    // ё, ѐ → е
    append_utf8(out, c);
}

}  // namespace

char32_t decode_utf8(std::string_view s, size_t& i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) { ++i; return b0; }
    int len = 0;
    char32_t cp = 0;
    if ((b0 & 0xE0) == 0xC0) { len = 2; cp = b0 & 0x1F; }
    else if ((b0 & 0xF0) == 0xE0) { len = 3; cp = b0 & 0x0F; }
    else if ((b0 & 0xF8) == 0xF0) { len = 4; cp = b0 & 0x07; }
    else { ++i; return 0xFFFD; }
    if (i + len > s.size()) { ++i; return 0xFFFD; }
    for (int k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80) { ++i; return 0xFFFD; }
        cp = (cp << 6) | (b & 0x3F);
    }
    // Reject overlong forms, surrogates and out-of-range values.
    static constexpr char32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) { ++i; return 0xFFFD; }
    i += len;
    return cp;
}

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

std::string normalize(std::string_view s) {
    std::string out;
    normalize_into(s, out);
    return out;
}

void normalize_into(std::string_view s, std::string& out) {
    out.clear();
    out.reserve(s.size() + 8);
    // `pending_space`: a separator was seen since the last emitted token character.
    bool pending_space = false;
    bool in_number = false;
    auto start_token_char = [&] {
        if (pending_space && !out.empty()) out.push_back(' ');
        pending_space = false;
    };
    size_t i = 0;
    while (i < s.size()) {
        char32_t c = decode_utf8(s, i);
        if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;  // fullwidth ASCII
        const Kind kind = classify(c);
        switch (kind) {
            case Kind::letter:
                start_token_char();
                append_letter(out, c);
                in_number = false;
                break;
            case Kind::digit:
                if (!in_number) {
                    start_token_char();
                    out.push_back('0');
                    in_number = true;
                }
                break;
            case Kind::emoji:
                pending_space = true;
                start_token_char();
                append_utf8(out, c);
                pending_space = true;
                in_number = false;
                break;
            case Kind::drop:
            case Kind::apostrophe:
                break;
            case Kind::separator:
                pending_space = true;
                in_number = false;
                break;
        }
    }
}

std::vector<std::string_view> tokens(std::string_view normalized) {
    std::vector<std::string_view> out;
    tokens_into(normalized, out);
    return out;
}

void tokens_into(std::string_view normalized, std::vector<std::string_view>& out) {
    out.clear();
    size_t start = 0;
    while (start < normalized.size()) {
        size_t end = normalized.find(' ', start);
        if (end == std::string_view::npos) end = normalized.size();
        if (end > start) out.push_back(normalized.substr(start, end - start));
        start = end + 1;
    }
}

}  // namespace parley::triage
