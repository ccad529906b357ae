// Store: the relay's narrow persistence interface. Everything the relay remembers
// goes through it: visitors, conversations, messages, read marks, agents, agent
// sessions and settings. Two backends implement it (MemoryStore, SqliteStore) and one
// conformance suite (tests/relay/store/) runs against both.
//
// Guarantees every backend gives:
// - Errors are values. A failure returns Error{storage_failed, detail}; nothing throws.
//   A failed write changes nothing (each write is one transaction).
// - append_message is idempotent on (conv, sender id, cid): the first call assigns
//   seq = last_seq + 1 (1, 2, 3, … with no gaps) and stores the message; a later call
//   with the same key returns the originally assigned seq and ts, stores nothing and
//   reports inserted = false. Assigning the seq and inserting happen in one transaction.
// - Durable before return: when a write returns success it has been committed (for
//   SqliteStore: written and synced to disk), so the caller may acknowledge it —
//   except inside a batch (group commit, below): then nothing is durable, and nothing
//   may be acknowledged, before commit_batch() returns success.
// - Read marks only grow: mark_read keeps the maximum of the stored and given value.
// - The audit log is append-only: entries get increasing ids and are never changed or
//   deleted through this interface (SqliteStore refuses UPDATE and DELETE on the table
//   with triggers). Erasing a visitor leaves it as it is: entries hold ids and action
//   names, never a visitor's text, name or e-mail (the Hub's audit_log.hpp writes them).
// - Not thread-safe: the relay calls it from its one event-loop thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "parley/core/result.hpp"
#include "parley/protocol/frames.hpp"

