#include "store/sqlite_store.hpp"

#include "attachments/attachment_files.hpp"

#include "store/meta_column.hpp"
#include "store/reply_column.hpp"
#include "store/contact_column.hpp"
#include "store/sqlite_sealed_column.hpp"
#include "store/sqlite_webhook_store.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <limits>
#include <utility>

namespace parley::relay {

namespace {

// ---- schema version 1 -------------------------------------------------------------
// conversations carries last_seq/last_text so that assigning the next seq and building
// an inbox are single-row reads; append_message keeps them in step in its transaction.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE visitors(
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created INTEGER NOT NULL);
CREATE TABLE conversations(
  id TEXT PRIMARY KEY,
  visitor_id TEXT NOT NULL REFERENCES visitors(id),
  status TEXT NOT NULL DEFAULT 'open',
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  last_seq INTEGER NOT NULL DEFAULT 0,
  last_text TEXT NOT NULL DEFAULT '');
CREATE INDEX conversations_by_visitor ON conversations(visitor_id, created);
CREATE INDEX conversations_by_update ON conversations(status, updated);
CREATE TABLE messages(
  conv TEXT NOT NULL REFERENCES conversations(id),
  seq INTEGER NOT NULL,
  cid TEXT NOT NULL,
  ts INTEGER NOT NULL,
  from_role TEXT NOT NULL,
  from_id TEXT NOT NULL,
  from_name TEXT NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY(conv, seq),
  UNIQUE(conv, from_id, cid)) WITHOUT ROWID;
CREATE TABLE read_marks(
  conv TEXT NOT NULL,
  reader_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY(conv, reader_id)) WITHOUT ROWID;
CREATE TABLE agents(
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created INTEGER NOT NULL);
CREATE TABLE agent_sessions(
  token_hash TEXT PRIMARY KEY,
  agent_id TEXT NOT NULL REFERENCES agents(id),
  expires INTEGER NOT NULL);
CREATE TABLE settings(
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL);
)sql";

// Schema migrations, applied in order, each in its own transaction; the database's
// user_version counts the steps applied. To change the schema, append a step: never
// edit one that has shipped, because databases out there already ran it.
constexpr const char* kMigrations[] = {
    kSchemaV1,
    // 2: triage metadata of each message (intent, confidence, signals) as a JSON object.
    "ALTER TABLE messages ADD COLUMN meta TEXT NOT NULL DEFAULT '{}';",
    // 3: routing (P4): agents' teams, skills (comma-separated), concurrency, supervisor
    //    flag; messages that are internal (agents only).
    "ALTER TABLE agents ADD COLUMN teams TEXT NOT NULL DEFAULT 'general';"
    "ALTER TABLE agents ADD COLUMN skills TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE agents ADD COLUMN preferred INTEGER NOT NULL DEFAULT 3;"
    "ALTER TABLE agents ADD COLUMN max_load INTEGER NOT NULL DEFAULT 5;"
    "ALTER TABLE agents ADD COLUMN supervisor INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE messages ADD COLUMN internal INTEGER NOT NULL DEFAULT 0;",
    // 4: the router's record of each conversation (team, owner, state), for restarts.
    "ALTER TABLE conversations ADD COLUMN route TEXT;",
    // 5: sign-out (issue 15): disabled agents; when each session was made and last used;
    //    indexes for listing an agent's sessions and purging expired ones.
    "ALTER TABLE agents ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE agent_sessions ADD COLUMN created INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE agent_sessions ADD COLUMN last_used INTEGER NOT NULL DEFAULT 0;"
    "CREATE INDEX agent_sessions_by_agent ON agent_sessions(agent_id, created);"
    "CREATE INDEX agent_sessions_by_expiry ON agent_sessions(expires);",
    // 6: the audit log (P7). Append-only: the triggers refuse any UPDATE or DELETE, so
    //    no code path (nor a mistaken query) rewrites history; AUTOINCREMENT: ids are
    //    never reused.
    "CREATE TABLE audit_log(id INTEGER PRIMARY KEY AUTOINCREMENT, ts INTEGER NOT NULL,"
    " actor_role TEXT NOT NULL, actor_id TEXT NOT NULL, actor_name TEXT NOT NULL,"
    " action TEXT NOT NULL, conv TEXT NOT NULL, target TEXT NOT NULL, detail TEXT NOT NULL,"
    " address TEXT NOT NULL);"
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
    " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
    " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
    // 7: bots' API keys (issue 16): only a hash of each key (auth/bot_keys.hpp).
    "CREATE TABLE IF NOT EXISTS bot_keys(name TEXT PRIMARY KEY, display_name TEXT NOT NULL,"
    " key_hash TEXT NOT NULL UNIQUE, created INTEGER NOT NULL, last_used INTEGER NOT NULL DEFAULT 0);",
    // 8: rich messages (issue 16): a message's parts (compact JSON array) and the answer
    //    it is (reply JSON object); "" when none. Form values live in `reply`.
    "ALTER TABLE messages ADD COLUMN parts TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE messages ADD COLUMN reply TEXT NOT NULL DEFAULT '';",
    // 9: conversation events for reports (issue 18): routing steps with ids and labels;
    //    found by kind and time (the conversations opened in a period), then by conv.
    "CREATE TABLE IF NOT EXISTS conversation_events(id INTEGER PRIMARY KEY AUTOINCREMENT, ts INTEGER NOT NULL,"
    " conv TEXT NOT NULL, kind TEXT NOT NULL, team TEXT NOT NULL, agent TEXT NOT NULL, detail TEXT NOT NULL,"
    " intent TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS conversation_events_by_kind ON conversation_events(kind, ts);"
    "CREATE INDEX IF NOT EXISTS conversation_events_by_conv ON conversation_events(conv, id);",
    // 10: identity (issue 17): a visitor's claims (store/contact_column.hpp). At most one
    //    verified contact per user id; erasing the visitor erases their contact.
    "CREATE TABLE IF NOT EXISTS contacts(visitor_id TEXT PRIMARY KEY, user_id TEXT NOT NULL,"
    " verified INTEGER NOT NULL, details NOT NULL, updated INTEGER NOT NULL);"
    "CREATE UNIQUE INDEX IF NOT EXISTS contacts_verified_user ON contacts(user_id) WHERE verified = 1;"
    "CREATE TRIGGER IF NOT EXISTS visitors_erase_contact AFTER DELETE ON visitors"
    " BEGIN DELETE FROM contacts WHERE visitor_id = OLD.id; END;",
    // 11: customer context (issue 17): each conversation's visitor page and User-Agent
    //     (sealed like names), deleted with the conversation; canned responses, personal
    //     ("agent:<id>") or a team's ("team:<name>"), listed by owner.
    "CREATE TABLE IF NOT EXISTS conv_context(conv TEXT PRIMARY KEY, page_url NOT NULL, page_title NOT NULL,"
    " user_agent NOT NULL, updated INTEGER NOT NULL);"
    "CREATE TRIGGER IF NOT EXISTS conversations_erase_context AFTER DELETE ON conversations"
    " BEGIN DELETE FROM conv_context WHERE conv = OLD.id; END;"
    "CREATE TABLE IF NOT EXISTS canned_responses(id TEXT PRIMARY KEY, owner TEXT NOT NULL,"
    " shortcut TEXT NOT NULL, text TEXT NOT NULL, updated INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS canned_responses_by_owner ON canned_responses(owner, shortcut, id);",
    // 12: webhooks (issue 18, store/webhook_store.hpp): subscriptions and the durable
    //    delivery queue; a line per (subscription, conv) in id order, due by next_at.
    "CREATE TABLE IF NOT EXISTS webhook_subscriptions(id TEXT PRIMARY KEY, url TEXT NOT NULL,"
    " events TEXT NOT NULL, secret TEXT NOT NULL, enabled INTEGER NOT NULL DEFAULT 1, created INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS webhook_deliveries(id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " subscription TEXT NOT NULL, event_id TEXT NOT NULL, type TEXT NOT NULL, conv TEXT NOT NULL,"
    " payload TEXT NOT NULL, state INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0,"
    " next_at INTEGER NOT NULL, last_error TEXT NOT NULL DEFAULT '', created INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS webhook_deliveries_line ON webhook_deliveries(subscription, conv, state, id);"
    "CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries(state, next_at);",
    // 13: the audit log's retention window (--retain-audit-days): the no-delete trigger
    //    lets through only entries older than the cutoff the relay last recorded in the
    //    settings (audit_purge_before); with none recorded it refuses every delete.
    "DROP TRIGGER IF EXISTS audit_log_no_delete;"
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
    " WHEN OLD.ts >= coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'audit_purge_before'),"
    " -9223372036854775807 - 1)"
    " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
    // 14: attachments (issue 17): each uploaded file's record; its bytes are a file in
    //    DATA_DIR/attachments named by the id. `name` is sealed like a visitor's name.
    "CREATE TABLE IF NOT EXISTS attachments(id TEXT PRIMARY KEY, conv TEXT NOT NULL REFERENCES conversations(id),"
    " uploader TEXT NOT NULL, name NOT NULL, mime TEXT NOT NULL, size INTEGER NOT NULL, created INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS attachments_by_conv ON attachments(conv);",
    // 15: quality flags (issue 18, relay/quality/): listed newest first, open ones on
    //     their own (reviewed_at = 0); one open flag per (conv, kind); deleted with the
    //     conversation.
    "CREATE TABLE IF NOT EXISTS quality_flags(id INTEGER PRIMARY KEY AUTOINCREMENT, ts INTEGER NOT NULL,"
    " conv TEXT NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL, seq INTEGER NOT NULL,"
    " reviewed_by TEXT NOT NULL DEFAULT '', reviewed_at INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX IF NOT EXISTS quality_flags_open ON quality_flags(reviewed_at, id);"
    "CREATE INDEX IF NOT EXISTS quality_flags_by_conv ON quality_flags(conv, kind, reviewed_at);"
    "CREATE TRIGGER IF NOT EXISTS conversations_erase_flags AFTER DELETE ON conversations"
    " BEGIN DELETE FROM quality_flags WHERE conv = OLD.id; END;",
    // 16: agents' availability over time (issue 18, store.hpp AgentEvent): occupancy and
    //     conversations per agent-hour. Read by time (a period) and per agent (the last
    //     row before a period, and retention keeping each agent's last row).
    "CREATE TABLE IF NOT EXISTS agent_events(id INTEGER PRIMARY KEY AUTOINCREMENT, ts INTEGER NOT NULL,"
    " agent TEXT NOT NULL, status TEXT NOT NULL, load INTEGER NOT NULL, reason TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS agent_events_by_ts ON agent_events(ts);"
    "CREATE INDEX IF NOT EXISTS agent_events_by_agent ON agent_events(agent, ts);",
};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == SqliteStore::kSchemaVersion,
              "kSchemaVersion counts the migration steps");

// Statements. Each is a distinct literal: its address keys the prepared-statement cache.
constexpr const char* kInsertVisitor = "INSERT INTO visitors(id, name, created) VALUES(?1, ?2, ?3)";
constexpr const char* kFindVisitor = "SELECT id, name, created FROM visitors WHERE id = ?1";
constexpr const char* kRenameVisitor = "UPDATE visitors SET name = ?2 WHERE id = ?1";
// Contacts (issue 17, schema step 9).
constexpr const char* kPutContact =
    "INSERT INTO contacts(visitor_id, user_id, verified, details, updated) "
    "SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM visitors WHERE id = ?1) "
    "ON CONFLICT(visitor_id) DO UPDATE SET user_id = excluded.user_id, verified = excluded.verified, "
    "details = excluded.details, updated = excluded.updated";
// Customer context and canned responses (issue 17, schema step 11).
constexpr const char* kPutConvContext =
    "INSERT INTO conv_context(conv, page_url, page_title, user_agent, updated) "
    "SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM conversations WHERE id = ?1) "
    "ON CONFLICT(conv) DO UPDATE SET page_url = excluded.page_url, page_title = excluded.page_title, "
    "user_agent = excluded.user_agent, updated = excluded.updated";
constexpr const char* kFindConvContext =
    "SELECT page_url, page_title, user_agent, updated FROM conv_context WHERE conv = ?1";
constexpr const char* kConvsOfVisitor =
    "SELECT c.id, c.visitor_id, v.name, c.last_seq, c.last_text, c.updated, c.status "
    "FROM conversations c JOIN visitors v ON v.id = c.visitor_id "
    "WHERE c.visitor_id = ?1 ORDER BY c.updated DESC, c.rowid DESC LIMIT ?2";
constexpr const char* kEventsOfConv =
    "SELECT id, ts, conv, kind, team, agent, detail, intent FROM conversation_events WHERE conv = ?1 ORDER BY id";
constexpr const char* kPutCanned =
    "INSERT INTO canned_responses(id, owner, shortcut, text, updated) VALUES(?1, ?2, ?3, ?4, ?5) "
    "ON CONFLICT(id) DO UPDATE SET owner = excluded.owner, shortcut = excluded.shortcut, text = excluded.text, "
    "updated = excluded.updated";
