// Personal data detection. Three scanners (IBAN, e-mail, number runs for cards and
// phones) propose spans; higher-precedence kinds claim their bytes first. Scanners
// work on bytes: every structure we look for is ASCII, and UTF-8 continuation bytes
// are never ASCII, so multi-byte text around a match cannot be cut in half.
//
// Look-alikes (issue 15): a card pasted with non-breaking spaces, typed with an IME's
// full-width digits or split by a zero-width space is the same card. Text that is not
// pure ASCII is first folded to a copy (fold_char) where full-width ASCII, every Unicode
// decimal digit, Unicode spaces and dashes become their ASCII forms and invisible
// characters (zero-width, soft hyphen, bidi controls) vanish; the scanners run on that
// copy and the spans are mapped back to the original bytes. Pure ASCII text, the common
// case, is scanned as it is. The road not taken: Unicode normalisation (NFKC) would
// need ICU or its tables, far beyond the widget's size budget; the few hundred bytes
// here cover what people actually type.
#include "parley/triage/pii.hpp"

#include <algorithm>

namespace parley::triage {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }
char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; }
bool is_local_char(char c) {
    return is_alnum(c) || c == '.' || c == '_' || c == '+' || c == '-';
}
bool is_domain_char(char c) { return is_alnum(c) || c == '.' || c == '-'; }

// ---- folding look-alikes to ASCII --------------------------------------------------

// The code point of value 0 of every run of ten Unicode decimal digits (general category
// Nd, Unicode 14) beyond ASCII: Arabic-Indic, Devanagari, Thai, full-width, mathematical…
// Each is even, so it is stored halved: 16 bits each, half the table in the widget.
constexpr unsigned short kDigitZerosHalved[] = {
    0x330,  0x378,  0x3E0,  0x4B3,  0x4F3,  0x533,  0x573,  0x5B3,  0x5F3,  0x633,
    0x673,  0x6B3,  0x6F3,  0x728,  0x768,  0x790,  0x820,  0x848,  0xBF0,  0xC08,
    0xCA3,  0xCE8,  0xD40,  0xD48,  0xDA8,  0xDD8,  0xE20,  0xE28,  0x5310, 0x5468,
    0x5480, 0x54E8, 0x54F8, 0x5528, 0x55F8, 0x7F88, 0x8250, 0x8698, 0x8833, 0x8878,
    0x889B, 0x88E8, 0x8978, 0x8A28, 0x8A68, 0x8B28, 0x8B60, 0x8B98, 0x8C70, 0x8CA8,
    0x8E28, 0x8EA8, 0x8ED0, 0xB530, 0xB560, 0xB5A8, 0xEBE7, 0xEBEC, 0xEBF1, 0xEBF6,
    0xEBFB, 0xF0A0, 0xF178, 0xF4A8, 0xFDF8};

struct Folded {
    char ascii;  // what the scanners see; 0: nothing (an invisible character)
    size_t len;  // bytes of the original character
};

