// Text normalisation for triage: the one place that decides which spellings of a
// message are "the same" to the classifier and to the signals.
//
// normalize() maps UTF-8 text to a canonical form:
//  - case folding (ASCII, Latin-1, Latin Extended-A, Greek, Cyrillic; ß → ss);
//  - accents removed from Latin letters (é → e, ł → l, œ → oe), combining marks dropped,
//    so decomposed (NFD) and composed input normalise alike; Greek tonos removed;
//  - apostrophes inside words removed ("don't", "don’t" → "dont");
//  - every other punctuation or space character becomes one space;
//  - each run of digits becomes the single token "0" (ASCII, fullwidth, Arabic-Indic);
//  - each emoji or pictograph becomes its own token; skin-tone modifiers, variation
//    selectors and zero-width joiners are dropped;
//  - fullwidth ASCII is mapped to ASCII; invalid UTF-8 bytes are dropped;
//  - tokens are separated by exactly one space, with none leading or trailing.
// Pure function, no allocation beyond the returned string; safe from any callback.
// The `_into` forms write into a caller's buffer, so a hot path that keeps one
// allocates nothing once the buffer has grown to its largest message.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace parley::triage {

std::string normalize(std::string_view utf8);
void normalize_into(std::string_view utf8, std::string& out);  // `out` is replaced

// Splits normalised text on single spaces (views into `normalized`).
std::vector<std::string_view> tokens(std::string_view normalized);
void tokens_into(std::string_view normalized, std::vector<std::string_view>& out);

// Decodes one code point at `i` (advancing it); invalid sequences yield U+FFFD and
// advance by one byte. Exposed for the signals and the tests.
char32_t decode_utf8(std::string_view s, size_t& i);
void append_utf8(std::string& out, char32_t cp);

}  // namespace parley::triage