constexpr const char* kFindCanned = "SELECT id, owner, shortcut, text, updated FROM canned_responses WHERE id = ?1";
constexpr const char* kCannedOf =
    "SELECT id, owner, shortcut, text, updated FROM canned_responses WHERE owner = ?1 ORDER BY shortcut, id";
constexpr const char* kDeleteCanned = "DELETE FROM canned_responses WHERE id = ?1";
constexpr const char* kFindContact = "SELECT user_id, verified, details FROM contacts WHERE visitor_id = ?1";
constexpr const char* kVerifiedVisitor = "SELECT visitor_id FROM contacts WHERE user_id = ?1 AND verified = 1";
constexpr const char* kInsertConv =
    "INSERT INTO conversations(id, visitor_id, created, updated) "
    "SELECT ?1, id, ?3, ?3 FROM visitors WHERE id = ?2";
constexpr const char* kFindConv =
    "SELECT c.id, c.visitor_id, v.name, c.last_seq, c.last_text, c.updated, c.status "
    "FROM conversations c JOIN visitors v ON v.id = c.visitor_id WHERE c.id = ?1";
constexpr const char* kConvOfVisitor =
    "SELECT c.id, c.visitor_id, v.name, c.last_seq, c.last_text, c.updated, c.status "
    "FROM conversations c JOIN visitors v ON v.id = c.visitor_id "
    "WHERE c.visitor_id = ?1 AND c.status = 'open' ORDER BY c.created DESC, c.rowid DESC LIMIT 1";
constexpr const char* kClosedConvsOfVisitor =
    "SELECT c.id, c.visitor_id, v.name, c.last_seq, c.last_text, c.updated, c.status "
    "FROM conversations c JOIN visitors v ON v.id = c.visitor_id "
    "WHERE c.visitor_id = ?1 AND c.status = 'closed' AND c.last_seq > 0 "
    "ORDER BY c.updated DESC, c.rowid DESC LIMIT ?2";
constexpr const char* kOpenConvs =
    "SELECT c.id, c.visitor_id, v.name, c.last_seq, c.last_text, c.updated, c.status "
    "FROM conversations c JOIN visitors v ON v.id = c.visitor_id "
    "WHERE c.status = 'open' AND c.last_seq > 0 ORDER BY c.updated DESC, c.rowid DESC LIMIT ?1";
// Inbox search (issue 17): the (status, updated) index gives the rows newest first; ties of
// `updated` are sorted by id among themselves only, so a page reads about `limit` rows.
constexpr const char* kConvsBefore =
    "SELECT c.id, c.visitor_id, v.name, c.last_seq, c.last_text, c.updated, c.status "
    "FROM conversations c JOIN visitors v ON v.id = c.visitor_id "
    "WHERE c.status = ?1 AND c.last_seq > 0 AND (c.updated < ?2 OR (c.updated = ?2 AND c.id < ?3)) "
    "ORDER BY c.updated DESC, c.id DESC LIMIT ?4";
constexpr const char* kConvPage =
    "SELECT c.id, c.visitor_id, v.name, c.last_seq, c.last_text, c.updated, c.status "
    "FROM conversations c JOIN visitors v ON v.id = c.visitor_id "
    "WHERE c.last_seq > 0 AND (?1 = '' OR c.status = ?1) AND c.updated >= ?2 "
    "AND (c.updated > ?3 OR (c.updated = ?3 AND c.id > ?4)) ORDER BY c.updated, c.id LIMIT ?5";
// Exports: the window of the next ?2 conversations after rowid ?1 (its last rowid and
// size), then the rows in it that fall in the range. Two statements, so rows the range
// leaves out are never read (nor their sealed columns opened).
constexpr const char* kConvScanWindow =
    "SELECT max(rowid), count(*) FROM (SELECT rowid FROM conversations WHERE rowid > ?1 ORDER BY rowid LIMIT ?2)";
constexpr const char* kConvScan =
    "SELECT c.id, c.visitor_id, v.name, c.last_seq, c.last_text, c.updated, c.status, c.rowid, c.created "
    "FROM conversations c JOIN visitors v ON v.id = c.visitor_id "
    "WHERE c.rowid > ?1 AND c.rowid <= ?2 AND c.created < ?3 AND c.updated >= ?4 ORDER BY c.rowid";
constexpr const char* kInsertAudit =
    "INSERT INTO audit_log(ts, actor_role, actor_id, actor_name, action, conv, target, detail, address) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
constexpr const char* kAuditBefore =
    "SELECT id, ts, actor_role, actor_id, actor_name, action, conv, target, detail, address "
    "FROM audit_log WHERE id < ?1 ORDER BY id DESC LIMIT ?2";
// The oldest entries (at most ?2) before the first one at or after the cutoff ?1: a
// prefix in id order, found by reading from the start, never a scan of the whole log.
constexpr const char* kPurgeAudit =
    "DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log ORDER BY id LIMIT ?2) AND "
    "id < coalesce((SELECT id FROM audit_log WHERE ts >= ?1 ORDER BY id LIMIT 1), 9223372036854775807)";
constexpr const char* kAuditPurgeSetting = "audit_purge_before";
constexpr const char* kAuditAfter =
    "SELECT id, ts, actor_role, actor_id, actor_name, action, conv, target, detail, address "
    "FROM audit_log WHERE id > ?1 ORDER BY id LIMIT ?2";
constexpr const char* kBegin = "BEGIN IMMEDIATE";
constexpr const char* kCommit = "COMMIT";
constexpr const char* kRollback = "ROLLBACK";
// Inside a batch an append is a savepoint: atomic on its own, durable with the batch.
constexpr const char* kSavepoint = "SAVEPOINT append";
constexpr const char* kRelease = "RELEASE append";
constexpr const char* kRollbackTo = "ROLLBACK TO append";
constexpr const char* kFindBySenderCid =
    "SELECT seq, ts FROM messages WHERE conv = ?1 AND from_id = ?2 AND cid = ?3";
constexpr const char* kLastSeq = "SELECT last_seq FROM conversations WHERE id = ?1";
constexpr const char* kInsertMessage =
    "INSERT INTO messages(conv, seq, cid, ts, from_role, from_id, from_name, text, meta) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
constexpr const char* kSetRich = "UPDATE messages SET parts = ?3, reply = ?4 WHERE conv = ?1 AND seq = ?2";
constexpr const char* kBumpConv =
    "UPDATE conversations SET last_seq = ?2, last_text = ?3, updated = ?4 WHERE id = ?1";
constexpr const char* kMessagesAfter =
    "SELECT conv, seq, cid, ts, from_role, from_id, from_name, text, internal, meta, parts, reply FROM messages "
    "WHERE conv = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3";
// Reports (issue 18): time and role only, so no sealed column is read (or unsealed).
constexpr const char* kVisibleStamps =
    "SELECT ts, from_role FROM messages WHERE conv = ?1 AND internal = 0 ORDER BY seq";
constexpr const char* kMessagesBefore =
    "SELECT * FROM (SELECT conv, seq, cid, ts, from_role, from_id, from_name, text, internal, meta, parts, reply "
    "FROM messages WHERE conv = ?1 AND seq < ?2 ORDER BY seq DESC LIMIT ?3) ORDER BY seq";
// Walks the primary key (conv, seq) backwards; reads past only the internal notes and
// the relay's own lines at the end (one or two, typically: "Conversation closed").
constexpr const char* kLastVisibleSaid =
    "SELECT conv, seq, cid, ts, from_role, from_id, from_name, text, internal, meta, parts, reply FROM messages "
    "WHERE conv = ?1 AND internal = 0 AND from_role <> 'system' ORDER BY seq DESC LIMIT 1";
constexpr const char* kConvExists = "SELECT 1 FROM conversations WHERE id = ?1";
// Walks the primary key (conv, seq) backwards; stops at the first triaged visitor message.
constexpr const char* kLatestMeta =
    "SELECT meta FROM messages WHERE conv = ?1 AND from_role = 'visitor' AND meta <> '{}' "
    "ORDER BY seq DESC LIMIT 1";
constexpr const char* kMarkRead =
    "INSERT INTO read_marks(conv, reader_id, seq) VALUES(?1, ?2, ?3) "
    "ON CONFLICT(conv, reader_id) DO UPDATE SET seq = max(seq, excluded.seq)";
constexpr const char* kReadMark = "SELECT seq FROM read_marks WHERE conv = ?1 AND reader_id = ?2";
constexpr const char* kInsertAgent =
    "INSERT INTO agents(id, email, name, password_hash, created, teams, skills, preferred, "
    "max_load, supervisor, disabled) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
// The agent columns read_agent() expects, in its order; one list for every agent query.
#define PARLEY_AGENT_SELECT                                                                   \
    "SELECT id, email, name, password_hash, created, teams, skills, preferred, max_load, " \
    "supervisor, disabled FROM agents "
constexpr const char* kAgentByEmail = PARLEY_AGENT_SELECT "WHERE email = ?1";
constexpr const char* kAgentById = PARLEY_AGENT_SELECT "WHERE id = ?1";
constexpr const char* kListAgents = PARLEY_AGENT_SELECT "ORDER BY email";
#undef PARLEY_AGENT_SELECT
constexpr const char* kSetConvStatus = "UPDATE conversations SET status = ?2 WHERE id = ?1";
constexpr const char* kSetRoute = "UPDATE conversations SET route = ?2 WHERE id = ?1";
constexpr const char* kRouteOf = "SELECT route FROM conversations WHERE id = ?1";
constexpr const char* kMarkInternal = "UPDATE messages SET internal = 1 WHERE conv = ?1 AND seq = ?2";
constexpr const char* kInsertSession =
    "INSERT INTO agent_sessions(token_hash, agent_id, expires, created, last_used) "
    "VALUES(?1, ?2, ?3, ?4, ?5)";
constexpr const char* kFindSession =
    "SELECT token_hash, agent_id, expires, created, last_used FROM agent_sessions WHERE token_hash = ?1";
constexpr const char* kTouchSession =
    "UPDATE agent_sessions SET last_used = max(last_used, ?2) WHERE token_hash = ?1";
constexpr const char* kSessionsOfAgent =
    "SELECT token_hash, agent_id, expires, created, last_used FROM agent_sessions "
    "WHERE agent_id = ?1 ORDER BY created, token_hash";
constexpr const char* kDeleteSession = "DELETE FROM agent_sessions WHERE token_hash = ?1";
// Bot keys (issue 16, schema step 7).
constexpr const char* kInsertBotKey =
    "INSERT INTO bot_keys(name, display_name, key_hash, created, last_used) VALUES (?1, ?2, ?3, ?4, 0)";
constexpr const char* kFindBotKey =
    "SELECT name, display_name, key_hash, created, last_used FROM bot_keys WHERE key_hash = ?1";
constexpr const char* kTouchBotKey = "UPDATE bot_keys SET last_used = max(last_used, ?2) WHERE key_hash = ?1";
constexpr const char* kListBotKeys =
    "SELECT name, display_name, key_hash, created, last_used FROM bot_keys ORDER BY name";
constexpr const char* kDeleteBotKey = "DELETE FROM bot_keys WHERE name = ?1";
constexpr const char* kDeleteAgentSessions = "DELETE FROM agent_sessions WHERE agent_id = ?1";
constexpr const char* kPurgeSessions = "DELETE FROM agent_sessions WHERE expires <= ?1";
constexpr const char* kSetAgentDisabled = "UPDATE agents SET disabled = ?2 WHERE id = ?1";
// A savepoint nests inside a group-commit batch and is a transaction of its own outside one.
constexpr const char* kSavepointDisable = "SAVEPOINT disable_agent";
constexpr const char* kReleaseDisable = "RELEASE disable_agent";
constexpr const char* kRollbackDisable = "ROLLBACK TO disable_agent";
// Agent administration (issue 17): one savepoint for a row change and its sessions.
constexpr const char* kUpdateAgent =
    "UPDATE agents SET name = ?2, password_hash = ?3, teams = ?4, skills = ?5, preferred = ?6, "
    "max_load = ?7, supervisor = ?8 WHERE id = ?1";
constexpr const char* kDeleteAgent = "DELETE FROM agents WHERE id = ?1";
constexpr const char* kSavepointAdmin = "SAVEPOINT admin_agent";
constexpr const char* kReleaseAdmin = "RELEASE admin_agent";
constexpr const char* kRollbackAdmin = "ROLLBACK TO admin_agent";
// Privacy (P7): one visitor's conversations, oldest first, and their erasure.
constexpr const char* kVisitorConvs =
    "SELECT c.id, c.visitor_id, v.name, c.last_seq, c.last_text, c.updated, c.status "
    "FROM conversations c JOIN visitors v ON v.id = c.visitor_id "
    "WHERE c.visitor_id = ?1 ORDER BY c.created, c.rowid";
