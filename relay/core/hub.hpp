// Hub: the relay's sans-I/O heart. It owns the rules of docs/protocol.md §4–8 and
// nothing else: no sockets, no clock, no randomness of its own, no logging sink.
//
// Theory of operation
// -------------------
// The network adapter (net/server.cpp) numbers each WebSocket connection and feeds the
// Hub what happens to it, with the current time:
//
//   on_open(conn, now, address)   a connection finished its WebSocket handshake
//                                 (address: the peer's, for per-address login limits
//                                 and quotas)
//   on_text(conn, text, now)      one complete text message arrived
//   on_binary(conn, now)          one binary message arrived           → error 1010
//   on_too_large(conn, now)       a message exceeded 65 536 bytes      → error 1006
//   on_rate_limited(conn, …)      a frame over the rate limit          → error 4029
//   on_password_checked(ticket,…) a password check the Hub asked for is done
//   on_close(conn, now)           the connection is gone (no output goes to it again)
//   shutdown(now)                 the relay stops                      → close 1001 to all
//   pump(conn, now)               the connection has room: the next chunk of its
//                                 pending sync/history answers (hub_reads.cpp)
//
// Each call appends Outputs (a frame for a connection, a request to close one, or a
// "pull": this connection has answers waiting, call pump() when it has room) that the
// adapter drains with take_outputs() and delivers in order. With group commit on
// (HubConfig::group_commit), take_outputs() first commits the store's batch; if that
// fails, none of the batch's outputs go out and every connection whose frames were in
// the batch is closed with 1011, so its client resends its unacknowledged messages.
//
// Password checks (Argon2id, ~64 MiB and tens of ms each) never run in the Hub: a
// `login` that the throttle (core/login_throttle.hpp) admits becomes a PasswordCheck
// that the adapter drains with take_password_checks(), runs on its worker pool and
// reports with on_password_checked(); only then does the login get its welcome or
// 2002. An unknown e-mail is checked against a dummy hash all the same (equal timing).
// At most HubConfig::login.max_checks checks are pending, one per connection.
//
// Per connection the Hub keeps: authenticated or not, the party (role, id, name) and, for a visitor, their one
// conversation. Per party it keeps a presence status and a connection count.
// A visitor's hello may claim a site's user (issue 17): a verified claim makes the
// connection that user's one visitor, whatever its token (hub_identity.cpp).
//
// A connection's life, as a table (frame → outcome):
//
//   state           frame                outcome
//   --------------  -------------------  ---------------------------------------------
//   any             undecodable          error (codec's code, ref = cid), stays open
//   any             ping                 pong
//   handshaking     hello visitor        identity (token's, or new) + their conversation
//                                        (created on first hello) → welcome, presence;
//                                        a new identity or conversation over its address's
//                                        quota → 4050/4051, nothing created, stays open
//   handshaking     hello agent          session token valid → welcome, inbox, presence;
//                                        else 2003
//   handshaking     login                throttled → 4030 (retry_after_ms); pool full
//                                        → 4031; else a password check, and when it is
//                                        done: welcome(+ new session token), inbox,
//                                        presence; else 2002 (same for unknown e-mail
//                                        and wrong password)
//   handshaking     hello bot            key known (not revoked) → welcome, inbox of the
//                                        conversations with the bot, presence; else 2003
//                                        and close 4100 (hub_bots.cpp)
//   checking        hello / login        4031 (one login at a time per connection)
//   handshaking     anything else        2001, not processed
//   ready           hello / login        2005
//   ready           send                 permission → (visitors: byte quota, else 4052)
//                                        → store → ack → msg to every connection of the
//                                        conversation → conv to agents
//   ready           typing               relayed to the conversation's other parties
//   ready           read                 mark = max(mark, seq); relayed when it grew
//   ready           sync                 queued: msg × (seq > after), then synced,
//                                        as the connection drains (see below)
//   ready           history              queued: page of seq < before
//   ready           presence             status per role; relayed when it changed
//   ready           logout (agents)      session(s) deleted from the store → logged_out,
//                                        then every connection of a revoked session
//                                        closed with 4102; visitors: 2004
//   ready           sessions (agents)    the agent's unexpired sessions; visitors: 2004
//   ready           audit (supervisors)  a page of the audit log, newest first; others: 2004
//   ready           agent_admin          (supervisors, issue 17) list, add, update, disable,
//                                        enable, reset_password, remove → `agents`
//                                        (hub_admin.cpp); others: 2004
//   ready           export_visitor       (supervisors) the visitor's data-subject export,
//                                        audited, then streamed as visitor_export chunks
//                                        as the connection drains; unknown: 3010; others: 2004
//   ready           erase_visitor        (supervisors) the visitor erased for good (store,
//                                        log emptied, Hub and router state), audited;
//                                        their connections closed 4102; a last `conv`
//                                        (status "erased") to agents who could list one of
//                                        the conversations, `erased` to the supervisor;
//                                        unknown: 3010; others: 2004
//   ready           handoff (bots)       its conversation to humans (hub_bots.cpp); else 2004
//   ready           handback (agents)    the owner's or a supervisor's back to the bot;
//                                        3006 with no bot online
//   ready           stream (not visitor) opens or extends a stream: the delta to the other
//                                        participants with its offset (hub_streams.cpp);
//                                        visitors: 2004
//   ready           stream_end (sender)  the stream is forgotten; stream_end cancelled out
//   ready           search (agents)      a bounded page of stored conversations the agent
//                                        may look at that match → found{cursor}; one per
//                                        250 ms (else 4029); others: 2004 (hub_search.cpp)
//
// Streaming and rich messages (issue 16, hub_streams.cpp, core/rich_parts.hpp): a
// stream lives only in memory, per (conversation, sender, cid), until a `send` with its
// cid finalises it, its sender cancels it, its sender's last connection closes
// (sender_gone) or kStreamTimeoutMs pass without a delta (timeout, by tick()). A send's
// `parts` (non-visitors only) and `reply` (visitors only) are checked before anything is
// stored and are stored with the message.
//
// Audit log (P7, core/audit_log.hpp): logins (ok, failed, throttled), sign-outs,
// transfers, closes, reopens and a supervisor's first sync/history of a conversation
// they see only as supervisor (once per conversation per connection) each append one
// entry, in the same group-commit batch as the act. If the entry cannot be written:
// acts that grant access or reveal data (a login's welcome, a supervisor's read outside
// their teams) are refused with storage_failed — fail closed; acts that take access
// away or are already done (failed logins, sign-outs, transfers, closes) stand, and the
// failure is counted in audit_failures() for the adapter to log.
//
// Sessions (issue 15): each agent connection remembers the hash of the session it
// opened with. tick() re-reads those sessions every session_check_every_ms and closes
// with 4102 the connections whose session was revoked by another process (the CLI's
// --disable-agent writes the same file), has expired, or whose agent is disabled; it
// purges expired sessions from the store every session_purge_every_ms (first at the
// first tick). A disabled agent's login gets 2002 and hello 2003, like a wrong password
// or an unknown token.
//
// Erasure and export on request (P7, hub_privacy.cpp): see the rows above. An erasure
// commits the open group-commit batch first (the store erases outside a batch) and holds
// the loop for its own transaction and a TRUNCATE checkpoint.
// Bots (issue 16, hub_bots.cpp): a bot connects with an API key (hello role bot); while
// one is online new conversations open with the bot, which gets their frames until it
// hands off (or the relay does, by its rules bot_gone / bot_slow / bot_looping, or an
// agent takes over by transfer); an agent may hand one back. See hub_bots.cpp.
//
// Retention (P7, hub_retention.cpp): with a window set (HubConfig::retention), tick()
// also purges closed conversations older than their team's window, a page at a time,
// outside any group-commit batch, and forgets them.
//
// Webhooks (issue 18, hub_webhooks.cpp): every new message (append) and every routing
// event (record_event) is also enqueued for the subscribed sites, in the same batch, so
// it is durable exactly when what it reports is; delivery is the adapter's.
//
// Who sees a conversation: its visitor's connections and the agents it is listed for
// (its owner, supervisors, its team while queued; a conversation without a first
// message: supervisors only). Internal notes never go to a visitor connection.
// Permission: every frame that names a conversation passes the one visibility rule of
// core/access_rule.hpp (visitors: their own; supervisors: all; agents: their own,
// their teams' unclaimed ones, a teammate's read-only; else 2004, whether or not the id
// exists, so ids cannot be probed).
//
// Bulk answers are produced as the connection drains (hub_reads.cpp): sync and history
// only queue a read (conversation, cursor, bound) on their connection, at most
// kMaxPendingReads of them (beyond: error 4040 too_many_reads, retry_after_ms), and
// each pump() emits at most about kPumpBytes of frames (plus one message), store reads
// of kStoreReadMessages messages at a time. A sync reads on until the conversation's
// current last message and ends with synced{last_seq}; meanwhile live `msg` frames of
// that conversation are not sent to that connection separately (the stream carries
// them, in order), so nothing overtakes it. So what the Hub holds for one connection,
// whatever it sends, is at most kMaxPendingReads small cursors; its bytes in flight are
// the adapter's to bound (server.hpp: it pumps only below a low-water mark).
//
// Every call is synchronous: a send returns only after the store committed it, so the
// ack in the outputs is never ahead of the disk. None of the entry points may be called
// re-entrantly from inside another (the adapter calls them from its event loop).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "auth/agent_admin.hpp"
#include "auth/session_token.hpp"
#include "auth/visitor_token.hpp"
#include "core/access_rule.hpp"
#include "core/canned_responses.hpp"
#include "core/identity_claim.hpp"
#include "core/login_throttle.hpp"
#include "core/message_triage.hpp"
#include "core/prechat_form.hpp"
#include "core/quotas.hpp"
#include "core/random_source.hpp"
#include "quality/quality_rules.hpp"
#include "ops/ops_endpoints.hpp"
#include "parley/protocol/frames.hpp"
#include "route/router.hpp"
#include "store/store.hpp"

