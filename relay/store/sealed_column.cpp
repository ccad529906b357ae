#include "store/sealed_column.hpp"

#include <sodium.h>

#include "auth/sodium_random.hpp"

namespace parley::relay {

namespace {

constexpr std::size_t kHeader = 1 + 4;
constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;
static_assert(kHeader + kNonce + kTag == kSealOverhead, "the stored form's size");

void put_u32(std::string& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

std::uint32_t get_u32(std::string_view in) {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(in[i]);
    return v;
}

// What the tag covers besides the ciphertext: the header, then where the value lives.
std::string associated(std::string_view header, std::string_view binding) {
    std::string ad(header);
    ad.append(binding);
    return ad;
}

}  // namespace

DataKey DataKey::from_bytes(std::string_view raw) {
    sodium_ready();
    DataKey key;
    std::copy(raw.begin(), raw.begin() + std::min(raw.size(), kBytes), key.bytes.begin());
    unsigned char fp[4];
    static const unsigned char kContext[] = "parley data key id";
    crypto_generichash(fp, sizeof fp, key.bytes.data(), key.bytes.size(), kContext, sizeof kContext - 1);
    key.id = get_u32(std::string_view(reinterpret_cast<const char*>(fp), sizeof fp));
    if (key.id == 0) key.id = 1;  // 0 means "not sealed" to sealed_key_id
    return key;
}

std::string seal_binding(std::string_view column, std::initializer_list<std::string_view> row_key) {
    std::string out;
    put_u32(out, static_cast<std::uint32_t>(column.size()));
    out.append(column);
    for (std::string_view part : row_key) {
        put_u32(out, static_cast<std::uint32_t>(part.size()));
        out.append(part);
    }
    return out;
}

std::string seal_value(const DataKey& key, std::string_view plaintext, std::string_view binding,
                       RandomSource& random) {
    sodium_ready();
    std::string out;
    out.reserve(kSealOverhead + plaintext.size());
    out.push_back(static_cast<char>(kSealVersion));
    put_u32(out, key.id);
    const std::string ad = associated(out, binding);
    unsigned char nonce[kNonce];
    random.fill(nonce, sizeof nonce);
    out.append(reinterpret_cast<const char*>(nonce), sizeof nonce);
    const std::size_t at = out.size();
    out.resize(at + plaintext.size() + kTag);
    unsigned long long written = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        reinterpret_cast<unsigned char*>(&out[at]), &written,
        reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
        reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nullptr, nonce, key.bytes.data());
    out.resize(at + written);
    return out;
}

std::uint32_t sealed_key_id(std::string_view sealed) {
    if (sealed.size() < kSealOverhead || static_cast<unsigned char>(sealed[0]) != kSealVersion) return 0;
    return get_u32(sealed.substr(1));
}

Result<std::string> open_value(const std::vector<DataKey>& keys, std::string_view sealed,
                               std::string_view binding) {
    sodium_ready();
    if (sealed.size() < kSealOverhead || static_cast<unsigned char>(sealed[0]) != kSealVersion)
        return storage_error("not a sealed value (a plaintext value in a sealed database?)");
    const std::uint32_t id = sealed_key_id(sealed);
    const DataKey* key = nullptr;
    for (const DataKey& k : keys)
        if (k.id == id) key = &k;
    if (!key)
        return storage_error("sealed with data key " + std::to_string(id) +
                             ", which the relay was not given (--data-key-file)");
    const std::string ad = associated(sealed.substr(0, kHeader), binding);
    const auto* nonce = reinterpret_cast<const unsigned char*>(sealed.data() + kHeader);
    const std::string_view box = sealed.substr(kHeader + kNonce);
    std::string plain(box.size() - kTag, '\0');
    unsigned long long length = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            reinterpret_cast<unsigned char*>(plain.data()), &length, nullptr,
            reinterpret_cast<const unsigned char*>(box.data()), box.size(),
            reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nonce, key->bytes.data()) != 0)
        return storage_error("a sealed value does not open: changed on disk, or moved from another row");
    plain.resize(length);
    return plain;
}

}  // namespace parley::relay