constexpr const char* kEraseReadMarks =
    "DELETE FROM read_marks WHERE conv IN (SELECT id FROM conversations WHERE visitor_id = ?1)";
constexpr const char* kEraseMessages =
    "DELETE FROM messages WHERE conv IN (SELECT id FROM conversations WHERE visitor_id = ?1)";
constexpr const char* kEraseEvents =
    "DELETE FROM conversation_events WHERE conv IN (SELECT id FROM conversations WHERE visitor_id = ?1)";
constexpr const char* kInsertEvent =
    "INSERT INTO conversation_events(ts, conv, kind, team, agent, detail, intent) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr const char* kEventsOfOpened =
    "SELECT id, ts, conv, kind, team, agent, detail, intent FROM conversation_events WHERE conv IN "
    "(SELECT conv FROM conversation_events WHERE kind = 'opened' AND ts >= ?1 AND ts < ?2) ORDER BY id";
constexpr const char* kEventsOfKind =
    "SELECT id, ts, conv, kind, team, agent, detail, intent FROM conversation_events "
    "WHERE kind = ?1 AND ts >= ?2 AND ts < ?3 ORDER BY id";
// Agents' availability (schema step 16). A period: each agent's last row before it (the
// greatest id among their rows before `from`), then its own rows.
constexpr const char* kInsertAgentEvent =
    "INSERT INTO agent_events(ts, agent, status, load, reason) VALUES(?1, ?2, ?3, ?4, ?5)";
constexpr const char* kAgentEventsBetween =
    "SELECT id, ts, agent, status, load, reason FROM agent_events WHERE id IN "
    "(SELECT max(id) FROM agent_events WHERE ts < ?1 GROUP BY agent) OR (ts >= ?1 AND ts < ?2) ORDER BY id";
constexpr const char* kPurgeAgentEvents =
    "DELETE FROM agent_events WHERE ts < ?1 AND id NOT IN "
    "(SELECT max(id) FROM agent_events WHERE ts < ?1 GROUP BY agent)";
constexpr const char* kVisitorConvIds =
    "SELECT id FROM conversations WHERE visitor_id = ?1 ORDER BY created, rowid";
constexpr const char* kEraseConvs = "DELETE FROM conversations WHERE visitor_id = ?1";
constexpr const char* kEraseVisitor = "DELETE FROM visitors WHERE id = ?1";
// Retention (P7): closed conversations past a cutoff, by (updated, id) from a cursor
// (the index on (status, updated) serves it), and one conversation's erasure; a visitor
// left without any conversation goes too.
constexpr const char* kClosedBefore =
    "SELECT id, updated, route FROM conversations "
    "WHERE status = 'closed' AND updated < ?1 AND (updated > ?2 OR (updated = ?2 AND id > ?3)) "
    "ORDER BY updated, id LIMIT ?4";
constexpr const char* kVisitorOfConv = "SELECT visitor_id FROM conversations WHERE id = ?1";
constexpr const char* kPurgeReadMarks = "DELETE FROM read_marks WHERE conv = ?1";
constexpr const char* kPurgeMessages = "DELETE FROM messages WHERE conv = ?1";
constexpr const char* kPurgeEvents = "DELETE FROM conversation_events WHERE conv = ?1";
// Quality flags (issue 18, schema step 15).
constexpr const char* kInsertFlag = "INSERT INTO quality_flags(ts, conv, kind, detail, seq) VALUES(?1, ?2, ?3, ?4, ?5)";
constexpr const char* kFlagsBefore =
    "SELECT id, ts, conv, kind, detail, seq, reviewed_by, reviewed_at FROM quality_flags"
    " WHERE id < ?1 ORDER BY id DESC LIMIT ?2";
constexpr const char* kOpenFlagsBefore =
    "SELECT id, ts, conv, kind, detail, seq, reviewed_by, reviewed_at FROM quality_flags"
    " WHERE reviewed_at = 0 AND id < ?1 ORDER BY id DESC LIMIT ?2";
constexpr const char* kFindFlag =
    "SELECT id, ts, conv, kind, detail, seq, reviewed_by, reviewed_at FROM quality_flags WHERE id = ?1";
constexpr const char* kReviewFlag =
    "UPDATE quality_flags SET reviewed_by = ?2, reviewed_at = ?3 WHERE id = ?1 AND reviewed_at = 0";
constexpr const char* kHasOpenFlag =
    "SELECT 1 FROM quality_flags WHERE conv = ?1 AND kind = ?2 AND reviewed_at = 0 LIMIT 1";
constexpr const char* kOpenFlagCount = "SELECT count(*) FROM quality_flags WHERE reviewed_at = 0";
// Attachments (issue 17): a record, and those of an erased visitor or conversation (their
// ids first: the files go once the transaction is committed).
constexpr const char* kInsertAttachment =
    "INSERT INTO attachments(id, conv, uploader, name, mime, size, created) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr const char* kFindAttachment =
    "SELECT id, conv, uploader, name, mime, size, created FROM attachments WHERE id = ?1";
constexpr const char* kVisitorAttachmentIds =
    "SELECT id FROM attachments WHERE conv IN (SELECT id FROM conversations WHERE visitor_id = ?1)";
constexpr const char* kEraseAttachments =
    "DELETE FROM attachments WHERE conv IN (SELECT id FROM conversations WHERE visitor_id = ?1)";
constexpr const char* kConvAttachmentIds = "SELECT id FROM attachments WHERE conv = ?1";
constexpr const char* kPurgeAttachments = "DELETE FROM attachments WHERE conv = ?1";
constexpr const char* kResealAttachments = "SELECT id, name FROM attachments WHERE id > ?1 ORDER BY id LIMIT 256";
constexpr const char* kResealAttachment = "UPDATE attachments SET name = ?2 WHERE id = ?1";
constexpr const char* kPurgeConv = "DELETE FROM conversations WHERE id = ?1";
constexpr const char* kPurgeLoneVisitor =
    "DELETE FROM visitors WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM conversations WHERE visitor_id = ?1)";
// Sealing (store/column_sealer.hpp): the ids of the keys that sealed values, and the
// walks and rewrites of reseal(), a page of rows at a time in key order.
constexpr const char* kSealedWith = "sealed_with";
constexpr const char* kAnyMessage = "SELECT EXISTS(SELECT 1 FROM messages)";
constexpr const char* kResealVisitors = "SELECT id, name FROM visitors WHERE id > ?1 ORDER BY id LIMIT 256";
constexpr const char* kResealVisitor = "UPDATE visitors SET name = ?2 WHERE id = ?1";
constexpr const char* kResealConvs =
    "SELECT id, last_seq, last_text FROM conversations WHERE id > ?1 ORDER BY id LIMIT 256";
constexpr const char* kResealConv = "UPDATE conversations SET last_text = ?2 WHERE id = ?1";
constexpr const char* kResealMessages =
    "SELECT conv, seq, from_name, text FROM messages WHERE (conv, seq) > (?1, ?2) ORDER BY conv, seq LIMIT 256";
constexpr const char* kResealMessage = "UPDATE messages SET from_name = ?3, text = ?4 WHERE conv = ?1 AND seq = ?2";
constexpr const char* kResealReplies =
    "SELECT conv, seq, reply FROM messages WHERE (conv, seq) > (?1, ?2) AND reply <> '' ORDER BY conv, seq LIMIT 256";
constexpr const char* kResealReply = "UPDATE messages SET reply = ?3 WHERE conv = ?1 AND seq = ?2";
constexpr const char* kResealContacts =
    "SELECT visitor_id, details FROM contacts WHERE visitor_id > ?1 ORDER BY visitor_id LIMIT 256";
constexpr const char* kResealContact = "UPDATE contacts SET details = ?2 WHERE visitor_id = ?1";
// Webhooks (issue 18): signing secrets by subscription id; queued bodies by delivery id
// (?1, the walk's text cursor, is unused: the ids are numbers).
constexpr const char* kResealSecrets =
    "SELECT id, secret FROM webhook_subscriptions WHERE id > ?1 ORDER BY id LIMIT 256";
constexpr const char* kResealSecret = "UPDATE webhook_subscriptions SET secret = ?2 WHERE id = ?1";
constexpr const char* kResealPayloads =
    "SELECT id, type, conv, created, payload FROM webhook_deliveries WHERE id > ?2 ORDER BY id LIMIT 256";
constexpr const char* kResealPayload = "UPDATE webhook_deliveries SET payload = ?3 WHERE id = ?2";
constexpr const char* kGetSetting = "SELECT value FROM settings WHERE key = ?1";
constexpr const char* kPutSetting =
    "INSERT INTO settings(key, value) VALUES(?1, ?2) "
    "ON CONFLICT(key) DO UPDATE SET value = excluded.value";

Agent read_agent(sqlite3_stmt* s) {
    Agent a;
    a.id = column_text(s, 0);
    a.email = column_text(s, 1);
    a.name = column_text(s, 2);
    a.password_hash = column_text(s, 3);
    a.created = sqlite3_column_int64(s, 4);
    a.teams = split_list(column_text(s, 5));
    a.skills = split_list(column_text(s, 6));
    a.preferred = sqlite3_column_int(s, 7);
    a.max_load = sqlite3_column_int(s, 8);
    a.supervisor = sqlite3_column_int(s, 9) != 0;
    a.disabled = sqlite3_column_int(s, 10) != 0;
    return a;
}

AuditEntry read_audit(sqlite3_stmt* s) {
    AuditEntry e;
    e.id = sqlite3_column_int64(s, 0);
    e.ts = sqlite3_column_int64(s, 1);
    e.actor_role = column_text(s, 2);
    e.actor_id = column_text(s, 3);
    e.actor_name = column_text(s, 4);
    e.action = column_text(s, 5);
    e.conv = column_text(s, 6);
    e.target = column_text(s, 7);
    e.detail = column_text(s, 8);
    e.address = column_text(s, 9);
    return e;
}

AgentSession read_session(sqlite3_stmt* s) {
    return AgentSession{column_text(s, 0), column_text(s, 1), sqlite3_column_int64(s, 2),
                        sqlite3_column_int64(s, 3), sqlite3_column_int64(s, 4)};
}

}  // namespace



// ---- sealing (store/column_sealer.hpp) -------------------------------------------

namespace {

// A column value as stored: sealed bytes (a BLOB) or plain text (TEXT).
struct StoredValue {
    bool blob = false;
    std::string bytes;
};

StoredValue stored_value(sqlite3_stmt* s, int column) {
    const StoredView v = stored_view(s, column);
    return {v.blob, std::string(v.bytes)};
}

}  // namespace


void SqliteStore::bind_personal(Stmt& s, int i, const std::string& plain, const std::string& binding) {
    bind_sealed(sealer_, s, i, plain, binding);  // store/sqlite_sealed_column.hpp
}

Result<std::string> SqliteStore::personal(sqlite3_stmt* s, int column, const std::string& binding) const {
    return open_sealed(sealer_, s, column, binding);
}

Result<ConvSummary> SqliteStore::read_summary(sqlite3_stmt* s) const {
    ConvSummary c;
    c.conv = column_text(s, 0);
    c.last_seq = sqlite3_column_int64(s, 3);
    const std::string visitor_id = column_text(s, 1);
    auto name = personal(s, 2, visitor_name_binding(visitor_id));
    if (!name) return name.error();
    c.visitor = Party{"visitor", visitor_id, std::move(name).value()};
    auto last_text = personal(s, 4, last_text_binding(c.conv, c.last_seq));
    if (!last_text) return last_text.error();
    c.last_text = std::move(last_text).value();
    c.updated = sqlite3_column_int64(s, 5);
    c.status = column_text(s, 6);
    return c;
}