namespace parley::relay {


struct WebhookNotice;  // webhooks/webhook_payload.hpp

using ConnId = std::uint64_t;

// Sessions one agent may hold; a login beyond it revokes the oldest (issue 15).
constexpr std::size_t kMaxSessionsPerAgent = protocol::kMaxSessionsListed;

struct Output {
    // pull: this connection has sync/history answers waiting in the Hub; the adapter
    // calls pump(conn) when the connection has room (no body).
    enum class Kind { frame, close, pull };
    Kind kind = Kind::frame;
    ConnId conn = 0;
    // frame: one JSON text message; close: the close reason. Shared: a frame that goes
    // to many connections is encoded once and its bytes are never copied per listener.
    std::shared_ptr<const std::string> body;
    int code = 0;      // close: the WebSocket close code (§7)

    static Output frame(ConnId conn, std::shared_ptr<const std::string> text) {
        return Output{Kind::frame, conn, std::move(text), 0};
    }
    static Output close(ConnId conn, std::string reason, int code) {
        return Output{Kind::close, conn, std::make_shared<const std::string>(std::move(reason)), code};
    }
    static Output pull(ConnId conn) { return Output{Kind::pull, conn, nullptr, 0}; }
    const std::string& text() const {
        static const std::string none;
        return body ? *body : none;
    }
};

// A password check the Hub needs (see the theory above): run it off the event loop,
// then call Hub::on_password_checked(ticket, …).
struct PasswordCheck {
    std::uint64_t ticket = 0;
    ConnId conn = 0;
    std::string password;
    std::string hash;  // Argon2id string (the agent's, or the dummy one)
    // Hash `password` instead (agent administration: a new agent's or a reset password);
    // answered with on_password_hashed().
    bool hash_new = false;
};
enum class PasswordOutcome { match, mismatch, not_checked };  // not_checked: pool full

struct LoginConfig {
    LoginThrottleConfig throttle;       // failed-login delays and locks
    std::size_t max_checks = 17;        // pending checks at once (the pool's threads + queue)
    std::int64_t busy_retry_ms = 1000;  // retry_after_ms of 4031 login_busy
};

// Retention (P7, core/hub_retention.cpp): a closed conversation whose last message is
// older than its team's window is purged with its messages, read marks, routing record
// and a visitor left with nothing. 0: kept forever (the default).
struct RetentionConfig {
    std::int64_t closed_ms = 0;                          // every team without its own
    std::map<std::string, std::int64_t> team_closed_ms;  // per team (0: forever)
    std::int64_t sweep_every_ms = 5 * 60 * 1000;         // a sweep of the store this often
    std::int64_t page_gap_ms = 1000;                     // between the pages of one sweep
    int page = 100;                                      // conversations read per tick
    std::int64_t audit_ms = 0;  // audit entries older than this are purged (0: kept forever)
    int audit_page = 1000;      // audit entries purged per tick
    bool on() const;
    std::int64_t window(const std::string& team) const;  // 0: kept forever
};

// Bots (issue 16, hub_bots.cpp): when the relay hands a bot's conversation to humans on
// its own. 0 for reply_ms or max_turns_unanswered: that rule is off.
struct BotRules {
    std::int64_t grace_ms = 10'000;  // bot_gone: no bot connection for this long
    std::int64_t reply_ms = 15'000;  // bot_slow: a visitor's message unanswered this long
    int max_turns_unanswered = 5;    // bot_looping: more bot messages in a row than this
    int same_text_repeats = 3;       // bot_looping: the same bot text this many times in a row
};

struct HubConfig {
    VisitorKeyRing visitor_keys;                 // sign and verify visitor tokens (P7)
    // Identity (issue 17, auth/identity_secret_file.hpp): the site's secrets, current
    // first. Empty: every identity claim is unverified.
    std::vector<std::string> identity_secrets;
    // Secure by default: one proof (core/identity_claim.hpp says why not both).
    IdentityProofs identity_proofs = IdentityProofs::user_hash;  // --identity-proof
    std::int64_t visitor_token_ttl_ms = kVisitorTokenTtlMs;  // 30 days
    std::int64_t session_ttl_ms = kSessionTtlMs;             // 12 hours
    int inbox_limit = 200;                       // conversations in an agent's inbox
    route::RouterConfig routing;                 // P4: timeouts, weights, words, teams
    // Ranks of conversations awaiting an agent move with waiting time alone (an engaged
    // customer overtakes a slow one who waited longer), so connected agents' inboxes are
    // re-ranked this often; only summaries whose rank changed are sent. 0: on events only.
    std::int64_t rerank_every_ms = 15'000;
    // Conversations a board lists per queue (the rest are only counted in `length`).
    std::size_t board_queue_convs = protocol::kMaxBoardQueueConvs;
    // Triage and masking (P5, P7) applied to every posted message; null: texts are
    // stored as sent and carry no meta. Must outlive the Hub.
    const MessageTriage* triage = nullptr;
    // Group commit: the writes of everything handled between two take_outputs() calls
    // share one store transaction, committed by take_outputs() before it returns any
    // output, so no ack (and no message fan-out) leaves before its commit. The adapter
    // calls take_outputs() once per event-loop pass. Off: each write commits alone.
    bool group_commit = false;
    LoginConfig login;  // P7: password checks off the loop, throttled
    // Sign-out (issue 15): how often connected agents' sessions are checked against the
    // store (revoked elsewhere, expired, agent disabled), and expired sessions purged.
    // 0: never. A CLI --disable-agent reaches live connections within the first.
    std::int64_t session_check_every_ms = 10'000;
    std::int64_t session_purge_every_ms = 60 * 60 * 1000;
    RetentionConfig retention;  // P7: closed conversations purged after a window
    // Quotas (P7, core/quotas.hpp): new visitors and conversations per address per
    // hour, stored text per visitor per day; over them 4050/4051 (hello), 4052 (send).
    QuotaConfig quotas;
    BotRules bots;  // issue 16
    CannedLimits canned;  // issue 17: canned responses per agent and per team
    // Issue 17 (core/prechat_form.hpp): the pre-chat form (--prechat-fields); empty: none.
    PrechatForm prechat;
    // Issue 18 (quality/quality_rules.hpp): compliance words, the long-wait limit.
    quality::QualityRules quality;
};

class Hub {
public:
    // `store` and `random` must outlive the Hub.
    Hub(Store& store, RandomSource& random, HubConfig config);

