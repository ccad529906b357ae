#include "auth/visitor_key_ring.hpp"

#include <charconv>
#include <sstream>

#include "auth/base64url.hpp"

namespace parley::relay {

namespace {

// Splits on runs of spaces.
std::vector<std::string_view> words(std::string_view line) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        const std::size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
        if (i > start) out.push_back(line.substr(start, i - start));
    }
    return out;
}

template <class T>
bool parse_number(std::string_view text, T& out) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

VisitorKeyRing VisitorKeyRing::single(std::string secret, std::int64_t created, bool legacy) {
    VisitorKeyRing ring;
    ring.keys_.push_back(VisitorKey{1, created, std::move(secret), legacy});
    return ring;
}

Result<VisitorKeyRing> VisitorKeyRing::parse(std::string_view text) {
    VisitorKeyRing ring;
    int number = 0;
    while (!text.empty()) {
        const std::size_t eol = text.find('\n');
        std::string_view line = text.substr(0, eol);
        text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
        ++number;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        const auto w = words(line);
        if (w.empty() || w[0][0] == '#') continue;
        const std::string where = "visitor key file, line " + std::to_string(number) + ": ";
        VisitorKey key;
        if (w.size() < 3 || w.size() > 4 || !parse_number(w[0], key.id) || key.id == 0 ||
            !parse_number(w[1], key.created))
            return storage_error(where + "expected \"<id> <created ms> <base64url secret> [legacy]\"");
        auto secret = base64url_decode(w[2]);
        if (!secret || secret->size() < kSecretBytes)
            return storage_error(where + "the secret is not base64url of at least 32 bytes");
        key.secret = std::move(*secret);
        if (w.size() == 4) {
            if (w[3] != "legacy") return storage_error(where + "unknown flag \"" + std::string(w[3]) + "\"");
            key.legacy = true;
        }
        if (!ring.keys_.empty() && key.id <= ring.keys_.back().id)
            return storage_error(where + "key ids must increase from line to line");
        ring.keys_.push_back(std::move(key));
    }
    if (ring.keys_.empty()) return storage_error("visitor key file holds no key");
    return ring;
}

std::string VisitorKeyRing::format() const {
    std::ostringstream out;
    out << "# parley visitor token keys: <id> <created ms> <base64url secret> [legacy]\n"
           "# The last line signs; every line verifies. Made by parley-relay; see docs/operations.md.\n";
    for (const VisitorKey& k : keys_) {
        out << k.id << ' ' << k.created << ' ' << base64url_encode(k.secret);
        if (k.legacy) out << " legacy";
        out << '\n';
    }
    return out.str();
}

const VisitorKey* VisitorKeyRing::find(std::uint32_t id) const {
    for (const VisitorKey& k : keys_)
        if (k.id == id) return &k;
    return nullptr;
}

const VisitorKey* VisitorKeyRing::legacy() const {
    for (const VisitorKey& k : keys_)
        if (k.legacy) return &k;
    return nullptr;
}

void VisitorKeyRing::rotate(std::string secret, std::int64_t now) {
    keys_.push_back(VisitorKey{keys_.back().id + 1, now, std::move(secret), false});
}

std::size_t VisitorKeyRing::prune(std::int64_t now, std::int64_t token_ttl_ms) {
    // Key i retired when key i+1 was made; the signing key never goes.
    std::size_t dropped = 0;
    while (keys_.size() > 1 && keys_[1].created + token_ttl_ms <= now) {
        keys_.erase(keys_.begin());
        ++dropped;
    }
    return dropped;
}

}  // namespace parley::relay
