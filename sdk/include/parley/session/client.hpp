// The sans-I/O client session of protocol v1 (docs/protocol.md §3, §8).
//
// The host owns the transport and the clock; the Client owns the rules. The host
// reports transport events and user actions, each with `now_ms` (any monotonic origin,
// the same for every call), then drains take_outgoing() (frames to write, in order)
// and take_events() (for the UI), and calls tick() at next_deadline(). Nothing here
// blocks, reads a clock, draws true randomness, logs or calls back, so the same code
// runs in Wasm, natively, and in tests with a fake clock.
//
// No method throws. None may be called re-entrantly (there are no callbacks to call it
// from). A Client is not thread-safe; use it from one thread at a time.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parley/core/result.hpp"
#include "parley/protocol/frames.hpp"
#include "parley/session/event.hpp"
#include "parley/session/heartbeat.hpp"

namespace parley::session {

// A message accepted but not yet acknowledged. The host may persist these (from
// Queued/Ack events or Client::outbox()) and hand them back in Config::outbox after a
// restart; they are resent with the same cid, which the relay deduplicates.
struct OutboxEntry {
    std::string conv;  // empty: the visitor's own conversation, known after welcome
    std::string cid;
    std::string text;
    std::string parts;                    // issue 16: rich parts, compact JSON ("" = none)
    std::optional<protocol::Reply> reply;  // issue 16: a visitor's answer to a rich message
};

// Visitor (issue 17; docs/protocol.md §4 "Identity"): the site's logged-in user, and the
// proof its server computed (user_hash = hex HMAC-SHA256 of user_id, or identity_token, a
// JWT); sent with every hello. Bounds as in protocol/frames.hpp (kMaxUserIdBytes, …).
struct Identity {
    std::optional<std::string> user_id;  // required unless identity_token carries it
    std::optional<std::string> email;
    protocol::Attributes attributes;     // ≤ 20, keys 1–40 of [A-Za-z0-9_.:-], values ≤ 256 bytes
    std::optional<std::string> user_hash;
    std::optional<std::string> identity_token;
};
// The first problem with an identity, if any (the relay's rule, checked locally).
std::optional<Error> identity_problem(const Identity& identity);

struct Config {
    std::string role = "visitor";          // "visitor" | "agent" | "bot"
    std::optional<std::string> token;      // from an earlier welcome (not bots)
    std::optional<std::string> name;       // visitor display name (≤ 80 bytes)
    std::optional<std::string> page;       // visitor: origin + path of the page (≤ 512 bytes)
    std::optional<std::string> title;      // visitor (issue 17): the page's title (≤ 200 bytes)
    std::optional<std::string> email;      // agent password login, used when no token
    std::optional<std::string> password;   //   or when the relay refuses the token
    std::optional<std::string> key;        // bot (issue 16): its API key, "pk_…"
    std::optional<Identity> identity;      // visitor (issue 17): the site's user
    std::string instance;                  // unique per client instance; cid prefix
    std::uint64_t seed = 0;                // drives backoff jitter, deterministically
    std::map<std::string, std::int64_t> known;  // conv → last seq seen (resume state)
    std::vector<OutboxEntry> outbox;       // unacknowledged messages from a restart
    std::int64_t backoff_base_ms = 500;
    std::int64_t backoff_cap_ms = 30000;
    std::int64_t typing_throttle_ms = 2000;  // on:true at most this often
    std::int64_t typing_expiry_ms = 6000;    // a peer's on:true lapses after this
    // Heartbeat (heartbeat.hpp): ping after this much silence from the relay, and give
    // the transport up (disconnect, then reconnect with backoff) after that much.
    // 0 switches either off. The relay hangs up on silent peers too (45 s by default).
    std::int64_t heartbeat_interval_ms = 20000;
    std::int64_t heartbeat_timeout_ms = 40000;
};

// The first problem with a config, if any (bad_field / missing_field / text_too_long):
// unknown role, instance not usable as a cid prefix (1–40 of [A-Za-z0-9_.:-]), an agent
// with neither token nor email+password, a bad conv in `known`, a bad outbox entry.
std::optional<Error> validate(const Config& config);

class Client {
public:
    // The config should pass validate(); a client built from a bad one sends frames
    // the relay refuses, it does not crash.
    explicit Client(Config config);