    // A config reload (config/live_config.hpp; main.cpp), on the loop thread: the
    // settings of `next` that can change live — quotas, retention windows, the bot
    // handoff rules, the pre-chat form — replace the running ones. Everything else of
    // `next` is ignored. Counted quota use stays; a new retention window or bot rule is
    // first looked at by the next tick (ask next_deadline() again).
    void reconfigure(const HubConfig& next);

    void on_open(ConnId conn, std::int64_t now, std::string_view address = {}, std::string_view user_agent = {});
    void on_text(ConnId conn, std::string_view text, std::int64_t now);
    void on_binary(ConnId conn, std::int64_t now);
    void on_too_large(ConnId conn, std::int64_t now);
    // The adapter's rate limit (core/rate_limits.hpp) refused this frame: it is not
    // processed; the client gets 4029 rate_limited with retry_after_ms (ref = its cid).
    void on_rate_limited(ConnId conn, std::string_view text, std::int64_t retry_after_ms, std::int64_t now);
    void on_close(ConnId conn, std::int64_t now);
    // Asks to close every connection with 1001 (going away); frames arriving after it
    // are ignored. The adapter still calls on_close for each connection as it goes.
    void shutdown(std::int64_t now);

    // Bulk answers (hub_reads.cpp). Sync and history answers are produced here, a chunk
    // at a time: the next frames of this connection's pending reads, about kPumpBytes
    // (at most one message more), in order. Call it after a `pull` output, whenever the
    // connection has room; another `pull` follows while reads remain. Returns whether
    // reads remain. A connection that is gone or has nothing pending: no output.
    bool pump(ConnId conn, std::int64_t now);
    static constexpr std::size_t kMaxPendingReads = 64;   // per connection; ≥ conn_burst
    static constexpr std::size_t kPumpBytes = 64 * 1024;  // frame bytes per pump()
    static constexpr int kStoreReadMessages = 32;         // messages per store read
    static constexpr std::int64_t kReadsRetryAfterMs = 1000;  // 4040's retry_after_ms
    // An erasure's log that another process held is emptied again this often (tick()).
    static constexpr std::int64_t kLogRetryMs = 1000;
    // Agent administration (hub_admin.cpp): how soon a supervisor who has a new password
    // being hashed may ask for another (4029's retry_after_ms).
    static constexpr std::int64_t kAdminHashRetryMs = 1000;