Result<Message> SqliteStore::read_message(sqlite3_stmt* s) const {
    Message m;
    m.conv = column_text(s, 0);
    m.seq = sqlite3_column_int64(s, 1);
    m.cid = column_text(s, 2);
    m.ts = sqlite3_column_int64(s, 3);
    auto name = personal(s, 6, message_name_binding(m.conv, m.seq));
    if (!name) return name.error();
    m.from = Party{column_text(s, 4), column_text(s, 5), std::move(name).value()};
    auto text = personal(s, 7, message_text_binding(m.conv, m.seq));
    if (!text) return text.error();
    m.text = std::move(text).value();
    // Routing's internal flag, found by name so other columns may be added around it.
    for (int i = 8; i < sqlite3_column_count(s); ++i)
        if (std::string_view(sqlite3_column_name(s, i)) == "internal")
            m.internal = sqlite3_column_int(s, i) != 0;
    // Triage's meta (schema step 2), found by name likewise.
    for (int i = 8; i < sqlite3_column_count(s); ++i)
        if (std::string_view(sqlite3_column_name(s, i)) == "meta")
            m.meta = meta_from_column(column_text(s, i));
    // Rich messages (schema step 8), found by name likewise. A reply holds form values
    // (the visitor's data): sealed like the text.
    for (int i = 8; i < sqlite3_column_count(s); ++i) {
        const std::string_view name = sqlite3_column_name(s, i);
        if (name == "parts") m.parts = column_text(s, i);
        if (name == "reply") {
            auto reply = personal(s, i, message_reply_binding(m.conv, m.seq));
            if (!reply) return reply.error();
            m.reply = reply_from_column(reply.value());
        }
    }
    return m;
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path, SqliteOptions options) {
    sqlite3* db = nullptr;
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
        std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
        sqlite3_close(db);
        return storage_error("cannot open " + path + ": " + msg);
    }
    std::unique_ptr<SqliteStore> store(new SqliteStore(db, ColumnSealer(options.data_key, std::move(options.old_keys))));
    sqlite3_busy_timeout(db, kBusyTimeoutMs);  // another process (a backup, the CLI) may hold a lock
    // WAL: readers do not block the writer; FULL: every COMMIT is synced to disk, which
    // is what "ack only after durable" needs (NORMAL could lose the last commits).
    // cache_size: 16 MB (the default is 2 MB). Under load every commit touches a leaf
    // page per busy conversation in each of the messages' b-trees; with the default
    // those pages were evicted between commits and read back (thousands of pread()s a
    // second at 5 000 messages/s).
    for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                               "PRAGMA foreign_keys=ON", "PRAGMA cache_size=-16384",
                               // P7: deleted content is overwritten with zeros, so an
                               // erased visitor leaves no bytes in free pages.
                               "PRAGMA secure_delete=ON"}) {
        Status s = store->exec(pragma);
        if (!s) return storage_error("cannot open " + path + ": " + s.error().detail);
    }
    Status migrated = store->migrate();
    if (!migrated) return migrated.error();
    store->webhooks_ = std::make_unique<SqliteWebhookStore>(db, store->sealer_);  // issue 18
    // Attachments (issue 17): files beside the database, deleted with what erases them.
    if (path != ":memory:" && !path.empty())
        store->attachments_dir_ =
            attachments::AttachmentFiles::dir_of(std::filesystem::path(path).parent_path().string());
    if (Status keys = store->check_and_record_keys(options.allow_missing_keys); !keys)
        return storage_error("cannot open " + path + ": " + keys.error().detail);
    // Checkpoints off the event loop (store/wal_checkpointer.hpp). The hook replaces
    // SQLite's automatic checkpoint; without a checkpointer that one stays.
    auto checkpointer = WalCheckpointer::start(path);
    if (checkpointer) {
        store->checkpointer_ = std::move(checkpointer).value();
        sqlite3_wal_hook(db, &SqliteStore::on_wal_commit, store.get());
    } else {
        std::cerr << "parley-relay: " << checkpointer.error().detail << "; checkpoints stay inline\n";
    }
    return store;
}

int SqliteStore::on_wal_commit(void* self, sqlite3* db, const char*, int log_pages) {
    auto* store = static_cast<SqliteStore*>(self);
    WalCheckpointer& checkpointer = *store->checkpointer_;
    if (log_pages < store->checkpoint_asked_at_) store->checkpoint_asked_at_ = 0;  // restarted
    // Once per kCheckpointPages new pages, not after every commit: each checkpoint
    // syncs twice, and one that runs less often copies a page once for all the
    // versions the log holds of it. (Asked after every commit, it ran ~500 times a
    // second at 5 000 messages/s, each copying a few pages.)
    if (log_pages - store->checkpoint_asked_at_ >= kCheckpointPages) {
        store->checkpoint_asked_at_ = log_pages;
        checkpointer.request();
    }
    // SQLite restarts the log only at a transaction that finds every page of it copied
    // back, which a checkpoint beside a writer that never pauses rarely achieves: the
    // log grew by every commit. So past kLogRestartPages, when the checkpointer is idle
    // (it has chased the log's end to within a few hundred pages), the writer copies
    // the rest itself, and its next transaction writes the log from the start again.
    // Past kInlineCheckpointPages (a checkpointer that keeps failing or never idles) it
    // does so whatever the cost, as SQLite's own automatic checkpoint would.
    if ((log_pages >= kLogRestartPages && !checkpointer.busy()) || log_pages >= kInlineCheckpointPages)
        sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    return SQLITE_OK;
}

SqliteStore::~SqliteStore() {
    checkpointer_.reset();  // its thread stops before the writer's connection closes
    webhooks_.reset();      // its statements are finalised before the connection closes
    finalize_all(statements_);
    sqlite3_close(db_);
}

Error SqliteStore::fail(const char* what) const {
    return storage_error(std::string(what) + ": " + sqlite3_errmsg(db_));
}

Status SqliteStore::exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : sqlite3_errmsg(db_);
        sqlite3_free(err);
        return storage_error(msg);
    }
    return Ok{};
}

Result<sqlite3_stmt*> SqliteStore::prepare(const char* sql) {
    if (sqlite3_stmt* s = prepared(db_, statements_, sql)) return s;
    return fail("prepare");
}

void SqliteStore::step_prepared(const char* sql) {
    auto p = prepare(sql);
    if (!p) {
        exec(sql);  // cannot prepare: let SQLite parse it
        return;
    }
    Stmt(p.value()).step();
}

Status SqliteStore::check_and_record_keys(bool allow_missing) {
    auto setting = get_setting(kSealedWith);
    if (!setting) return setting.error();
    std::vector<std::uint32_t> recorded;
    if (setting.value()) recorded = parse_key_ids(*setting.value());
    if (!allow_missing) {
        auto fits = check_key_ring(recorded, sealer_.keys());
        if (!fits) return fits.error();
    }
    if (!sealer_.sealing() ||
        std::find(recorded.begin(), recorded.end(), sealer_.sealing_key_id()) != recorded.end())
        return Ok{};
    if (recorded.empty()) {  // sealing starts now: what is already stored stays plain
        auto p = prepare(kAnyMessage);
        if (!p) return p.error();
        Stmt s(p.value());
        if (s.step() == SQLITE_ROW && sqlite3_column_int(s.get(), 0) != 0)
            std::cerr << "parley-relay: new values are sealed from now on; the messages stored "
                         "before are still plain: stop the relay and run --reseal-data to seal them\n";
    }
    recorded.push_back(sealer_.sealing_key_id());
    return put_setting(kSealedWith, format_key_ids(recorded));
}

namespace {
std::string contact_binding(std::string_view visitor_id) { return seal_binding("contacts.details", {visitor_id}); }
std::string attachment_name_binding(std::string_view id) { return seal_binding("attachments.name", {id}); }
}  // namespace

Result<Resealed> SqliteStore::reseal(bool forget_unreadable) {
    if (batch_open_) return storage_error("reseal inside a batch");
    Resealed done;
    // The value's form under the sealing key (or plain): nullopt when it already is.
    auto redo = [&](const StoredValue& v, const std::string& binding) -> Result<std::optional<StoredValue>> {
        if (!v.blob && !sealer_.sealing()) return std::optional<StoredValue>{};
        if (v.blob && sealer_.sealing() && sealed_key_id(v.bytes) == sealer_.sealing_key_id())
            return std::optional<StoredValue>{};
        auto plain = sealer_.open(v.bytes, v.blob, binding);
        std::string text;
        if (plain) {
            text = std::move(plain).value();
        } else if (forget_unreadable) {
            text = kUnreadableText;
            ++done.unreadable;
        } else {
            return plain.error();
        }
        ++done.values;
        if (auto sealed = sealer_.seal(text, binding)) return std::optional<StoredValue>{StoredValue{true, *sealed}};
        return std::optional<StoredValue>{StoredValue{false, std::move(text)}};
    };
    auto bind = [](Stmt& s, int i, const StoredValue& v) {
        if (v.blob) s.bind_blob(i, v.bytes);
        else s.bind(i, v.bytes);
    };
    // One page of rows read, then rewritten in one transaction; `read` returns the
    // page's updates (each a statement to step) and moves the cursor.
    struct Update {
        std::string key1;
        std::int64_t key2 = 0;
        std::optional<StoredValue> a, b;
        bool keyed_by_seq = false;
    };
    auto walk = [&](const char* select, const char* update, auto read_row) -> Status {
        std::string after1;
        std::int64_t after2 = std::numeric_limits<std::int64_t>::min();
        for (;;) {
            std::vector<Update> updates;
            int rows = 0;
            {
                auto p = prepare(select);
                if (!p) return p.error();
                Stmt s(p.value());
                s.bind(1, after1);
                if (std::string_view(select).find("?2") != std::string_view::npos) s.bind(2, after2);
                int rc;
                while ((rc = s.step()) == SQLITE_ROW) {
                    ++rows;
                    Update u;
                    if (Status st = read_row(s.get(), u); !st) return st;
                    after1 = u.key1;
                    after2 = u.key2;
                    if (u.a || u.b) updates.push_back(std::move(u));
                }
                if (rc != SQLITE_DONE) return fail("reseal: read");
            }
            if (rows == 0) return Ok{};
            if (updates.empty()) continue;
            if (Status st = exec(kBegin); !st) return st;
            for (const Update& u : updates) {
                auto p = prepare(update);
                if (!p) {
                    exec(kRollback);
                    return p.error();
                }
                Stmt s(p.value());
                s.bind(1, u.key1);
                if (u.b) {  // messages: (conv, seq, from_name, text)
                    s.bind(2, u.key2);
                    bind(s, 3, *u.a);
                    bind(s, 4, *u.b);
                } else if (u.keyed_by_seq) {  // a message's reply: (conv, seq, reply)
                    s.bind(2, u.key2);
                    bind(s, 3, *u.a);
                } else {
                    bind(s, 2, *u.a);
                }
                if (s.step() != SQLITE_DONE) {
                    Error e = fail("reseal: write");
                    exec(kRollback);
                    return e;
                }
            }
            if (Status st = exec(kCommit); !st) {
                exec(kRollback);
                return st;
            }
        }
    };
    auto keep = [](std::optional<StoredValue>& slot, Result<std::optional<StoredValue>> r) -> Status {
        if (!r) return r.error();
        slot = std::move(r).value();
        return Ok{};
    };
    Status st = walk(kResealVisitors, kResealVisitor, [&](sqlite3_stmt* s, Update& u) -> Status {
        u.key1 = column_text(s, 0);
        return keep(u.a, redo(stored_value(s, 1), visitor_name_binding(u.key1)));
    });
    if (st) st = walk(kResealConvs, kResealConv, [&](sqlite3_stmt* s, Update& u) -> Status {
        u.key1 = column_text(s, 0);
        return keep(u.a, redo(stored_value(s, 2), last_text_binding(u.key1, sqlite3_column_int64(s, 1))));
    });
    if (st) st = walk(kResealMessages, kResealMessage, [&](sqlite3_stmt* s, Update& u) -> Status {
        u.key1 = column_text(s, 0);
        u.key2 = sqlite3_column_int64(s, 1);
        StoredValue name = stored_value(s, 2), text = stored_value(s, 3);
        if (Status one = keep(u.a, redo(name, message_name_binding(u.key1, u.key2))); !one) return one;
        if (Status two = keep(u.b, redo(text, message_text_binding(u.key1, u.key2))); !two) return two;
        // A message row is written whole: the column left as it was goes back unchanged.
        if (u.a && !u.b) u.b = text;
        if (u.b && !u.a) u.a = name;
        return Ok{};
    });
    if (st) st = walk(kResealReplies, kResealReply, [&](sqlite3_stmt* s, Update& u) -> Status {
        u.key1 = column_text(s, 0);
        u.key2 = sqlite3_column_int64(s, 1);
        u.keyed_by_seq = true;
        return keep(u.a, redo(stored_value(s, 2), message_reply_binding(u.key1, u.key2)));
    });
    // Contacts (issue 17): e-mail, name and attributes, sealed like a visitor's name. A
    // value no key opens becomes the placeholder, which reads back as no details.
    if (st) st = walk(kResealContacts, kResealContact, [&](sqlite3_stmt* s, Update& u) -> Status {
        u.key1 = column_text(s, 0);
        return keep(u.a, redo(stored_value(s, 1), contact_binding(u.key1)));
    });
    // Attachments (issue 17): each file's name. The files themselves keep the key they
    // were sealed with (keep it in the ring: docs/operations.md "Data at rest").
    if (st) st = walk(kResealAttachments, kResealAttachment, [&](sqlite3_stmt* s, Update& u) -> Status {
        u.key1 = column_text(s, 0);
        return keep(u.a, redo(stored_value(s, 1), attachment_name_binding(u.key1)));
    });
    // Webhooks: each subscription's signing secret and each queued or dead body.
    if (st) st = walk(kResealSecrets, kResealSecret, [&](sqlite3_stmt* s, Update& u) -> Status {
        u.key1 = column_text(s, 0);
        return keep(u.a, redo(stored_value(s, 1), webhook_secret_binding(u.key1)));
    });
    if (st) st = walk(kResealPayloads, kResealPayload, [&](sqlite3_stmt* s, Update& u) -> Status {
        u.key2 = sqlite3_column_int64(s, 0);
        u.keyed_by_seq = true;
        const std::string binding =
            webhook_payload_binding(column_text(s, 1), column_text(s, 2), sqlite3_column_int64(s, 3));
        return keep(u.a, redo(stored_value(s, 4), binding));
    });
    if (!st) return st.error();
    // Everything is under the sealing key now (or plain).
    std::vector<std::uint32_t> now;
    if (sealer_.sealing()) now.push_back(sealer_.sealing_key_id());
    if (Status put = put_setting(kSealedWith, format_key_ids(now)); !put) return put.error();
    // The log still holds the pages as they were: copy back and truncate, as erasure does.
    if (Status emptied = empty_log(); !emptied)
        return storage_error("resealed, but the log could not be emptied (run it again): " + emptied.error().detail);
    return done;
}

