// CSV fields (RFC 4180) for the tables the relay hands out: reports and exports.
#pragma once

#include <string>

namespace parley::relay::csv {

// A field as RFC 4180 writes it: quoted when it holds a comma, quote or line break,
// quotes doubled.
std::string field(const std::string& text);

// A field whose text came from people (messages, names): as field(), and a text that
// a spreadsheet would run as a formula (it starts with =, +, -, @, tab or carriage
// return) gets a leading apostrophe, as OWASP advises against CSV injection. A visitor
// who writes "=HYPERLINK(…)" must not get a formula into the support lead's sheet.
// JSONL exports carry the text unchanged.
std::string text(const std::string& text);

}  // namespace parley::relay::csv
