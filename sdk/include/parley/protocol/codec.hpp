// Encoding and decoding of protocol v1 frames. Pure functions, no I/O, no allocation
// beyond the returned values. Decoders validate everything in docs/protocol.md §1–5 and
// return the documented error (§6) for the first rule a frame breaks; they never throw.
#pragma once

#include <string>
#include <string_view>

#include "parley/core/result.hpp"
#include "parley/protocol/frames.hpp"

namespace parley::protocol {

// Decode a frame sent by a client (what the relay receives).
// Errors: too_large, bad_json, too_deep, bad_version, unknown_type, missing_field,
// bad_field, text_too_long. `Error::ref` holds the frame's `cid` when it had one.
Result<ClientFrame> decode_client(std::string_view text);

// Decode a frame sent by the relay (what a client receives). Same error codes.
Result<RelayFrame> decode_relay(std::string_view text);

// Encode to the compact JSON text of one WebSocket message. Never fails.
std::string encode(const ClientFrame& frame);
std::string encode(const RelayFrame& frame);

// The `type` string of a frame ("hello", "msg", ...).
const char* frame_type(const ClientFrame& frame);
const char* frame_type(const RelayFrame& frame);

}  // namespace parley::protocol