Status SqliteStore::migrate() {
    auto version = prepare("PRAGMA user_version");
    if (!version) return version.error();
    std::int64_t current = 0;
    {
        Stmt s(version.value());
        if (s.step() != SQLITE_ROW) return fail("read schema version");
        current = sqlite3_column_int64(s.get(), 0);
    }
    if (current == kSchemaVersion) return Ok{};
    if (current > kSchemaVersion)
        return storage_error("database schema version " + std::to_string(current) +
                             " is newer than this relay understands (" +
                             std::to_string(kSchemaVersion) + ")");
    // Apply the missing steps; each step and its stamp commit together, so a crash
    // leaves the file at a whole version.
    for (std::int64_t step = current; step < kSchemaVersion; ++step) {
        if (Status s = exec("BEGIN IMMEDIATE"); !s) return s;
        Status applied = exec(kMigrations[step]);
        if (applied) applied = exec(("PRAGMA user_version = " + std::to_string(step + 1)).c_str());
        if (applied) applied = exec("COMMIT");
        if (!applied) {
            exec("ROLLBACK");
            return storage_error("schema step " + std::to_string(step + 1) + ": " + applied.error().detail);
        }
    }
    return Ok{};
}

// ---- visitors -------------------------------------------------------------------

Status SqliteStore::create_visitor(const Visitor& visitor) {
    auto p = prepare(kInsertVisitor);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, visitor.id).bind(3, visitor.created);
    bind_personal(s, 2, visitor.name, visitor_name_binding(visitor.id));
    if (s.step() != SQLITE_DONE) return fail("create visitor");
    return Ok{};
}

Result<std::optional<Visitor>> SqliteStore::find_visitor(const std::string& id) {
    auto p = prepare(kFindVisitor);
    if (!p) return p.error();
    Stmt s(p.value());
    const int rc = s.bind(1, id).step();
    if (rc == SQLITE_DONE) return std::optional<Visitor>{};
    if (rc != SQLITE_ROW) return fail("find visitor");
    auto name = personal(s.get(), 1, visitor_name_binding(id));
    if (!name) return name.error();
    return std::optional<Visitor>{Visitor{column_text(s.get(), 0), std::move(name).value(),
                                          sqlite3_column_int64(s.get(), 2)}};
}

Status SqliteStore::rename_visitor(const std::string& id, const std::string& name) {
    auto p = prepare(kRenameVisitor);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, id);
    bind_personal(s, 2, name, visitor_name_binding(id));
    if (s.step() != SQLITE_DONE) return fail("rename visitor");
    if (sqlite3_changes(db_) != 1) return storage_error("no such visitor: " + id);
    return Ok{};
}

// ---- contacts (issue 17) ---------------------------------------------------------


Status SqliteStore::put_contact(const std::string& visitor_id, const Contact& contact, std::int64_t now) {
    auto p = prepare(kPutContact);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, visitor_id).bind(2, contact.user_id).bind(3, std::int64_t{contact.verified ? 1 : 0});
    bind_personal(s, 4, contact_details_to_column(contact), contact_binding(visitor_id));
    s.bind(5, now);
    if (s.step() != SQLITE_DONE) return fail("store contact");  // a second verified visitor: the unique index
    if (sqlite3_changes(db_) != 1) return storage_error("no such visitor: " + visitor_id);
    return Ok{};
}

Result<std::optional<Contact>> SqliteStore::find_contact(const std::string& visitor_id) {
    auto p = prepare(kFindContact);
    if (!p) return p.error();
    Stmt s(p.value());
    const int rc = s.bind(1, visitor_id).step();
    if (rc == SQLITE_DONE) return std::optional<Contact>{};
    if (rc != SQLITE_ROW) return fail("find contact");
    Contact c;
    c.user_id = column_text(s.get(), 0);
    c.verified = sqlite3_column_int64(s.get(), 1) != 0;
    auto details = personal(s.get(), 2, contact_binding(visitor_id));
    if (!details) return details.error();
    contact_details_from_column(details.value(), c);
    return std::optional<Contact>{std::move(c)};
}

Result<std::optional<std::string>> SqliteStore::verified_visitor(const std::string& user_id) {
    auto p = prepare(kVerifiedVisitor);
    if (!p) return p.error();
    Stmt s(p.value());
    const int rc = s.bind(1, user_id).step();
    if (rc == SQLITE_DONE) return std::optional<std::string>{};
    if (rc != SQLITE_ROW) return fail("find verified visitor");
    return std::optional<std::string>{column_text(s.get(), 0)};
}

// ---- conversations --------------------------------------------------------------

Status SqliteStore::create_conversation(const std::string& conv, const std::string& visitor_id,
                                        std::int64_t now) {
    auto p = prepare(kInsertConv);
    if (!p) return p.error();
    Stmt s(p.value());
    if (s.bind(1, conv).bind(2, visitor_id).bind(3, now).step() != SQLITE_DONE)
        return fail("create conversation");
    if (sqlite3_changes(db_) != 1) return storage_error("no such visitor: " + visitor_id);
    return Ok{};
}

Result<std::optional<ConvSummary>> SqliteStore::one_summary(const char* sql,
                                                            const std::string& key) {
    auto p = prepare(sql);
    if (!p) return p.error();
    Stmt s(p.value());
    const int rc = s.bind(1, key).step();
    if (rc == SQLITE_DONE) return std::optional<ConvSummary>{};
    if (rc != SQLITE_ROW) return fail("find conversation");
    auto read = read_summary(s.get());
    if (!read) return read.error();
    ConvSummary summary = std::move(read).value();
    if (Status st = fill_intent(summary); !st) return st.error();
    return std::optional<ConvSummary>{std::move(summary)};
}

Status SqliteStore::fill_intent(ConvSummary& summary) {
    auto p = prepare(kLatestMeta);
    if (!p) return p.error();
    Stmt s(p.value());
    const int rc = s.bind(1, summary.conv).step();
    if (rc == SQLITE_ROW) {
        if (auto meta = meta_from_column(column_text(s.get(), 0))) summary.intent = meta->intent;
    } else if (rc != SQLITE_DONE) {
        return fail("read latest intent");
    }
    return Ok{};
}

// Every row of `s` as a summary (and, with_intent, each one's latest intent); `what`
// names the listing in a storage error.
Result<std::vector<ConvSummary>> SqliteStore::read_summaries(Stmt& s, const char* what, bool with_intent) {
    std::vector<ConvSummary> out;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
        auto read = read_summary(s.get());
        if (!read) return read.error();
        out.push_back(std::move(read).value());
    }
    if (rc != SQLITE_DONE) return fail(what);
    if (with_intent)
        for (ConvSummary& summary : out)
            if (Status st = fill_intent(summary); !st) return st.error();
    return out;
}

Result<std::optional<ConvSummary>> SqliteStore::find_conversation(const std::string& conv) {
    return one_summary(kFindConv, conv);
}

Result<std::optional<ConvSummary>> SqliteStore::conversation_of_visitor(
    const std::string& visitor_id) {
    return one_summary(kConvOfVisitor, visitor_id);
}

Result<std::vector<ConvSummary>> SqliteStore::open_conversations(int limit) {
    auto p = prepare(kOpenConvs);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, std::int64_t{limit});
    return read_summaries(s, "list conversations", /*with_intent=*/true);
}

Result<std::vector<ConvSummary>> SqliteStore::conversations_before(const std::string& status,
                                                                   std::int64_t before_updated,
                                                                   const std::string& before_conv, int limit) {
    auto p = prepare(kConvsBefore);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, status).bind(2, before_updated).bind(3, before_conv).bind(4, std::int64_t{limit});
    return read_summaries(s, "search conversations", /*with_intent=*/false);
}

Result<std::vector<ConvSummary>> SqliteStore::closed_conversations_of_visitor(const std::string& visitor_id,
                                                                               int limit) {
    auto p = prepare(kClosedConvsOfVisitor);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, visitor_id);
    s.bind(2, std::int64_t{limit});
    return read_summaries(s, "list a visitor's closed conversations", /*with_intent=*/false);
}

Result<std::vector<ConvSummary>> SqliteStore::conversations_page(const std::string& status, std::int64_t since,
                                                                std::int64_t after_updated,
                                                                const std::string& after_conv, int limit) {
    auto p = prepare(kConvPage);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, status).bind(2, since).bind(3, after_updated).bind(4, after_conv).bind(5, std::int64_t{limit});
    return read_summaries(s, "list conversations", /*with_intent=*/true);
}

Result<Store::ConversationScan> SqliteStore::scan_conversations(std::int64_t after, std::int64_t created_before,
                                                                std::int64_t updated_since, int scan) {
    ConversationScan out;
    out.next = after;
    std::int64_t window_end = after;
    {
        auto p = prepare(kConvScanWindow);
        if (!p) return p.error();
        Stmt s(p.value());
        if (s.bind(1, after).bind(2, std::int64_t{std::max(scan, 1)}).step() != SQLITE_ROW)
            return fail("scan conversations");
        const std::int64_t count = sqlite3_column_int64(s.get(), 1);
        out.done = count < std::max(scan, 1);
        if (count == 0) return out;
        window_end = sqlite3_column_int64(s.get(), 0);
    }
    auto p = prepare(kConvScan);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, after).bind(2, window_end).bind(3, created_before).bind(4, updated_since);
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
        auto read = read_summary(s.get());
        if (!read) return read.error();
        out.rows.push_back(StoredConversation{sqlite3_column_int64(s.get(), 7), sqlite3_column_int64(s.get(), 8),
                                              std::move(read).value()});
    }
    if (rc != SQLITE_DONE) return fail("scan conversations");
    for (StoredConversation& row : out.rows)
        if (Status st = fill_intent(row.summary); !st) return st.error();
    out.next = window_end;
    return out;
}

// ---- attachments ----------------------------------------------------------------

Status SqliteStore::put_attachment(const AttachmentRecord& r) {
    auto p = prepare(kInsertAttachment);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, r.id).bind(2, r.conv).bind(3, r.uploader);
    bind_personal(s, 4, r.name, attachment_name_binding(r.id));
    s.bind(5, r.mime).bind(6, r.size).bind(7, r.created);
    if (s.step() != SQLITE_DONE) return fail("store an attachment");
    return Ok{};
}

Result<std::optional<AttachmentRecord>> SqliteStore::find_attachment(const std::string& id) {
    auto p = prepare(kFindAttachment);
    if (!p) return p.error();
    Stmt s(p.value());
    const int rc = s.bind(1, id).step();
    if (rc == SQLITE_DONE) return std::optional<AttachmentRecord>{};
    if (rc != SQLITE_ROW) return fail("find an attachment");
    AttachmentRecord r;
    r.id = column_text(s.get(), 0);
    r.conv = column_text(s.get(), 1);
    r.uploader = column_text(s.get(), 2);
    auto name = personal(s.get(), 3, attachment_name_binding(r.id));
    if (!name) return name.error();
    r.name = std::move(name).value();
    r.mime = column_text(s.get(), 4);
    r.size = sqlite3_column_int64(s.get(), 5);
    r.created = sqlite3_column_int64(s.get(), 6);
    return std::optional<AttachmentRecord>{std::move(r)};
}

// ---- messages -------------------------------------------------------------------