    // The outputs produced since the last call, in delivery order.
    std::vector<Output> take_outputs();
    // The password checks asked for since the last call; the adapter runs them off the
    // loop and reports each one exactly once with on_password_checked.
    std::vector<PasswordCheck> take_password_checks();
    // A check is done: the login gets its welcome or 2002 (4031 if not_checked), and the
    // throttle counts it — even when its connection has closed meanwhile.
    void on_password_checked(std::uint64_t ticket, PasswordOutcome outcome, std::int64_t now);
    // A new password asked for with hash_new is hashed (nullopt: not hashed, the pool was
    // full or out of memory): the agent administration that waited for it goes ahead, or
    // gets 4029 — unless its connection has closed meanwhile: then nothing changes.
    void on_password_hashed(std::uint64_t ticket, std::optional<std::string> hash, std::int64_t now);
    // A store batch is open: its frames wait for take_outputs() to commit it.
    bool batch_open() const { return batch_open_; }

    std::size_t connection_count() const { return conns_.size(); }
    // For /metrics (issue 18, ops/ops_endpoints.hpp): what the Hub counted since the
    // start, and gauges read now (connections, agents, queues, bots).
    const HubCounters& counters() const { return counters_; }
    RelayGauges gauges() const;
    // The bot party id of a connection welcomed as a bot (issue 16), else null: the
    // adapter charges its frames to that bot's rate limit (core/rate_limits.hpp).
    const std::string* bot_party(ConnId conn) const;
    // Audit entries that could not be written since the start (see the theory above).
    std::uint64_t audit_failures() const { return audit_failures_; }

    // Streaming (issue 16, hub_streams.cpp): a stream without a delta for this long ends
    // (stream_end timeout); a party has at most kMaxStreamsPerParty open, a bot
    // kMaxStreamsPerBot (3007 beyond).
    static constexpr std::int64_t kStreamTimeoutMs = 15'000;
    static constexpr std::size_t kMaxStreamsPerParty = 8;
    // A bot answers every conversation of the site at once (at 50 new conversations a
    // second, about 20 of its answers are being streamed at any time), so it has more.
    static constexpr std::size_t kMaxStreamsPerBot = 256;
    std::size_t open_streams() const { return streams_.size(); }

    // The HTTP API (issue 18, relay/api/, hub_api.cpp): one client frame (send, close,
    // reopen, transfer) acted by `as` through the same handler a connection's frame goes
    // through, so every rule, audit entry and live fan-out is the WebSocket path's. `as`
    // is an agent or a bot (their own rights, access_rule.hpp), or with `supervisor` the
    // API key itself, which may act on any existing conversation as a supervisor would.
    // The group-commit batch is committed before it returns: the answer is never ahead of
    // the disk. Returns the frame's ack (send), or its error; neither for a done act.
    // The other outputs (the live frames) wait in take_outputs() as usual.
    struct ApiOutcome {
        std::optional<protocol::Ack> ack;
        std::optional<protocol::ErrorFrame> error;
    };
    ApiOutcome api_act(const protocol::Party& as, bool supervisor, const protocol::ClientFrame& frame,
                       std::int64_t now);
    // The conversation as agents are sent it: routing state, owner, team, contact.
    protocol::ConvSummary api_describe(protocol::ConvSummary summary, std::int64_t now);
    // The live queues (issue 18, GET /api/v1/queues, the supervisor dashboard): each team
    // the board lists, how many wait, and since when (ms, the relay's clock) the one
    // waiting longest has waited; 0 for an empty queue. O(conversations queued).
    struct QueueNow {
        std::string team;
        std::int64_t length = 0;
        std::int64_t waiting_since = 0;
    };
    std::vector<QueueNow> api_queues(std::int64_t now);

    // Agent administration by the HTTP API (hub_api_admin.cpp): the rules are
    // auth/agent_admin.hpp's, the live effects the console's (hub_admin.cpp's table: a
    // disabled agent's connections closed with 4102, their conversations re-routed, open
    // Agents views re-sent), the group-commit batch committed before it returns.
    // `f.op` is update, disable, enable or remove; `actor` the caller (actor_role
    // "api_key" or a supervisor's "agent"). Errors: agent_admin.hpp's, 5001 when the
    // batch could not be committed (then nothing changed in the store).
    Result<admin::Done> api_agent_admin(const admin::Actor& actor, const protocol::AgentAdmin& f, std::int64_t now);
    // add and reset_password: the new password is hashed off the loop, as the console's
    // is (take_password_checks); returns the act's ticket, or 2004, or 4029 when the
    // password pool is full. The act is applied when the hash is done, with the rules
    // checked again then; api_agent_admin_result(ticket) gives its outcome once (nullopt
    // while it waits). api_agent_admin_drop(ticket): the caller is gone, so a waiting act
    // is never applied (its password would never be shown) and a result is forgotten.
    Result<std::uint64_t> api_agent_admin_start(const admin::Actor& actor, const protocol::AgentAdmin& f);
    std::optional<Result<admin::Done>> api_agent_admin_result(std::uint64_t ticket);
    void api_agent_admin_drop(std::uint64_t ticket);
    // Teams (hub_api_admin.cpp): every team the relay knows (agents' teams, the routing
    // config's default team and rules' teams), each with its members as the router
    // sees them now and its queue. No store of their own: a team is a label on agents.
    struct TeamMember {
        std::string id, name, status;  // status: available, away, offline
        int load = 0;
    };
    struct TeamView {
        std::string name;
        std::vector<TeamMember> members;  // enabled agents with the team, by name
        int online = 0;                   // members not offline
        int queue_length = 0;
        std::vector<std::string> queued;  // the first HubConfig::board_queue_convs, in order
    };
    Result<std::vector<TeamView>> api_teams(std::int64_t now);
    // What the API's administration routes share with the Hub: its randomness (new ids
    // and keys) and the canned responses' limits (HubConfig::canned).
    RandomSource& api_random() { return random_; }
    const CannedLimits& canned_limits() const { return config_.canned; }
    // An agent's presence now (available, away, offline), as the console's list says it.
    std::string api_presence(const std::string& agent_id) const;
    // A bot key was revoked (HTTP API): the connections opened with it are closed now
    // (4102), not at the next session check.
    void api_bot_keys_changed(std::int64_t now);

