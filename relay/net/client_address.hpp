// ClientAddress: which address the per-client limits count a connection under, when
// the relay sits behind reverse proxies it trusts (issue 15, P7). Pure, no lws, so the
// rule is unit-tested; net/server.cpp applies it when a WebSocket is established.
//
//   peer not trusted        the peer's own address; any X-Forwarded-For is ignored,
//                           so a client cannot choose the address it is limited under
//   peer trusted, header    X-Forwarded-For read from the right (the entries its own
//                           proxies appended) to the first address that is not a
//                           trusted proxy: the client. Entries to its left were written
//                           by the client itself and prove nothing. A chain of trusted
//                           proxies only: the left-most entry.
//   peer trusted, header    malformed (an entry that is not a bare IPv4/IPv6 address,
//   malformed or empty      an empty list): the peer's address, and `malformed` set so
//                           the caller logs it. No header: the peer's address (a health
//                           check of the proxy itself, say).
//
// Addresses come out in one spelling (inet_ntop; an IPv4-mapped IPv6 address as its
// IPv4 address, as lws reports IPv4 peers on a dual-stack socket), the peer's too, the
// way core/socket_limits counts them, so one client counts once whichever way a proxy
// or the socket wrote it.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parley::relay {

// An address or a network ("10.0.0.0/8", "::1", "fd00::/8"); IPv4 is kept as an
// IPv4-mapped IPv6 network, so one comparison serves both families.
struct IpNetwork {
    std::array<std::uint8_t, 16> bytes{};
    int prefix = 128;

    // nullopt: not an address, or a prefix out of range (> 32 for IPv4, > 128 for IPv6).
    static std::optional<IpNetwork> parse(std::string_view text);
    bool contains(const std::array<std::uint8_t, 16>& address) const;
};

// A bare IPv4 or IPv6 address in 16 bytes (IPv4 mapped); nullopt if `text` is not one.
std::optional<std::array<std::uint8_t, 16>> parse_ip_address(std::string_view text);

class TrustedProxies {
public:
    TrustedProxies() = default;
    explicit TrustedProxies(std::vector<IpNetwork> networks) : networks_(std::move(networks)) {}

    bool empty() const { return networks_.empty(); }
    // Is `address` (as text) inside one of the trusted networks? False for non-addresses.
    bool contains(std::string_view address) const;
    bool contains(const std::array<std::uint8_t, 16>& address) const;

private:
    std::vector<IpNetwork> networks_;
};

struct ClientAddress {
    std::string address;     // what the limits count
    bool forwarded = false;  // taken from X-Forwarded-For
    bool malformed = false;  // the trusted peer sent a header that could not be read
};

// `forwarded_for`: the X-Forwarded-For header's value (several headers joined with ','),
// nullopt when absent.
ClientAddress client_address(const TrustedProxies& trusted, std::string_view peer,
                             std::optional<std::string_view> forwarded_for);

}  // namespace parley::relay