    // ---- transport inputs --------------------------------------------------------
    // The transport the host opened after a "connect" event is open: the client
    // queues hello or login. If no connection was wanted (after disconnect()), it
    // emits "disconnect" instead.
    void opened(std::int64_t now_ms);
    // The transport closed (or failed to open) with a WebSocket close code (use 1006
    // when there is none). 4100–4199 → stopped; 1000 → offline; anything else →
    // reconnecting after a full-jitter backoff. Ignored when no transport was wanted.
    void closed(int close_code, std::int64_t now_ms);
    // One received text frame. A malformed frame is reported as an "error" event and
    // returned; the session carries on (the relay is not trusted to be bug-free).
    Status receive(std::string_view frame, std::int64_t now_ms);
    // Time passed; call at next_deadline() (earlier or extra calls are harmless).
    void tick(std::int64_t now_ms);

    // ---- user actions ------------------------------------------------------------
    // Start connecting (from offline or stopped): emits "connect" at once.
    void connect(std::int64_t now_ms);
    // Stop: emits "disconnect" when a transport is open or opening; state offline.
    // The outbox is kept and sent on the next connect().
    void disconnect(std::int64_t now_ms);
    // Visitors (issue 17): who the visitor is on the site (nullopt: nobody, e.g. after
    // the site's logout). A hello is the only place for it, so an open session is
    // restarted (emits "disconnect" then "connect"); otherwise the next hello carries it.
    // Errors: forbidden (not a visitor), bad_field / missing_field (identity_problem).
    Status identify(std::optional<Identity> identity, std::int64_t now_ms);
    // Queue a message and return its cid; sent now when connected, else after the
    // next welcome, in order. `conv` empty means the visitor's own conversation.
    // Errors: bad_field (conv, empty/blank text), text_too_long.
    Result<std::string> send(const std::string& conv, const std::string& text,
                             std::int64_t now_ms);
    // Rich messages (issue 16). send_rich: like send(), with `parts` (a JSON array as
    // text, "" for none; the relay checks what the parts hold: 1005 with its path) and
    // the cid `cid` (empty: a new one), which finalises the stream of that cid. Errors:
    // those of send(), bad_field for parts that are not a JSON array or a bad cid.
    Result<std::string> send_rich(const std::string& conv, const std::string& text, const std::string& parts,
                                  const std::string& cid, std::int64_t now_ms);
    // A visitor's answer to a quick reply / button (reply.option) or a form (reply.form
    // + values) of message reply.to: queued like send(); `text` is what it shows. The
    // relay answers 1005 (no such option or form there) or 1011 invalid_form (the
    // error event's `fields`: each bad value's reason), and the entry leaves the outbox.
    // Errors: those of send(), bad_field when not exactly one of option and form is set.
    Result<std::string> reply(const std::string& conv, const std::string& text, protocol::Reply reply,
                              std::int64_t now_ms);
    // Streaming (agents and bots): sends one delta (1–2 000 bytes) of the reply `cid`
    // (empty: a new cid, returned; pass it again for the next deltas and to send_rich
    // to finalise). Sent at once, never queued: a stream does not survive a transport.
    // Errors: bad_field (conv, cid, empty delta), text_too_long, not_authenticated when
    // not connected.
    Result<std::string> stream(const std::string& conv, const std::string& cid, const std::string& delta,
                               std::int64_t now_ms);
    // Cancels the stream `cid` (stream_end). Errors: bad_field, not_authenticated.
    Status cancel_stream(const std::string& conv, const std::string& cid, std::int64_t now_ms);

    // Composer activity. on:true is throttled (typing_throttle_ms); on:false is sent
    // once, only after an on:true. Dropped while not connected (typing is ephemeral).
    Status typing(const std::string& conv, bool on, std::int64_t now_ms);
    // Read receipt up to `seq`; kept and sent after welcome when not connected.
    Status read(const std::string& conv, std::int64_t seq, std::int64_t now_ms);
    // Request a page of older messages (answer: "history" event).
    // Errors: bad_field (conv, limit outside 1–200, negative before),
    // not_authenticated when not connected (history is not queued).
    Status history(const std::string& conv, std::optional<std::int64_t> before, int limit,
                   std::int64_t now_ms);
    // Own presence: visitors online|away, agents available|away|offline. Kept and
    // re-sent after every welcome. Errors: bad_field.
    Status presence(const std::string& status, std::int64_t now_ms);

    // ---- routing (agents, P4) -------------------------------------------------------
    // Sent at once when connected; not queued (errors: not_authenticated when not
    // connected, bad_field / text_too_long for bad arguments). The relay answers a note
    // with an ack and a `msg` with internal:true, a transfer/close/reopen with `conv`
    // updates and system messages, or an `error` (3001, 3004–3006, 2004).
    Status note(const std::string& conv, const std::string& text, std::int64_t now_ms);
    Status transfer(const std::string& conv, std::optional<std::string> to_agent,
                    std::optional<std::string> to_team, const std::string& note,
                    std::int64_t now_ms);
    // reopen = false: `close`; true: `reopen`.
    Status close_conversation(const std::string& conv, bool reopen, std::int64_t now_ms);