    // Attachments (issue 17, hub_attachments.cpp, relay/attachments/): who a bearer token
    // is (a visitor's token, or an agent's session token) and whether they may `act` on
    // the conversation: ConvAct::send to upload to it, ConvAct::history to read its files.
    // A visitor may do both on their own conversations only; an agent as the access rule
    // says (core/access_rule.hpp). The party, or 1003 bad_token, 3001
    // unknown_conversation, 2004 forbidden, 5001 storage_failed.
    Result<protocol::Party> attachment_access(std::string_view token, const std::string& conv, ConvAct act,
                                              std::int64_t now);

    // Routing timers (P4, hub_routing.cpp): the adapter calls tick() at or after
    // next_deadline() (inactivity, agents' grace periods, the periodic re-rank). May be
    // early, never late.
    void tick(std::int64_t now);
    std::optional<std::int64_t> next_deadline() const;

private:
    // A sync or history waiting for room on its connection (hub_reads.cpp).
    struct PendingRead {
        bool sync = true;        // else history
        std::string conv;
        std::int64_t after = 0;  // sync: the last seq read (sent or withheld)
        std::int64_t prev = 0;   // sync: the last seq sent (visitors' `prev`)
        std::int64_t before = 0; // history: seq < before
        int limit = 0;           // history: at most this many messages
        // export_visitor (hub_privacy.cpp): the document, sent from `offset` in chunks.
        std::shared_ptr<const std::string> export_doc;
        std::string visitor;
        std::size_t offset = 0;
    };
    struct Conn {
        bool ready = false;  // welcome sent
        std::deque<PendingRead> reads;  // ≤ kMaxPendingReads, answered in order
        protocol::Party party;
        std::string conv;  // visitors: their conversation
        std::string page;  // visitors: origin + path from hello (team rules match it)
        std::string title;       // visitors (issue 17): the page's title, from hello / navigate
        std::string user_agent;  // the handshake's User-Agent, its first kMaxUserAgentBytes
        std::string session;  // agents: hash of the session token it opened with; bots:
                              // the hash of their API key (re-checked like sessions)
        bool closing = false;  // asked to close (session ended): its frames are ignored
        bool api_supervisor = false;  // the HTTP API's own actor (api_act): a supervisor's rights
        std::string address;            // the peer's login_address_key (empty: unknown, no
                                        // per-address limit or quota)
        std::uint64_t login_ticket = 0;  // non-zero: a login's password is being checked
        std::set<std::string> audited_reads;  // supervisors: reads outside their teams logged
        std::int64_t next_search = 0;  // issue 17: no search before then (kSearchIntervalMs)
        bool admin_view = false;  // sent agent_admin: gets `agents` after every change (issue 17)
        // Order (§8): a send or note of a conversation refused by the rate limit holds the
        // later ones of that conversation on this connection back (4029 too) until it is
        // sent again, or kHoldSendMs pass; else a later message could take an earlier seq.
        struct HeldSend {
            std::string cid;
            std::int64_t until = 0;
        };
        std::map<std::string, HeldSend> held;  // conv → the refused cid
    };
    static constexpr std::int64_t kHoldSendMs = 30'000;
    // Holds kept per connection: a refusal names any conversation id, so without a cap a
    // client flooding refused frames with made-up ids would grow this map without end.
    static constexpr std::size_t kMaxHeldConvs = 16;
    static constexpr std::int64_t kHeldRetryMs = 100;  // retry_after_ms of a held-back frame
    // True (and a 4029 sent) when this send/note must wait for an earlier refused one.
    bool held_back(ConnId id, Conn& c, const std::string& conv, const std::string& cid, const char* frame,
                   std::int64_t now);
    struct PendingLogin {
        ConnId conn = 0;
        std::string account;  // login_account_key of the e-mail
        std::string address;
        std::optional<Agent> agent;  // none: unknown e-mail (checked against the dummy)
        std::string unknown;  // unknown e-mail: its audit digest (never the e-mail itself)
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
    // Routing frames and the bridge to route::Router (hub_routing.cpp).
    void handle(ConnId id, Conn& c, const protocol::Note& f, std::int64_t now);
    void handle(ConnId id, Conn& c, const protocol::Transfer& f, std::int64_t now);
    void handle(ConnId id, Conn& c, const protocol::CloseConv& f, std::int64_t now);
    void handle(ConnId id, Conn& c, const protocol::Reopen& f, std::int64_t now);
    // Sessions (issue 15, hub.cpp).
    void handle(ConnId id, Conn& c, const protocol::Logout& f, std::int64_t now);
    void handle(ConnId id, Conn& c, const protocol::ListSessions& f, std::int64_t now);
    // Audit log (P7, hub.cpp).
    void handle(ConnId id, Conn& c, const protocol::AuditQuery& f, std::int64_t now);
    // Export and erasure of one visitor (P7, hub_privacy.cpp).
    void handle(ConnId id, Conn& c, const protocol::ExportVisitor& f, std::int64_t now);
    void handle(ConnId id, Conn& c, const protocol::EraseVisitor& f, std::int64_t now);
    // The visitor a frame names (by id, or by one of their conversations); 3010 when none.
    Result<std::string> visitor_named(const std::string& visitor, const std::string& conv);
    // Commits the open group-commit batch now (as take_outputs() would); false when that
    // failed (the batch's connections are then being closed with 1011).
    bool commit_batch_now();
    // Bots (issue 16, hub_bots.cpp).
    void handle(ConnId id, Conn& c, const protocol::Handoff& f, std::int64_t now);
    void handle(ConnId id, Conn& c, const protocol::Handback& f, std::int64_t now);
    void hello_bot(ConnId id, Conn& c, const protocol::Hello& f, std::int64_t now);
    void bot_closed(ConnId id, std::int64_t now);  // a ready bot connection is gone
    // After a stored, fanned-out send: arms bot_slow (visitor) or counts the bot's turns.
    void bot_after_message(const Conn& c, const std::string& conv, const std::string& text, std::int64_t now);
    // An agent took a bot's conversation (transfer, or answering it): the bot is paused.
    void bot_taken_over(const Conn& c, const std::string& conv, std::int64_t now);
    // Hands the conversation from the bot to humans (router handoff, or transfer to
    // `team`), with the internal line and the visitor's queue frame.
    void bot_handoff(const std::string& conv, const protocol::Party& by, const std::string& reason,
                     const std::string& summary, const std::string& team, std::int64_t now);
    void bot_tick(std::int64_t now);  // the relay's rules (from tick())
    std::optional<std::int64_t> bot_deadline() const;
    void check_bot_keys();  // revoked keys' connections closed with 4102 (from tick())
    bool team_known(const std::string& team) const;
    void add_bot_fields(protocol::ConvSummary& s) const;  // handoff, bot: "paused"
    void publish_to_bots(const protocol::ConvSummary& s);  // conv frames of the bots
    std::set<ConnId> bots_seeing(const std::string& conv) const;
    // What leaves the relay for a bot is masked per the outbound policy (--mask-outbound,
    // default all kinds; core/outbound.hpp): message text, last_text, handoff summary.
    void mask_for_bots(protocol::Message& m) const;
    void mask_for_bots(protocol::ConvSummary& s) const;
    // Streaming (issue 16, hub_streams.cpp).
    void handle(ConnId id, Conn& c, const protocol::Stream& f, std::int64_t now);
    void handle(ConnId id, Conn& c, const protocol::StreamCancel& f, std::int64_t now);
    void handle(ConnId id, Conn& c, const protocol::Rate& f, std::int64_t now);  // hub_csat.cpp
    // Inbox search (issue 17, hub_search.cpp): bounded work per frame.
    void handle(ConnId id, Conn& c, const protocol::Search& f, std::int64_t now);
    static constexpr int kSearchScanConversations = 200;       // looked at per frame
    static constexpr int kSearchScanMessages = 2000;           // read per frame
    static constexpr int kSearchMessagesPerConversation = 1000;  // its newest; older not searched
    static constexpr std::int64_t kSearchIntervalMs = 250;     // per connection, else 4029
    // Customer context and canned responses (issue 17, hub_context.cpp).
    void handle(ConnId id, Conn& c, const protocol::Navigate& f, std::int64_t now);
    void handle(ConnId id, Conn& c, const protocol::ContextQuery& f, std::int64_t now);
    void handle(ConnId id, Conn& c, const protocol::CannedOp& f, std::int64_t now);
    // Stores where the visitor of `c` is (page, title, User-Agent) when it changed; true
    // when it did (then their agents get a `conv`). add_visit: a summary's page fields.
    Result<bool> store_visit(const Conn& c, std::int64_t now);
    void add_visit(protocol::ConvSummary& s) const;
    // Agent administration (issue 17, hub_admin.cpp): the list every supervisor gets,
    // sent again to every supervisor connection but `except` after a change.
    void handle(ConnId id, Conn& c, const protocol::AgentAdmin& f, std::int64_t now);
    // An agent_admin act done (or refused): its live effects and answers (hub_admin.cpp).
    void finish_agent_admin(ConnId id, const protocol::AgentAdmin& f, Result<admin::Done> done, std::int64_t now);
    // The live effects of a done act `op` on `agent` (the table in hub_admin.cpp), shared
    // by the console and the HTTP API: before the answer, the router and the board;
    // after it, the agent's connections closed (4102) and open Agents views re-sent
    // (all but `except`; 0: all).
    void agent_admin_effects(const std::string& op, const Agent& agent, std::int64_t now);
    void agent_admin_aftermath(const std::string& op, const std::string& agent_id, ConnId except);
    protocol::AgentList agent_list();
    void publish_agents(ConnId except);
    // Agent administration waiting for its new password's hash (hub_admin.cpp), by ticket.
    struct PendingAdminHash {
        ConnId conn = 0;  // the console's connection; 0: the HTTP API's act (`actor`)
        protocol::AgentAdmin frame;
        std::string password;
        admin::Actor actor;  // the HTTP API's caller
    };
    std::map<std::uint64_t, PendingAdminHash> pending_admin_hashes_;
    // The HTTP API's acts whose hash is done, by ticket, until api_agent_admin_result().
    std::map<std::uint64_t, Result<admin::Done>> api_admin_results_;
    // One act of agent administration applied for the HTTP API in a batch of its own.
    void api_password_hashed(std::uint64_t ticket, PendingAdminHash pending, std::optional<std::string> hash,
                             std::int64_t now);
    Result<admin::Done> api_admin_apply(const protocol::AgentAdmin& f, Result<admin::Done> done, std::int64_t now);
    void handle(ConnId id, Conn& c, const protocol::Prechat& f, std::int64_t now);  // hub_prechat.cpp
    // Appends the entry (ts = now_, fields clipped); false, counted, when it failed.
    std::string_view audit_digest_key() const;  // keys unknown e-mails' digests (audit log)
    bool audit(protocol::AuditEntry entry);
    // An entry whose actor is the connection's agent.
    protocol::AuditEntry audit_by(const Conn& c, const char* action) const;
    // Logs a supervisor's first read of a conversation outside their teams; false (and
    // storage_failed sent) when that entry cannot be written: the read must not happen.
    bool audit_read(ConnId id, Conn& c, const std::string& conv, const char* frame);
    // Closes with 4102 every agent connection whose session hash is in `hashes`, or
    // every connection of `agent_id` when it is not empty.
    void end_sessions(const std::set<std::string>& hashes, const std::string& agent_id,
                      const std::string& reason);
    void check_sessions(std::int64_t now);
    // Deletes (and ends) an agent's oldest sessions beyond kMaxSessionsPerAgent.
    void cap_sessions(const std::string& agent_id);
    struct RouteAgent {
        protocol::Party party;
        bool supervisor = false;
        std::vector<std::string> teams;
        std::vector<std::string> skills;  // issue 17: compared with the store's (check_sessions)
    };
    void route_load(std::int64_t now);
    std::optional<route::ConvSnapshot> stored_route(const std::string& conv);
    route::Outcome route_restore(const std::string& conv, route::ConvSnapshot snapshot,
                                 std::int64_t last_seq, std::int64_t now);
    void route_save(const std::string& conv);
    void route_agent_spec(const Agent& agent, std::int64_t now);
    void route_agent_joined(const Agent& agent, std::int64_t now);
    // The stored spec of a connected agent differs from the router's (changed by another
    // process, e.g. the CLI): applied as an update would be (issue 17).
    void route_agent_changed(const Agent& agent, std::int64_t now);
    // `reason`: connect | disconnect | set, written with the agent's availability row.
    void route_presence(const std::string& party_id, const std::string& status, const char* reason);
    // `intent`: triage's tag of the message ("" when none) — team rules use it (P5 → P4).
    // `before`: the conversation as stored before this message.
    route::Outcome route_message(const Conn& c, const protocol::ConvSummary& before, const std::string& text,
                                 const std::string& intent, std::int64_t now);
    void route_apply(const route::Outcome& o, std::int64_t now);
    void record_event(const ConvEvent& event);
    // Agents' availability over time (issue 18, hub_availability.cpp): a row whenever an
    // agent's routing status or seat-holding load differs from the last row written.
    void record_availability(const std::string& agent_id, const char* reason, std::int64_t now);
    void record_loads(std::int64_t now);
    void availability_restart(std::int64_t now);
    void availability_stop(std::int64_t now);
    // Webhooks (issue 18, hub_webhooks.cpp): enqueued from append() and record_event().
    bool webhook_wanted(const std::string& type);
    void enqueue_webhook(const WebhookNotice& notice, const std::string& conv, std::int64_t ts);
    void webhooks_of_message(const NewMessage& message, const Appended& stored);
    void webhooks_of_event(const ConvEvent& event);
    // Quality flags (issue 18, hub_quality.cpp): raised from append(), record_event()
    // and tick().
    void raise_flag(const std::string& conv, const char* kind, std::string detail, std::int64_t seq, std::int64_t ts);
    void quality_of_message(const NewMessage& message, const Appended& stored);
    void quality_of_event(const ConvEvent& event);
    void quality_tick(std::int64_t now);
    std::optional<Error> claim_refusal(const Conn& c, const std::string& conv, const std::string& cid);  // issue 18: the routing history reports read
    void route_error(ConnId id, const route::Outcome& o, const std::string& ref);
    // `also`: connections sent the line besides those the visibility rule lists (CSAT:
    // the agent who closed the conversation, which lists nobody but supervisors).
    Result<Appended> post_system(const std::string& conv, const std::string& text, bool internal,
                                 std::int64_t now, const std::set<ConnId>& also = {});
    std::string agent_name(const std::string& id) const;
    std::set<ConnId> conns_of_agents(const std::set<std::string>& ids) const;
    std::set<std::string> agents_seeing_ids(const std::string& conv) const;
    std::set<ConnId> agents_seeing(const std::string& conv) const;
    void route_summary(protocol::ConvSummary& s) const;
    std::vector<protocol::ConvSummary> route_inbox(const std::string& agent_id,
                                                   std::vector<protocol::ConvSummary> all);
    void publish_summary(protocol::ConvSummary summary);
    void publish_conv(const std::string& conv);
    void publish_agent(const std::string& agent_id);
    void publish_board();