// The character at s[i] as the scanners should see it. A non-ASCII character without an
// ASCII look-alike stays itself (ascii = its lead byte, never ASCII: still no match).
Folded fold_char(std::string_view s, size_t i) {
    const auto b = static_cast<unsigned char>(s[i]);
    const size_t len = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 0;
    if (len <= 1 || i + len > s.size()) return {s[i], 1};  // ASCII, or a stray byte
    char32_t cp = b & (0x7F >> len);
    for (size_t k = 1; k < len; ++k) {
        const auto c = static_cast<unsigned char>(s[i + k]);
        if ((c & 0xC0) != 0x80) return {s[i], 1};
        cp = (cp << 6) | (c & 0x3F);
    }
    if (cp >= 0xFF01 && cp <= 0xFF5E) return {static_cast<char>(cp - 0xFEE0), len};  // full-width ASCII
    for (unsigned short half : kDigitZerosHalved) {
        const char32_t zero = char32_t{half} * 2;
        if (cp >= zero && cp < zero + 10) return {static_cast<char>('0' + (cp - zero)), len};
    }
    if (cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F || cp == 0x3000)
        return {' ', len};  // no-break, figure, thin, narrow no-break, ideographic… spaces
    if ((cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 || cp == 0xFE63) return {'-', len};  // dashes, minus
    if (cp == 0xFE6B) return {'@', len};  // small commercial at
    if (cp == 0x3002) return {'.', len};  // ideographic full stop
    if (cp == 0xAD || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
        (cp >= 0x2060 && cp <= 0x2069) || cp == 0xFEFF)
        return {0, len};  // soft hyphen, zero-width and bidi controls: invisible
    return {s[i], 1};
}

// Pure ASCII text folds to itself: the common case allocates nothing.
bool is_ascii(std::string_view s) {
    for (char c : s)
        if (static_cast<unsigned char>(c) >= 0x80) return false;
    return true;
}

// Precedence: lower value wins an overlap.
int rank(PiiKind k) {
    switch (k) {
        case PiiKind::iban: return 0;
        case PiiKind::card: return 1;
        case PiiKind::email: return 2;
        case PiiKind::phone: return 3;
    }
    return 4;
}

// E-mail: local@domain.tld, also with "%40" for '@' as in URL-encoded query strings.
void scan_emails(std::string_view s, std::vector<PiiSpan>& out) {
    for (size_t at = 0; at < s.size(); ++at) {
        size_t at_len = 0;
        if (s[at] == '@') at_len = 1;
        else if (s.compare(at, 3, "%40") == 0) at_len = 3;
        else continue;
        size_t b = at;
        while (b > 0 && is_local_char(s[b - 1])) --b;
        while (b < at && s[b] == '.') ++b;  // a local part does not start with a dot
        if (b == at) continue;              // "@handle": no local part
        size_t e = at + at_len;
        while (e < s.size() && is_domain_char(s[e])) ++e;
        while (e > at + at_len && (s[e - 1] == '.' || s[e - 1] == '-')) --e;  // sentence end
        const std::string_view domain = s.substr(at + at_len, e - at - at_len);
        const size_t dot = domain.rfind('.');
        if (domain.empty() || dot == std::string_view::npos || dot == 0) continue;
        if (domain.find("..") != std::string_view::npos || domain.front() == '-') continue;
        const std::string_view tld = domain.substr(dot + 1);
        if (tld.size() < 2 || !std::all_of(tld.begin(), tld.end(), is_alpha)) continue;
        out.push_back({PiiKind::email, b, e});
        at = e - 1;
    }
}

// IBAN: two letters, two check digits, then 11–30 letters/digits, optionally in
// space-separated groups; valid only if mod-97 holds. The longest run is tried first,
// then shorter ones by whole groups, so trailing words do not spoil a match.
void scan_ibans(std::string_view s, std::vector<PiiSpan>& out) {
    for (size_t i = 0; i + 15 <= s.size(); ++i) {
        if ((i > 0 && is_alnum(s[i - 1])) || !is_alpha(s[i]) || !is_alpha(s[i + 1]) ||
            !is_digit(s[i + 2]) || !is_digit(s[i + 3]))
            continue;
        std::vector<size_t> ends;  // candidate end offsets at group boundaries
        size_t j = i, chars = 0;
        while (j < s.size()) {
            if (is_alnum(s[j])) { ++j; ++chars; continue; }
            if (s[j] == ' ' && j + 1 < s.size() && is_alnum(s[j + 1])) { ends.push_back(j); ++j; continue; }
            break;
        }
        ends.push_back(j);
        for (size_t k = ends.size(); k-- > 0;) {
            const size_t e = ends[k];
            if (e < s.size() && is_alnum(s[e])) continue;
            if (iban_valid(s.substr(i, e - i))) {
                out.push_back({PiiKind::iban, i, e});
                i = e;
                break;
            }
        }
        (void)chars;
    }
}

bool is_currency_before(std::string_view s, size_t b) {
    size_t p = b;
    if (p > 0 && s[p - 1] == ' ') --p;
    if (p == 0) return false;
    if (s[p - 1] == '$') return true;
    if (p >= 3 && s.compare(p - 3, 3, "\xE2\x82\xAC") == 0) return true;  // €
    if (p >= 2 && s.compare(p - 2, 2, "\xC2\xA3") == 0) return true;      // £
    return false;
}

// A run of digits with phone/card punctuation, and what it looks like. Fixed-size
// fields rather than strings and vectors: the scanner runs on every message, and the
// containers' code was a good part of find_pii in the widget's Wasm (issue 6).
enum Sep : unsigned { kSpace = 1, kDash = 2, kDot = 4, kSlash = 8 };

struct NumberRun {
    size_t begin, end;
    size_t n = 0;           // digits in the run
    char digits[19];        // the first 19 of them: a card has at most 19
    size_t groups = 0;      // groups of digits
    size_t g[3] = {};       // digit count of the first three groups
    bool rest_three = true; // every group after the first has three digits
    unsigned seps = 0;      // Sep bits of the separators seen between groups
    bool plus = false, paren = false;

    void end_group(size_t count) {
        if (groups < 3) g[groups] = count;
        if (groups > 0 && count != 3) rest_three = false;
        ++groups;
    }
    // True when every separator seen is among `allowed` (also when there was none).
    bool seps_only(unsigned allowed) const { return (seps & ~allowed) == 0; }
};

// The first three groups read as a date: 2024-03-15, 15.03.2024, 15/03/24.
bool starts_like_date(const NumberRun& r) {
    return r.groups >= 3 && ((r.g[0] == 4 && r.g[1] <= 2 && r.g[2] <= 2) ||
                             (r.g[0] <= 2 && r.g[1] <= 2 && (r.g[2] == 4 || r.g[2] == 2)));
}

bool looks_like_date_or_amount(const NumberRun& r) {
    const bool date_seps = r.seps != 0 && r.seps_only(kDash | kSlash | kDot);
    if (r.groups == 3 && date_seps && starts_like_date(r)) return true;
    if (r.seps != 0 && r.seps_only(kDot) && r.groups < 3) return true;  // a decimal number
    // Thousands grouping "1 250 000", "1.250.000": 1–3 digits then groups of three.
    if (r.groups >= 2 && r.g[0] <= 3 && r.seps_only(kSpace | kDot) && r.rest_three) return true;
    return false;
}

unsigned sep_bit(char c) {
    return c == ' ' ? kSpace : c == '-' ? kDash : c == '.' ? kDot : kSlash;
}

void scan_numbers(std::string_view s, std::vector<PiiSpan>& out) {
    size_t i = 0;
    while (i < s.size()) {
        const bool starts = is_digit(s[i]) ||
                            ((s[i] == '+' || s[i] == '(') && i + 1 < s.size() && is_digit(s[i + 1]));
        const bool boundary = i == 0 || !(is_alnum(s[i - 1]) || s[i - 1] == '.' || s[i - 1] == ',' ||
                                          s[i - 1] == '_' || s[i - 1] == '/' || s[i - 1] == ':' ||
                                          s[i - 1] == '#' || s[i - 1] == '-');
        if (!starts || !boundary) { ++i; continue; }
        NumberRun r;
        r.begin = r.end = i;
        r.plus = s[i] == '+';
        r.paren = s[i] == '(';
        size_t j = i + ((r.plus || r.paren) ? 1 : 0);
        size_t group = 0;
        size_t last_digit_end = j;
        while (j < s.size()) {
            const char c = s[j];
            if (is_digit(c)) {
                if (r.n < sizeof r.digits) r.digits[r.n] = c;
                ++r.n; ++group; ++j; last_digit_end = j;
                continue;
            }
            // One separator (or ") " / " (" pair) between digit groups.
            size_t k = j;
            while (k < s.size() && k - j < 2 &&
                   (s[k] == ' ' || s[k] == '-' || s[k] == '.' || s[k] == '/' || s[k] == '(' || s[k] == ')'))
                ++k;
            const std::string_view sep = s.substr(j, k - j);
            if (sep.empty() || k >= s.size() || !is_digit(s[k])) break;
            if (sep.size() == 2 && sep != ") " && sep != " (" && sep != ")-" && sep != "-(") break;
            r.end_group(group);
            group = 0;
            // A parenthesis counts as the character beside it, or as a space alone.
            r.seps |= sep_bit(sep[0] == ')' || sep[0] == '(' ? (sep.size() > 1 ? sep[1] : ' ') : sep[0]);
            j = k;
        }
        r.end_group(group);
        r.end = last_digit_end;
        if (r.end < s.size() && (is_alpha(s[r.end]) || s[r.end] == '_' || s[r.end] == '@')) {
            i = r.end + 1;  // glued to a word ("12345678abc", an e-mail's local part)
            continue;
        }
        const size_t n = r.n;
        // Cards are grouped by any separator (4111.1111.1111.1111, 4111/1111/…), except
        // that a decimal (one dot) or a run starting with a dotted or slashed date
        // ("2024-03-15/2024-03-16") is not a card even when its digits pass Luhn.
        const bool card_seps = !(r.seps == kDot && r.groups == 2) &&
                               !((r.seps & (kDot | kSlash)) && starts_like_date(r));
        if (n >= 13 && n <= 19 && card_seps && !r.plus && !r.paren &&
            luhn_valid(std::string_view(r.digits, n))) {
            out.push_back({PiiKind::card, r.begin, r.end});
        } else if (n >= 7 && n <= 15) {
            const bool prefixed = r.plus || r.paren || (r.digits[0] == '0' && r.digits[1] == '0');
            const bool separated = r.seps != 0;
            const bool plausible = prefixed || (separated ? n >= 7 : n >= 9);
            if (plausible && (prefixed || (!looks_like_date_or_amount(r) && !is_currency_before(s, r.begin))))
                out.push_back({PiiKind::phone, r.begin, r.end});
        }
        i = std::max(r.end, i + 1);
    }
}

}  // namespace

