// What the codec tests of each frame family check alike: a frame survives encode then
// decode as the same alternative, and a text is refused with its documented code.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <variant>

#include "parley/protocol/codec.hpp"

namespace parley::test {

template <class T>
T client_round_trip(const T& f) {
    auto d = protocol::decode_client(protocol::encode(protocol::ClientFrame{f}));
    REQUIRE(d.ok());
    REQUIRE(std::holds_alternative<T>(d.value()));
    return std::get<T>(d.value());
}

template <class T>
T relay_round_trip(const T& f) {
    auto d = protocol::decode_relay(protocol::encode(protocol::RelayFrame{f}));
    REQUIRE(d.ok());
    REQUIRE(std::holds_alternative<T>(d.value()));
    return std::get<T>(d.value());
}

// The code a client frame's text is refused with (it must be refused).
inline protocol::ErrorCode client_error(const std::string& text) {
    auto d = protocol::decode_client(text);
    REQUIRE_FALSE(d.ok());
    return d.error().code;
}

}  // namespace parley::test