namespace parley::relay {

using protocol::AuditEntry;
using protocol::Contact;
using protocol::ConvSummary;
using protocol::Message;
using protocol::Party;

class WebhookStore;  // store/webhook_store.hpp (issue 18)

// The empty success value of a write.
struct Ok {};
using Status = Result<Ok>;

struct Visitor {
    std::string id;  // "v_" + 16 hex
    std::string name;
    std::int64_t created = 0;
};

struct Agent {
    std::string id;  // "a_" + 16 hex
    std::string email;
    std::string name;
    std::string password_hash;  // crypto_pwhash_str output, never the password
    std::int64_t created = 0;
    // Routing (P4): teams and skills, preferred concurrency, maximum load, and whether
    // the agent sees every conversation and the supervisor board.
    std::vector<std::string> teams;  // empty: the router's default team
    std::vector<std::string> skills;
    int preferred = 3;
    int max_load = 5;
    bool supervisor = false;
    // A disabled agent cannot log in or hello (set_agent_disabled; --disable-agent).
    bool disabled = false;
};

struct AgentSession {
    std::string token_hash;  // hex SHA-256 of the token; the token itself is never stored
    std::string agent_id;
    std::int64_t expires = 0;  // ms since the epoch
    std::int64_t created = 0;    // ms; 0 for sessions stored before schema step 5
    std::int64_t last_used = 0;  // ms of the latest login or hello with it; 0: unknown
};

// A bot's API key (issue 16, auth/bot_keys.hpp): only its hash is stored.
struct BotKey {
    std::string name;          // NAME of --create-bot-key; the bot's party id is "b_" + name
    std::string display_name;  // the bot party's `name`
    std::string key_hash;      // bot_key_hash(key); the key itself is never stored
    std::int64_t created = 0;    // ms
    std::int64_t last_used = 0;  // ms of the latest hello with it; 0: never
};

// A message to store; seq is assigned by the store.
struct NewMessage {
    std::string conv;
    std::string cid;
    Party from;
    std::string text;
    std::int64_t ts = 0;
    bool internal = false;  // an agents-only note or routing event (P4)
    std::optional<protocol::Meta> meta;  // triage (P5); returned as stored by messages_*
    std::string parts;                    // issue 16: rich parts, compact JSON ("" = none)
    std::optional<protocol::Reply> reply;  // issue 16: a visitor's answer; returned likewise
};

// A step in a conversation's routing, kept for reports (issue 18, reports/report.hpp):
// written by the Hub in the same transaction as the change it records; deleted with the
// conversation (erasure, retention). Holds ids and labels only, never message text.
struct ConvEvent {
    std::int64_t id = 0;  // assigned by the store; increasing
    std::int64_t ts = 0;  // wall clock, ms
    std::string conv;
    // opened (detail: "bot" or "humans"; intent: triage's, of the first message),
    // queued (team), assigned (agent, team; detail: new|queue|returning|transfer|reroute),
    // transferred (agent: the target agent or "", team: the target team), handoff
    // (detail: the reason), closed (agent: the owner or ""; detail: agent|customer|bot|
    // system), reopened.
    std::string kind;
    std::string team;
    std::string agent;
    std::string detail;
    std::string intent;
};

// An agent's availability after a change, kept for reports (issue 18: occupancy and
// conversations per agent-hour, reports/agent_time.hpp): written by the Hub whenever the
// agent's routing status or the number of conversations holding a seat changes, in the
// transaction of the change where there is one (a routing decision's batch). Each row
// is the whole state, so the state at any time is the last row before it. Ids and
// counts only. Not a conversation's: erasing a visitor or a conversation keeps it;
// retention purges the rows older than the longest conversation window (keeping each
// agent's last one, its state at the cutoff); deleting the agent keeps it, like the
// conversation events naming them.
struct AgentEvent {
    std::int64_t id = 0;  // assigned by the store; increasing
    std::int64_t ts = 0;  // wall clock, ms
    std::string agent;
    std::string status;     // available | away | offline (the router's, P4)
    std::int64_t load = 0;  // conversations holding a seat (assigned, not inactive)
    // What changed: connect (first connection), disconnect (last one gone), set (the
    // agent chose a status), load (routing moved a conversation), stop (the relay shut
    // down), restart (the relay started and found the agent's last row not offline: it
    // went offline at a crash).
    std::string reason;
};

struct Appended {
    std::int64_t seq = 0;
    std::int64_t ts = 0;      // of the stored message (the original one for a resend)
    bool inserted = false;    // false: (conv, sender, cid) was already stored
};

// Customer context (issue 17): where a conversation's visitor is, as their widget last
// reported it (origin + path and title of the host page), and their browser's User-Agent.
// Deleted with the conversation.
struct ConvContext {
    std::string page_url;
    std::string page_title;
    std::string user_agent;
    std::int64_t updated = 0;  // ms of the report
    bool operator==(const ConvContext& o) const {
        return page_url == o.page_url && page_title == o.page_title && user_agent == o.user_agent &&
               updated == o.updated;
    }
};

// A canned response as stored (issue 17, core/canned_responses.hpp): `owner` is
// "agent:<agent id>" for a personal one, "team:<team>" for a team's.
struct CannedRecord {
    std::string id;
    std::string owner;
    std::string shortcut;
    std::string text;
    std::int64_t updated = 0;
    bool operator==(const CannedRecord& o) const {
        return id == o.id && owner == o.owner && shortcut == o.shortcut && text == o.text && updated == o.updated;
    }
};

// What Store::visitor_record returns: the data-subject export's contents.
struct VisitorRecord {
    Visitor visitor;
    std::vector<ConvSummary> conversations;
    std::vector<Message> messages;
    std::optional<Contact> contact = {};  // issue 17: their identity claims, if any
};

// What Store::erase_visitor deleted.
struct Erased {
    int visitors = 0;
    int conversations = 0;
    int messages = 0;
    std::vector<std::string> convs;  // erase_visitor: the ids of the deleted conversations
    // Attachments of the erased conversations (issue 17): their records are deleted with
    // them, and their files too (SqliteStore, after the commit).
    std::vector<std::string> attachments;
    // SqliteStore: false when the rows are deleted but the write-ahead log could not be
    // emptied yet (another process held it past a short wait): call empty_log() later.
    bool log_emptied = true;
};

// An uploaded file's record (issue 17, relay/attachments/): the bytes are a file of
// their own (attachments/attachment_files.hpp), named by the id.
struct AttachmentRecord {
    std::string id;        // "att_" + 32 hex, random
    std::string conv;      // the conversation it was uploaded to
    std::string uploader;  // the party id that uploaded it (a visitor or an agent)
    std::string name;      // the file name the uploader gave (cleaned); personal data
    std::string mime;      // sniffed from the bytes (attachments/file_type.hpp)
    std::int64_t size = 0;     // bytes
    std::int64_t created = 0;  // ms
};

// A message's time and its sender's role (Store::visible_message_stamps; reports/).
struct MessageStamp {
    std::int64_t ts = 0;
    std::string role;  // visitor | agent | bot | system
};

// A quality flag (issue 18, relay/quality/, docs/quality.md): something in a conversation
// a supervisor should look at, raised as it happens and kept until erased with the
// conversation. Ids and labels only, never a message's text.
struct QualityFlag {
    std::int64_t id = 0;   // assigned by the store; increasing
    std::int64_t ts = 0;   // when it was raised (ms)
    std::string conv;
    std::string kind;      // negative_sentiment | compliance | knowledge_gap | long_wait
    std::string detail;    // the word (compliance), the reason (knowledge_gap), seconds waited (long_wait)
    std::int64_t seq = 0;  // the message that raised it; 0 for none
    std::string reviewed_by;        // who marked it reviewed ("" while open)
    std::int64_t reviewed_at = 0;   // when (ms); 0 while open
    bool operator==(const QualityFlag& o) const {
        return id == o.id && ts == o.ts && conv == o.conv && kind == o.kind && detail == o.detail && seq == o.seq &&
               reviewed_by == o.reviewed_by && reviewed_at == o.reviewed_at;
    }
};

// One row of Store::closed_before: a closed conversation that retention may purge.
struct ClosedConversation {
    std::string conv;
    std::int64_t updated = 0;          // its last message (ms); the retention clock
    std::optional<std::string> route;  // set_route's record (its team), if any
};

class Store {
public:
    virtual ~Store() = default;

