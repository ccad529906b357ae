// The frames of protocol v1 (docs/protocol.md §4–5) as plain structs. One set of types
// serves both ends: what the widget encodes is exactly what the relay decodes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "parley/protocol/error_code.hpp"

namespace parley::protocol {

constexpr int kVersion = 1;
constexpr std::size_t kMaxFrameBytes = 65536;
constexpr int kMaxDepth = 16;
constexpr std::size_t kMaxTextBytes = 8000;
constexpr std::size_t kMaxNameBytes = 80;
constexpr std::size_t kMaxPageBytes = 512;  // hello.page: origin + path of the visitor's page
constexpr int kMaxHistoryLimit = 200;
constexpr int kDefaultHistoryLimit = 50;

struct Party {
    std::string role;  // "visitor" | "agent" | "bot" | "system"
    std::string id;
    std::string name;
    bool operator==(const Party& o) const { return role == o.role && id == o.id && name == o.name; }
};

// Triage metadata of a visitor message (docs/protocol.md §5 `msg`, docs/triage.md):
// computed by the relay with its own model; a client's own reading never replaces it.
struct Meta {
    std::string intent;                // a model label, "oos" when out of scope
    double confidence = 0;             // [0, 1], 4 decimals
    std::vector<std::string> signals;  // "human", "frustrated", "urgent", "closing", "pii"
    bool operator==(const Meta& o) const {
        return intent == o.intent && confidence == o.confidence && signals == o.signals;
    }
};
constexpr std::size_t kMaxMetaSignals = 16;

// Rich messages (issue 16, docs/protocol.md "Rich messages"): a visitor's answer to a
// quick reply / postback button (`option`) or to a form (`form` + `values`) of the
// message of seq `to` in the same conversation. Exactly one of option and form is set.
struct Reply {
    std::int64_t to = 0;
    std::string option;  // a quick-reply option's or a postback button's id
    std::string form;    // a form's id
    std::vector<std::pair<std::string, std::string>> values;  // form: field name → value
    bool operator==(const Reply& o) const {
        return to == o.to && option == o.option && form == o.form && values == o.values;
    }
};
constexpr std::size_t kMaxReplyValues = 8;  // a form has at most 8 fields
// Streaming (issue 16): one delta is 1–2 000 bytes; a stream's deltas ≤ kMaxTextBytes.
constexpr std::size_t kMaxDeltaBytes = 2000;

// A stored message as it travels in `msg` and `page`.
struct Message {
    std::string conv;
    std::int64_t seq = 0;
    std::string cid;
    std::int64_t ts = 0;
    Party from;
    std::string text;
    // Routing (P4): an internal note, for agents only; the relay never sends it on a
    // visitor's connection. Encoded only when true.
    bool internal = false;
    // Routing (P4): the seq of the previous message this recipient can see, when it is
    // not seq - 1 (internal notes in between are not the visitor's). Gap detection uses
    // it instead of seq - 1. Encoded only when set.
    std::optional<std::int64_t> prev;
    // Triage (P5): the relay's reading of a visitor message. Encoded only when set.
    std::optional<Meta> meta;
    // Rich messages (issue 16): the `parts` array as compact JSON text ("" = none; the
    // relay validated it, core/rich_parts.hpp), and the visitor's answer it carries.
    std::string parts;
    std::optional<Reply> reply;
};

// Bots (issue 16): why and by whom a conversation left its bot (`conv.handoff`).
// `by` is the bot, the agent who took over, or the system party for the relay's own
// rules (bot_gone, bot_slow, bot_looping).
struct HandoffInfo {
    Party by;
    std::string reason;   // 1–kMaxReasonBytes of [a-z0-9_]
    std::string summary;  // ≤ kMaxSummaryBytes, masked like notes; may be empty
    std::int64_t ts = 0;
    bool operator==(const HandoffInfo& o) const {
        return by == o.by && reason == o.reason && summary == o.summary && ts == o.ts;
    }
};
constexpr std::size_t kMaxReasonBytes = 40;
constexpr std::size_t kMaxSummaryBytes = 1000;

// Identity (issue 17; docs/protocol.md §4 "Identity"): who a visitor says they are on
// the site, and whether the site's server vouched for it. Bounds of the hello's fields:
constexpr std::size_t kMaxUserIdBytes = 128;
constexpr std::size_t kMaxEmailBytes = 254;
constexpr std::size_t kMaxAttributes = 20;
constexpr std::size_t kMaxAttributeKeyBytes = 40;     // 1–40 of [A-Za-z0-9_.:-]
constexpr std::size_t kMaxAttributeValueBytes = 256;
constexpr std::size_t kMaxUserHashBytes = 128;        // the relay wants 64 hex digits
constexpr std::size_t kMaxIdentityTokenBytes = 2048;
using Attributes = std::vector<std::pair<std::string, std::string>>;

// What agents see of a visitor's claims (`contact` of a summary). `verified`: the site's
// server vouched for user_id; `email_verified`: for the e-mail too (a JWT's `email`
// claim; a user_hash covers the user id alone). An unverified claim is shown as such.
// Attributes and the name are never vouched for.
struct Contact {
    std::string user_id;
    std::string email;  // "" when none
    std::string name;   // "" when none
    Attributes attributes;
    bool verified = false;
    bool email_verified = false;
    bool operator==(const Contact& o) const {
        return user_id == o.user_id && email == o.email && name == o.name && attributes == o.attributes &&
               verified == o.verified && email_verified == o.email_verified;
    }
};

// The welcome's answer to a hello's claims.
struct IdentityState {
    std::string user_id;
    bool verified = false;
    std::string reason;  // why not verified ("" when verified): no_secret, bad_hash, …
};

// Customer context (issue 17; docs/protocol.md "Customer context"): where the visitor
// is — the host page's origin + path and title as the widget last reported them (hello,
// then `navigate`), and when. Stored with the conversation, so a reload still shows it.
constexpr std::size_t kMaxPageTitleBytes = 200;
constexpr std::size_t kMaxUserAgentBytes = 400;  // the relay keeps the first 400 bytes
struct VisitorPage {
    std::string url;    // origin + path, never a query or fragment
    std::string title;  // "" when none
    std::int64_t ts = 0;
    bool operator==(const VisitorPage& o) const { return url == o.url && title == o.title && ts == o.ts; }
};

// What an agent's inbox shows of a conversation (`inbox` entries and `conv` frames).
struct ConvSummary {
    std::string conv;
    Party visitor;
    std::int64_t last_seq = 0;
    std::string last_text;
    std::int64_t updated = 0;
    std::string status;  // "open" | "closed"
    // Routing (P4), present when the relay routes: "bot" | "queued" | "active" |
    // "inactive" | "closed"; the owner (also while inactive), team, previous owner,
    // place in the owner's priority order (1 = answer first, 0 = none) and who should
    // write next ("agent" | "customer"). Empty/0 values are not encoded.
    std::string state;
    std::string agent;
    std::string team;
    std::string previous_agent;
    std::int64_t rank = 0;
    std::string awaiting;
    // Triage (P5): the intent of the latest triaged visitor message; "" when none.
    std::string intent;
    // Bots (issue 16): the last handoff away from the bot, and "paused" while the bot
    // has no turn there (after a handoff, until a handback). Not encoded when unset.
    std::optional<HandoffInfo> handoff;
    std::string bot;
    // Identity (issue 17): the visitor's claims, to agents only. Not encoded when unset.
    std::optional<Contact> contact = {};
    // Customer context (issue 17), to agents only: the visitor's page and the User-Agent
    // of the connection that last reported it. Not encoded when unset.
    std::optional<VisitorPage> page = {};
    std::string user_agent = {};
};

// ---- client → relay -------------------------------------------------------------
struct Hello {
    std::string role;  // "visitor" | "agent" | "bot"
    std::optional<std::string> token;
    std::optional<std::string> name;
    // Visitor only: the page the widget is on, origin + path ("https://shop.example/billing"),
    // no query or fragment; team rules may match it (P4). The relay strips ?… and #… anyway.
    std::optional<std::string> page;
    // Bot only (issue 16): its API key, "pk_" + 43 base64url characters.
    std::optional<std::string> key = {};
    // Visitor only (issue 17): the site's user, and its server's proof (user_hash, or an
    // identity_token JWT carrying the claims itself; not both).
    std::optional<std::string> user_id = {};
    std::optional<std::string> email = {};
    Attributes attributes = {};
    std::optional<std::string> user_hash = {};
    std::optional<std::string> identity_token = {};
    // Visitor only (issue 17): the title of the page (≤ kMaxPageTitleBytes); needs `page`.
    std::optional<std::string> title = {};
};
struct Login {
    std::string email;
    std::string password;
};
struct Send {
    std::string conv;
    std::string cid;
    std::string text;
    std::optional<Meta> meta;  // the sender's own reading; encoded only, the relay ignores it
    std::string parts;            // issue 16: the `parts` array as compact JSON ("" = none)
    std::optional<Reply> reply;   // issue 16: a visitor's answer to a rich message
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
// Routing (P4), agents only: an internal note, a transfer, closing and reopening.
struct Note {
    std::string conv;
    std::string cid;
    std::string text;
};
struct Transfer {
    std::string conv;
    std::optional<std::string> to_agent;  // exactly one of to_agent / to_team
    std::optional<std::string> to_team;
    std::string note;  // may be empty
};
struct CloseConv {
    std::string conv;
};
struct Reopen {
    std::string conv;
};
// Sign-out (agents): revokes the session of this connection; with `all`, every session
// of the agent; with `session`, the one of that id (from a `sessions` answer). At most
// one of `all` and `session`.
struct Logout {
    bool all = false;
    std::optional<std::string> session;
};
// Agents: asks for the list of their own sessions (answer: `sessions`).
struct ListSessions {};
// Supervisors: a page of the audit log (answer: `audit`), newest first: the entries
// with id < before (absent: from the newest), at most `limit` (1..kMaxAuditPage).
constexpr std::int64_t kMaxAuditPage = 200;
struct AuditQuery {
    std::optional<std::int64_t> before;
    std::int64_t limit = 50;
};

// Supervisors (P7, issue 15): one visitor's data, named by their id (`visitor`, "v_…")
// or by one of their conversations (`conv`); exactly one of the two is set. Export
// answers with `visitor_export` chunks, erase with `erased`.
struct ExportVisitor {
    std::string visitor;  // "" when `conv` names them
    std::string conv;
};
struct EraseVisitor {
    std::string visitor;
    std::string conv;
};
// Bots (issue 16). A bot hands its conversation to the humans (to `team`, or the
// conversation's own); the owner agent or a supervisor hands it back.
struct Handoff {
    std::string conv;
    std::string reason;   // 1–kMaxReasonBytes of [a-z0-9_]
    std::string summary;  // ≤ kMaxSummaryBytes; may be empty
    std::optional<std::string> team;
};
struct Handback {
    std::string conv;
};
// Streaming (issue 16), agents and bots: a delta of the reply of cid `cid` (opens the
// stream the first time), and its cancellation (`stream_end`). A `send` with the same
// cid finalises it.
struct Stream {
    std::string conv;
    std::string cid;
    std::string delta;
};
struct StreamCancel {
    std::string conv;
    std::string cid;
};
// CSAT (issue 17), visitors only: how the closed conversation went, 1–5, with an
// optional comment (≤ kMaxRatingCommentBytes, masked like message text). A new rating
// replaces the earlier one; the relay answers `rated`.
constexpr std::size_t kMaxRatingCommentBytes = 1000;
struct Rate {
    std::string conv;
    std::int64_t score = 0;  // 1–5
    std::string comment;     // may be empty
};

// Inbox search (issue 17), agents only: the conversations of one stored status ("open"
// or "closed") whose visitor name, claimed name or e-mail, or message text contains `q`
// (ASCII case-insensitive; "" matches all), newest first, that the agent may look at.
// `cursor`: from the previous answer's, to go on. The answer is `found`.
constexpr std::size_t kMaxSearchQueryBytes = 100;
constexpr std::size_t kMaxSearchCursorBytes = 200;
constexpr std::int64_t kMaxSearchResults = 50;
struct Search {
    std::string q;
    std::string status = "closed";
    std::string cursor;  // "" = from the newest
    std::int64_t limit = 20;
};
// Customer context (issue 17). A visitor's widget reports a new page of the host site
// (single-page apps navigate without reloading the widget): `url` is origin + path
// (≤ kMaxPageBytes; the relay cuts ?… and #… anyway), `title` may be empty.
struct Navigate {
    std::string url;
    std::string title;
};
// Agents: the customer context of a conversation they may look at (answer: `context`).
struct ContextQuery {
    std::string conv;
};
// Canned responses (issue 17; docs/protocol.md "Canned responses"), agents only. One
// frame type, three operations: "list"; "save" (a new response without `id`, else the
// one of that id: scope "personal", or "team" with `team` — team ones by supervisors);
// "delete" (by `id`). Every answer is the `canned` list the agent sees afterwards.
constexpr std::size_t kMaxCannedShortcutBytes = 32;  // 1–32 of [a-z0-9_-]
constexpr std::size_t kMaxCannedTextBytes = 1000;
struct CannedOp {
    std::string op;  // "list" | "save" | "delete"
    std::string id;
    std::string scope;  // save: "personal" | "team"
    std::string team;   // save, scope team: the team
    std::string shortcut;
    std::string text;
};
// Supervisors (issue 17): agent administration. `op` is list, add, update, disable,
// enable, reset_password or remove; `agent` names the agent (its id) for all but list
// and add; add needs `email` and `name`; add and update take any of the optional fields
// (absent: unchanged, or add's default). The answer is `agents` (AgentList).
constexpr std::size_t kMaxAgentLabels = 20;  // teams, skills
struct AgentAdmin {
    std::string op;
    std::string cid;    // echoed in the answer and as an error's ref; may be empty
    std::string agent;  // "a_…"
    std::string email;
    std::optional<std::string> name;
    std::optional<std::vector<std::string>> teams;
    std::optional<std::vector<std::string>> skills;
    std::optional<std::int64_t> preferred;
    std::optional<std::int64_t> max_load;
    std::optional<bool> supervisor;
};
// Pre-chat form and contact capture (issue 17), visitors only: the answers to the
// welcome's `prechat` fields (field name → value), or with `offline` the e-mail a visitor
// leaves when nobody is available ("we'll reply by e-mail"). The relay validates them
// (1011 invalid_form names each bad field), stores them on the visitor's contact and
// answers `prechat_saved`.
constexpr std::size_t kMaxPrechatValues = 8;
constexpr std::size_t kMaxPrechatAnswerBytes = 256;
struct Prechat {
    std::string conv;
    std::vector<std::pair<std::string, std::string>> values;
    bool offline = false;
};

using ClientFrame = std::variant<Hello, Login, Send, Typing, Read, Sync, History, SetPresence, Ping,
                                 Note, Transfer, CloseConv, Reopen, Logout, ListSessions, AuditQuery,
                                 ExportVisitor, EraseVisitor, Handoff, Handback, Stream, StreamCancel, Rate,
                                 Search, Navigate, ContextQuery, CannedOp, AgentAdmin, Prechat>;

// ---- relay → client -------------------------------------------------------------
// One question of the pre-chat form (issue 17): "name", "email", or an operator's own
// question (1–32 of [a-z0-9_]) with its label; the widget words "name" and "email" itself.
struct PrechatField {
    std::string name;
    std::string label;  // "" for name and email
    bool required = false;
    bool operator==(const PrechatField& o) const {
        return name == o.name && label == o.label && required == o.required;
    }
};
// A verified visitor's earlier, closed conversation (issue 17), newest first in the
// welcome's `past`: read-only, its messages come with `history`. `preview`: the start of
// the last message a party wrote there that the visitor sees (never an internal note,
// never the relay's own "Conversation closed"), at most kPastPreviewBytes cut on a
// character boundary, then "…" when cut; "" when there is none (absent on the wire).
struct PastConv {
    std::string conv;
    std::int64_t updated = 0;  // ms since the epoch
    std::string preview = {};
    bool operator==(const PastConv& o) const {
        return conv == o.conv && updated == o.updated && preview == o.preview;
    }
};
constexpr std::size_t kMaxPastConvs = 20;
constexpr std::size_t kPastPreviewBytes = 140;  // before the "…" of a cut preview
struct Welcome {
    std::string role;
    std::string token;
    Party me;
    std::optional<std::string> conv;  // visitors only
    std::int64_t last_seq = 0;        // visitors only
    std::vector<std::string> mask_client;  // visitors: kinds the client masks before sending
    std::optional<IdentityState> identity = {};  // visitors whose hello made a claim (issue 17)
    // Visitors (issue 17): the pre-chat form to show before their first message; empty
    // when none is configured, they already wrote, or the site told us every answer.
    std::vector<PrechatField> prechat = {};
    // Verified visitors (issue 17): their closed conversations, newest first, at most
    // kMaxPastConvs; the visitor may read (`history`) but not write them.
    std::vector<PastConv> past = {};
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
struct Rated {  // the answer to `rate` (issue 17)
    std::string conv;
    std::int64_t score = 0;
};
struct PrechatSaved {  // the answer to `prechat` (issue 17)
    std::string conv;
    bool offline = false;
};
struct ErrorFrame {
    ErrorCode code;
    std::string message;
    std::string ref;  // empty when the frame in error had no cid
    std::optional<std::int64_t> retry_after_ms = {};  // rate_limited: wait this long
    // rate_limited: the refused frame's type and the conversation it named (empty: not
    // known, not encoded), so a client can resend exactly that frame, cid or not.
    std::string frame = {};
    std::string conv = {};
    // invalid_form (1011): every bad field of the form, one reason each (name → reason).
    std::vector<std::pair<std::string, std::string>> fields = {};
};

// Routing (P4): a visitor's place in their team's queue. position 0 means an agent
// has the conversation; expected_wait_ms -1 means nobody of the team is available.
struct QueueNotice {
    std::string conv;
    std::string team;
    std::int64_t position = 0;
    std::int64_t expected_wait_ms = -1;
};
// Routing (P4), supervisors only: every agent's load and every queue.
struct AgentLoad {
    Party agent;
    std::string status;  // "available" | "away" | "offline"
    std::vector<std::string> teams;
    std::int64_t load = 0, inactive = 0, preferred = 0, max_load = 0;
};
// A board lists at most this many conversations of a queue (the frame stays far below
// kMaxFrameBytes however long the queue grows); `length` still counts them all.
constexpr std::size_t kMaxBoardQueueConvs = 100;
struct TeamQueue {
    std::string team;
    std::vector<std::string> convs;  // in queue order: the first kMaxBoardQueueConvs
    std::int64_t length = 0;         // conversations queued in all (>= convs.size())
};
struct SupervisorBoard {
    std::vector<AgentLoad> agents;
    std::vector<TeamQueue> queues;
    bool full = false;  // true for supervisors: every queue; else the agent's teams only
};

// The answer to `logout`: how many sessions were revoked, and whether the one of this
// connection was among them (then the relay closes it with 4102 session_ended).
struct LoggedOut {
    std::int64_t revoked = 0;
    bool current = false;
};
// One session of an agent as `sessions` lists it. `id` names it in `logout`; it is
// derived from the stored hash, never the token. created/last_used are 0 when unknown.
struct SessionInfo {
    std::string id;
    std::int64_t created = 0;
    std::int64_t expires = 0;
    std::int64_t last_used = 0;
    bool current = false;  // the session of the connection that asked
};
constexpr std::size_t kMaxSessionsListed = 100;  // newest first; older ones are not listed
struct SessionList {
    std::vector<SessionInfo> sessions;
};

// One entry of the relay's audit log (P7): who did what, to which conversation or
// target, when and from where. Entries hold ids, action names and short facts only —
// never message text, notes or a visitor's name or e-mail — so erasing a visitor leaves
// nothing of theirs here (docs/operations.md, "Audit log").
struct AuditEntry {
    std::int64_t id = 0;  // assigned by the store: increasing, never reused
    std::int64_t ts = 0;  // ms since the epoch
    std::string actor_role;  // "agent", "anonymous" (not signed in), "operator" (CLI), "relay"
    std::string actor_id;    // agents: their id; operator: the OS user; else ""
    std::string actor_name;  // agents: their display name; else ""
    std::string action;      // e.g. "login.ok", "conv.transfer" (the list: docs/protocol.md)
    std::string conv;        // the conversation acted on, or ""
    std::string target;      // another thing acted on (agent id, team, session id…), or ""
    std::string detail;      // short facts ("to_team=billing"), or ""
    std::string address;     // the client's address when known (IPv6: its /64), or ""
};
// The answer to `audit`: newest first; `more` when older entries exist (ask again with
// before = the last entry's id). Fewer than asked when the frame would exceed 64 KiB.
struct AuditPage {
    std::vector<AuditEntry> entries;
    bool more = false;
};

// The answer to `export_visitor`: the data-subject export (the JSON document that
// --export-visitor prints) in pieces of at most kExportChunkBytes bytes, cut on UTF-8
// character boundaries and sent in order; `done` on the last. The document is their
// concatenation.
constexpr std::size_t kExportChunkBytes = 16 * 1024;  // its frame stays below 64 KiB
struct VisitorExport {
    std::string visitor;
    std::string data;
    bool done = false;
};
// A visitor was erased (P7): the answer to `erase_visitor`. `convs`: the conversations
// deleted (agents who could list one got a last `conv` of it, status "erased");
// `messages`: how many messages were deleted.
struct VisitorErased {
    std::string visitor;
    std::vector<std::string> convs;
    std::int64_t messages = 0;
};
// Streaming (issue 16): a delta as the other participants get it; `offset` is the byte
// length of the stream's text before it (a client that missed one drops the stream).
struct StreamNotice {
    std::string conv;
    std::string cid;
    Party from;
    std::string delta;
    std::int64_t offset = 0;
};
// The stream ended without a final message: "cancelled" (by its sender), "sender_gone"
// (the sender's last connection closed), "timeout" (15 s without a delta). The client
// core also reports "dropped" (a delta was missed) and "disconnected" (its transport
// closed) itself; those never come from the relay.
struct StreamEndNotice {
    std::string conv;
    std::string cid;
    Party from;
    std::string reason;
};

// The answer to `search` (issue 17): `q` and `status` as asked, the matches newest first
// (summaries as `conv` frames carry them), and `cursor` when the relay stopped before the
// oldest conversation (its work per request is bounded: docs/protocol.md "Inbox
// search"); absent when there is nothing more to look at.
struct Found {
    std::string q;
    std::string status;
    std::vector<ConvSummary> convs;
    std::string cursor;  // "" = the search is complete
};
// The answer to `context` (issue 17): the visitor's conversations that the agent may
// look at, newest first (the one asked about included), at most kMaxContextConvs, each
// with its latest intent and CSAT score (0: not rated). Page, device and contact travel
// in the conversation's summary.
constexpr std::size_t kMaxContextConvs = 20;
struct PastConversation {
    std::string conv;
    std::string status;  // "open" | "closed"
    std::int64_t updated = 0;
    std::string last_text;
    std::string intent;  // "" when none
    std::int64_t csat = 0;  // 1–5, 0 when not rated
};
struct ContextInfo {
    std::string conv;
    std::vector<PastConversation> convs;
};
// One canned response as `canned` lists it: the agent's own (scope "personal") and
// those of their teams (scope "team", with `team`); by scope, team, then shortcut.
struct CannedResponse {
    std::string id;
    std::string scope;
    std::string team;  // "" for personal ones
    std::string shortcut;
    std::string text;
    std::int64_t updated = 0;
    bool operator==(const CannedResponse& o) const {
        return id == o.id && scope == o.scope && team == o.team && shortcut == o.shortcut && text == o.text &&
               updated == o.updated;
    }
};
struct CannedList {
    std::vector<CannedResponse> items;
};
// Agent administration (issue 17): one agent as supervisors see it. `status` is the
// agent's presence now: "available", "away" or "offline".
struct AgentInfo {
    std::string id;
    std::string email;
    std::string name;
    std::vector<std::string> teams;
    std::vector<std::string> skills;
    std::int64_t preferred = 0;
    std::int64_t max_load = 0;
    bool supervisor = false;
    bool disabled = false;
    std::string status;
};
// `agents`: every agent, by e-mail (at most kMaxAgentsListed; `more` beyond). Every
// supervisor connection that has sent agent_admin gets it again after each change. The one that asked also gets
// `op`, `cid`, `agent` (the id acted on), `password` (add and reset_password: the new
// password, sent only here, once) and `sessions` (how many were revoked).
constexpr std::size_t kMaxAgentsListed = 150;  // the frame stays below 64 KiB
struct AgentList {
    std::vector<AgentInfo> agents;
    bool more = false;
    std::string op;
    std::string cid;
    std::string agent;
    std::string password;
    std::int64_t sessions = 0;
};

using RelayFrame = std::variant<Welcome, Ack, Msg, TypingNotice, ReadNotice, Synced, Page,
                                PresenceNotice, Inbox, ConvUpdate, Pong, ErrorFrame,
                                QueueNotice, SupervisorBoard, LoggedOut, SessionList, AuditPage,
                                VisitorExport, VisitorErased, StreamNotice, StreamEndNotice, Rated, Found,
                                ContextInfo, CannedList, AgentList, PrechatSaved>;

}  // namespace parley::protocol
