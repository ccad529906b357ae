// Hub: the relay's sans-I/O heart. It owns the rules of docs/protocol.md §4–8 and
// nothing else: no sockets, no clock, no randomness of its own, no logging sink.
//
// Theory of operation
// -------------------
// The network adapter (net/server.cpp) numbers each WebSocket connection and feeds the
// Hub what happens to it, with the current time:
//
//   on_open(conn, now)            a connection finished its WebSocket handshake
//   on_text(conn, text, now)      one complete text message arrived
//   on_binary(conn, now)          one binary message arrived           → error 1010
//   on_too_large(conn, now)       a message exceeded 65 536 bytes      → error 1006
//   on_close(conn, now)           the connection is gone (no output goes to it again)
//   shutdown(now)                 the relay stops                      → close 1001 to all
//
// Each call appends Outputs (a frame for a connection, or a request to close one) that
// the adapter drains with take_outputs() and delivers in order. Per connection the Hub
// keeps: authenticated or not, the party (role, id, name) and, for a visitor, their one
// conversation. Per party it keeps a presence status and a connection count.
//
// A connection's life, as a table (frame → outcome):
//
//   state           frame                outcome
//   --------------  -------------------  ---------------------------------------------
//   any             undecodable          error (codec's code, ref = cid), stays open
//   any             ping                 pong
//   handshaking     hello visitor        identity (token's, or new) + their conversation
//                                        (created on first hello) → welcome, presence
//   handshaking     hello agent          session token valid → welcome, inbox, presence;
//                                        else 2003
//   handshaking     login                e-mail + password → welcome(+ new session
//                                        token), inbox, presence; else 2002 (same for
//                                        unknown e-mail and wrong password)
//   handshaking     anything else        2001, not processed
//   ready           hello / login        2005
//   ready           send                 permission → store → ack → msg to every
//                                        connection of the conversation → conv to agents
//   ready           typing               relayed to the conversation's other parties
//   ready           read                 mark = max(mark, seq); relayed when it grew
//   ready           sync                 msg × (seq > after), then synced
//   ready           history              page of seq < before
//   ready           presence             status per role; relayed when it changed
//
// Who sees a conversation: its visitor's connections and every agent connection
// (today every agent sees every open conversation; routing will narrow that).
// Permission: a visitor may only name their own conversation, else 2004 (also for ids
// that do not exist, so visitors cannot probe); an agent may name any existing
// conversation, else 3001.
//
// Every call is synchronous: a send returns only after the store committed it, so the
// ack in the outputs is never ahead of the disk. None of the entry points may be called
// re-entrantly from inside another (the adapter calls them from its event loop).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "auth/session_token.hpp"
#include "auth/visitor_token.hpp"
#include "core/random_source.hpp"
#include "parley/protocol/frames.hpp"
#include "store/store.hpp"

namespace parley::relay {

using ConnId = std::uint64_t;

struct Output {
    enum class Kind { frame, close };
    Kind kind = Kind::frame;
    ConnId conn = 0;
    std::string text;  // frame: one JSON text message; close: the close reason
    int code = 0;      // close: the WebSocket close code (§7)
};

struct HubConfig {
    std::string visitor_secret;                  // HMAC key of visitor tokens
    std::int64_t visitor_token_ttl_ms = kVisitorTokenTtlMs;  // 30 days
    std::int64_t session_ttl_ms = kSessionTtlMs;             // 12 hours
    int inbox_limit = 200;                       // conversations in an agent's inbox
};

class Hub {
public:
    // `store` and `random` must outlive the Hub.
    Hub(Store& store, RandomSource& random, HubConfig config);

    void on_open(ConnId conn, std::int64_t now);
    void on_text(ConnId conn, std::string_view text, std::int64_t now);
    void on_binary(ConnId conn, std::int64_t now);
    void on_too_large(ConnId conn, std::int64_t now);
    void on_close(ConnId conn, std::int64_t now);
    // Asks to close every connection with 1001 (going away); frames arriving after it
    // are ignored. The adapter still calls on_close for each connection as it goes.
    void shutdown(std::int64_t now);

    // The outputs produced since the last call, in delivery order.
    std::vector<Output> take_outputs();

    std::size_t connection_count() const { return conns_.size(); }

private:
    struct Conn {
        bool ready = false;  // welcome sent
        protocol::Party party;
        std::string conv;  // visitors: their conversation
    };
    struct Presence {
        protocol::Party party;
        std::string status;
        int connections = 0;
    };

    // One handler per client frame type (see the table above).
    void handle(ConnId id, Conn& c, const protocol::Hello& f, std::int64_t now);
    void handle(ConnId id, Conn& c, const protocol::Login& f, std::int64_t now);
    void handle(ConnId id, Conn& c, const protocol::Send& f, std::int64_t now);
    void handle(ConnId id, Conn& c, const protocol::Typing& f, std::int64_t now);
    void handle(ConnId id, Conn& c, const protocol::Read& f, std::int64_t now);
    void handle(ConnId id, Conn& c, const protocol::Sync& f, std::int64_t now);
    void handle(ConnId id, Conn& c, const protocol::History& f, std::int64_t now);
    void handle(ConnId id, Conn& c, const protocol::SetPresence& f, std::int64_t now);
    void handle(ConnId id, Conn& c, const protocol::Ping& f, std::int64_t now);

    void hello_visitor(ConnId id, Conn& c, const protocol::Hello& f, std::int64_t now);
    void hello_agent(ConnId id, Conn& c, const protocol::Hello& f, std::int64_t now);
    void welcome_agent(ConnId id, Conn& c, const Agent& agent, const std::string& token);
    // The conversation `conv` if this connection may use it, else the error to send.
    Result<protocol::ConvSummary> accessible(const Conn& c, const std::string& conv,
                                             const std::string& ref);
    // Marks one more connection of the party; announces it when it changes its status.
    void party_joined(ConnId id, const protocol::Party& party, const std::string& status);
    void set_presence(ConnId origin, const std::string& party_id, const std::string& status);
    // Everyone who should hear about `party` (agents: everyone; visitors: agents).
    std::set<ConnId> presence_audience(const protocol::Party& party) const;
    std::set<ConnId> conversation_audience(const std::string& conv) const;

    void send(ConnId id, const protocol::RelayFrame& frame);
    void send_all(const std::set<ConnId>& ids, const protocol::RelayFrame& frame);
    void send_error(ConnId id, protocol::ErrorCode code, std::string message, std::string ref = {});
    void send_error(ConnId id, const Error& e);
    void to_agents(const protocol::ConvSummary& summary);

    Store& store_;
    RandomSource& random_;
    HubConfig config_;
    std::map<ConnId, Conn> conns_;
    std::set<ConnId> agent_conns_;    // ready agent connections
    std::set<ConnId> visitor_conns_;  // ready visitor connections
    std::map<std::string, std::set<ConnId>> conv_visitors_;  // conv → visitor connections
    std::map<std::string, Presence> presence_;               // party id → presence
    bool stopping_ = false;
    std::string dummy_hash_;  // verified against for unknown e-mails (equal timing)
    std::vector<Output> outputs_;
};

}  // namespace parley::relay