    // ---- visitors ---------------------------------------------------------------
    // Fails when the id exists.
    virtual Status create_visitor(const Visitor& visitor) = 0;
    virtual Result<std::optional<Visitor>> find_visitor(const std::string& id) = 0;
    // Also updates the visitor party shown in summaries of their conversations.
    virtual Status rename_visitor(const std::string& id, const std::string& name) = 0;

    // ---- contacts (issue 17): who a visitor says they are on the site ------------
    // Sets (replaces) the visitor's contact. At most one visitor holds a verified contact
    // for a user id: storing a second fails (the Hub checks verified_visitor first).
    // Fails when the visitor does not exist. Erasing the visitor (erase_visitor, or
    // retention erasing their last conversation) deletes their contact too.
    virtual Status put_contact(const std::string& visitor_id, const Contact& contact, std::int64_t now) = 0;
    virtual Result<std::optional<Contact>> find_contact(const std::string& visitor_id) = 0;
    // The visitor whose contact is verified for `user_id`, if any.
    virtual Result<std::optional<std::string>> verified_visitor(const std::string& user_id) = 0;

    // ---- conversations ----------------------------------------------------------
    // Creates an open, empty conversation of an existing visitor (last_seq 0,
    // updated = now). Fails when the id exists or the visitor does not.
    virtual Status create_conversation(const std::string& conv, const std::string& visitor_id,
                                       std::int64_t now) = 0;
    // nullopt when there is no such conversation.
    virtual Result<std::optional<ConvSummary>> find_conversation(const std::string& conv) = 0;
    // The visitor's most recently created open conversation, if any.
    virtual Result<std::optional<ConvSummary>> conversation_of_visitor(
        const std::string& visitor_id) = 0;
    // Issue 17: the visitor's closed conversations that have a message, most recently
    // updated first, at most `limit` (a verified user's past chats in the widget).
    virtual Result<std::vector<ConvSummary>> closed_conversations_of_visitor(const std::string& visitor_id,
                                                                             int limit) = 0;
    // Open conversations that have at least one message (a visitor who only opened the
    // widget is nobody's work yet), most recently updated first, at most `limit`.
    virtual Result<std::vector<ConvSummary>> open_conversations(int limit) = 0;
    // Inbox search (issue 17): conversations of `status` ("open" or "closed") that have
    // at least one message, ordered by (updated, conv) descending, only those before the
    // cursor (before_updated, before_conv) in that order, at most `limit`. A caller pages
    // back by passing the last row as the cursor (INT64_MAX, "" to start at the newest).
    // Summaries as find_conversation gives them, without the intent.
    virtual Result<std::vector<ConvSummary>> conversations_before(const std::string& status,
                                                                  std::int64_t before_updated,
                                                                  const std::string& before_conv, int limit) = 0;
    // The HTTP API's list (issue 18): conversations with at least one message, updated
    // at or after `since`, of `status` ("" for any), in increasing (updated, id) after
    // the cursor (after_updated, after_conv), at most `limit`. Increasing order makes the
    // cursor safe while conversations change: one updated meanwhile comes again later,
    // none is skipped.
    virtual Result<std::vector<ConvSummary>> conversations_page(const std::string& status, std::int64_t since,
                                                                std::int64_t after_updated,
                                                                const std::string& after_conv, int limit) = 0;
    // Exports (issue 18, exports/export_stream.hpp): every conversation in the order it
    // was stored, by a position that never changes once given (SQLite's rowid), so an
    // export that takes minutes neither skips nor repeats one however conversations are
    // written meanwhile. Reads the next `scan` conversations stored after position
    // `after` (0: from the first) and returns those created before `created_before`
    // and updated at or after `updated_since`, each with its position and creation
    // time (summaries with intent, like find_conversation). `next` is the position to
    // go on from; `done` when nothing is stored after it.
    struct StoredConversation {
        std::int64_t position = 0;
        std::int64_t created = 0;
        ConvSummary summary;
    };
    struct ConversationScan {
        std::vector<StoredConversation> rows;
        std::int64_t next = 0;
        bool done = false;
    };
    virtual Result<ConversationScan> scan_conversations(std::int64_t after, std::int64_t created_before,
                                                        std::int64_t updated_since, int scan) = 0;
    // Sets status "open" or "closed" (routing closes and reopens). Fails when the
    // conversation does not exist.
    virtual Status set_conversation_status(const std::string& conv, const std::string& status) = 0;
    // The router's record of the conversation (P4: team, owner, state; an opaque text the
    // relay writes, core/route_record.hpp), kept so a restarted relay routes as before.
    // Fails when the conversation does not exist.
    virtual Status set_route(const std::string& conv, const std::string& record) = 0;
    // The last record set; nullopt when none was (or no such conversation).
    virtual Result<std::optional<std::string>> route_of(const std::string& conv) = 0;

