// The payload the generator sends and how it finds its send time again.
//
// Every message text starts with "T" and 19 letters: the monotonic send time in ns,
// one letter per decimal digit ('a' = 0 … 'j' = 9). Letters, not digits: the relay
// masks card and IBAN numbers before it stores a message (docs/operations.md), and a
// 19-digit number can pass the Luhn check. The rest of the ~200 bytes is plain English
// so the relay's triage reads a realistic message.
//
// Parley frames are made once by the sdk's codec (protocol::encode) and then patched
// in place (cid counter, send time): the generator sends exactly what the codec writes
// without allocating per message. Incoming `msg` frames are scanned for the marker
// (a memmem, no allocation); every Nth one, and every other frame, also goes through
// protocol::decode_relay, and a disagreement is counted as a verification failure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace parley::load {

constexpr std::size_t kStampLetters = 19;

// Writes "T" + 19 letters at `out` (20 bytes).
void write_stamp(char* out, std::int64_t ns);
// Reads the stamp at the start of `text`; -1 when there is none.
std::int64_t read_stamp(std::string_view text);

// A message text of `bytes` bytes (at least 40): the stamp (zero time), then filler.
std::string message_text(std::size_t bytes);

// A Parley `send` frame encoded by the sdk codec, with holes for the cid counter (12
// digits) and the stamp.
class SendTemplate {
public:
    SendTemplate() = default;
    SendTemplate(const std::string& conv, const std::string& cid_prefix, std::size_t text_bytes);
    // The frame for message `n` sent at `ns`; valid until the next call.
    std::string_view make(std::uint64_t n, std::int64_t ns);

private:
    std::string frame_;
    std::size_t cid_at_ = 0, stamp_at_ = 0;
};

// Fast path for relay frames: a `msg` frame's stamp and seq without decoding the JSON.
struct MsgScan {
    bool is_msg = false;
    std::int64_t stamp = -1;  // -1: a msg without a generator stamp
    std::int64_t seq = -1;
};
MsgScan scan_msg(std::string_view frame);

// Decodes `frame` with protocol::decode_relay and checks that it is a msg whose text
// carries `stamp`. The slow path, for sampled verification.
bool verify_msg(std::string_view frame, std::int64_t stamp);

}  // namespace parley::load
