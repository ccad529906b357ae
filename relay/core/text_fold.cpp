// Case folding for the inbox search (text_fold.hpp): utf8proc does the Unicode part.
#include "core/text_fold.hpp"

#include <vector>

#include <utf8proc.h>

namespace parley::relay {

namespace {

constexpr utf8proc_option_t kFold =
    static_cast<utf8proc_option_t>(UTF8PROC_CASEFOLD | UTF8PROC_COMPOSE | UTF8PROC_STABLE);

char lower_ascii(char ch) { return ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch; }

bool is_ascii(std::string_view s) {
    for (char ch : s)
        if (static_cast<unsigned char>(ch) >= 0x80) return false;
    return true;
}

const utf8proc_uint8_t* bytes(std::string_view s) { return reinterpret_cast<const utf8proc_uint8_t*>(s.data()); }

// Appends the folded form of `run`, valid UTF-8; false when utf8proc could not (the run
// is not valid UTF-8), and nothing was appended. utf8proc_decompose then _reencode, the
// two halves of utf8proc_map, into a buffer sized once: utf8proc_map decomposes twice
// (to size its buffer, then to fill it), which made folding half again as slow.
bool append_folded(std::string_view run, std::string& out) {
    // Folding and decomposing rarely make more code points than there were bytes; when
    // they do, utf8proc says how many and the second pass has room. +1: reencode's NUL.
    std::vector<utf8proc_int32_t> buffer(run.size() + 1);
    const auto len = static_cast<utf8proc_ssize_t>(run.size());
    utf8proc_ssize_t n = utf8proc_decompose(bytes(run), len, buffer.data(), len, kFold);
    if (n > len) {
        buffer.resize(static_cast<std::size_t>(n) + 1);
        n = utf8proc_decompose(bytes(run), len, buffer.data(), n, kFold);
    }
    if (n < 0) return false;
    n = utf8proc_reencode(buffer.data(), n, kFold);  // composes (NFC), then UTF-8 in place
    if (n < 0) return false;
    out.append(reinterpret_cast<const char*>(buffer.data()), static_cast<std::size_t>(n));
    return true;
}

void append_lowered(std::string_view run, std::string& out) {
    for (char ch : run) out.push_back(lower_ascii(ch));
}

// Text with invalid UTF-8 in it: each valid run folded, each byte that starts no valid
// character kept (lower-cased if ASCII, which it cannot be, but cheap to be sure).
std::string fold_pieces(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    std::size_t run = 0, i = 0;
    auto flush = [&](std::size_t end) {
        const std::string_view piece = s.substr(run, end - run);
        if (!piece.empty() && !append_folded(piece, out)) append_lowered(piece, out);
    };
    while (i < s.size()) {
        utf8proc_int32_t cp = 0;
        const utf8proc_ssize_t n = utf8proc_iterate(bytes(s.substr(i)), static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
        if (n > 0) {
            i += static_cast<std::size_t>(n);
            continue;
        }
        flush(i);
        out.push_back(lower_ascii(s[i]));
        run = ++i;
    }
    flush(s.size());
    return out;
}

}  // namespace

std::string fold_case(std::string_view utf8) {
    std::string out;
    if (is_ascii(utf8)) {  // folding ASCII is lower-casing it; NFC leaves it alone
        out.reserve(utf8.size());
        append_lowered(utf8, out);
        return out;
    }
    out.reserve(utf8.size());
    if (append_folded(utf8, out)) return out;
    return fold_pieces(utf8);  // invalid UTF-8 somewhere: fold around it
}

}  // namespace parley::relay