Result<Appended> SqliteStore::append_message(const NewMessage& m) {
    // One IMMEDIATE transaction: the write lock is taken before the idempotence lookup,
    // so no other writer can slip a message in between the lookup, the seq read and
    // the insert. Inside a batch the batch holds the lock and a savepoint keeps the
    // append atomic.
    const bool in_batch = batch_open_ && sqlite3_get_autocommit(db_) == 0;
    auto begin = prepare(in_batch ? kSavepoint : kBegin);
    if (!begin) return begin.error();
    if (Stmt(begin.value()).step() != SQLITE_DONE) return fail("begin");

    auto attempt = [&]() -> Result<Appended> {
        auto sent = find_sent(m.conv, m.from.id, m.cid);  // a resend: its first answer
        if (!sent) return sent.error();
        if (sent.value()) return *sent.value();
        std::int64_t seq = 0;
        {
            auto last = prepare(kLastSeq);
            if (!last) return last.error();
            Stmt s(last.value());
            const int rc = s.bind(1, m.conv).step();
            if (rc == SQLITE_DONE) return storage_error("no such conversation: " + m.conv);
            if (rc != SQLITE_ROW) return fail("read last seq");
            seq = sqlite3_column_int64(s.get(), 0) + 1;
        }
        {
            auto ins = prepare(kInsertMessage);
            if (!ins) return ins.error();
            Stmt s(ins.value());
            s.bind(1, m.conv).bind(2, seq).bind(3, m.cid).bind(4, m.ts);
            s.bind(5, m.from.role).bind(6, m.from.id);
            bind_personal(s, 7, m.from.name, message_name_binding(m.conv, seq));
            bind_personal(s, 8, m.text, message_text_binding(m.conv, seq));
            s.bind(9, meta_to_column(m.meta));
            if (s.step() != SQLITE_DONE) return fail("insert message");
        }
        if (!m.parts.empty() || m.reply) {  // rich messages (issue 16): same transaction
            auto rich = prepare(kSetRich);
            if (!rich) return rich.error();
            Stmt s(rich.value());
            s.bind(1, m.conv).bind(2, seq).bind(3, m.parts);
            if (m.reply) bind_personal(s, 4, reply_to_column(m.reply), message_reply_binding(m.conv, seq));
            else s.bind(4, std::string());
            if (s.step() != SQLITE_DONE) return fail("store parts");
        }
        if (m.internal) {  // routing (P4): same transaction as the insert
            auto mark = prepare(kMarkInternal);
            if (!mark) return mark.error();
            Stmt s(mark.value());
            if (s.bind(1, m.conv).bind(2, seq).step() != SQLITE_DONE) return fail("mark internal");
        }
        {
            auto bump = prepare(kBumpConv);
            if (!bump) return bump.error();
            Stmt s(bump.value());
            s.bind(1, m.conv).bind(2, seq).bind(4, m.ts);
            bind_personal(s, 3, m.text, last_text_binding(m.conv, seq));
            if (s.step() != SQLITE_DONE) return fail("update conversation");
        }
        return Appended{seq, m.ts, true};
    };

    Result<Appended> result = attempt();
    if (in_batch) {
        // Prepared, not exec(): these run for every message of a batch.
        if (!result) step_prepared(kRollbackTo);  // undo this append only; the batch goes on
        step_prepared(kRelease);
        return result;
    }
    if (result) {
        auto commit = prepare(kCommit);
        if (commit && Stmt(commit.value()).step() == SQLITE_DONE) return result;
        result = commit ? fail("commit") : commit.error();
    }
    // Roll back whatever part was done. If even that fails SQLite has already rolled
    // back (the only way ROLLBACK fails is with no transaction open).
    if (sqlite3_get_autocommit(db_) == 0) exec(kRollback);
    return result;
}

Result<std::optional<Appended>> SqliteStore::find_sent(const std::string& conv, const std::string& sender_id,
                                                       const std::string& cid) {
    auto p = prepare(kFindBySenderCid);
    if (!p) return p.error();
    Stmt s(p.value());
    const int rc = s.bind(1, conv).bind(2, sender_id).bind(3, cid).step();
    if (rc == SQLITE_DONE) return std::optional<Appended>{};
    if (rc != SQLITE_ROW) return fail("find message");
    return std::optional<Appended>{
        Appended{sqlite3_column_int64(s.get(), 0), sqlite3_column_int64(s.get(), 1), false}};
}

Result<std::vector<Message>> SqliteStore::messages_after(const std::string& conv,
                                                         std::int64_t after, int limit) {
    auto p = prepare(kMessagesAfter);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, conv).bind(2, after).bind(3, std::int64_t{limit});
    std::vector<Message> out;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
        auto read = read_message(s.get());
        if (!read) return read.error();
        out.push_back(std::move(read).value());
    }
    if (rc != SQLITE_DONE) return fail("read messages");
    return out;
}

Result<std::vector<Message>> SqliteStore::messages_before(const std::string& conv,
                                                          std::int64_t before, int limit) {
    auto p = prepare(kMessagesBefore);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, conv).bind(2, before).bind(3, std::int64_t{limit});
    std::vector<Message> out;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
        auto read = read_message(s.get());
        if (!read) return read.error();
        out.push_back(std::move(read).value());
    }
    if (rc != SQLITE_DONE) return fail("read messages");
    return out;
}

Result<std::optional<Message>> SqliteStore::last_visible_said(const std::string& conv) {
    auto p = prepare(kLastVisibleSaid);
    if (!p) return p.error();
    Stmt s(p.value());
    const int rc = s.bind(1, conv).step();
    if (rc == SQLITE_DONE) return std::optional<Message>{};
    if (rc != SQLITE_ROW) return fail("read the last visible message");
    auto read = read_message(s.get());
    if (!read) return read.error();
    return std::optional<Message>{std::move(read).value()};
}

// ---- read marks -----------------------------------------------------------------

Result<std::int64_t> SqliteStore::mark_read(const std::string& conv, const std::string& reader_id,
                                            std::int64_t seq) {
    {
        auto p = prepare(kConvExists);
        if (!p) return p.error();
        Stmt s(p.value());
        const int rc = s.bind(1, conv).step();
        if (rc == SQLITE_DONE) return storage_error("no such conversation: " + conv);
        if (rc != SQLITE_ROW) return fail("find conversation");
    }
    {
        // One statement, so atomic on its own: the upsert keeps the maximum.
        auto p = prepare(kMarkRead);
        if (!p) return p.error();
        Stmt s(p.value());
        if (s.bind(1, conv).bind(2, reader_id).bind(3, seq).step() != SQLITE_DONE)
            return fail("mark read");
    }
    return read_mark(conv, reader_id);
}

Result<std::int64_t> SqliteStore::read_mark(const std::string& conv,
                                            const std::string& reader_id) {
    auto p = prepare(kReadMark);
    if (!p) return p.error();
    Stmt s(p.value());
    const int rc = s.bind(1, conv).bind(2, reader_id).step();
    if (rc == SQLITE_DONE) return std::int64_t{0};
    if (rc != SQLITE_ROW) return fail("read mark");
    return std::int64_t{sqlite3_column_int64(s.get(), 0)};
}

// ---- agents and sessions --------------------------------------------------------

Status SqliteStore::create_agent(const Agent& agent) {
    auto p = prepare(kInsertAgent);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, agent.id).bind(2, agent.email).bind(3, agent.name).bind(4, agent.password_hash);
    s.bind(5, agent.created).bind(6, join_list(agent.teams)).bind(7, join_list(agent.skills));
    s.bind(8, std::int64_t{agent.preferred}).bind(9, std::int64_t{agent.max_load});
    s.bind(10, std::int64_t{agent.supervisor ? 1 : 0});
    if (s.bind(11, std::int64_t{agent.disabled ? 1 : 0}).step() != SQLITE_DONE)
        return fail("create agent");
    return Ok{};
}

Result<std::vector<Agent>> SqliteStore::list_agents() {
    auto p = prepare(kListAgents);
    if (!p) return p.error();
    Stmt s(p.value());
    std::vector<Agent> out;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) out.push_back(read_agent(s.get()));
    if (rc != SQLITE_DONE) return fail("list agents");
    return out;
}

Status SqliteStore::set_conversation_status(const std::string& conv, const std::string& status) {
    auto p = prepare(kSetConvStatus);
    if (!p) return p.error();
    Stmt s(p.value());
    if (s.bind(1, conv).bind(2, status).step() != SQLITE_DONE) return fail("set status");
    if (sqlite3_changes(db_) == 0) return storage_error("no such conversation: " + conv);
    return Ok{};
}

// ---- privacy ----------------------------------------------------------------------

Result<std::optional<VisitorRecord>> SqliteStore::visitor_record(const std::string& visitor_id) {
    auto visitor = find_visitor(visitor_id);
    if (!visitor) return visitor.error();
    if (!visitor.value()) return std::optional<VisitorRecord>{};
    VisitorRecord record{*visitor.value(), {}, {}};
    auto contact = find_contact(record.visitor.id);  // issue 17
    if (!contact) return contact.error();
    record.contact = contact.value();
    {
        auto p = prepare(kVisitorConvs);
        if (!p) return p.error();
        Stmt s(p.value());
        s.bind(1, visitor_id);
        int rc;
        while ((rc = s.step()) == SQLITE_ROW) {
            auto read = read_summary(s.get());
            if (!read) return read.error();
            record.conversations.push_back(std::move(read).value());
        }
        if (rc != SQLITE_DONE) return fail("list the visitor's conversations");
    }
    for (ConvSummary& c : record.conversations) {
        if (Status st = fill_intent(c); !st) return st.error();
        // In pages, so one long conversation is read in bounded steps.
        for (std::int64_t after = 0;;) {
            auto page = messages_after(c.conv, after, 1000);
            if (!page) return page.error();
            if (page.value().empty()) break;
            after = page.value().back().seq;
            for (Message& m : page.value()) record.messages.push_back(std::move(m));
        }
    }
    return std::optional<VisitorRecord>{std::move(record)};
}

Result<Erased> SqliteStore::erase_visitor(const std::string& visitor_id) {
    // Its own transaction, then a checkpoint that empties the log: neither fits inside
    // a group-commit batch, so the caller finishes the batch first.
    if (batch_open_) return storage_error("erase_visitor inside a batch");
    Erased erased;
    if (Status s = exec(kBegin); !s) return s.error();
    auto run = [&](const char* sql, int* count) {
        auto p = prepare(sql);
        if (!p) return false;
        Stmt s(p.value());
        if (s.bind(1, visitor_id).step() != SQLITE_DONE) return false;
        if (count) *count = sqlite3_changes(db_);
        return true;
    };
    auto ids = [&](const char* sql, std::vector<std::string>& out) {
        auto p = prepare(sql);
        if (!p) return false;
        Stmt s(p.value());
        s.bind(1, visitor_id);
        int rc;
        while ((rc = s.step()) == SQLITE_ROW) out.push_back(column_text(s.get(), 0));
        return rc == SQLITE_DONE;
    };
    const bool ok = ids(kVisitorConvIds, erased.convs) && ids(kVisitorAttachmentIds, erased.attachments) &&
                    run(kEraseAttachments, nullptr) && run(kEraseReadMarks, nullptr) && run(kEraseEvents, nullptr) &&
                    run(kEraseMessages, &erased.messages) &&
                    run(kEraseConvs, &erased.conversations) && run(kEraseVisitor, &erased.visitors);
    if (!ok) {
        Error e = fail("erase visitor");
        exec(kRollback);
        return e;
    }
    if (Status s = exec(kCommit); !s) {
        exec(kRollback);
        return s.error();
    }
    remove_attachment_files(erased.attachments);
    // The log still holds the pages as they were before the delete: copy everything
    // back and truncate it to zero bytes (empty_log; if that must wait, later).
    erased.log_emptied = static_cast<bool>(empty_log());
    return erased;
}

void SqliteStore::remove_attachment_files(const std::vector<std::string>& ids) {
    if (!attachments_dir_.empty() && !ids.empty()) attachments::AttachmentFiles::remove(attachments_dir_, ids);
}

Status SqliteStore::empty_log() {
    if (batch_open_) return storage_error("empty_log inside a batch");
    // A running relay's background checkpointer may hold the checkpoint lock (a PASSIVE
    // round): SQLite then refuses TRUNCATE at once. So its rounds are held off first
    // (the wait: the rest of one round). A reader in another process (a backup) is
    // waited for briefly, a few times; beyond that the caller tries again later.
    std::unique_lock<std::mutex> held;
    if (checkpointer_) held = checkpointer_->hold();
    sqlite3_busy_timeout(db_, kEmptyLogBusyMs);
    int rc = SQLITE_BUSY;
    for (int attempt = 0; attempt < kEmptyLogAttempts && rc == SQLITE_BUSY; ++attempt)
        rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
    if (rc == SQLITE_OK) return Ok{};
    return fail("the write-ahead log could not be emptied (a reader holds it)");
}

// ---- retention --------------------------------------------------------------------

Result<std::vector<ClosedConversation>> SqliteStore::closed_before(std::int64_t cutoff,
                                                                   std::int64_t after_updated,
                                                                   const std::string& after_conv, int limit) {
    auto p = prepare(kClosedBefore);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, cutoff).bind(2, after_updated).bind(3, after_conv).bind(4, std::int64_t{limit});
    std::vector<ClosedConversation> out;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
        ClosedConversation c{column_text(s.get(), 0), sqlite3_column_int64(s.get(), 1), std::nullopt};
        if (sqlite3_column_type(s.get(), 2) != SQLITE_NULL) c.route = column_text(s.get(), 2);
        out.push_back(std::move(c));
    }
    if (rc != SQLITE_DONE) return fail("list closed conversations");
    return out;
}