const char* pii_name(PiiKind kind) {
    switch (kind) {
        case PiiKind::email: return "email";
        case PiiKind::phone: return "phone";
        case PiiKind::card: return "card";
        case PiiKind::iban: return "iban";
    }
    return "unknown";
}

bool luhn_valid(std::string_view digits) {
    if (digits.size() < 2) return false;
    int sum = 0;
    bool dbl = false;
    for (size_t k = digits.size(); k-- > 0;) {
        if (!is_digit(digits[k])) return false;
        int d = digits[k] - '0';
        if (dbl) { d *= 2; if (d > 9) d -= 9; }
        sum += d;
        dbl = !dbl;
    }
    return sum % 10 == 0;
}

bool iban_valid(std::string_view iban) {
    std::string c;
    for (char ch : iban) {
        if (ch == ' ') continue;
        if (!is_alnum(ch)) return false;
        c.push_back(upper(ch));
    }
    if (c.size() < 15 || c.size() > 34 || !is_alpha(c[0]) || !is_alpha(c[1]) || !is_digit(c[2]) ||
        !is_digit(c[3]))
        return false;
    // Move the first four characters to the end, letters become 10..35, mod 97 == 1.
    unsigned rem = 0;
    for (size_t k = 0; k < c.size(); ++k) {
        const char ch = c[(k + 4) % c.size()];
        const unsigned v = is_digit(ch) ? static_cast<unsigned>(ch - '0') : static_cast<unsigned>(ch - 'A' + 10);
        rem = (v >= 10) ? (rem * 100 + v) % 97 : (rem * 10 + v) % 97;
    }
    return rem == 1;
}

