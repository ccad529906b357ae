#include "mqtt.hpp"

#include "wire.hpp"

namespace parley::load::mqtt {

namespace {

void put_length(std::string& out, std::size_t n) {
    do {
        std::uint8_t b = n % 128;
        n /= 128;
        if (n) b |= 0x80;
        out.push_back(char(b));
    } while (n);
}

void put_u16(std::string& out, std::size_t v) {
    out.push_back(char(v >> 8));
    out.push_back(char(v & 0xff));
}

void put_str(std::string& out, const std::string& s) {
    put_u16(out, s.size());
    out += s;
}

std::string packet(std::uint8_t first, const std::string& body) {
    std::string out(1, char(first));
    put_length(out, body.size());
    return out + body;
}

}  // namespace

std::string connect_packet(const std::string& client_id, std::uint16_t keepalive_s) {
    std::string body;
    put_str(body, "MQTT");
    body.push_back(4);     // protocol level 3.1.1
    body.push_back(0x02);  // clean session, no will, no credentials
    put_u16(body, keepalive_s);
    put_str(body, client_id);
    return packet(type::connect << 4, body);
}

std::string subscribe_packet(std::uint16_t packet_id, const std::string& topic) {
    std::string body;
    put_u16(body, packet_id);
    put_str(body, topic);
    body.push_back(0);  // QoS 0
    return packet(type::subscribe << 4 | 0x2, body);  // SUBSCRIBE has reserved flags 0010
}

PublishTemplate::PublishTemplate(const std::string& topic, std::size_t text_bytes) {
    std::string body;
    put_str(body, topic);
    const std::size_t head_of_text = body.size();
    body += message_text(text_bytes);
    packet_ = packet(type::publish << 4, body);  // QoS 0, no packet id
    stamp_at_ = packet_.size() - body.size() + head_of_text;
}

std::string_view PublishTemplate::make(std::int64_t ns) {
    write_stamp(packet_.data() + stamp_at_, ns);
    return packet_;
}

void Reader::feed(std::string_view bytes) {
    if (pos_ == buf_.size()) {
        buf_.clear();
        pos_ = 0;
    } else if (pos_ > 65536) {
        buf_.erase(0, pos_);
        pos_ = 0;
    }
    buf_.append(bytes);
}

bool Reader::next(Packet& out) {
    if (failed_) return false;
    const std::size_t avail = buf_.size() - pos_;
    if (avail < 2) return false;
    const auto* p = reinterpret_cast<const unsigned char*>(buf_.data() + pos_);
    std::size_t len = 0, shift = 0, i = 1;
    for (;; ++i) {
        if (i >= avail) return false;
        if (i > 4) {
            failed_ = true;
            return false;
        }
        len |= std::size_t(p[i] & 0x7f) << shift;
        shift += 7;
        if (!(p[i] & 0x80)) break;
    }
    const std::size_t head = i + 1;
    if (avail < head + len) return false;
    out.type = p[0] >> 4;
    out.flags = p[0] & 0x0f;
    out.body = std::string_view(buf_.data() + pos_ + head, len);
    pos_ += head + len;
    return true;
}

std::string_view publish_payload(std::string_view body, std::uint8_t flags) {
    if (body.size() < 2) return {};
    const std::size_t tlen = std::size_t(std::uint8_t(body[0])) << 8 | std::uint8_t(body[1]);
    std::size_t at = 2 + tlen;
    if (flags & 0x6) at += 2;  // QoS 1/2 carry a packet id
    return at <= body.size() ? body.substr(at) : std::string_view();
}

}  // namespace parley::load::mqtt