    void hello_visitor(ConnId id, Conn& c, const protocol::Hello& f, std::int64_t now);
    // Identity (issue 17, hub_identity.cpp): a verified claim may name the user's own
    // visitor instead of the token's (or none: a fresh one); then the claim is stored
    // with the visitor (true when it changed). add_contact: a summary's `contact`.
    Status adopt_identity(const Conn& c, const IdentityClaim& claim, std::optional<Visitor>& visitor);
    Result<bool> store_claim(const IdentityClaim& claim, const Visitor& visitor, std::int64_t now);
    void add_contact(protocol::ConvSummary& s) const;
    // The error for a visitor's hello that would create, from this connection's address,
    // a visitor identity (`identity`) and/or a conversation over its quota; none: within.
    std::optional<protocol::ErrorFrame> over_quota(const Conn& c, bool identity, std::int64_t now);
    void hello_agent(ConnId id, Conn& c, const protocol::Hello& f, std::int64_t now);
    void welcome_agent(ConnId id, Conn& c, const Agent& agent, const std::string& token);
    // The conversation `conv` if this connection may do `act` with it (access_rule.hpp),
    // else the error to send (ref = `ref`).
    Result<protocol::ConvSummary> accessible(const Conn& c, const std::string& conv, ConvAct act,
                                             const std::string& ref);
    Viewer viewer_of(const Conn& c) const;
    // The conversation's routing view: the router's, else its stored snapshot (a closed
    // conversation from before a restart); none when it was never routed.
    std::optional<route::ConvView> route_view(const std::string& conv);
    // Marks one more connection of the party; announces it when it changes its status.
    void party_joined(ConnId id, const protocol::Party& party, const std::string& status);
    // `reason` (connect | disconnect | set) is recorded with an agent's availability.
    void set_presence(ConnId origin, const std::string& party_id, const std::string& status, const char* reason);
    // Everyone who should hear about `party` (agents: everyone; visitors: agents).
    std::set<ConnId> presence_audience(const protocol::Party& party) const;
    std::set<ConnId> conversation_audience(const std::string& conv) const;