namespace {

// Stable insertion sort: a message yields a handful of candidates, each scanner's
// already in text order, and std::stable_sort with its merge buffers and std::sort
// were ~5 KB of the widget's Wasm (issue 6). Worst case quadratic, like the overlap
// check below.
template <class Less>
void sort_spans(std::vector<PiiSpan>& v, Less less) {
    for (size_t i = 1; i < v.size(); ++i) {
        const PiiSpan x = v[i];
        size_t j = i;
        for (; j > 0 && less(x, v[j - 1]); --j) v[j] = v[j - 1];
        v[j] = x;
    }
}

}  // namespace

std::vector<PiiSpan> find_pii(std::string_view text) {
    std::vector<PiiSpan> cands;
    // Non-ASCII text: scan the folded copy; at[k] is where its byte k came from.
    std::string folded;
    std::vector<size_t> at;
    const bool fold = !is_ascii(text);
    if (fold) {
        bool dropped = false;  // an invisible character was just left out
        for (size_t i = 0; i < text.size();) {
            const Folded f = fold_char(text, i);
            if (!f.ascii) {
                dropped = true;
                i += f.len;
                continue;
            }
            // Between a letter and a digit it still parts them, as before folding:
            // "x\u200B4111…" is a card after a word, not a number glued to it.
            if (dropped && !folded.empty() && is_alnum(folded.back()) && is_alnum(f.ascii) &&
                is_digit(folded.back()) != is_digit(f.ascii))
                folded.push_back(' '), at.push_back(i);
            dropped = false;
            folded.push_back(f.ascii), at.push_back(i);
            i += f.len;
        }
    }
    const std::string_view scanned = fold ? std::string_view(folded) : text;
    scan_ibans(scanned, cands);
    scan_emails(scanned, cands);
    scan_numbers(scanned, cands);
    if (fold)  // back to the original bytes: a span ends after its last character
        for (PiiSpan& c : cands) {
            const size_t last = at[c.end - 1];
            c.begin = at[c.begin];
            c.end = last + fold_char(text, last).len;
        }
    // Higher-precedence kinds first, each in text order; then each claims its bytes.
    sort_spans(cands, [](const PiiSpan& a, const PiiSpan& b) {
        return rank(a.kind) != rank(b.kind) ? rank(a.kind) < rank(b.kind) : a.begin < b.begin;
    });
    std::vector<PiiSpan> out;
    for (const PiiSpan& c : cands) {
        bool overlaps = false;
        for (const PiiSpan& o : out) overlaps |= c.begin < o.end && o.begin < c.end;
        if (!overlaps) out.push_back(c);
    }
    // Kept spans do not overlap, so their begins differ and the order is total.
    sort_spans(out, [](const PiiSpan& a, const PiiSpan& b) { return a.begin < b.begin; });
    return out;
}