    // ---- customer context (issue 17) -------------------------------------------------
    // Sets (replaces) the conversation's context. Fails when the conversation does not
    // exist. Erasing the conversation (erase_visitor, erase_conversations) deletes it.
    virtual Status put_conv_context(const std::string& conv, const ConvContext& context) = 0;
    virtual Result<std::optional<ConvContext>> find_conv_context(const std::string& conv) = 0;
    // Every conversation of the visitor, open or closed, most recently updated first, at
    // most `limit` (with intent, like find_conversation).
    virtual Result<std::vector<ConvSummary>> conversations_of(const std::string& visitor_id, int limit) = 0;
    // The conversation's events (append_event), in id order.
    virtual Result<std::vector<ConvEvent>> events_of_conversation(const std::string& conv) = 0;

    // ---- attachments (issue 17, relay/attachments/) ---------------------------------------
    // The record of a file whose bytes are written (its file exists). Fails when the
    // conversation does not exist or the id is taken. Deleted with the conversation
    // (erase_visitor, erase_conversations: Erased::attachments).
    virtual Status put_attachment(const AttachmentRecord& record) = 0;
    virtual Result<std::optional<AttachmentRecord>> find_attachment(const std::string& id) = 0;

    // ---- canned responses (issue 17, core/canned_responses.hpp) -------------------------
    // Inserts, or replaces the one of the same id.
    virtual Status put_canned(const CannedRecord& record) = 0;
    virtual Result<std::optional<CannedRecord>> find_canned(const std::string& id) = 0;
    // The owner's responses, by shortcut then id.
    virtual Result<std::vector<CannedRecord>> canned_of(const std::string& owner) = 0;
    // True when it existed.
    virtual Result<bool> delete_canned(const std::string& id) = 0;

