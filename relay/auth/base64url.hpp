// base64url without padding (RFC 4648 §5), the alphabet of every relay token.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace parley::relay {

std::string base64url_encode(std::string_view bytes);
// nullopt for any character outside the alphabet, padding, or trailing garbage.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace parley::relay
