// The inbox search frames (issue 17): an agent's `search` and the relay's `found`, byte
// for byte, their defaults, and the documented errors for bad fields.
#include <catch2/catch.hpp>

#include "parley/protocol/codec.hpp"
#include "codec_checks.hpp"

using namespace parley::protocol;
using namespace parley::test;

TEST_CASE("search and found have pinned wire forms and round-trip", "[codec][search]") {
    CHECK(encode(ClientFrame{Search{"parcel", "closed", "", 20}}) ==
          R"({"v":1,"type":"search","q":"parcel","status":"closed","limit":20})");
    CHECK(encode(ClientFrame{Search{"", "open", "17.c_0123456789abcdef", 5}}) ==
          R"({"v":1,"type":"search","q":"","status":"open","cursor":"17.c_0123456789abcdef","limit":5})");
    auto bare = decode_client(R"({"v":1,"type":"search"})");
    REQUIRE(bare.ok());
    const Search s = std::get<Search>(bare.value());
    CHECK(s.q.empty());
    CHECK(s.status == "closed");  // the default: the live inbox holds the open ones
    CHECK(s.cursor.empty());
    CHECK(s.limit == 20);

    Found f{"parcel", "closed", {}, "17.c_0123456789abcdef"};
    ConvSummary c;
    c.conv = "c_0123456789abcdef";
    c.visitor = Party{"visitor", "v_0123456789abcdef", "Ada"};
    c.last_seq = 2;
    c.last_text = "bye";
    c.updated = 17;
    c.status = "closed";
    f.convs.push_back(c);
    const std::string text = encode(RelayFrame{f});
    CHECK(text == R"({"v":1,"type":"found","q":"parcel","status":"closed","convs":[{"conv":"c_0123456789abcdef",)"
                  R"("visitor":{"role":"visitor","id":"v_0123456789abcdef","name":"Ada"},"last_seq":2,)"
                  R"("last_text":"bye","updated":17,"status":"closed"}],"cursor":"17.c_0123456789abcdef"})");
    auto back = decode_relay(text);
    REQUIRE(back.ok());
    const Found g = std::get<Found>(back.value());
    CHECK(g.cursor == f.cursor);
    REQUIRE(g.convs.size() == 1);
    CHECK(g.convs[0].last_text == "bye");
    CHECK(encode(RelayFrame{Found{"", "open", {}, ""}}) == R"({"v":1,"type":"found","q":"","status":"open","convs":[]})");
}

TEST_CASE("search refuses a long query, an unknown status, a long cursor and a limit outside 1-50", "[codec][search]") {
    CHECK(decode_client(R"({"v":1,"type":"search","q":")" + std::string(100, 'x') + "\"}").ok());
    CHECK(client_error(R"({"v":1,"type":"search","q":")" + std::string(101, 'x') + "\"}") == ErrorCode::text_too_long);
    CHECK(client_error(R"({"v":1,"type":"search","status":"deleted"})") == ErrorCode::bad_field);
    CHECK(client_error(R"({"v":1,"type":"search","q":7})") == ErrorCode::bad_field);
    CHECK(client_error(R"({"v":1,"type":"search","cursor":")" + std::string(201, '1') + "\"}") == ErrorCode::bad_field);
    CHECK(client_error(R"({"v":1,"type":"search","limit":0})") == ErrorCode::bad_field);
    CHECK(client_error(R"({"v":1,"type":"search","limit":51})") == ErrorCode::bad_field);
}