    // ---- group commit ------------------------------------------------------------
    // Between begin_batch() and commit_batch() every write joins one transaction, so
    // many messages share one sync to disk. Each write stays atomic on its own (a failed
    // append changes nothing), reads see the batch's writes, and a failed commit_batch()
    // leaves none of the batch stored. begin_batch() with a batch open does nothing.
    virtual Status begin_batch() { return Ok{}; }
    virtual Status commit_batch() { return Ok{}; }

    // ---- messages ---------------------------------------------------------------
    // See the idempotence and durability guarantees above. Fails when the
    // conversation does not exist. Updates the conversation's last_seq, last_text and
    // updated (= message ts) in the same transaction.
    virtual Result<Appended> append_message(const NewMessage& message) = 0;
    // The message (conv, sender id, cid) if it is stored: what append_message would
    // answer a resend with (inserted = false). Lets a caller that must refuse new
    // messages (a quota) still acknowledge resends of stored ones.
    virtual Result<std::optional<Appended>> find_sent(const std::string& conv, const std::string& sender_id,
                                                      const std::string& cid) = 0;
    // Messages with seq > after, increasing seq, at most `limit`.
    virtual Result<std::vector<Message>> messages_after(const std::string& conv,
                                                        std::int64_t after, int limit) = 0;
    // The `limit` messages just below `before` (seq < before), in increasing seq.
    virtual Result<std::vector<Message>> messages_before(const std::string& conv,
                                                         std::int64_t before, int limit) = 0;
    // The newest message of `conv` that a party wrote for the visitor to see: not
    // internal, not the relay's own line (from role "system": "Conversation closed").
    // nullopt when there is none, or no such conversation. What a verified user's past
    // conversation is previewed with (issue 17, the welcome's `past`); a stored
    // conversation's last_text may be an internal note and must not be.
    virtual Result<std::optional<Message>> last_visible_said(const std::string& conv) = 0;

    // ---- read marks -------------------------------------------------------------
    // Stores max(current, seq) and returns the mark now stored.
    virtual Result<std::int64_t> mark_read(const std::string& conv, const std::string& reader_id,
                                           std::int64_t seq) = 0;
    // 0 when the reader never marked anything.
    virtual Result<std::int64_t> read_mark(const std::string& conv,
                                           const std::string& reader_id) = 0;

    // ---- agents and their sessions -----------------------------------------------
    // Fails when the id or the e-mail (compared case-insensitively, ASCII) exists.
    virtual Status create_agent(const Agent& agent) = 0;
    virtual Result<std::optional<Agent>> find_agent_by_email(const std::string& email) = 0;
    virtual Result<std::optional<Agent>> find_agent(const std::string& id) = 0;
    // Every agent, ordered by e-mail (routing: the router knows all agents at start).
    virtual Result<std::vector<Agent>> list_agents() = 0;
    virtual Status create_session(const AgentSession& session) = 0;
    // Returns the session whatever its expiry; the caller compares with its clock.
    virtual Result<std::optional<AgentSession>> find_session(const std::string& token_hash) = 0;
    // Sets last_used = max(last_used, now); nothing when there is no such session.
    virtual Status touch_session(const std::string& token_hash, std::int64_t now) = 0;
    // The agent's sessions (expired ones included until purged), oldest first.
    virtual Result<std::vector<AgentSession>> sessions_of_agent(const std::string& agent_id) = 0;
    // Revocation (sign-out). True when the session existed.
    virtual Result<bool> delete_session(const std::string& token_hash) = 0;
    // Every session of the agent ("sign out everywhere"); returns how many there were.
    virtual Result<std::int64_t> delete_sessions_of_agent(const std::string& agent_id) = 0;
    // Deletes every session with expires <= now; returns how many.
    virtual Result<std::int64_t> purge_sessions(std::int64_t now) = 0;
    // Sets the agent's disabled flag; disabling also deletes all their sessions, in the
    // same transaction. Fails when there is no such agent.
    virtual Status set_agent_disabled(const std::string& agent_id, bool disabled) = 0;
    // Agent administration (issue 17, auth/agent_admin.hpp). update_agent rewrites the
    // agent's name, password hash, teams, skills, concurrency and supervisor flag (not
    // id, e-mail, creation time or disabled flag); with `revoke_sessions` it also deletes
    // all their sessions, in the same transaction. delete_agent deletes the account and
    // its sessions in one transaction; what names the agent elsewhere (messages' author,
    // audit entries, conversation events, read marks) stays. Both fail when there is no
    // such agent.
    virtual Status update_agent(const Agent& agent, bool revoke_sessions) = 0;
    virtual Status delete_agent(const std::string& agent_id) = 0;

