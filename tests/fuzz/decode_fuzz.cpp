// libFuzzer target: the protocol codec (sdk/src/protocol/codec.cpp) on arbitrary bytes.
//
// Both decoders see every input. Beyond "no crash, no sanitizer report" it checks the
// round trip the relay and the widget rely on: whatever decodes, re-encodes to a frame
// that decodes again to the same encoding (encode ∘ decode is stable), so the relay can
// never store or forward a frame that its own peers would refuse.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "parley/protocol/codec.hpp"

namespace {

template <class Frame, class Decode>
void round_trip(const Frame& frame, Decode decode) {
    const std::string once = parley::protocol::encode(frame);
    auto again = decode(once);
    if (!again) {
        std::fprintf(stderr, "re-encoded frame does not decode: %s\n", once.c_str());
        std::abort();
    }
    const std::string twice = parley::protocol::encode(again.value());
    if (twice != once) {
        std::fprintf(stderr, "encoding is not stable:\n%s\n%s\n", once.c_str(), twice.c_str());
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (auto c = parley::protocol::decode_client(text))
        round_trip(c.value(), [](std::string_view t) { return parley::protocol::decode_client(t); });
    if (auto r = parley::protocol::decode_relay(text))
        round_trip(r.value(), [](std::string_view t) { return parley::protocol::decode_relay(t); });
    return 0;
}
