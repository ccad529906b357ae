#include "net/client_address.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

#include "core/trim_blanks.hpp"

namespace parley::relay {

namespace {

// The one spelling of an address (see the header): IPv4 dotted, IPv6 as inet_ntop.
std::string spell(const std::array<std::uint8_t, 16>& a) {
    static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    char text[INET6_ADDRSTRLEN] = "";
    if (std::memcmp(a.data(), kMapped, sizeof kMapped) == 0)
        inet_ntop(AF_INET, a.data() + 12, text, sizeof text);
    else
        inet_ntop(AF_INET6, a.data(), text, sizeof text);
    return text;
}

}  // namespace

std::optional<std::array<std::uint8_t, 16>> parse_ip_address(std::string_view text) {
    // inet_pton wants a NUL-terminated string; anything longer than an IPv6 address is
    // not one.
    if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
    char buf[INET6_ADDRSTRLEN];
    std::memcpy(buf, text.data(), text.size());
    buf[text.size()] = '\0';
    std::array<std::uint8_t, 16> out{};
    in_addr v4{};
    if (inet_pton(AF_INET, buf, &v4) == 1) {
        out[10] = out[11] = 0xff;
        std::memcpy(out.data() + 12, &v4, 4);
        return out;
    }
    if (inet_pton(AF_INET6, buf, out.data()) == 1) return out;
    return std::nullopt;
}

std::optional<IpNetwork> IpNetwork::parse(std::string_view text) {
    const std::size_t slash = text.find('/');
    const auto address = parse_ip_address(text.substr(0, slash));
    if (!address) return std::nullopt;
    const bool v4 = text.substr(0, slash).find(':') == std::string_view::npos;
    IpNetwork net;
    net.bytes = *address;
    if (slash != std::string_view::npos) {
        const std::string_view p = text.substr(slash + 1);
        int prefix = -1;
        auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), prefix);
        if (p.empty() || ec != std::errc() || end != p.data() + p.size() || prefix < 0 || prefix > (v4 ? 32 : 128))
            return std::nullopt;
        net.prefix = v4 ? prefix + 96 : prefix;
    }
    // Host bits cleared, so "10.1.2.3/8" means 10.0.0.0/8.
    for (int bit = net.prefix; bit < 128; ++bit) net.bytes[bit / 8] &= static_cast<std::uint8_t>(~(0x80u >> (bit % 8)));
    return net;
}

bool IpNetwork::contains(const std::array<std::uint8_t, 16>& address) const {
    const int whole = prefix / 8;
    if (std::memcmp(bytes.data(), address.data(), static_cast<std::size_t>(whole)) != 0) return false;
    if (prefix % 8 == 0) return true;
    const auto mask = static_cast<std::uint8_t>(0xff00u >> (prefix % 8));
    return (bytes[whole] & mask) == (address[whole] & mask);
}

bool TrustedProxies::contains(std::string_view address) const {
    const auto a = parse_ip_address(address);
    return a && contains(*a);
}

bool TrustedProxies::contains(const std::array<std::uint8_t, 16>& address) const {
    for (const IpNetwork& net : networks_)
        if (net.contains(address)) return true;
    return false;
}

ClientAddress client_address(const TrustedProxies& trusted, std::string_view peer,
                             std::optional<std::string_view> forwarded_for) {
    ClientAddress out;
    const auto peer_bytes = parse_ip_address(peer);
    out.address = peer_bytes ? spell(*peer_bytes) : std::string(peer);
    if (!forwarded_for || !peer_bytes || !trusted.contains(*peer_bytes)) return out;

    // Every entry is read (and must be an address) before one is chosen: a header that
    // is partly garbage is a misconfigured proxy, and is reported, not half-believed.
    std::vector<std::array<std::uint8_t, 16>> chain;
    std::string_view rest = *forwarded_for;
    for (;;) {
        const std::size_t comma = rest.find(',');
        const auto address = parse_ip_address(trim_blanks(rest.substr(0, comma)));
        if (!address) {
            out.malformed = true;
            return out;
        }
        chain.push_back(*address);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    // From the right: the first hop that is not one of ours is the client.
    auto client = chain.front();
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        if (!trusted.contains(*it)) {
            client = *it;
            break;
        }
    }
    out.address = spell(client);
    out.forwarded = true;
    return out;
}

}  // namespace parley::relay