    // Bulk answers (hub_reads.cpp).
    void queue_read(ConnId id, Conn& c, PendingRead read);
    // One step of a read: frames worth up to `budget` bytes; true when it is complete.
    bool sync_step(ConnId id, Conn& c, PendingRead& r, std::size_t& budget);
    bool history_step(ConnId id, Conn& c, PendingRead& r, std::size_t& budget);
    bool export_step(ConnId id, PendingRead& r, std::size_t& budget);  // hub_privacy.cpp
    bool syncing(ConnId id, const std::string& conv) const;  // a sync of conv pending

    void send(ConnId id, const protocol::RelayFrame& frame);
    // store_.append_message, counted for /metrics when the message is new.
    Result<Appended> append(const NewMessage& message);
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
    // Issue 18: each agent's last availability row written (status, load); absent: none
    // this run and none before it (offline, 0).
    std::map<std::string, std::pair<std::string, std::int64_t>> availability_written_;
    bool stopping_ = false;
    LoginThrottle throttle_{config_.login.throttle};
    Quotas quotas_{config_.quotas};
    std::map<std::uint64_t, PendingLogin> pending_logins_;  // ticket → login
    std::uint64_t next_ticket_ = 1;
    std::vector<PasswordCheck> password_checks_;  // for take_password_checks()
    std::vector<Output> outputs_;
    // Group commit: a store batch is open, and the connections whose frames it holds.
    bool batch_open_ = false;
    std::set<ConnId> batch_conns_;
    void batch_begin(ConnId conn);
    // Routing (P4).
    route::Router router_;
    std::map<std::string, RouteAgent> route_agents_;            // agent id → name, flags
    std::map<std::string, std::set<std::string>> conv_seen_by_;  // conv → agents told last
    std::string transfer_by_;  // the agent whose transfer is being applied
    std::set<std::string> told_queued_;
    std::map<std::string, std::string> last_summary_;  // conv → last conv frame sent
    std::map<std::string, std::int64_t> published_rank_;  // conv → rank in that frame
    std::map<ConnId, std::string> last_board_;          // agent conn → last board sent  // visitors told a queue place, not yet assigned
    bool route_loaded_ = false;
    std::int64_t next_quality_check_ = 0;  // when tick() next looks for long waits
    std::int64_t next_rerank_ = 0;  // when tick() re-ranks connected agents' inboxes
    std::int64_t next_session_check_ = 0;  // when tick() re-validates agents' sessions
    std::int64_t next_session_purge_ = 0;  // when tick() purges expired sessions
    // Retention (hub_retention.cpp): when tick() reads the next page of closed
    // conversations, and the sweep's cursor (the last row read).
    void retention_step(std::int64_t now);
    void audit_retention_step(std::int64_t now);  // the audit log's own window
    std::int64_t next_audit_purge_ = 0;
    void forget_conversation(const std::string& conv);
    std::int64_t next_retention_ = 0;
    // Erasure (hub_privacy.cpp): the store's log still holds erased rows (an outside
    // reader held it); tick() empties it at next_log_retry_, every kLogRetryMs.
    bool log_dirty_ = false;
    std::int64_t next_log_retry_ = 0;
    void erased_rows(const Erased& erased, std::int64_t now);
    void retry_empty_log(std::int64_t now);
    std::int64_t retention_after_updated_ = INT64_MIN;
    std::string retention_after_conv_;
    // Streaming (issue 16, hub_streams.cpp): the open streams, by (conv, sender id, cid).
    struct OpenStream {
        protocol::Party from;
        std::int64_t bytes = 0;  // the deltas so far (the next delta's offset)
        std::int64_t last = 0;   // when the latest delta came
    };
    using StreamKey = std::tuple<std::string, std::string, std::string>;
    std::map<StreamKey, OpenStream> streams_;
    std::map<std::string, std::size_t> streams_of_party_;  // sender id → open streams
    // Ends a stream: stream_end `reason` to the conversation's other participants (none
    // when `reason` is empty: a final message replaces it), and forgets it.
    void end_stream(const StreamKey& key, const char* reason);
    void streams_of_gone(const std::string& party_id);  // sender_gone: its last conn closed
    void streams_tick(std::int64_t now);                // timeout
    std::optional<std::int64_t> streams_deadline() const;
    // The other participants of a conversation than `party_id` (stream fan-out).
    std::set<ConnId> others_in(const std::string& conv, const std::string& party_id) const;
    // Attachments: each `file` part of a send names a file of this conversation that the
    // sender uploaded; it is rewritten with the file's name, type and size (the stored
    // form). Else 1005 bad_field naming the part's id; false.
    bool file_parts_ok(ConnId id, const Conn& c, const protocol::Send& f, std::string& parts);
    // Rich messages: the problem with a send's parts or reply, sent as the error; false.
    bool rich_send_ok(ConnId id, const Conn& c, const protocol::Send& f);
    std::int64_t now_ = 0;     // the latest `now` of any entry point
    std::uint64_t audit_failures_ = 0;
    // Throttled logins are logged once per account and address per refusal period (a
    // client hammering a lock must not grow the log by a row per frame): key → until.
    std::map<std::string, std::int64_t> throttle_audited_;
    static constexpr std::size_t kMaxThrottleAudited = 4096;  // then forgotten at once
    // Bots (issue 16, hub_bots.cpp).
    struct BotConv {
        std::optional<protocol::HandoffInfo> handoff;  // the last handoff away from the bot
        bool paused = false;         // handed off, not handed back
        std::int64_t reply_due = 0;  // bot_slow: the bot must answer by then (0: nothing due)
        int turns = 0;               // bot messages since the visitor's last
        std::string last_text;       // the bot's last text there, and how often in a row
        int same = 0;
    };
    std::set<ConnId> bot_conns_;                 // ready bot connections
    HubCounters counters_;                       // /metrics (ops/relay_counters.hpp)
    std::uint64_t batch_messages_ = 0;           // new messages in the open batch
    std::map<std::string, BotConv> bot_convs_;   // conversations a bot has had
    std::set<std::string> bots_told_;            // bots were sent it in state bot
    std::set<std::pair<std::int64_t, std::string>> bot_due_;  // (reply_due, conv), soonest first
    void set_reply_due(const std::string& conv, BotConv& b, std::int64_t due);  // 0: none
    std::int64_t bots_gone_at_ = 0;              // no bot since then (0: one is online, or
                                                 // bot_gone has fired since)
};

}  // namespace parley::relay
