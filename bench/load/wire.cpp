#include "wire.hpp"

#include <cstring>

#include "parley/protocol/codec.hpp"

namespace parley::load {

namespace p = parley::protocol;

void write_stamp(char* out, std::int64_t ns) {
    out[0] = 'T';
    std::uint64_t v = ns < 0 ? 0 : std::uint64_t(ns);
    for (std::size_t i = kStampLetters; i >= 1; --i) {
        out[i] = char('a' + v % 10);
        v /= 10;
    }
}

std::int64_t read_stamp(std::string_view text) {
    if (text.size() < kStampLetters + 1 || text[0] != 'T') return -1;
    std::int64_t v = 0;
    for (std::size_t i = 1; i <= kStampLetters; ++i) {
        const char c = text[i];
        if (c < 'a' || c > 'j') return -1;
        v = v * 10 + (c - 'a');
    }
    return v;
}

std::string message_text(std::size_t bytes) {
    static const char filler[] =
        " Hello, my parcel has not arrived yet and the tracking page says it left the depot "
        "three days ago. Could someone please check where it is and whether I can still get "
        "it before the weekend? Thank you very much for your help with this order.";
    std::string t(kStampLetters + 1, 'a');
    t[0] = 'T';
    while (t.size() < bytes) t += filler;
    t.resize(bytes < 40 ? 40 : bytes);
    while (t.back() == ' ') t.back() = '.';  // a text must not end in white space only
    return t;
}

SendTemplate::SendTemplate(const std::string& conv, const std::string& cid_prefix, std::size_t text_bytes) {
    const std::string holes(12, '0');
    p::Send s;
    s.conv = conv;
    s.cid = cid_prefix + holes;
    s.text = message_text(text_bytes);
    frame_ = p::encode(p::ClientFrame{s});
    cid_at_ = frame_.find("\"" + s.cid + "\"") + 1 + cid_prefix.size();
    stamp_at_ = frame_.find("\"" + s.text.substr(0, 25)) + 1;
}

std::string_view SendTemplate::make(std::uint64_t n, std::int64_t ns) {
    for (std::size_t i = 12; i >= 1; --i) {
        frame_[cid_at_ + i - 1] = char('0' + n % 10);
        n /= 10;
    }
    write_stamp(frame_.data() + stamp_at_, ns);
    return frame_;
}

MsgScan scan_msg(std::string_view f) {
    MsgScan out;
    static constexpr std::string_view kHead = "{\"v\":1,\"type\":\"msg\"";
    if (f.compare(0, kHead.size(), kHead) != 0) return out;
    out.is_msg = true;
    static constexpr std::string_view kText = "\"text\":\"";
    if (const void* at = ::memmem(f.data(), f.size(), kText.data(), kText.size())) {
        const std::size_t off = std::size_t(static_cast<const char*>(at) - f.data()) + kText.size();
        out.stamp = read_stamp(f.substr(off));
    }
    static constexpr std::string_view kSeq = "\"seq\":";
    if (const void* at = ::memmem(f.data(), f.size(), kSeq.data(), kSeq.size())) {
        std::size_t i = std::size_t(static_cast<const char*>(at) - f.data()) + kSeq.size();
        std::int64_t v = 0;
        while (i < f.size() && f[i] >= '0' && f[i] <= '9') v = v * 10 + (f[i++] - '0');
        out.seq = v;
    }
    return out;
}

bool verify_msg(std::string_view frame, std::int64_t stamp) {
    auto decoded = p::decode_relay(frame);
    if (!decoded) return false;
    const auto* m = std::get_if<p::Msg>(&decoded.value());
    return m && read_stamp(m->message.text) == stamp;
}

}  // namespace parley::load
