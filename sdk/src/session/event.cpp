#include "parley/session/event.hpp"

#include <iterator>
#include <string>
#include <type_traits>

#include "parley/core/visitor_only.hpp"
#include "parley/protocol/codec.hpp"
#include "parley/protocol/json_writer.hpp"

namespace parley::session {

namespace {

using protocol::JsonWriter;
using protocol::Shape;
using protocol::write_members;

// Events are written straight into the answer, member by member, with "event" first.
// Those that carry a relay frame are written by the codec's own writers for its members
// (protocol/codec.hpp), in their event shape: one writer per structure for both.
void write_delivered(JsonWriter& j, const Delivered& d) {
    protocol::write_message(j, d.message, Shape::event, d.mine);
}

// Writes the members after "event" for each kind.
struct Fields {
    JsonWriter& j;
    void operator()(const ConnectRequest&) const {}
    void operator()(const DisconnectRequest&) const {}
    void operator()(const StateChanged& e) const { j.str("state", state_name(e.state)); }
    void operator()(const protocol::Welcome& e) const { write_members(j, e, Shape::event); }
    void operator()(const Queued& e) const {
        j.str("conv", e.conv);
        j.str("cid", e.cid);
        j.str("text", e.text);
        // Issue 16: what a host persisting the outbox must keep to resend it whole.
        if (!e.parts.empty()) j.raw("parts", e.parts);
        if (e.reply) protocol::write_reply(j, *e.reply);
    }
    void operator()(const Delivered& e) const { write_delivered(j, e); }
    void operator()(const HistoryPage& e) const {
        j.str("conv", e.conv);
        j.open_array("msgs");
        for (const Delivered& d : e.msgs) {
            j.item();
            write_delivered(j, d);
            j.end();
        }
        j.end_array();
        j.flag("more", e.more);
    }
    // Agents' events: the visitor build's client never makes one (core/visitor_only.hpp).
    void operator()(const protocol::Inbox& e) const {
        if (!kVisitorOnly) write_members(j, e, Shape::event);
    }
    void operator()(const protocol::ConvUpdate& e) const {
        if (!kVisitorOnly) write_members(j, e, Shape::event);
    }
    void operator()(const protocol::Found& e) const {  // issue 17: inbox search
        if (!kVisitorOnly) write_members(j, e, Shape::event);
    }
    void operator()(const protocol::ErrorFrame& e) const { write_members(j, e, Shape::event); }
    // Ack, typing, read, presence, synced, queue, supervisor, …: as on the wire.
    template <class Frame>
    void operator()(const Frame& e) const {
        constexpr bool agents_only = std::is_same_v<Frame, protocol::SupervisorBoard> ||
                                     std::is_same_v<Frame, protocol::LoggedOut> ||
                                     std::is_same_v<Frame, protocol::SessionList> ||
                                     std::is_same_v<Frame, protocol::AuditPage> ||
                                     std::is_same_v<Frame, protocol::ContextInfo> ||
                                     std::is_same_v<Frame, protocol::CannedList>;
        if constexpr (!(kVisitorOnly && agents_only)) write_members(j, e);
    }
};

// In variant order.
const char* const kNames[] = {"connect", "disconnect", "state",   "welcome", "queued",
                              "ack",     "message",    "typing",  "read",    "presence",
                              "history", "inbox",      "conv",    "synced",  "error",
                              "queue",   "supervisor", "logged_out", "sessions",
                              "audit", "stream", "stream_end", "rated", "found", "context", "canned",
                              "prechat_saved"};
static_assert(std::size(kNames) == std::variant_size_v<Event>);

}  // namespace

const char* state_name(State state) {
    switch (state) {
        case State::offline: return "offline";
        case State::connecting: return "connecting";
        case State::connected: return "connected";
        case State::reconnecting: return "reconnecting";
        case State::stopped: return "stopped";
    }
    return "offline";
}

const char* event_name(const Event& event) { return kNames[event.index()]; }

std::string event_json(const Event& event) {
    std::string out = "{";
    JsonWriter j(out);
    j.str("event", event_name(event));
    std::visit(Fields{j}, event);
    j.end();
    return out;  // invalid UTF-8 in a text → U+FFFD (json::write_string)
}

}  // namespace parley::session
