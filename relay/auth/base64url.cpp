#include "auth/base64url.hpp"

#include <sodium.h>

#include "auth/sodium_random.hpp"

namespace parley::relay {

namespace {
constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
}

std::string base64url_encode(std::string_view bytes) {
    sodium_ready();
    std::string out(sodium_base64_ENCODED_LEN(bytes.size(), kVariant), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                      bytes.size(), kVariant);
    out.resize(out.size() - 1);  // the terminating NUL
    return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
    sodium_ready();
    std::string out(text.size() * 3 / 4 + 1, '\0');
    std::size_t len = 0;
    const char* end = nullptr;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                          text.size(), nullptr, &len, &end, kVariant) != 0 ||
        end != text.data() + text.size())
        return std::nullopt;
    out.resize(len);
    return out;
}

}  // namespace parley::relay
