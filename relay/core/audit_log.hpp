// AuditLog: what the relay writes to its append-only audit log (P7, issue 15) — the
// action names, and the rules that keep personal data out of the entries.
//
// Theory of operation
// -------------------
// The Hub (and the offline commands of main.cpp) build one protocol::AuditEntry per
// security-relevant act and hand it to Store::append_audit, inside the Hub's group-commit
// batch like every other write (no fsync of its own). What an entry may hold:
//   - ids (agents', conversations', visitors', sessions' public ids), action names,
//     teams, an agent's display name (staff are accountable by name);
//   - the client's address as the login throttle keys it (IPv6: its /64);
//   - never a message, note or transfer-note text, nor a visitor's name, e-mail or page:
//     erasing a visitor (Store::erase_visitor) then leaves nothing of theirs here, and the
//     log needs no erasure of its own. A visitor id left in the log names nobody once the
//     visitor is erased.
//   - a failed login for an e-mail no agent has: not the typed text (it is often a
//     password typed in the wrong field, or a stranger's address) but email_digest(): a
//     keyed BLAKE2b digest, so repeated attempts on one address can be correlated, and
//     nobody reading the log (or an export of it) can recover or confirm an address by
//     hashing guesses without the relay's key.
// Every text field is clipped (kMaxAuditField bytes), so an entry stays small whatever an
// agent's name is, and a page of kMaxAuditPage entries fits a frame (the Hub trims more
// if it must).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "parley/protocol/frames.hpp"

namespace parley::relay::audit {

// Action names, as stored and shown (docs/operations.md, "Audit log").
inline constexpr const char* kLoginOk = "login.ok";
inline constexpr const char* kLoginFailed = "login.failed";
inline constexpr const char* kLoginThrottled = "login.throttled";
inline constexpr const char* kLogout = "logout";                  // this session
inline constexpr const char* kLogoutAll = "logout.all";           // sign out everywhere
inline constexpr const char* kSessionRevoked = "session.revoked"; // another session, by id
inline constexpr const char* kTransfer = "conv.transfer";
inline constexpr const char* kClose = "conv.close";
inline constexpr const char* kReopen = "conv.reopen";
inline constexpr const char* kReadOutsideTeam = "conv.read_outside_team";  // supervisors
inline constexpr const char* kVisitorExport = "visitor.export";   // CLI, and supervisors' export_visitor
inline constexpr const char* kVisitorErase = "visitor.erase";     // CLI, and supervisors' erase_visitor
inline constexpr const char* kAuditExport = "audit.export";       // CLI
// Agent administration (issue 17, auth/agent_admin.hpp): the CLI, and supervisors.
inline constexpr const char* kAgentAdd = "agent.add";
inline constexpr const char* kAgentDisable = "agent.disable";
inline constexpr const char* kAgentEnable = "agent.enable";
inline constexpr const char* kAgentUpdate = "agent.update";
inline constexpr const char* kAgentResetPassword = "agent.reset_password";
inline constexpr const char* kAgentRemove = "agent.remove";
inline constexpr const char* kConfigRouting = "config.routing";   // relay start, changed
inline constexpr const char* kConfigApply = "config.apply";       // PUT /api/v1/config (issue 18)
inline constexpr const char* kConfigRollback = "config.rollback"; // POST /api/v1/config/rollback
inline constexpr const char* kBotKeyCreate = "bot_key.create";    // CLI (issue 16)
inline constexpr const char* kHandoff = "conv.handoff";           // a bot (issue 16)
inline constexpr const char* kHandback = "conv.handback";         // an agent (issue 16)
inline constexpr const char* kBotKeyRevoke = "bot_key.revoke";    // CLI (issue 16)
// A device welcomed as a verified user's visitor it did not hold (issue 17): the trail
// to follow if a site's user_hash or identity token leaked.
inline constexpr const char* kIdentityJoined = "identity.joined";
// The HTTP API (issue 18, relay/api/): every POST a key made (actor_role "api_key"), and
// the CLI's key commands.
inline constexpr const char* kApiWrite = "api.write";
inline constexpr const char* kApiExport = "api.export";  // a bulk read: what, which range, which format
inline constexpr const char* kApiKeyCreate = "api_key.create";
inline constexpr const char* kApiKeyRevoke = "api_key.revoke";
// Webhook subscriptions by the API (the CLI's commands, run by whoever holds the data
// directory, are not audited, like its other store edits): detail the id (and URL),
// a replay the dead letter's id and the new delivery's.
inline constexpr const char* kWebhookAdd = "webhook.add";
inline constexpr const char* kWebhookRemove = "webhook.remove";
inline constexpr const char* kWebhookEnable = "webhook.enable";
inline constexpr const char* kWebhookDisable = "webhook.disable";
inline constexpr const char* kWebhookReplay = "webhook.replay";
// A quality flag marked reviewed (issue 18, docs/quality.md): detail its kind and id.
inline constexpr const char* kFlagReview = "flag.review";
// Canned responses changed through the HTTP API (target: the response id; detail: its
// owner and shortcut). The console's own changes are not audited (an agent's phrasebook).
inline constexpr const char* kCannedSave = "canned.save";
inline constexpr const char* kCannedDelete = "canned.delete";
// The log's own retention window (--retain-audit-days): how many entries went, and the
// cutoff, so that the log says where its history starts.
inline constexpr const char* kAuditPurge = "audit.purge";

// Longest text of any field; longer ones are cut (on a UTF-8 boundary).
constexpr std::size_t kMaxAuditField = 128;

// "email:" + 16 hex digits: a digest of the lower-cased e-mail keyed with `key` (the
// relay's oldest visitor-token key: the same on every start of one data directory).
std::string email_digest(std::string_view key, std::string_view email);

// The entry with every text field clipped to kMaxAuditField bytes.
protocol::AuditEntry clipped(protocol::AuditEntry entry);

// One JSON object per entry (no newline), as --export-audit prints it.
std::string entry_json(const protocol::AuditEntry& entry);

}  // namespace parley::relay::audit