    // ---- bot API keys (issue 16) ---------------------------------------------------
    // Fails when a key of that name exists (revoke it first).
    virtual Status create_bot_key(const BotKey& key) = 0;
    virtual Result<std::optional<BotKey>> find_bot_key(const std::string& key_hash) = 0;
    // Sets last_used = max(last_used, now); nothing when there is no such key.
    virtual Status touch_bot_key(const std::string& key_hash, std::int64_t now) = 0;
    // Every key, by name.
    virtual Result<std::vector<BotKey>> list_bot_keys() = 0;
    // Revocation: deletes the key of that name. True when it existed.
    virtual Result<bool> delete_bot_key(const std::string& name) = 0;

    // ---- privacy (P7): one visitor's data, exported or erased -------------------
    // Everything stored about the visitor: their record, every conversation (open or
    // closed, oldest first) and every message of those, internal notes included, by
    // conversation then seq. nullopt when there is no such visitor.
    virtual Result<std::optional<VisitorRecord>> visitor_record(const std::string& visitor_id) = 0;
    // Deletes the visitor, their conversations with every message, read mark and
    // routing record, in one transaction (a failure deletes nothing). Returns what was
    // deleted; all zero when there is no such visitor. SqliteStore also leaves no copy
    // of the deleted bytes in its file or its log (store/sqlite_store.hpp).
    virtual Result<Erased> erase_visitor(const std::string& visitor_id) = 0;
    // Copies the write-ahead log into the database and truncates it to zero bytes, so
    // it keeps no copy of erased rows; the retry after an erasure whose log_emptied was
    // false. Refused inside a batch. Stores without a log: nothing to do.
    virtual Status empty_log() { return Ok{}; }

