// The CSAT frames (issue 17): a visitor's `rate` and the relay's `rated`, byte for byte,
// and the documented errors for a bad score or a long comment.
#include <catch2/catch.hpp>

#include "parley/protocol/codec.hpp"
#include "codec_checks.hpp"

using namespace parley::protocol;
using namespace parley::test;

namespace {
const std::string kConv = "c_0123456789abcdef";
const std::string kHead = R"({"v":1,"type":"rate","conv":"c_0123456789abcdef",)";
}  // namespace

TEST_CASE("rate and rated have pinned wire forms and round-trip; the comment is optional", "[codec][csat]") {
    CHECK(encode(ClientFrame{Rate{kConv, 4, "Quick and kind"}}) ==
          R"({"v":1,"type":"rate","conv":"c_0123456789abcdef","score":4,"comment":"Quick and kind"})");
    CHECK(encode(ClientFrame{Rate{kConv, 5, ""}}) == R"({"v":1,"type":"rate","conv":"c_0123456789abcdef","score":5})");
    auto d = decode_client(kHead + R"("score":1,"comment":"Slow"})");
    REQUIRE(d.ok());
    const Rate r = std::get<Rate>(d.value());
    CHECK(r.conv == kConv);
    CHECK(r.score == 1);
    CHECK(r.comment == "Slow");
    auto bare = decode_client(kHead + R"("score":3})");
    REQUIRE(bare.ok());
    CHECK(std::get<Rate>(bare.value()).comment.empty());

    CHECK(encode(RelayFrame{Rated{kConv, 4}}) == R"({"v":1,"type":"rated","conv":"c_0123456789abcdef","score":4})");
    auto rated = decode_relay(R"({"v":1,"type":"rated","conv":"c_0123456789abcdef","score":4})");
    REQUIRE(rated.ok());
    CHECK(std::get<Rated>(rated.value()).score == 4);
}

TEST_CASE("rate refuses a score outside 1-5 or not an integer, and a comment over 1 000 bytes", "[codec][csat]") {
    CHECK(client_error(R"({"v":1,"type":"rate","conv":"c_0123456789abcdef"})") == ErrorCode::missing_field);
    CHECK(client_error(kHead + R"("score":0})") == ErrorCode::bad_field);
    CHECK(client_error(kHead + R"("score":6})") == ErrorCode::bad_field);
    CHECK(client_error(kHead + R"("score":-1})") == ErrorCode::bad_field);
    CHECK(client_error(kHead + R"("score":4.5})") == ErrorCode::bad_field);
    CHECK(client_error(kHead + R"("score":"4"})") == ErrorCode::bad_field);
    CHECK(client_error(kHead + R"("score":4,"comment":7})") == ErrorCode::bad_field);
    CHECK(client_error(R"({"v":1,"type":"rate","conv":"c_1","score":4})") == ErrorCode::bad_field);
    CHECK(decode_client(kHead + R"("score":4,"comment":")" + std::string(1000, 'x') + "\"}").ok());
    CHECK(client_error(kHead + R"("score":4,"comment":")" + std::string(1001, 'x') + "\"}") ==
          ErrorCode::text_too_long);
}