    // ---- CSAT (visitors, issue 17) -----------------------------------------------------
    // Rates the closed conversation: score 1–5, comment ≤ 1000 bytes ("" = none). Not
    // queued. Errors: not_authenticated when not connected, bad_field / text_too_long for
    // bad arguments. The relay answers `rated` (event "rated"), or an error (3006: the
    // conversation is open).
    Status rate(const std::string& conv, int score, const std::string& comment, std::int64_t now_ms);
    // Sends the pre-chat form's answers, or (offline) the e-mail left for a reply (issue
    // 17). Not queued. Errors: not_authenticated when not connected, bad_field /
    // text_too_long for bad arguments. The relay answers `prechat_saved` (event
    // "prechat_saved") or 1011 invalid_form with a reason per bad field.
    Status prechat(protocol::Prechat answers, std::int64_t now_ms);

    // ---- bots (issue 16) ----------------------------------------------------------------
    // A bot hands the conversation to humans: reason 1–40 of [a-z0-9_] (e.g. asks_human),
    // summary ≤ 1000 bytes for the agent, team optional (the conversation's own when
    // absent). Not queued. Errors: not_authenticated when not connected, bad_field /
    // text_too_long for bad arguments. The relay answers with a `conv` in the new state,
    // or an error (2004: not with this bot; 3004: no such team).
    Status handoff(const std::string& conv, const std::string& reason, const std::string& summary,
                   std::optional<std::string> team, std::int64_t now_ms);
    // An agent (the owner, or a supervisor) gives the conversation back to the bot. Not
    // queued. Errors: not_authenticated, bad_field. The relay answers with `conv`
    // updates, or an error (2004, 3006 when no bot is connected or the state forbids it).
    Status handback(const std::string& conv, std::int64_t now_ms);

    // ---- sessions (agents) ----------------------------------------------------------
    // Sign-out: the relay revokes this connection's session (all: every session of the
    // agent; session: the one of that id) and answers `logged_out`; when this
    // connection's session was revoked the client forgets its token, and the relay
    // closes with 4102 (final: state stopped). Not queued. Errors: not_authenticated
    // when not connected, bad_field for both all and session.
    Status logout(bool all, std::optional<std::string> session, std::int64_t now_ms);
    // Asks for the agent's sessions (answer: a "sessions" event). Not queued.
    // Errors: not_authenticated when not connected.
    Status list_sessions(std::int64_t now_ms);
    // Supervisors: asks for a page of the audit log, newest first, entries with id <
    // before (none: from the newest), at most `limit` (answer: an "audit" event; other
    // agents get error 2004). Not queued. Errors: not_authenticated when not connected,
    // bad_field for a limit outside 1..200 or a before below 1.
    Status audit(std::optional<std::int64_t> before, std::int64_t limit, std::int64_t now_ms);
    // Issue 17, agents: searches the stored conversations of `status` ("open" | "closed")
    // for `q` (answer: a "found" event; go on with its cursor). Not queued. Errors:
    // not_authenticated when not connected, bad_field for a status, cursor or limit
    // (1..50) out of bounds, text_too_long for a q over 100 bytes.
    Status search(const std::string& q, const std::string& status, const std::string& cursor,
                  std::int64_t limit, std::int64_t now_ms);

    // ---- customer context and canned responses (issue 17) -------------------------------
    // Visitors: the host page changed (a single-page app navigated). Kept for the next
    // hello, and sent at once as `navigate` when connected. Errors: bad_field (an agent or
    // bot; url empty or over 512 bytes, title over 200).
    Status navigate(const std::string& url, const std::string& title, std::int64_t now_ms);
    // Agents: asks for a conversation's customer context (answer: a "context" event).
    // Not queued. Errors: not_authenticated, bad_field.
    Status context(const std::string& conv, std::int64_t now_ms);
    // Agents: lists, saves or deletes canned responses (answer: a "canned" event with
    // the whole list, or an error: 2004, 3011 canned_limit, 1005, 1009). Not queued.
    // Errors: not_authenticated, bad_field.
    Status canned(const protocol::CannedOp& op, std::int64_t now_ms);