std::string mask_pii(std::string_view text, const MaskOptions& o) { return mask_pii(text, find_pii(text), o); }

std::string mask_pii(std::string_view text, const std::vector<PiiSpan>& spans, const MaskOptions& o) {
    std::string out;
    out.reserve(text.size());
    size_t at = 0;
    for (const PiiSpan& sp : spans) {
        const bool on = (sp.kind == PiiKind::email && o.email) || (sp.kind == PiiKind::phone && o.phone) ||
                        (sp.kind == PiiKind::card && o.card) || (sp.kind == PiiKind::iban && o.iban);
        if (!on) continue;
        out.append(text.substr(at, sp.begin - at));
        if (sp.kind == PiiKind::card && o.keep_card_last4) {
            char last4[4];  // the span's last (up to) four digits, as ASCII
            size_t n = 0;
            for (size_t k = sp.begin; k < sp.end;) {  // forward: characters may be multi-byte
                const Folded f = fold_char(text, k);
                if (is_digit(f.ascii)) {
                    if (n == 4) last4[0] = last4[1], last4[1] = last4[2], last4[2] = last4[3], n = 3;
                    last4[n++] = f.ascii;
                }
                k += f.len;
            }
            out += "[card \xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2";
            out.append(last4, n);
            out += ']';
        } else {
            out += "[";
            out += pii_name(sp.kind);
            out += "]";
        }
        at = sp.end;
    }
    out.append(text.substr(at));
    return out;
}

}  // namespace parley::triage
