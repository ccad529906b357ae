// parse_url (sdk/native/src/url.cpp): the addresses a native Connection dials.
#include <catch2/catch.hpp>

#include "parley/native/url.hpp"

using parley::native::parse_url;
using parley::protocol::ErrorCode;

TEST_CASE("parse_url reads ws:// and wss:// addresses with their default ports", "[native][url]") {
    using Row = std::tuple<std::string, bool, std::string, int, std::string>;
    auto [text, tls, host, port, path] = GENERATE(table<std::string, bool, std::string, int, std::string>({
        Row{"ws://127.0.0.1:8080/", false, "127.0.0.1", 8080, "/"},
        Row{"ws://chat.example.com", false, "chat.example.com", 80, "/"},
        Row{"wss://chat.example.com", true, "chat.example.com", 443, "/"},
        Row{"wss://chat.example.com:8443/parley?x=1", true, "chat.example.com", 8443, "/parley?x=1"},
        Row{"ws://[::1]:9000/ws", false, "::1", 9000, "/ws"},
        Row{"wss://[::1]", true, "::1", 443, "/"},
        Row{"ws://host?q", false, "host", 80, "/?q"},
    }));
    CAPTURE(text);
    auto url = parse_url(text);
    REQUIRE(url.ok());
    CHECK(url.value().tls == tls);
    CHECK(url.value().host == host);
    CHECK(url.value().port == port);
    CHECK(url.value().path == path);
}

TEST_CASE("parse_url refuses what it cannot dial, with bad_field naming the problem", "[native][url]") {
    using Row = std::tuple<std::string, std::string>;
    auto [text, problem] = GENERATE(table<std::string, std::string>({
        Row{"http://example.com/", "scheme"},
        Row{"example.com", "scheme"},
        Row{"ws://", "empty host"},
        Row{"ws://:80/", "empty host"},
        Row{"ws://host:/", "empty port"},
        Row{"ws://host:0/", "port out of range"},
        Row{"ws://host:65536/", "port out of range"},
        Row{"ws://host:123456/", "port out of range"},
        Row{"ws://host:8o/", "not a number"},
        Row{"ws://user@host/", "user info"},
        Row{"ws://host/#top", "fragment"},
        Row{"ws://host/a b", "space"},
        Row{"ws://[::1/", "unclosed"},
        Row{"ws://[::1]x/", "after ]"},
        Row{"ws://host/" + std::string(2100, 'a'), "2048"},
    }));
    CAPTURE(text);
    auto url = parse_url(text);
    REQUIRE_FALSE(url.ok());
    CHECK(url.error().code == ErrorCode::bad_field);
    CHECK_THAT(url.error().detail, Catch::Contains(problem));
}

TEST_CASE("Url::str writes the address back, IPv6 hosts in brackets", "[native][url]") {
    CHECK(parse_url("ws://127.0.0.1:8080").value().str() == "ws://127.0.0.1:8080/");
    CHECK(parse_url("wss://[::1]/x").value().str() == "wss://[::1]:443/x");
}