    // ---- outputs -----------------------------------------------------------------
    std::vector<std::string> take_outgoing();
    std::vector<Event> take_events();
    // The earliest time tick() has work to do: a reconnect, a storage-failure resend,
    // or a peer's typing indicator expiring.
    std::optional<std::int64_t> next_deadline() const;
    State state() const;

    // Resume state the host may persist: last seq per conversation, the outbox, the
    // latest session token.
    const std::map<std::string, std::int64_t>& known() const { return known_; }
    const std::vector<OutboxEntry>& outbox() const { return outbox_; }
    const std::optional<std::string>& token() const { return token_; }

private:
    // See client.cpp, "Theory of operation".
    enum class Phase { idle, opening, handshaking, ready, backoff, stopped };

    // Most per-conversation state below lives in small vectors searched linearly: a
    // visitor has one conversation, an agent a few dozen, and the red-black tree code of
    // std::set and of two more std::map types (with erase) was ~1 KB of the widget's
    // Wasm (issue 6). The string → seq maps stay std::map: `known` is part of the API,
    // and the others share its code.
    struct TypingOut {
        std::string conv;
        bool on = false;
        std::int64_t sent_at = 0;
    };
    struct TypingIn {
        std::string conv;
        protocol::Party from;  // keyed by (conv, from.id), kept in that order
        std::int64_t expires_at = 0;
    };

    // The received frame is ours: its parts are moved into the events.
    void on_frame(protocol::RelayFrame frame, std::int64_t now);
    void on_welcome(protocol::Welcome& w, std::int64_t now);
    void on_msg(protocol::Message& m, std::int64_t now);
    void on_ack(protocol::Ack& a);
    void on_error(const protocol::ErrorFrame& e, std::int64_t now);
    void on_typing(protocol::TypingNotice& t, std::int64_t now);
    void on_stream(protocol::StreamNotice& s);
    void on_stream_end(protocol::StreamEndNotice& s);
    Result<std::string> queue(OutboxEntry entry, std::int64_t now);

    void set_phase(Phase phase);
    void lose_transport();
    void schedule_reconnect(std::int64_t now);
    void send_handshake();
    void send_frame(const protocol::ClientFrame& frame);
    void send_outbox_entry(OutboxEntry& entry);
    void request_sync(const std::string& conv);
    void expire_typing(std::int64_t now, bool all);
    std::vector<TypingIn>::iterator typing_in_at(const std::string& conv, const std::string& id);
    std::int64_t jitter(int attempt);
    std::string resolve(const std::string& conv) const;
    bool ready() const { return phase_ == Phase::ready; }
    bool mine(const protocol::Party& p) const { return !my_id_.empty() && p.id == my_id_; }

    Config config_;
    Phase phase_ = Phase::idle;
    bool dropped_ = false;  // a drop happened since connect(): "reconnecting"
    int attempt_ = 0;
    std::uint64_t rng_;
    std::int64_t reconnect_at_ = 0;
    std::optional<std::int64_t> retry_at_;  // resend after storage_failed
    int storage_failures_ = 0;

    std::optional<std::string> token_;
    std::string my_id_;
    std::int64_t note_counter_ = 0;  // routing notes: cid = "n.<now>.<counter>"
    std::string my_conv_;
    std::uint64_t next_cid_ = 1;

    std::map<std::string, std::int64_t> known_;
    std::vector<std::string> syncing_;  // conversations with a sync in flight
    std::vector<OutboxEntry> outbox_;
    std::vector<std::string> retry_cids_;  // outbox entries waiting for retry_at_
    std::vector<std::string> resync_;      // syncs refused with 4029, asked again at retry_at_
    std::map<std::string, std::int64_t> read_wanted_;
    std::map<std::string, std::int64_t> read_sent_;
    std::optional<std::string> presence_;
    std::vector<TypingOut> typing_out_;
    std::vector<TypingIn> typing_in_;  // sorted by (conv, from.id)
    // Streams being received (issue 16): the next offset expected of each. A stream
    // ends at its final message, its stream_end, a missed delta or a lost transport.
    struct StreamIn {
        std::string conv;
        protocol::Party from;
        std::string cid;
        std::int64_t next = 0;
    };
    std::vector<StreamIn> streams_in_;
    static constexpr std::size_t kMaxStreamsIn = 64;  // the relay allows 8 per sender
    std::vector<StreamIn>::iterator stream_in(const std::string& conv, const std::string& from_id,
                                              const std::string& cid);

    std::vector<std::string> outgoing_;
    std::vector<Event> events_;
    Heartbeat heartbeat_{config_.heartbeat_interval_ms, config_.heartbeat_timeout_ms};
    std::int64_t next_ping_ = 1;
};

}  // namespace parley::session
