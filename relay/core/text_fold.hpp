// fold_case: the form of a text in which the inbox search (core/hub_search.cpp) compares
// a query with what it searches, so "élodie" finds "Élodie", "strasse" finds "Straße",
// "ça" finds "ÇA", and Greek and Cyrillic capitals their small letters.
//
//   case      Unicode full case folding (CaseFolding.txt C + F): "É" → "é", "ß" → "ss",
//             "Σ"/"ς" → "σ", "İ" → "i̇"; language-neutral (no Turkish dotless-i rule)
//   form      canonical composition (NFC), so a decomposed "e" + U+0301 and a composed
//             "é" fold to the same bytes
//   accents   kept: "elodie" does not find "Élodie". An accent can be the difference
//             between two words (French "du"/"dû", German "schon"/"schön"), and an
//             agent who types one means it; the road not taken is UTF8PROC_STRIPMARK
//   compat    not applied (NFC, not NFKC): fullwidth "Ａ" folds to fullwidth "ａ"
//
// The tables are utf8proc's (Debian libutf8proc; its Unicode version), not ours: a
// hand-written table would fall behind Unicode and get its corners wrong.
// Invalid UTF-8 never fails: each valid run is folded, each byte that starts no valid
// character is kept as it is (an ASCII one lower-cased), so the text around it still
// matches. ASCII-only text (most of it) takes a fast path that lower-cases A–Z, which is
// what folding does to ASCII.
// Pure: allocates only the returned string and a working buffer of code points;
// safe from any callback.
#pragma once

#include <string>
#include <string_view>

namespace parley::relay {

std::string fold_case(std::string_view utf8);

}  // namespace parley::relay
