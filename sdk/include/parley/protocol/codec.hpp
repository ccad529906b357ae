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

// ---- the members of relay frames, as encode() writes them --------------------------
// After "v" and "type", into an open object. The session's events (session/event.hpp)
// carry most relay frames as they are, so they are written by the same functions;
// `Shape::event` selects the few places where an event's documented shape (docs/sdk.md)
// differs from the frame's: a message gains `mine` and loses `prev`, a summary has
// all routing fields or none, a welcome with a conversation always has `mask`, an error
// always has `ref`.
class JsonWriter;
enum class Shape { wire, event };
void write_party(JsonWriter& j, const char* key, const Party& p);
void write_message(JsonWriter& j, const Message& m, Shape shape, bool mine = false);
// `"reply":{…}` (issue 16): a visitor's answer, as in `send` and `msg`.
void write_reply(JsonWriter& j, const Reply& r);
void write_summary(JsonWriter& j, const ConvSummary& s, Shape shape);
void write_members(JsonWriter& j, const Welcome& f, Shape shape = Shape::wire);
void write_members(JsonWriter& j, const Ack& f);
void write_members(JsonWriter& j, const TypingNotice& f);
void write_members(JsonWriter& j, const ReadNotice& f);
void write_members(JsonWriter& j, const Synced& f);
void write_members(JsonWriter& j, const PresenceNotice& f);
void write_members(JsonWriter& j, const Inbox& f, Shape shape = Shape::wire);
void write_members(JsonWriter& j, const ConvUpdate& f, Shape shape = Shape::wire);
void write_members(JsonWriter& j, const QueueNotice& f);
void write_members(JsonWriter& j, const SupervisorBoard& f);
void write_members(JsonWriter& j, const LoggedOut& f);
void write_members(JsonWriter& j, const SessionList& f);
void write_members(JsonWriter& j, const AuditPage& f);
void write_members(JsonWriter& j, const VisitorExport& f);
void write_members(JsonWriter& j, const VisitorErased& f);
// One audit entry's members (the `audit` frame's entries; the CLI's --export-audit lines).
void write_audit_entry(JsonWriter& j, const AuditEntry& e);
void write_members(JsonWriter& j, const ErrorFrame& f, Shape shape = Shape::wire);
void write_members(JsonWriter& j, const StreamNotice& f);
void write_members(JsonWriter& j, const StreamEndNotice& f);
void write_members(JsonWriter& j, const Rated& f);
void write_members(JsonWriter& j, const Found& f, Shape shape = Shape::wire);  // issue 17: inbox search
void write_members(JsonWriter& j, const ContextInfo& f);
void write_members(JsonWriter& j, const CannedList& f);
void write_members(JsonWriter& j, const AgentList& f);  // issue 17
void write_members(JsonWriter& j, const PrechatSaved& f);

}  // namespace parley::protocol
