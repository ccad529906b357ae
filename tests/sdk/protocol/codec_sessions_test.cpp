// Session frames (issue 15, sign-out): logout, sessions and their answers, byte for
// byte where the wire format matters, and the documented errors.
#include <catch2/catch.hpp>

#include "parley/protocol/codec.hpp"
#include "codec_checks.hpp"

using namespace parley::protocol;
using namespace parley::test;

TEST_CASE("logout and sessions client frames have pinned wire forms", "[codec][sessions]") {
    CHECK(encode(ClientFrame{Logout{}}) == R"({"v":1,"type":"logout"})");
    CHECK(encode(ClientFrame{Logout{true, std::nullopt}}) == R"({"v":1,"type":"logout","all":true})");
    CHECK(encode(ClientFrame{Logout{false, std::string("s_0123456789abcdef")}}) ==
          R"({"v":1,"type":"logout","session":"s_0123456789abcdef"})");
    CHECK(encode(ClientFrame{ListSessions{}}) == R"({"v":1,"type":"sessions"})");

    const Logout plain = client_round_trip(Logout{});
    CHECK_FALSE(plain.all);
    CHECK_FALSE(plain.session);
    CHECK(client_round_trip(Logout{true, std::nullopt}).all);
    CHECK(client_round_trip(Logout{false, std::string("s_1")}).session == std::optional<std::string>("s_1"));
    auto d = decode_client(R"({"v":1,"type":"logout","all":false})");
    REQUIRE(d.ok());
    CHECK_FALSE(std::get<Logout>(d.value()).all);
    REQUIRE(decode_client(R"({"v":1,"type":"sessions"})").ok());
}

TEST_CASE("logout refuses all together with a session, and fields of the wrong type",
          "[codec][sessions]") {
    CHECK(client_error(R"({"v":1,"type":"logout","all":true,"session":"s_1"})") == ErrorCode::bad_field);
    CHECK(client_error(R"({"v":1,"type":"logout","all":"yes"})") == ErrorCode::bad_field);
    CHECK(client_error(R"({"v":1,"type":"logout","session":7})") == ErrorCode::bad_field);
}

TEST_CASE("logged_out and sessions relay frames have pinned wire forms and round-trip",
          "[codec][sessions]") {
    CHECK(encode(RelayFrame{LoggedOut{2, true}}) == R"({"v":1,"type":"logged_out","revoked":2,"current":true})");
    const SessionList list{{SessionInfo{"s_0123456789abcdef", 1700000000000, 1700043200000, 1700000100000, true},
                            SessionInfo{"s_fedcba9876543210", 0, 1700043300000, 0, false}}};
    const std::string wire = encode(RelayFrame{list});
    CHECK(wire ==
          R"({"v":1,"type":"sessions","sessions":[)"
          R"({"id":"s_0123456789abcdef","created":1700000000000,"expires":1700043200000,"last_used":1700000100000,"current":true},)"
          R"({"id":"s_fedcba9876543210","created":0,"expires":1700043300000,"last_used":0,"current":false}]})");
    auto d = decode_relay(wire);
    REQUIRE(d.ok());
    const auto& back = std::get<SessionList>(d.value());
    REQUIRE(back.sessions.size() == 2);
    CHECK(back.sessions[0].id == "s_0123456789abcdef");
    CHECK(back.sessions[0].last_used == 1700000100000);
    CHECK(back.sessions[0].current);
    CHECK_FALSE(back.sessions[1].current);

    auto l = decode_relay(R"({"v":1,"type":"logged_out","revoked":0,"current":false})");
    REQUIRE(l.ok());
    CHECK(std::get<LoggedOut>(l.value()).revoked == 0);
    CHECK_FALSE(decode_relay(R"({"v":1,"type":"logged_out","revoked":-1,"current":false})").ok());
}

TEST_CASE("a session-ended close (4102) is final: the client does not reconnect", "[codec][sessions]") {
    CHECK(close_code::session_ended == 4102);
    CHECK(close_is_final(close_code::session_ended));
}
