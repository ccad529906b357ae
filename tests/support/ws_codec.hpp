// The byte-level half of the test WebSocket client (RFC 6455): SHA-1 and base64 for the
// opening handshake, frame encoding, and a frame reader that is fed bytes in any
// pieces and hands back whole messages. Nothing here touches a socket, so it is tested
// with input split at every point (tests/support/ws_codec_test.cpp); ws_client.cpp is
// the thin socket adapter around it.
//
// Why hand-written: the tests must not share code with the relay's WebSocket library
// (libwebsockets), or a bug in it would be invisible to them, and libsodium, which the
// project already has, offers no SHA-1.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace parley::test {

// SHA-1 digest (FIPS 180-4) of `data`. Used only for Sec-WebSocket-Accept.
std::array<std::uint8_t, 20> sha1(std::string_view data);

// Standard base64 with padding (RFC 4648 §4).
std::string base64_encode(std::string_view bytes);

// The Sec-WebSocket-Accept value a server must answer for `key` (RFC 6455 §4.2.2).
std::string ws_accept_for(std::string_view key);

// Opcodes (RFC 6455 §5.2).
namespace ws_op {
constexpr std::uint8_t continuation = 0x0;
constexpr std::uint8_t text = 0x1;
constexpr std::uint8_t binary = 0x2;
constexpr std::uint8_t close = 0x8;
constexpr std::uint8_t ping = 0x9;
constexpr std::uint8_t pong = 0xA;
}  // namespace ws_op

// One frame on the wire. Clients MUST mask (`mask` set); servers MUST NOT.
std::string ws_encode_frame(std::uint8_t opcode, std::string_view payload,
                            std::optional<std::array<std::uint8_t, 4>> mask, bool fin = true);

// The payload of a close frame: 2-byte code, then a UTF-8 reason.
std::string ws_close_payload(int code, std::string_view reason = {});

// What the reader hands back: a whole data message, or a control frame.
struct WsEvent {
    enum class Kind { text, binary, ping, pong, close, error };
    Kind kind = Kind::error;
    std::string payload;  // message text/bytes, ping/pong data, close reason, error detail
    int close_code = 0;   // for close: the code, or 1005 when the frame carried none
};

// Reassembles messages from frames fed in arbitrary pieces. Control frames may arrive
// between the fragments of a message, as RFC 6455 §5.4 allows. A protocol violation
// yields one `error` event, after which the reader yields nothing more: the connection
// is beyond repair and the caller closes it (close code 1002).
class WsReader {
public:
    explicit WsReader(std::size_t max_message_bytes = 16u << 20) : max_(max_message_bytes) {}

    void feed(const char* data, std::size_t size) { buf_.append(data, size); }

    // The next complete event, or nullopt when more bytes are needed.
    std::optional<WsEvent> next();

    // Bytes received but not yet consumed by a complete frame.
    std::size_t buffered() const { return buf_.size() - pos_; }

private:
    std::optional<WsEvent> fail(std::string detail);

    std::string buf_;
    std::size_t pos_ = 0;
    std::size_t max_;
    bool failed_ = false;
    bool in_message_ = false;       // inside a fragmented data message
    std::uint8_t message_op_ = 0;   // its opcode (text or binary)
    std::string message_;           // its payload so far
};

}  // namespace parley::test