    // ---- audit log (P7) -----------------------------------------------------------
    // Stores the entry (its id is ignored) and returns the id assigned: greater than every
    // earlier one. Joins the open batch like every write.
    virtual Result<std::int64_t> append_audit(const AuditEntry& entry) = 0;
    // Newest first: entries with id < before (before <= 0: from the newest), at most limit.
    virtual Result<std::vector<AuditEntry>> audit_before(std::int64_t before, int limit) = 0;
    // Oldest first: entries with id > after, at most limit (exports page with it).
    virtual Result<std::vector<AuditEntry>> audit_after(std::int64_t after, int limit) = 0;
    // The audit log's retention window (--retain-audit-days): deletes the oldest entries,
    // in id order, while their time is before `before_ts`, at most `limit` of them, and
    // returns how many went. The only deletion the log allows: an entry at or after the
    // latest cutoff given stays refused (SQLite's trigger reads the cutoff from settings).
    // Joins the open batch like every write.
    virtual Result<std::int64_t> purge_audit_before(std::int64_t before_ts, int limit) = 0;
    // ---- conversation events (issue 18, reports/) --------------------------------
    // Appends one routing event (its id is ignored); joins the open batch like every write.
    virtual Status append_event(const ConvEvent& event) = 0;
    // Every event of the conversations that opened (an `opened` event) at a time in
    // [from, to), in id order (which is time order): whole histories, later events
    // included, so a report sees how each of them went.
    virtual Result<std::vector<ConvEvent>> events_of_conversations_opened(std::int64_t from, std::int64_t to) = 0;
    // The time and sender role of each visible (not internal) message of `conv`, in seq
    // order: all a report needs. No text is read, so nothing is unsealed: cheap, and it
    // works on a sealed store opened without its data key (--report).
    virtual Result<std::vector<MessageStamp>> visible_message_stamps(const std::string& conv) = 0;
    // ---- quality flags (issue 18, relay/quality/) -----------------------------------
    // Stores a flag (its id, reviewed_by and reviewed_at are ignored): its id. A flag is
    // deleted with its conversation (erasure, retention). Joins the open batch.
    virtual Result<std::int64_t> add_flag(const QualityFlag& flag) = 0;
    // Newest first: ids below `before` (0: from the newest), only open ones when
    // `open_only`, at most `limit`.
    virtual Result<std::vector<QualityFlag>> flags_before(std::int64_t before, bool open_only, int limit) = 0;
    virtual Result<std::optional<QualityFlag>> find_flag(std::int64_t id) = 0;
    // Marks an open flag reviewed by `by` at `at`: true; false when there is no such flag
    // or it was reviewed already (the first review stands).
    virtual Result<bool> review_flag(std::int64_t id, const std::string& by, std::int64_t at) = 0;
    // Whether `conv` has an open flag of `kind`: a conversation carries at most one open
    // flag of a kind, so an angry visitor's every message does not raise one each.
    virtual Result<bool> has_open_flag(const std::string& conv, const std::string& kind) = 0;
    virtual Result<std::int64_t> open_flag_count() = 0;
    // The events of `kind` with a time in [from, to), in id order (reports: the
    // assignments of a period, whenever their conversations opened).
    virtual Result<std::vector<ConvEvent>> events_of_kind(const std::string& kind, std::int64_t from,
                                                          std::int64_t to) = 0;
    // ---- agents' availability (issue 18, AgentEvent) --------------------------------
    // Appends one row (its id is ignored); joins the open batch like every write.
    virtual Status append_agent_event(const AgentEvent& event) = 0;
    // Each agent's last row before `from` (their state at `from`), then every row with a
    // time in [from, to); all in id order. from == to: just the states at that time.
    virtual Result<std::vector<AgentEvent>> agent_events_between(std::int64_t from, std::int64_t to) = 0;
    // Retention: deletes the rows with a time before `before_ts` except each agent's last
    // one among them (so the state at any later time stays known); returns how many went.
    // Joins the open batch like every write.
    virtual Result<std::int64_t> purge_agent_events_before(std::int64_t before_ts) = 0;
    // ---- retention (P7): closed conversations purged after a window --------------
    // Closed conversations with updated < cutoff, ordered by (updated, conv), only those
    // after the cursor (after_updated, after_conv) in that order, at most `limit`. A
    // caller pages through them by passing the last row back as the cursor.
    virtual Result<std::vector<ClosedConversation>> closed_before(std::int64_t cutoff,
                                                                  std::int64_t after_updated,
                                                                  const std::string& after_conv,
                                                                  int limit) = 0;
    // Deletes the conversations with every message, read mark and routing record, and
    // then each of their visitors left with no conversation, in one transaction (a
    // failure deletes nothing). Ids that do not exist are skipped. Refused inside a
    // batch (commit it first). Like erase_visitor, SqliteStore then leaves no copy of
    // the deleted bytes in its file or its log.
    virtual Result<Erased> erase_conversations(const std::vector<std::string>& convs) = 0;

    // ---- settings ---------------------------------------------------------------
    virtual Result<std::optional<std::string>> get_setting(const std::string& key) = 0;
    virtual Status put_setting(const std::string& key, const std::string& value) = 0;

    // ---- webhooks (issue 18, store/webhook_store.hpp) -----------------------------
    // Subscriptions and the delivery queue on the same database (its writes join the
    // open batch); null when the backend keeps none (MemoryStore: no webhooks).
    virtual WebhookStore* webhooks() { return nullptr; }
};

// The error every backend returns for a failed operation.
inline Error storage_error(std::string detail) {
    return Error{protocol::ErrorCode::storage_failed, std::move(detail), {}};
}

}  // namespace parley::relay
