// AcceptEncoding: which of the encodings a static file is stored in to send, from the
// request's Accept-Encoding header (RFC 9110 §12.5.3). Pure, no I/O.
//
//   header absent              identity (a client that says nothing gets the plain bytes)
//   "gzip, deflate, br"        br, else gzip, else identity: the smallest first when the
//                              client weighs them equally
//   "gzip;q=1, br;q=0.5"       gzip: a higher q wins over our preference
//   "br;q=0"                   never br; q=0 means "not acceptable"
//   "*" / "*;q=0"              every coding not named otherwise, at that q
//   "identity;q=0" (or "*;q=0" without identity) and no acceptable coding stored:
//                              nothing acceptable (the relay answers 406)
// Coding names are case-insensitive; "x-gzip" is gzip; malformed q values count as 0
// (unacceptable), so a garbled header can cost a client compression, never correctness.
#pragma once

#include <optional>
#include <string_view>

namespace parley::relay {

enum class ContentEncoding { identity, gzip, br };

// "br", "gzip", or "" for identity: the Content-Encoding header's value.
std::string_view encoding_token(ContentEncoding encoding);

// The encoding to send, among identity and those stored (`have_gzip`, `have_br`);
// nullopt when the header makes none of them acceptable. `header` is nullopt when
// the request has no Accept-Encoding.
std::optional<ContentEncoding> choose_encoding(std::optional<std::string_view> header, bool have_gzip,
                                               bool have_br);

}  // namespace parley::relay
