// The relay's options (see docs/operations.md "Configuration"): what they are is
// declared once in config/option_table.cpp, read from flags, PARLEY_* variables and a
// TOML file by config/config_sources.hpp. Pure, so it is tested without starting anything.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace parley::relay {

struct Options {
    std::string host = "127.0.0.1";
    int port = 8080;
    std::string data_dir = "./data";
    std::string web_root;
    std::vector<std::string> allow_origins;
    bool demo_agent = false;
    // The demo agent's password: main.cpp reads it from --demo-password-file PATH, else
    // from $PARLEY_DEMO_PASSWORD (never from the command line: --demo-password is refused).
    std::string demo_password_file;
    bool add_agent = false;  // --add-agent EMAIL NAME: create, then exit
    std::string agent_email;
    std::string agent_name;
    // --disable-agent EMAIL / --enable-agent EMAIL: set the flag, then exit. Disabling
    // revokes every session of the agent; a running relay closes their connections.
    std::string disable_agent, enable_agent;
    // Issue 17 (auth/agent_admin.hpp): --update-agent ID|EMAIL with any of --team,
    // --skill, --preferred, --max-load, --supervisor (only those given change);
    // --reset-password ID|EMAIL prints a new password once and revokes every session;
    // --remove-agent ID|EMAIL deletes the account (history keeps their name). Each exits.
    std::string update_agent, reset_password, remove_agent;
    bool agent_preferred_given = false, agent_max_given = false, agent_supervisor_given = false;
    // Bots (issue 16): --create-bot-key NAME [--bot-name "…"] prints a new API key once;
    // --revoke-bot-key NAME deletes it (a running relay closes its bot's connections
    // within 10 s); --list-bot-keys lists them. Each exits after its work.
    std::string create_bot_key, bot_name, revoke_bot_key;
    bool list_bot_keys = false;
    // The HTTP API (issue 18, api/api_keys.hpp): --create-api-key NAME [--scope S] prints
    // a new key once; --revoke-api-key ID, --list-api-keys. Each exits after its work.
    std::string create_api_key, api_key_scope = "read", revoke_api_key;
    bool list_api_keys = false;
    int api_rate = 10, api_burst = 50;   // requests per second / at once, one API key
    int api_max_body_bytes = 64 * 1024;  // an API request's body; beyond it 413
    int attachment_max_bytes = 10 * 1024 * 1024;  // one uploaded file (issue 17); beyond it 413
    long long attachment_quota_bytes = 50'000'000;  // one visitor's uploads per day; 0: no quota
    // The relay's own handoff rules (core/hub_bots.cpp): bot_gone after this long without
    // a bot connection, bot_slow when a visitor's message has no bot answer within
    // bot_reply_secs (0: never), bot_looping beyond this many bot messages in a row (0:
    // never; the same text three times in a row always).
    int bot_grace_secs = 10;
    int bot_reply_secs = 15;
    int bot_max_turns_unanswered = 5;
    // Webhooks (issue 18, docs/webhooks.md). Commands: --add-webhook URL with
    // --webhook-events a,b prints the new subscription's id and secret once;
    // --list-webhooks; --remove-webhook ID; --replay-webhook DELIVERY_ID;
    // --replay-dead-webhooks ID (every dead letter of the subscription). Each exits.
    std::string add_webhook, webhook_events = "*", remove_webhook, replay_webhook, replay_dead_webhooks;
    bool list_webhooks = false;
    // Delivery: the retry schedule (before the 2nd, 3rd, … attempt; the last repeats),
    // attempts in all before the dead-letter list, deliveries in flight, timeouts, and
    // whether private/loopback destinations are allowed (SSRF; docs/security.md).
    std::string webhook_backoff = "5s,30s,2m,10m,30m,1h,2h,4h,8h";
    int webhook_max_attempts = 10;
    int webhook_concurrency = 8;
    int webhook_connect_timeout_ms = 5000;
    int webhook_timeout_ms = 15000;
    bool webhook_allow_private = false;
    bool help = false;
    bool version = false;  // --version: print it and exit (issue 18)
    // Privacy (P7): one visitor's data (id v_… or one of their conversations c_…),
    // exported as JSON to stdout or erased; then exit. Refused while a relay runs.
    std::string export_visitor;  // --export-visitor ID
    std::string erase_visitor;   // --erase-visitor ID
    // Token keys (P7, data at rest; auth/visitor_key_ring.hpp). Empty: DATA_DIR/keys/
    // visitor-token.key. --rotate-visitor-key makes a new signing key, then exits.
    std::string visitor_key_file;     // --visitor-key-file PATH
    bool rotate_visitor_key = false;  // --rotate-visitor-key
    // Identity (issue 17, auth/identity_secret_file.hpp). Empty: DATA_DIR/keys/
    // identity.secret. --create-identity-secret writes a new secret (the old one kept as
    // previous), prints it once, then exits.
    std::string identity_secret_file;      // --identity-secret-file PATH
    bool create_identity_secret = false;   // --create-identity-secret
    std::string identity_proof = "user_hash";  // --identity-proof user_hash|identity_token|both
    // Pre-chat form (issue 17, core/prechat_form.hpp): "name*,email*,order=Order number".
    std::string prechat_fields;  // --prechat-fields SPEC; "": no form
    // Quality flags (issue 18, docs/quality.md).
    std::vector<std::string> compliance_words;  // --compliance-word (repeatable)
    int flag_wait_secs = 300;                   // --flag-wait-secs; 0: no long-wait flags
    // Transcripts sealed at rest (P7; store/column_sealer.hpp). --generate-data-key
    // writes a new 32-byte key file, then exits. --data-key-file: seal with this key;
    // --old-data-key-file (repeatable): keys that only open (after a rotation);
    // --reseal-data: rewrite every value under the data key (or as plain text without
    // one), then exit; --forget-unreadable: with it, replace what no key opens.
    std::string generate_data_key;               // --generate-data-key PATH
    std::string data_key_file;                   // --data-key-file PATH
    std::vector<std::string> old_data_key_files; // --old-data-key-file PATH
    bool reseal_data = false;                    // --reseal-data
    bool forget_unreadable = false;              // --forget-unreadable
    // --export-audit: print the audit log as JSON lines, oldest first; then exit. Reads
    // only, so it may run beside a relay.
    bool export_audit = false;
    // Backup and restore (issue 18; store/backup.hpp): --backup-to DIR reads only and
    // runs beside a relay; --restore-from DIR takes the data dir's lock. Both then exit.
    std::string backup_to, restore_from;
    // --report [--from DATE] [--to DATE] [--by KEY] (issue 18, reports/): CSV on stdout.
    bool report = false;
    std::string report_from, report_to, report_by = "all";
    // Routing (P4): agents created by --add-agent, and the router's configuration.
    std::vector<std::string> agent_teams;   // --team (repeatable); default "general"
    std::vector<std::string> agent_skills;  // --skill (repeatable)
    int agent_preferred = 3;                // --preferred
    int agent_max = 5;                      // --max-load
    bool agent_supervisor = false;          // --supervisor
    std::string route_config;               // --route-config FILE (JSON, docs/routing.md §7)
    std::optional<long long> inactive_after_ms, away_grace_ms, offline_grace_ms, rerank_every_ms;
    // Triage and masking (P5, P7; docs/operations.md "Triage and personal data").
    std::string triage_model;       // --triage-model PATH; empty: the default model
    bool no_triage = false;         // --no-triage: run without a model (logged)
    bool commit_each = false;       // --commit-each: one sync per write, no group commit
    int commit_window_us = 1000;    // --commit-window-us: how long a batch gathers frames
    std::string mask_before_storage = "card,iban";  // kinds, parley::triage::parse_mask_kinds
    std::string mask_outbound = "all";
    std::string mask_in_browser = "card,iban";
    // Limits and heartbeats (docs/operations.md "Limits"; 0 switches one off).
    int conn_rate = 20, conn_burst = 60;  // frames per second / at once, one connection
    int ip_rate = 400, ip_burst = 800;    // the same for all connections of an address
    int bot_conn_rate = 2000, bot_conn_burst = 4000;  // one bot connection (issue 16)
    int max_conns_per_ip = 256;
    int max_sockets_per_ip = 512;   // TCP connections per address, before any handshake
    int handshake_timeout_secs = 5; // to send a whole HTTP request after connecting
    int heartbeat_secs = 20;   // ping a connection silent this long
    int dead_peer_secs = 45;   // hang up one silent this long
    // Logins (P7; docs/operations.md "Logins"): Argon2 checks off the loop, throttled.
    int login_threads = 1;              // checks at once (64 MiB of memory each)
    int login_queue = 16;               // checks waiting; beyond: error 4031
    int login_ip_checks = 2;            // checks of one address at once
    int login_free_failures = 5;        // per account: failures without delay
    int login_lock_after = 10;          // per account: failures that lock (0: never)
    long long login_delay_ms = 1000;    // first delay, doubled per further failure
    long long login_lock_ms = 900'000;  // per account: lock time (15 min)
    int login_ip_free_failures = 20;    // the same per client address
    int login_ip_lock_after = 30;
    long long login_ip_lock_ms = 3'600'000;  // 1 h
    int stall_secs = 30;       // 4001 to a connection that read nothing queued this long
    // Facing the internet (P7; docs/operations.md "TLS" and "Behind a proxy").
    std::string tls_cert, tls_key;             // --tls-cert / --tls-key (PEM; both or neither)
    std::vector<std::string> trusted_proxies;  // --trusted-proxy ADDR[/PREFIX] (repeatable)
    std::vector<std::string> metrics_allow;    // --metrics-allow ADDR[/PREFIX] (repeatable; issue 18)
    std::string log_format = "auto";           // --log-format auto|json|text (issue 18, net/log_sink.hpp)
    std::string log_level = "notice";          // --log-level error|warn|notice|info|debug
    // Retention (P7; docs/operations.md "Retention"): closed conversations purged after
    // N days without a message; 0 = kept forever (the default).
    int retain_closed_days = 0;                          // --retain-closed-days N
    std::map<std::string, int> retain_closed_days_team;  // --retain-closed-days-team TEAM=N
    int retain_audit_days = 0;                           // --retain-audit-days N (0: forever)
    long long retention_day_ms = 86'400'000;  // --retention-day-ms: a "day", for tests
    long long retention_sweep_ms = 300'000;   // --retention-sweep-ms: between sweeps
    // Quotas (P7; docs/operations.md "Limits"; 0 switches one off).
    long long quota_new_visitors = 30;          // new visitor identities per address per hour
    long long quota_new_conversations = 30;     // new conversations per address per hour
    long long quota_visitor_bytes = 1'000'000;  // stored message text per visitor per day
};

struct ParsedOptions {
    Options options;
    std::string error;  // non-empty: the command line is wrong (exit code 2)
};

// The command line alone (args without argv[0]); the first problem, if any, in error.
ParsedOptions parse_options(const std::vector<std::string>& args);

const char* usage();

}  // namespace parley::relay
