#include "ws_codec.hpp"

#include <cstring>

namespace parley::test {

namespace {

std::uint32_t rotl(std::uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

// One 64-byte block of SHA-1 into the running state h[5].
void sha1_block(std::uint32_t h[5], const std::uint8_t* block) {
    std::uint32_t w[80];
    for (int i = 0; i < 16; ++i) {
        w[i] = (std::uint32_t(block[4 * i]) << 24) | (std::uint32_t(block[4 * i + 1]) << 16) |
               (std::uint32_t(block[4 * i + 2]) << 8) | std::uint32_t(block[4 * i + 3]);
    }
    for (int i = 16; i < 80; ++i) w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);

    std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 80; ++i) {
        std::uint32_t f, k;
        if (i < 20) {
            f = (b & c) | (~b & d);
            k = 0x5A827999;
        } else if (i < 40) {
            f = b ^ c ^ d;
            k = 0x6ED9EBA1;
        } else if (i < 60) {
            f = (b & c) | (b & d) | (c & d);
            k = 0x8F1BBCDC;
        } else {
            f = b ^ c ^ d;
            k = 0xCA62C1D6;
        }
        std::uint32_t t = rotl(a, 5) + f + e + k + w[i];
        e = d;
        d = c;
        c = rotl(b, 30);
        b = a;
        a = t;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
}

}  // namespace

std::array<std::uint8_t, 20> sha1(std::string_view data) {
    std::uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
    const auto* p = reinterpret_cast<const std::uint8_t*>(data.data());
    std::size_t n = data.size();
    std::size_t full = n / 64 * 64;
    for (std::size_t i = 0; i < full; i += 64) sha1_block(h, p + i);

    // Padding: 0x80, zeros, then the bit length as a 64-bit big-endian integer.
    std::uint8_t tail[128] = {};
    std::size_t rest = n - full;
    std::memcpy(tail, p + full, rest);
    tail[rest] = 0x80;
    std::size_t tail_len = rest + 1 + 8 <= 64 ? 64 : 128;
    std::uint64_t bits = std::uint64_t(n) * 8;
    for (int i = 0; i < 8; ++i) tail[tail_len - 1 - i] = std::uint8_t(bits >> (8 * i));
    for (std::size_t i = 0; i < tail_len; i += 64) sha1_block(h, tail + i);

    std::array<std::uint8_t, 20> out{};
    for (int i = 0; i < 5; ++i) {
        out[4 * i] = std::uint8_t(h[i] >> 24);
        out[4 * i + 1] = std::uint8_t(h[i] >> 16);
        out[4 * i + 2] = std::uint8_t(h[i] >> 8);
        out[4 * i + 3] = std::uint8_t(h[i]);
    }
    return out;
}

std::string base64_encode(std::string_view bytes) {
    static const char* const alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        std::uint32_t v = (std::uint32_t(std::uint8_t(bytes[i])) << 16) |
                          (std::uint32_t(std::uint8_t(bytes[i + 1])) << 8) |
                          std::uint32_t(std::uint8_t(bytes[i + 2]));
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        out += alphabet[v & 63];
    }
    std::size_t rest = bytes.size() - i;
    if (rest > 0) {
        std::uint32_t v = std::uint32_t(std::uint8_t(bytes[i])) << 16;
        if (rest == 2) v |= std::uint32_t(std::uint8_t(bytes[i + 1])) << 8;
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += rest == 2 ? alphabet[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

std::string ws_accept_for(std::string_view key) {
    std::string joined(key);
    joined += "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";  // RFC 6455 §1.3
    auto digest = sha1(joined);
    return base64_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

std::string ws_encode_frame(std::uint8_t opcode, std::string_view payload,
                            std::optional<std::array<std::uint8_t, 4>> mask, bool fin) {
    std::string out;
    out.reserve(payload.size() + 14);
    out += char((fin ? 0x80 : 0x00) | (opcode & 0x0F));
    std::uint8_t mask_bit = mask ? 0x80 : 0x00;
    std::uint64_t len = payload.size();
    if (len < 126) {
        out += char(mask_bit | len);
    } else if (len <= 0xFFFF) {
        out += char(mask_bit | 126);
        out += char(len >> 8);
        out += char(len & 0xFF);
    } else {
        out += char(mask_bit | 127);
        for (int i = 7; i >= 0; --i) out += char((len >> (8 * i)) & 0xFF);
    }
    if (!mask) {
        out.append(payload);
        return out;
    }
    for (auto b : *mask) out += char(b);
    for (std::size_t i = 0; i < payload.size(); ++i) out += char(payload[i] ^ (*mask)[i % 4]);
    return out;
}

std::string ws_close_payload(int code, std::string_view reason) {
    std::string out;
    out += char((code >> 8) & 0xFF);
    out += char(code & 0xFF);
    out.append(reason);
    return out;
}

std::optional<WsEvent> WsReader::fail(std::string detail) {
    failed_ = true;
    WsEvent ev;
    ev.kind = WsEvent::Kind::error;
    ev.payload = std::move(detail);
    return ev;
}

std::optional<WsEvent> WsReader::next() {
    while (!failed_) {
        // Header: 2 bytes, then 0/2/8 bytes of extended length, then 0/4 bytes of mask.
        const std::size_t avail = buf_.size() - pos_;
        if (avail < 2) break;
        const auto* p = reinterpret_cast<const std::uint8_t*>(buf_.data() + pos_);
        const bool fin = p[0] & 0x80;
        const std::uint8_t rsv = p[0] & 0x70;
        const std::uint8_t op = p[0] & 0x0F;
        const bool masked = p[1] & 0x80;
        std::uint64_t len = p[1] & 0x7F;
        std::size_t header = 2;
        if (len == 126) {
            if (avail < 4) break;
            len = (std::uint64_t(p[2]) << 8) | p[3];
            header = 4;
        } else if (len == 127) {
            if (avail < 10) break;
            len = 0;
            for (int i = 0; i < 8; ++i) len = (len << 8) | p[2 + i];
            header = 10;
        }
        const std::size_t mask_at = header;
        if (masked) header += 4;

        if (rsv) return fail("reserved bits set (no extension was negotiated)");
        const bool control = op & 0x08;
        if (control && (!fin || len > 125)) return fail("fragmented or oversized control frame");
        if (op != ws_op::continuation && op != ws_op::text && op != ws_op::binary &&
            op != ws_op::close && op != ws_op::ping && op != ws_op::pong) {
            return fail("unknown opcode " + std::to_string(op));
        }
        if (len > max_ || message_.size() + len > max_) return fail("message too large");
        if (avail < header + len) break;

        std::string payload = buf_.substr(pos_ + header, std::size_t(len));
        if (masked) {
            for (std::size_t i = 0; i < payload.size(); ++i) payload[i] ^= char(p[mask_at + i % 4]);
        }
        pos_ += header + std::size_t(len);
        if (pos_ > 65536 && pos_ * 2 > buf_.size()) {  // compact now and then, not per frame
            buf_.erase(0, pos_);
            pos_ = 0;
        }

        WsEvent ev;
        switch (op) {
            case ws_op::ping:
                ev.kind = WsEvent::Kind::ping;
                ev.payload = std::move(payload);
                return ev;
            case ws_op::pong:
                ev.kind = WsEvent::Kind::pong;
                ev.payload = std::move(payload);
                return ev;
            case ws_op::close:
                ev.kind = WsEvent::Kind::close;
                if (payload.size() == 1) return fail("close frame with a 1-byte payload");
                if (payload.size() >= 2) {
                    ev.close_code = (std::uint8_t(payload[0]) << 8) | std::uint8_t(payload[1]);
                    ev.payload = payload.substr(2);
                } else {
                    ev.close_code = 1005;  // "no status received" (RFC 6455 §7.4.1)
                }
                return ev;
            case ws_op::continuation:
                if (!in_message_) return fail("continuation without a message");
                message_ += payload;
                break;
            default:  // text or binary
                if (in_message_) return fail("new message inside a fragmented one");
                in_message_ = true;
                message_op_ = op;
                message_ = std::move(payload);
                break;
        }
        if (fin) {
            ev.kind = message_op_ == ws_op::text ? WsEvent::Kind::text : WsEvent::Kind::binary;
            ev.payload = std::move(message_);
            message_.clear();
            in_message_ = false;
            return ev;
        }
    }
    return std::nullopt;
}

}  // namespace parley::test
