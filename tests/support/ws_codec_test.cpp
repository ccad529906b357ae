// The test transport is itself tested: a wrong SHA-1 or a reader that mishandles a
// frame split across reads would make every integration test lie.
#include <catch2/catch.hpp>

#include "ws_codec.hpp"

using namespace parley::test;

namespace {
std::string hex(const std::array<std::uint8_t, 20>& d) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (auto b : d) {
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

std::vector<WsEvent> read_all(WsReader& r) {
    std::vector<WsEvent> out;
    while (auto ev = r.next()) out.push_back(*ev);
    return out;
}
}  // namespace

TEST_CASE("sha1 matches the FIPS 180 test vectors", "[support][ws]") {
    auto [input, digest] = GENERATE(table<std::string, std::string>({
        {"", "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
        {"abc", "a9993e364706816aba3e25717850c26c9cd0d89d"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "84983e441c3bd26ebaae4aa1f95129e5e54670f1"},
        {std::string(1000000, 'a'), "34aa973cd4c4daa4f61eeb2bdbad27316534016f"},
    }));
    CAPTURE(input.size());
    CHECK(hex(sha1(input)) == digest);
}

TEST_CASE("base64 pads to a multiple of four", "[support][ws]") {
    CHECK(base64_encode("") == "");
    CHECK(base64_encode("f") == "Zg==");
    CHECK(base64_encode("fo") == "Zm8=");
    CHECK(base64_encode("foo") == "Zm9v");
    CHECK(base64_encode("foobar") == "Zm9vYmFy");
    CHECK(base64_encode(std::string("\xff\xfe\x00", 3)) == "//4A");
}

TEST_CASE("the accept key is the one in RFC 6455 section 1.3", "[support][ws]") {
    CHECK(ws_accept_for("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST_CASE("a masked frame unmasks to its payload at every length class", "[support][ws]") {
    auto len = GENERATE(0, 5, 125, 126, 65535, 65536, 70000);
    std::string payload(std::size_t(len), 'x');
    for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = char('a' + i % 26);
    auto wire = ws_encode_frame(ws_op::text, payload, std::array<std::uint8_t, 4>{1, 2, 3, 4});
    WsReader r;
    r.feed(wire.data(), wire.size());
    auto evs = read_all(r);
    REQUIRE(evs.size() == 1);
    CHECK(evs[0].kind == WsEvent::Kind::text);
    CHECK(evs[0].payload == payload);
    CHECK(r.buffered() == 0);
}

TEST_CASE("the reader gives the same messages however the bytes are split", "[support][ws]") {
    // A fragmented text with a ping between its fragments, a long text, then a close.
    std::string wire = ws_encode_frame(ws_op::text, "hel", std::nullopt, false) +
                       ws_encode_frame(ws_op::ping, "p1", std::nullopt) +
                       ws_encode_frame(ws_op::continuation, "lo", std::nullopt, true) +
                       ws_encode_frame(ws_op::text, std::string(300, 'z'), std::nullopt) +
                       ws_encode_frame(ws_op::close, ws_close_payload(4100, "bye"), std::nullopt);
    for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
        CAPTURE(cut);
        WsReader r;
        r.feed(wire.data(), cut);
        auto evs = read_all(r);
        r.feed(wire.data() + cut, wire.size() - cut);
        auto rest = read_all(r);
        evs.insert(evs.end(), rest.begin(), rest.end());
        REQUIRE(evs.size() == 4);
        CHECK(evs[0].kind == WsEvent::Kind::ping);
        CHECK(evs[0].payload == "p1");
        CHECK(evs[1].kind == WsEvent::Kind::text);
        CHECK(evs[1].payload == "hello");
        CHECK(evs[2].payload == std::string(300, 'z'));
        CHECK(evs[3].kind == WsEvent::Kind::close);
        CHECK(evs[3].close_code == 4100);
        CHECK(evs[3].payload == "bye");
    }
}

TEST_CASE("the reader refuses what RFC 6455 forbids", "[support][ws]") {
    std::string wire;
    SECTION("a continuation with no message") {
        wire = ws_encode_frame(ws_op::continuation, "x", std::nullopt);
    }
    SECTION("a fragmented control frame") {
        wire = ws_encode_frame(ws_op::ping, "x", std::nullopt, false);
    }
    SECTION("a new text inside a fragmented one") {
        wire = ws_encode_frame(ws_op::text, "a", std::nullopt, false) + ws_encode_frame(ws_op::text, "b", std::nullopt);
    }
    SECTION("reserved bits") {
        wire = ws_encode_frame(ws_op::text, "a", std::nullopt);
        wire[0] = char(wire[0] | 0x40);
    }
    WsReader r;
    r.feed(wire.data(), wire.size());
    auto evs = read_all(r);
    REQUIRE(evs.size() == 1);
    CHECK(evs[0].kind == WsEvent::Kind::error);
}

TEST_CASE("a close frame without a code reads as 1005", "[support][ws]") {
    auto wire = ws_encode_frame(ws_op::close, "", std::nullopt);
    WsReader r;
    r.feed(wire.data(), wire.size());
    auto ev = r.next();
    REQUIRE(ev);
    CHECK(ev->kind == WsEvent::Kind::close);
    CHECK(ev->close_code == 1005);
}