Result<Erased> SqliteStore::erase_conversations(const std::vector<std::string>& convs) {
    // As erase_visitor: one transaction, then a checkpoint that empties the log.
    if (batch_open_) return storage_error("erase_conversations inside a batch");
    Erased erased;
    if (convs.empty()) return erased;
    if (Status s = exec(kBegin); !s) return s.error();
    auto run = [&](const char* sql, const std::string& id, int* count) {
        auto p = prepare(sql);
        if (!p) return false;
        Stmt s(p.value());
        if (s.bind(1, id).step() != SQLITE_DONE) return false;
        if (count) *count += sqlite3_changes(db_);
        return true;
    };
    bool ok = true;
    std::vector<std::string> visitors;
    for (const std::string& conv : convs) {
        if (!ok) break;
        auto p = prepare(kVisitorOfConv);
        if (!p) { ok = false; break; }
        Stmt s(p.value());
        const int rc = s.bind(1, conv).step();
        if (rc == SQLITE_DONE) continue;  // no such conversation
        if (rc != SQLITE_ROW) { ok = false; break; }
        visitors.push_back(column_text(s.get(), 0));
        {
            auto a = prepare(kConvAttachmentIds);
            if (!a) { ok = false; break; }
            Stmt ids(a.value());
            ids.bind(1, conv);
            int rc2;
            while ((rc2 = ids.step()) == SQLITE_ROW) erased.attachments.push_back(column_text(ids.get(), 0));
            if (rc2 != SQLITE_DONE) { ok = false; break; }
        }
        ok = run(kPurgeAttachments, conv, nullptr) && run(kPurgeReadMarks, conv, nullptr) && run(kPurgeEvents, conv, nullptr) &&
             run(kPurgeMessages, conv, &erased.messages) &&
             run(kPurgeConv, conv, &erased.conversations);
    }
    for (const std::string& v : visitors)
        if (ok) ok = run(kPurgeLoneVisitor, v, &erased.visitors);
    if (!ok) {
        Error e = fail("erase conversations");
        exec(kRollback);
        return e;
    }
    if (Status s = exec(kCommit); !s) {
        exec(kRollback);
        return s.error();
    }
    remove_attachment_files(erased.attachments);
    erased.log_emptied = static_cast<bool>(empty_log());
    return erased;
}

Status SqliteStore::begin_batch() {
    if (batch_open_) return Ok{};
    if (Status s = exec(kBegin); !s) return s;
    batch_open_ = true;
    return Ok{};
}

Status SqliteStore::commit_batch() {
    if (!batch_open_) return Ok{};
    batch_open_ = false;
    // SQLite may already have rolled the transaction back (I/O error, disk full):
    // then there is nothing to commit and the batch is lost, which is a failure.
    // Either way the webhook store's heads in memory followed the batch's writes (issue
    // 18: enqueued rows, settled outcomes) and are rebuilt from the table.
    if (sqlite3_get_autocommit(db_) != 0) {
        if (webhooks_) webhooks_->batch_rolled_back();
        return storage_error("the batch was rolled back");
    }
    Status s = exec(kCommit);
    if (!s && sqlite3_get_autocommit(db_) == 0) exec(kRollback);
    if (!s && webhooks_) webhooks_->batch_rolled_back();
    return s;
}

Status SqliteStore::set_route(const std::string& conv, const std::string& record) {
    auto p = prepare(kSetRoute);
    if (!p) return p.error();
    Stmt s(p.value());
    if (s.bind(1, conv).bind(2, record).step() != SQLITE_DONE) return fail("set route");
    if (sqlite3_changes(db_) == 0) return storage_error("no such conversation: " + conv);
    return Ok{};
}

Result<std::optional<std::string>> SqliteStore::route_of(const std::string& conv) {
    auto p = prepare(kRouteOf);
    if (!p) return p.error();
    Stmt s(p.value());
    const int rc = s.bind(1, conv).step();
    if (rc == SQLITE_DONE || (rc == SQLITE_ROW && sqlite3_column_type(s.get(), 0) == SQLITE_NULL))
        return std::optional<std::string>{};
    if (rc != SQLITE_ROW) return fail("read route");
    return std::optional<std::string>{column_text(s.get(), 0)};
}

Result<std::optional<Agent>> SqliteStore::find_agent_by_email(const std::string& email) {
    auto p = prepare(kAgentByEmail);
    if (!p) return p.error();
    Stmt s(p.value());
    const int rc = s.bind(1, email).step();
    if (rc == SQLITE_DONE) return std::optional<Agent>{};
    if (rc != SQLITE_ROW) return fail("find agent");
    return std::optional<Agent>{read_agent(s.get())};
}

Result<std::optional<Agent>> SqliteStore::find_agent(const std::string& id) {
    auto p = prepare(kAgentById);
    if (!p) return p.error();
    Stmt s(p.value());
    const int rc = s.bind(1, id).step();
    if (rc == SQLITE_DONE) return std::optional<Agent>{};
    if (rc != SQLITE_ROW) return fail("find agent");
    return std::optional<Agent>{read_agent(s.get())};
}

Status SqliteStore::create_session(const AgentSession& session) {
    auto p = prepare(kInsertSession);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, session.token_hash).bind(2, session.agent_id).bind(3, session.expires);
    if (s.bind(4, session.created).bind(5, session.last_used).step() != SQLITE_DONE)
        return fail("create session");
    return Ok{};
}

Result<std::optional<AgentSession>> SqliteStore::find_session(const std::string& token_hash) {
    auto p = prepare(kFindSession);
    if (!p) return p.error();
    Stmt s(p.value());
    const int rc = s.bind(1, token_hash).step();
    if (rc == SQLITE_DONE) return std::optional<AgentSession>{};
    if (rc != SQLITE_ROW) return fail("find session");
    return std::optional<AgentSession>{read_session(s.get())};
}

Status SqliteStore::touch_session(const std::string& token_hash, std::int64_t now) {
    auto p = prepare(kTouchSession);
    if (!p) return p.error();
    Stmt s(p.value());
    if (s.bind(1, token_hash).bind(2, now).step() != SQLITE_DONE) return fail("touch session");
    return Ok{};
}

Result<std::vector<AgentSession>> SqliteStore::sessions_of_agent(const std::string& agent_id) {
    auto p = prepare(kSessionsOfAgent);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, agent_id);
    std::vector<AgentSession> out;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) out.push_back(read_session(s.get()));
    if (rc != SQLITE_DONE) return fail("list sessions");
    return out;
}

Result<bool> SqliteStore::delete_session(const std::string& token_hash) {
    auto p = prepare(kDeleteSession);
    if (!p) return p.error();
    Stmt s(p.value());
    if (s.bind(1, token_hash).step() != SQLITE_DONE) return fail("delete session");
    return sqlite3_changes(db_) > 0;
}

Result<std::int64_t> SqliteStore::delete_sessions_of_agent(const std::string& agent_id) {
    auto p = prepare(kDeleteAgentSessions);
    if (!p) return p.error();
    Stmt s(p.value());
    if (s.bind(1, agent_id).step() != SQLITE_DONE) return fail("delete sessions");
    return std::int64_t{sqlite3_changes(db_)};
}

Result<std::int64_t> SqliteStore::purge_sessions(std::int64_t now) {
    auto p = prepare(kPurgeSessions);
    if (!p) return p.error();
    Stmt s(p.value());
    if (s.bind(1, now).step() != SQLITE_DONE) return fail("purge sessions");
    return std::int64_t{sqlite3_changes(db_)};
}

Status SqliteStore::set_agent_disabled(const std::string& agent_id, bool disabled) {
    if (Status s = exec(kSavepointDisable); !s) return s;
    auto undo = [&](Error e) {
        step_prepared(kRollbackDisable);
        step_prepared(kReleaseDisable);
        return e;
    };
    {
        auto p = prepare(kSetAgentDisabled);
        if (!p) return undo(p.error());
        Stmt s(p.value());
        if (s.bind(1, agent_id).bind(2, std::int64_t{disabled ? 1 : 0}).step() != SQLITE_DONE)
            return undo(fail("disable agent"));
        if (sqlite3_changes(db_) == 0) return undo(storage_error("no such agent: " + agent_id));
    }
    if (disabled) {
        auto n = delete_sessions_of_agent(agent_id);
        if (!n) return undo(n.error());
    }
    if (Status s = exec(kReleaseDisable); !s) return undo(s.error());
    return Ok{};
}

Status SqliteStore::update_agent(const Agent& agent, bool revoke_sessions) {
    if (Status s = exec(kSavepointAdmin); !s) return s;
    auto undo = [&](Error e) {
        step_prepared(kRollbackAdmin);
        step_prepared(kReleaseAdmin);
        return e;
    };
    {
        auto p = prepare(kUpdateAgent);
        if (!p) return undo(p.error());
        Stmt s(p.value());
        s.bind(1, agent.id).bind(2, agent.name).bind(3, agent.password_hash).bind(4, join_list(agent.teams));
        s.bind(5, join_list(agent.skills)).bind(6, std::int64_t{agent.preferred});
        s.bind(7, std::int64_t{agent.max_load});
        if (s.bind(8, std::int64_t{agent.supervisor ? 1 : 0}).step() != SQLITE_DONE) return undo(fail("update agent"));
        if (sqlite3_changes(db_) == 0) return undo(storage_error("no such agent: " + agent.id));
    }
    if (revoke_sessions) {
        auto n = delete_sessions_of_agent(agent.id);
        if (!n) return undo(n.error());
    }
    if (Status s = exec(kReleaseAdmin); !s) return undo(s.error());
    return Ok{};
}

Status SqliteStore::delete_agent(const std::string& agent_id) {
    if (Status s = exec(kSavepointAdmin); !s) return s;
    auto undo = [&](Error e) {
        step_prepared(kRollbackAdmin);
        step_prepared(kReleaseAdmin);
        return e;
    };
    if (auto n = delete_sessions_of_agent(agent_id); !n) return undo(n.error());  // they reference the row
    {
        auto p = prepare(kDeleteAgent);
        if (!p) return undo(p.error());
        Stmt s(p.value());
        if (s.bind(1, agent_id).step() != SQLITE_DONE) return undo(fail("delete agent"));
        if (sqlite3_changes(db_) == 0) return undo(storage_error("no such agent: " + agent_id));
    }
    if (Status s = exec(kReleaseAdmin); !s) return undo(s.error());
    return Ok{};
}

// ---- settings -------------------------------------------------------------------

Result<std::optional<std::string>> SqliteStore::get_setting(const std::string& key) {
    auto p = prepare(kGetSetting);
    if (!p) return p.error();
    Stmt s(p.value());
    const int rc = s.bind(1, key).step();
    if (rc == SQLITE_DONE) return std::optional<std::string>{};
    if (rc != SQLITE_ROW) return fail("read setting");
    return std::optional<std::string>{column_text(s.get(), 0)};
}

Status SqliteStore::put_setting(const std::string& key, const std::string& value) {
    auto p = prepare(kPutSetting);
    if (!p) return p.error();
    Stmt s(p.value());
    if (s.bind(1, key).bind(2, value).step() != SQLITE_DONE) return fail("write setting");
    return Ok{};
}

// ---- audit log ------------------------------------------------------------------

Result<std::int64_t> SqliteStore::append_audit(const AuditEntry& e) {
    // One statement: atomic alone, and inside a batch it commits with the batch.
    auto p = prepare(kInsertAudit);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, e.ts).bind(2, e.actor_role).bind(3, e.actor_id).bind(4, e.actor_name).bind(5, e.action);
    s.bind(6, e.conv).bind(7, e.target).bind(8, e.detail).bind(9, e.address);
    if (s.step() != SQLITE_DONE) return fail("append audit entry");
    return std::int64_t{sqlite3_last_insert_rowid(db_)};
}

Result<std::vector<AuditEntry>> SqliteStore::audit_before(std::int64_t before, int limit) {
    auto p = prepare(kAuditBefore);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, before <= 0 ? std::numeric_limits<std::int64_t>::max() : before).bind(2, std::int64_t{limit});
    std::vector<AuditEntry> out;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) out.push_back(read_audit(s.get()));
    if (rc != SQLITE_DONE) return fail("read audit log");
    return out;
}

Result<std::vector<AuditEntry>> SqliteStore::audit_after(std::int64_t after, int limit) {
    auto p = prepare(kAuditAfter);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, after).bind(2, std::int64_t{limit});
    std::vector<AuditEntry> out;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) out.push_back(read_audit(s.get()));
    if (rc != SQLITE_DONE) return fail("read audit log");
    return out;
}

Result<std::int64_t> SqliteStore::purge_audit_before(std::int64_t before_ts, int limit) {
    // The cutoff first (the trigger reads it), then the delete: inside a batch both
    // commit with it; alone, a cutoff recorded without its delete only allows a later one.
    if (Status put = put_setting(kAuditPurgeSetting, std::to_string(before_ts)); !put) return put.error();
    auto p = prepare(kPurgeAudit);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, before_ts).bind(2, std::int64_t{limit});
    if (s.step() != SQLITE_DONE) return fail("purge the audit log");
    return std::int64_t{sqlite3_changes(db_)};
}

