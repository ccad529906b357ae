// Just enough MQTT 3.1.1 (OASIS standard, 2014) for the fan-out comparison: CONNECT,
// SUBSCRIBE and PUBLISH (QoS 0) and PINGREQ out; CONNACK, SUBACK, PUBLISH and PINGRESP
// in. Packets travel in binary WebSocket messages (subprotocol "mqtt"); a reader
// joins them into a byte stream, since a message may hold several packets or a part.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace parley::load::mqtt {

namespace type {
constexpr std::uint8_t connect = 1, connack = 2, publish = 3, subscribe = 8, suback = 9,
                       pingreq = 12, pingresp = 13;
}

std::string connect_packet(const std::string& client_id, std::uint16_t keepalive_s);
std::string subscribe_packet(std::uint16_t packet_id, const std::string& topic);
inline std::string_view pingreq_packet() { return std::string_view("\xC0\x00", 2); }

// A QoS 0 PUBLISH of a stamped message text (wire.hpp), patched in place per message.
class PublishTemplate {
public:
    PublishTemplate() = default;
    PublishTemplate(const std::string& topic, std::size_t text_bytes);
    std::string_view make(std::int64_t ns);

private:
    std::string packet_;
    std::size_t stamp_at_ = 0;
};

struct Packet {
    std::uint8_t type = 0, flags = 0;
    std::string_view body;  // after the fixed header
};

// Splits a byte stream into packets. feed() the payload of each binary message, then
// call next() until it returns false. Views stay valid until the next feed().
class Reader {
public:
    void feed(std::string_view bytes);
    bool next(Packet& out);
    bool failed() const { return failed_; }

private:
    std::string buf_;
    std::size_t pos_ = 0;
    bool failed_ = false;
};

// The payload of a QoS 0 PUBLISH body (topic skipped).
std::string_view publish_payload(std::string_view body, std::uint8_t flags);

}  // namespace parley::load::mqtt
