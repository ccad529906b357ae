// Events the client core hands to its host (the UI, the Wasm glue, the C API).
// Most reuse the frame structs, so a field means the same thing on the wire and in the
// UI. Each has a stable name and JSON shape (docs/sdk.md), which the C API returns.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "parley/protocol/frames.hpp"

namespace parley::session {

// What the application sees of the connection.
enum class State {
    offline,       // not trying: before connect(), after disconnect() or a 1000 close
    connecting,    // first attempt after connect()
    connected,     // after welcome
    reconnecting,  // waiting out a backoff, or reattempting after a drop
    stopped,       // final close code (4100–4199) or refused credentials; no retry
};
const char* state_name(State state);

// "Open the transport now." The host opens it and reports opened() or closed().
struct ConnectRequest {};
// "Close the transport now." The host closes it; its closed() is then ignored.
struct DisconnectRequest {};
struct StateChanged {
    State state;
};
// A message accepted into the outbox (sent now or on the next welcome).
struct Queued {
    std::string conv;  // may be empty for a visitor before their first welcome
    std::string cid;
    std::string text;
    std::string parts;                    // issue 16: as in the outbox entry ("" = none)
    std::optional<protocol::Reply> reply;  // issue 16
};
// A delivered message, in seq order per conversation, each exactly once.
struct Delivered {
    protocol::Message message;
    bool mine = false;  // sent by this party (from.id equals the welcome's me.id)
};
// A history page (answer to history()): older messages in increasing seq, each
// flagged `mine` as in Delivered. `more` is true when still older ones exist.
struct HistoryPage {
    std::string conv;
    std::vector<Delivered> msgs;
    bool more = false;
};

using Event = std::variant<ConnectRequest, DisconnectRequest, StateChanged, protocol::Welcome,
                           Queued, protocol::Ack, Delivered, protocol::TypingNotice,
                           protocol::ReadNotice, protocol::PresenceNotice, HistoryPage,
                           protocol::Inbox, protocol::ConvUpdate, protocol::Synced,
                           protocol::ErrorFrame, protocol::QueueNotice,
                           protocol::SupervisorBoard, protocol::LoggedOut,
                           protocol::SessionList, protocol::AuditPage,
                           protocol::StreamNotice, protocol::StreamEndNotice, protocol::Rated,
                           protocol::Found, protocol::ContextInfo, protocol::CannedList,
                           protocol::PrechatSaved>;

// The event's name: "connect", "disconnect", "state", "welcome", "queued", "ack",
// "message", "typing", "read", "presence", "history", "inbox", "conv", "synced",
// "error", …, "stream" (a delta of a reply being written, in order: append it to the
// text of (conv, from.id, cid)), "rated" (the relay stored the visitor's rating: conv,
// score), "stream_end" (drop that text: reason "cancelled",
// "sender_gone", "timeout" from the relay; "dropped" when a delta was missed and
// "disconnected" when the transport closed, from the client core). A stream's final
// text arrives as a "message" with the same from.id and cid, which replaces it.
const char* event_name(const Event& event);

// The event as one compact JSON object with "event" first (docs/sdk.md).
std::string event_json(const Event& event);

}  // namespace parley::session
