// The frames of protocol v1 (docs/protocol.md §4–5) as plain structs. One set of types
// serves both ends: what the widget encodes is exactly what the relay decodes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "parley/protocol/error_code.hpp"

namespace parley::protocol {

constexpr int kVersion = 1;
constexpr std::size_t kMaxFrameBytes = 65536;
constexpr int kMaxDepth = 16;
constexpr std::size_t kMaxTextBytes = 8000;
constexpr std::size_t kMaxNameBytes = 80;
constexpr int kMaxHistoryLimit = 200;
constexpr int kDefaultHistoryLimit = 50;

struct Party {
    std::string role;  // "visitor" | "agent" | "system"
    std::string id;
    std::string name;
    bool operator==(const Party& o) const { return role == o.role && id == o.id && name == o.name; }
};

// A stored message as it travels in `msg` and `page`.
struct Message {
    std::string conv;
    std::int64_t seq = 0;
    std::string cid;
    std::int64_t ts = 0;
    Party from;
    std::string text;
};

// What an agent's inbox shows of a conversation (`inbox` entries and `conv` frames).
struct ConvSummary {
    std::string conv;
    Party visitor;
    std::int64_t last_seq = 0;
    std::string last_text;
    std::int64_t updated = 0;
    std::string status;  // "open" | "closed"
};

// ---- client → relay -------------------------------------------------------------
struct Hello {
    std::string role;  // "visitor" | "agent"
    std::optional<std::string> token;
    std::optional<std::string> name;
};
struct Login {
    std::string email;
    std::string password;
};
struct Send {
    std::string conv;
    std::string cid;
    std::string text;
};
struct Typing {
    std::string conv;
    bool on = false;
};
struct Read {
    std::string conv;
    std::int64_t seq = 0;
};
struct Sync {
    std::string conv;
    std::int64_t after = 0;
};
struct History {
    std::string conv;
    std::optional<std::int64_t> before;
    int limit = kDefaultHistoryLimit;
};
struct SetPresence {
    std::string status;
};
struct Ping {
    std::int64_t n = 0;
};

using ClientFrame = std::variant<Hello, Login, Send, Typing, Read, Sync, History, SetPresence, Ping>;

// ---- relay → client -------------------------------------------------------------
struct Welcome {
    std::string role;
    std::string token;
    Party me;
    std::optional<std::string> conv;  // visitors only
    std::int64_t last_seq = 0;        // visitors only
};
struct Ack {
    std::string conv;
    std::string cid;
    std::int64_t seq = 0;
    std::int64_t ts = 0;
};
struct Msg {
    Message message;
};
struct TypingNotice {
    std::string conv;
    Party from;
    bool on = false;
};
struct ReadNotice {
    std::string conv;
    Party from;
    std::int64_t seq = 0;
};
struct Synced {
    std::string conv;
    std::int64_t last_seq = 0;
};
struct Page {
    std::string conv;
    std::vector<Message> msgs;
    bool more = false;
};
struct PresenceNotice {
    Party who;
    std::string status;
};
struct Inbox {
    std::vector<ConvSummary> convs;
};
struct ConvUpdate {
    ConvSummary summary;
};
struct Pong {
    std::int64_t n = 0;
};
struct ErrorFrame {
    ErrorCode code;
    std::string message;
    std::string ref;  // empty when the frame in error had no cid
};

using RelayFrame = std::variant<Welcome, Ack, Msg, TypingNotice, ReadNotice, Synced, Page,
                                PresenceNotice, Inbox, ConvUpdate, Pong, ErrorFrame>;

}  // namespace parley::protocol