// ---- conversation events (issue 18) ----------------------------------------------

Result<std::vector<MessageStamp>> SqliteStore::visible_message_stamps(const std::string& conv) {
    auto p = prepare(kVisibleStamps);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, conv);
    std::vector<MessageStamp> out;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) out.push_back(MessageStamp{sqlite3_column_int64(s.get(), 0), column_text(s.get(), 1)});
    if (rc != SQLITE_DONE) return fail("read message times");
    return out;
}

Status SqliteStore::append_event(const ConvEvent& e) {
    auto p = prepare(kInsertEvent);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, e.ts).bind(2, e.conv).bind(3, e.kind).bind(4, e.team).bind(5, e.agent).bind(6, e.detail).bind(7, e.intent);
    if (s.step() != SQLITE_DONE) return fail("append conversation event");
    return Ok{};
}

Result<std::vector<ConvEvent>> SqliteStore::events_of_conversations_opened(std::int64_t from, std::int64_t to) {
    auto p = prepare(kEventsOfOpened);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, from).bind(2, to);
    std::vector<ConvEvent> out;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW)
        out.push_back(ConvEvent{sqlite3_column_int64(s.get(), 0), sqlite3_column_int64(s.get(), 1),
                                column_text(s.get(), 2), column_text(s.get(), 3), column_text(s.get(), 4),
                                column_text(s.get(), 5), column_text(s.get(), 6), column_text(s.get(), 7)});
    if (rc != SQLITE_DONE) return fail("read conversation events");
    return out;
}

// ---- quality flags (issue 18) ------------------------------------------------------

namespace {
QualityFlag read_flag(sqlite3_stmt* s) {
    return QualityFlag{sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1), column_text(s, 2), column_text(s, 3),
                       column_text(s, 4),         sqlite3_column_int64(s, 5), column_text(s, 6),
                       sqlite3_column_int64(s, 7)};
}
}  // namespace

Result<std::int64_t> SqliteStore::add_flag(const QualityFlag& f) {
    auto p = prepare(kInsertFlag);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, f.ts).bind(2, f.conv).bind(3, f.kind).bind(4, f.detail).bind(5, f.seq);
    if (s.step() != SQLITE_DONE) return fail("store a quality flag");
    return std::int64_t{sqlite3_last_insert_rowid(db_)};
}

Result<std::vector<QualityFlag>> SqliteStore::flags_before(std::int64_t before, bool open_only, int limit) {
    auto p = prepare(open_only ? kOpenFlagsBefore : kFlagsBefore);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, before > 0 ? before : INT64_MAX).bind(2, std::int64_t{limit});
    std::vector<QualityFlag> out;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) out.push_back(read_flag(s.get()));
    if (rc != SQLITE_DONE) return fail("read quality flags");
    return out;
}

Result<std::optional<QualityFlag>> SqliteStore::find_flag(std::int64_t id) {
    auto p = prepare(kFindFlag);
    if (!p) return p.error();
    Stmt s(p.value());
    const int rc = s.bind(1, id).step();
    if (rc == SQLITE_DONE) return std::optional<QualityFlag>();
    if (rc != SQLITE_ROW) return fail("read a quality flag");
    return std::optional<QualityFlag>(read_flag(s.get()));
}

Result<bool> SqliteStore::review_flag(std::int64_t id, const std::string& by, std::int64_t at) {
    auto p = prepare(kReviewFlag);
    if (!p) return p.error();
    Stmt s(p.value());
    if (s.bind(1, id).bind(2, by).bind(3, at).step() != SQLITE_DONE) return fail("review a quality flag");
    return sqlite3_changes(db_) > 0;
}

Result<bool> SqliteStore::has_open_flag(const std::string& conv, const std::string& kind) {
    auto p = prepare(kHasOpenFlag);
    if (!p) return p.error();
    Stmt s(p.value());
    const int rc = s.bind(1, conv).bind(2, kind).step();
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return fail("read quality flags");
    return rc == SQLITE_ROW;
}

Result<std::int64_t> SqliteStore::open_flag_count() {
    auto p = prepare(kOpenFlagCount);
    if (!p) return p.error();
    Stmt s(p.value());
    if (s.step() != SQLITE_ROW) return fail("count quality flags");
    return std::int64_t{sqlite3_column_int64(s.get(), 0)};
}

Result<std::vector<ConvEvent>> SqliteStore::events_of_kind(const std::string& kind, std::int64_t from,
                                                           std::int64_t to) {
    auto p = prepare(kEventsOfKind);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, kind).bind(2, from).bind(3, to);
    std::vector<ConvEvent> out;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW)
        out.push_back(ConvEvent{sqlite3_column_int64(s.get(), 0), sqlite3_column_int64(s.get(), 1),
                                column_text(s.get(), 2), column_text(s.get(), 3), column_text(s.get(), 4),
                                column_text(s.get(), 5), column_text(s.get(), 6), column_text(s.get(), 7)});
    if (rc != SQLITE_DONE) return fail("read conversation events");
    return out;
}

// ---- agents' availability (issue 18) ---------------------------------------------

Status SqliteStore::append_agent_event(const AgentEvent& e) {
    auto p = prepare(kInsertAgentEvent);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, e.ts).bind(2, e.agent).bind(3, e.status).bind(4, e.load).bind(5, e.reason);
    if (s.step() != SQLITE_DONE) return fail("append agent event");
    return Ok{};
}

Result<std::vector<AgentEvent>> SqliteStore::agent_events_between(std::int64_t from, std::int64_t to) {
    auto p = prepare(kAgentEventsBetween);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, from).bind(2, to);
    std::vector<AgentEvent> out;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW)
        out.push_back(AgentEvent{sqlite3_column_int64(s.get(), 0), sqlite3_column_int64(s.get(), 1),
                                 column_text(s.get(), 2), column_text(s.get(), 3),
                                 sqlite3_column_int64(s.get(), 4), column_text(s.get(), 5)});
    if (rc != SQLITE_DONE) return fail("read agent events");
    return out;
}

Result<std::int64_t> SqliteStore::purge_agent_events_before(std::int64_t before_ts) {
    auto p = prepare(kPurgeAgentEvents);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, before_ts);
    if (s.step() != SQLITE_DONE) return fail("purge agent events");
    return std::int64_t{sqlite3_changes(db_)};
}

// ---- bot API keys (issue 16) ------------------------------------------------------

namespace {
BotKey read_bot_key(sqlite3_stmt* s) {
    return BotKey{column_text(s, 0), column_text(s, 1), column_text(s, 2), sqlite3_column_int64(s, 3),
                  sqlite3_column_int64(s, 4)};
}
}  // namespace

Status SqliteStore::create_bot_key(const BotKey& key) {
    auto p = prepare(kInsertBotKey);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, key.name).bind(2, key.display_name).bind(3, key.key_hash).bind(4, key.created);
    if (s.step() != SQLITE_DONE) return fail("create bot key (a key of that name exists?)");
    return Ok{};
}

Result<std::optional<BotKey>> SqliteStore::find_bot_key(const std::string& key_hash) {
    auto p = prepare(kFindBotKey);
    if (!p) return p.error();
    Stmt s(p.value());
    const int rc = s.bind(1, key_hash).step();
    if (rc == SQLITE_DONE) return std::optional<BotKey>{};
    if (rc != SQLITE_ROW) return fail("find bot key");
    return std::optional<BotKey>{read_bot_key(s.get())};
}

Status SqliteStore::touch_bot_key(const std::string& key_hash, std::int64_t now) {
    auto p = prepare(kTouchBotKey);
    if (!p) return p.error();
    Stmt s(p.value());
    if (s.bind(1, key_hash).bind(2, now).step() != SQLITE_DONE) return fail("touch bot key");
    return Ok{};
}

Result<std::vector<BotKey>> SqliteStore::list_bot_keys() {
    auto p = prepare(kListBotKeys);
    if (!p) return p.error();
    Stmt s(p.value());
    std::vector<BotKey> out;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) out.push_back(read_bot_key(s.get()));
    if (rc != SQLITE_DONE) return fail("list bot keys");
    return out;
}

Result<bool> SqliteStore::delete_bot_key(const std::string& name) {
    auto p = prepare(kDeleteBotKey);
    if (!p) return p.error();
    Stmt s(p.value());
    if (s.bind(1, name).step() != SQLITE_DONE) return fail("delete bot key");
    return sqlite3_changes(db_) > 0;
}

}  // namespace parley::relay

// ---- customer context and canned responses (issue 17) -------------------------------
namespace parley::relay {

namespace {
std::string context_binding(std::string_view conv, const char* column) {
    return seal_binding(std::string("conv_context.") + column, {conv});
}
}  // namespace

Status SqliteStore::put_conv_context(const std::string& conv, const ConvContext& c) {
    auto p = prepare(kPutConvContext);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, conv);
    bind_personal(s, 2, c.page_url, context_binding(conv, "page_url"));
    bind_personal(s, 3, c.page_title, context_binding(conv, "page_title"));
    bind_personal(s, 4, c.user_agent, context_binding(conv, "user_agent"));
    s.bind(5, c.updated);
    if (s.step() != SQLITE_DONE) return fail("store conversation context");
    if (sqlite3_changes(db_) != 1) return storage_error("no such conversation: " + conv);
    return Ok{};
}

Result<std::optional<ConvContext>> SqliteStore::find_conv_context(const std::string& conv) {
    auto p = prepare(kFindConvContext);
    if (!p) return p.error();
    Stmt s(p.value());
    const int rc = s.bind(1, conv).step();
    if (rc == SQLITE_DONE) return std::optional<ConvContext>{};
    if (rc != SQLITE_ROW) return fail("find conversation context");
    ConvContext c;
    const char* columns[] = {"page_url", "page_title", "user_agent"};
    std::string* out[] = {&c.page_url, &c.page_title, &c.user_agent};
    for (int i = 0; i < 3; ++i) {
        auto v = personal(s.get(), i, context_binding(conv, columns[i]));
        if (!v) return v.error();
        *out[i] = std::move(v).value();
    }
    c.updated = sqlite3_column_int64(s.get(), 3);
    return std::optional<ConvContext>{std::move(c)};
}

Result<std::vector<ConvSummary>> SqliteStore::conversations_of(const std::string& visitor_id, int limit) {
    auto p = prepare(kConvsOfVisitor);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, visitor_id).bind(2, std::int64_t{limit});
    return read_summaries(s, "list the visitor's conversations", /*with_intent=*/true);
}

Result<std::vector<ConvEvent>> SqliteStore::events_of_conversation(const std::string& conv) {
    auto p = prepare(kEventsOfConv);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, conv);
    std::vector<ConvEvent> out;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW)
        out.push_back(ConvEvent{sqlite3_column_int64(s.get(), 0), sqlite3_column_int64(s.get(), 1),
                                column_text(s.get(), 2), column_text(s.get(), 3), column_text(s.get(), 4),
                                column_text(s.get(), 5), column_text(s.get(), 6), column_text(s.get(), 7)});
    if (rc != SQLITE_DONE) return fail("read conversation events");
    return out;
}

namespace {
CannedRecord read_canned(sqlite3_stmt* s) {
    return CannedRecord{column_text(s, 0), column_text(s, 1), column_text(s, 2), column_text(s, 3),
                        sqlite3_column_int64(s, 4)};
}
}  // namespace

Status SqliteStore::put_canned(const CannedRecord& r) {
    auto p = prepare(kPutCanned);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, r.id).bind(2, r.owner).bind(3, r.shortcut).bind(4, r.text).bind(5, r.updated);
    if (s.step() != SQLITE_DONE) return fail("store canned response");
    return Ok{};
}

Result<std::optional<CannedRecord>> SqliteStore::find_canned(const std::string& id) {
    auto p = prepare(kFindCanned);
    if (!p) return p.error();
    Stmt s(p.value());
    const int rc = s.bind(1, id).step();
    if (rc == SQLITE_DONE) return std::optional<CannedRecord>{};
    if (rc != SQLITE_ROW) return fail("find canned response");
    return std::optional<CannedRecord>{read_canned(s.get())};
}

Result<std::vector<CannedRecord>> SqliteStore::canned_of(const std::string& owner) {
    auto p = prepare(kCannedOf);
    if (!p) return p.error();
    Stmt s(p.value());
    s.bind(1, owner);
    std::vector<CannedRecord> out;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) out.push_back(read_canned(s.get()));
    if (rc != SQLITE_DONE) return fail("list canned responses");
    return out;
}

Result<bool> SqliteStore::delete_canned(const std::string& id) {
    auto p = prepare(kDeleteCanned);
    if (!p) return p.error();
    Stmt s(p.value());
    if (s.bind(1, id).step() != SQLITE_DONE) return fail("delete canned response");
    return sqlite3_changes(db_) > 0;
}

}  // namespace parley::relay
