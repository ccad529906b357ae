#include "options.hpp"

#include <algorithm>
#include <charconv>

#include "net/client_address.hpp"
#include "parley/triage/analysis.hpp"

namespace parley::relay {

const char* usage() {
    return "usage: parley-relay [options]\n"
           "  --host HOST            address to listen on (default 127.0.0.1)\n"
           "  --port PORT            port, 0 = any free port (default 8080)\n"
           "  --data-dir DIR         where parley.db lives (default ./data, created)\n"
           "  --web-root DIR         serve static files from DIR at /\n"
           "  --allow-origin ORIGIN  allow browser WebSockets from ORIGIN (repeatable;\n"
           "                         default: the relay's own http://HOST:PORT,\n"
           "                         http://127.0.0.1:PORT, http://localhost:PORT)\n"
           "  --demo-agent           create demo@parley.local on first start\n"
           "  --demo-password-file PATH  the demo agent's password, read from PATH (first\n"
           "                         line); else $PARLEY_DEMO_PASSWORD; else random, printed.\n"
           "                         Never on the command line (ps shows it to every user)\n"
           "  --add-agent EMAIL NAME create an agent, password read from stdin, then exit\n"
           "  --export-visitor ID    print everything stored about one visitor as JSON\n"
           "                         (ID: v_... or one of their conversations c_...), exit\n"
           "  --erase-visitor ID     erase one visitor and their conversations for good,\n"
           "                         then exit (both refuse while a relay runs on DIR)\n"
           "  --visitor-key-file PATH  the keys that sign visitor tokens (default\n"
           "                         DIR/keys/visitor-token.key, created 0600)\n"
           "  --rotate-visitor-key   add a new signing key (older ones verify for 30 more\n"
           "                         days; no one is logged out), then exit; refuses while\n"
           "                         a relay runs on DIR\n"
           "  --identity-secret-file PATH  the secret a site's server signs its users'\n"
           "                         identities with (default DIR/keys/identity.secret; none:\n"
           "                         every identity claim is unverified)\n"
           "  --identity-proof KIND  user_hash (default), identity_token (JWT) or both: the\n"
           "                         proofs accepted; both only when users cannot choose\n"
           "                         their own user ids (docs/identity.md)\n"
           "  --create-identity-secret  write a new identity secret (the current one still\n"
           "                         verifies until the next), print it once, then exit\n"
           "  --generate-data-key PATH  write a new 32-byte data key (0600) to PATH, then\n"
           "                         exit; never overwrites a file\n"
           "  --data-key-file PATH   seal transcripts at rest with this key (message text,\n"
           "                         names; docs/security.md \"Sealed transcripts\")\n"
           "  --old-data-key-file PATH  an earlier data key: opens what it sealed, seals\n"
           "                         nothing (repeatable; for a rotation)\n"
           "  --reseal-data          rewrite every sealed value under --data-key-file (or,\n"
           "                         without one, as plain text), then exit; refuses while\n"
           "                         a relay runs on DIR\n"
           "  --forget-unreadable    with --reseal-data: replace values no given key opens\n"
           "                         (a lost key) by a placeholder instead of failing\n"
           "  --disable-agent EMAIL  disable an agent and revoke all their sessions, then\n"
           "                         exit; a running relay drops their connections within\n"
           "                         10 s\n"
           "  --enable-agent EMAIL   let a disabled agent sign in again, then exit\n"
           "  --export-audit         print the audit log as JSON lines, oldest first, exit\n"
           "  --create-bot-key NAME  create a bot's API key (NAME: 1-32 of a-z 0-9 _ -),\n"
           "                         print it once, then exit\n"
           "  --bot-name TEXT        with --create-bot-key: the bot's display name\n"
           "                         (default: NAME)\n"
           "  --revoke-bot-key NAME  revoke a bot's key, then exit; a running relay closes\n"
           "                         the bot's connections within 10 s\n"
           "  --list-bot-keys        list bots' keys (name, created, last used), then exit\n"
           "  --bot-grace-secs N     hand a bot's conversations to humans after N s with no\n"
           "                         bot connected (default 10)\n"
           "  --bot-reply-secs N     hand over when the bot has not answered a visitor's\n"
           "                         message within N s (default 15; 0: never)\n"
           "  --bot-max-turns-unanswered N  hand over after more than N bot messages in a\n"
           "                         row (default 5; 0: never; the same text 3 times always)\n"
           "  --triage-model PATH    intent model file (default: the installed default.ptm)\n"
           "  --no-triage            run without intent triage (masking still applies)\n"
           "  --commit-each          sync each message to disk on its own (default: group\n"
           "                         commit, one sync per event-loop pass; both ack only\n"
           "                         after the sync)\n"
           "  --commit-window-us N   group commit: wait up to N microseconds after a batch's\n"
           "                         first frame for more before the sync (default 1000;\n"
           "                         0: sync at the next loop pass)\n"
           "  --mask-before-storage KINDS  personal data masked before a message is stored\n"
           "                         (comma list of email,phone,card,iban; all; none;\n"
           "                         default card,iban)\n"
           "  --mask-outbound KINDS  masked before webhooks and bots (default all)\n"
           "  --mask-in-browser KINDS  masked by the widget before sending (default card,iban)\n"
           "  --team NAME            with --add-agent: a team of the agent (repeatable;\n"
           "                         default general)\n"
           "  --skill NAME           with --add-agent: a skill (repeatable)\n"
           "  --preferred N          with --add-agent: preferred concurrency (default 3)\n"
           "  --max-load N           with --add-agent: maximum load (default 5)\n"
           "  --supervisor           with --add-agent: sees every conversation and queue\n"
           "  --route-config FILE    routing configuration, JSON (docs/routing.md §7)\n"
           "  --inactive-after-ms N  silence that makes a conversation inactive (300000)\n"
           "  --away-grace-ms N      before an away agent's conversations move (120000)\n"
           "  --offline-grace-ms N   before an offline agent's conversations move (60000)\n"
           "  --rerank-every-ms N    re-rank connected agents' inboxes as waits grow (15000;\n"
           "                         0: only when something happens)\n"
           "  --conn-rate N          frames per second per connection (default 20;\n"
           "                         over it: error 4029 with retry_after_ms)\n"
           "  --conn-burst N         frames a connection may send at once (default 60)\n"
           "  --bot-conn-rate N      frames per second of a bot, all its connections\n"
           "                         (default 2000; not counted for its address)\n"
           "  --bot-conn-burst N     (default 4000)\n"
           "  --ip-rate N            frames per second per client address (default 400)\n"
           "  --ip-burst N           (default 800)\n"
           "  --max-conns-per-ip N   open connections per address (default 256; over it:\n"
           "                         close 4002)\n"
           "  --max-sockets-per-ip N TCP connections per address, counted before any\n"
           "                         handshake (default 512; never more than a quarter of\n"
           "                         the sockets the open-files limit allows; over it the\n"
           "                         connection is closed at once)\n"
           "  --handshake-timeout-secs N  close a connection that has not sent a whole HTTP\n"
           "                         request N s after connecting (default 5)\n"
           "  --heartbeat-secs N     ping a connection silent for N s (default 20)\n"
           "  --dead-peer-secs N     hang up one silent for N s (default 45; must exceed\n"
           "                         --heartbeat-secs)\n"
           "  --login-threads N      password checks at once, each with 64 MiB (default 1)\n"
           "  --login-queue N        password checks waiting (default 16; beyond: 4031)\n"
           "  --login-ip-checks N    password checks of one address at once (default 2)\n"
           "  --login-free-failures N  failed logins of an account before delays (default 5)\n"
           "  --login-delay-ms N     the first delay, doubled per further failure (1000)\n"
           "  --login-lock-after N   failed logins that lock an account (default 10; 0: never)\n"
           "  --login-lock-ms N      how long an account is locked (default 900000)\n"
           "  --login-ip-free-failures N, --login-ip-lock-after N, --login-ip-lock-ms N\n"
           "                         the same per client address (20, 30, 3600000)\n"
           "  --stall-secs N         close with 4001 a connection that read nothing of what\n"
           "                         is queued for it for N s (default 30; 0: never)\n"
           "  --tls-cert FILE        serve https:// and wss:// with this PEM certificate\n"
           "                         (chain: the server's first); needs --tls-key. SIGHUP\n"
           "                         reloads both files; open connections keep theirs\n"
           "  --tls-key FILE         the certificate's private key (PEM, unencrypted)\n"
           "  --trusted-proxy ADDR   a reverse proxy (address or CIDR network, IPv4 or\n"
           "                         IPv6; repeatable) whose X-Forwarded-For names the\n"
           "                         client for the per-address limits; exempt from\n"
           "                         --max-sockets-per-ip. Other peers' header is ignored\n"
           "  --metrics-allow ADDR   answer GET /metrics only to peers in this address or\n"
           "                         CIDR network (repeatable; default: everyone). /healthz\n"
           "                         and /readyz are always open\n"
           "  --retain-closed-days N purge closed conversations (messages, read marks,\n"
           "                         routing record; a visitor left with none) N days after\n"
           "                         their last message (default 0: keep forever)\n"
           "  --retain-closed-days-team TEAM=N  the same for one team (repeatable; 0:\n"
           "                         keep that team's forever)\n"
           "  --retention-sweep-ms N how often the relay looks for them (default 300000)\n"
           "  --retention-day-ms N   the length of a retention day (default 86400000; for\n"
           "                         tests)\n"
           "  --quota-new-visitors N new visitor identities per client address per hour\n"
           "                         (default 30; 0: no quota; over it: error 4050)\n"
           "  --quota-new-conversations N  new conversations per client address per hour\n"
           "                         (default 30; 0: no quota; over it: error 4051)\n"
           "  --quota-visitor-bytes N  bytes of message text one visitor may store per day\n"
           "                         (default 1000000; 0: no quota; over it: error 4052)\n"
           "  --version              print the version and exit\n"
           "  --help                 this text\n";
}

ParsedOptions parse_options(const std::vector<std::string>& args) {
    ParsedOptions out;
    Options& o = out.options;
    auto fail = [&](std::string message) {
        out.error = std::move(message);
        return out;
    };
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        // The value(s) an option takes; missing ones are an error.
        auto value = [&](std::string& into) {
            if (i + 1 >= args.size()) return false;
            into = args[++i];
            return true;
        };
        std::string v;
        if (a == "--version") {
            o.version = true;
        } else if (a == "--help" || a == "-h") {
            o.help = true;
        } else if (a == "--host") {
            if (!value(o.host) || o.host.empty()) return fail("--host needs an address");
        } else if (a == "--port") {
            if (!value(v)) return fail("--port needs a number");
            int port = -1;
            auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), port);
            if (ec != std::errc() || end != v.data() + v.size() || port < 0 || port > 65535)
                return fail("--port must be a number from 0 to 65535, not '" + v + "'");
            o.port = port;
        } else if (a == "--data-dir") {
            if (!value(o.data_dir) || o.data_dir.empty()) return fail("--data-dir needs a directory");
        } else if (a == "--web-root") {
            if (!value(o.web_root) || o.web_root.empty()) return fail("--web-root needs a directory");
        } else if (a == "--allow-origin") {
            if (!value(v) || v.find("://") == std::string::npos)
                return fail("--allow-origin needs an origin such as https://example.com");
            o.allow_origins.push_back(v);
        } else if (a == "--tls-cert" || a == "--tls-key") {
            std::string& file = a == "--tls-cert" ? o.tls_cert : o.tls_key;
            if (!value(file) || file.empty()) return fail(a + " needs a file");
        } else if (a == "--trusted-proxy") {
            if (!value(v) || !IpNetwork::parse(v))
                return fail("--trusted-proxy needs an IPv4 or IPv6 address or network such as 10.0.0.0/8, not '" +
                            v + "'");
            o.trusted_proxies.push_back(v);
        } else if (a == "--metrics-allow") {
            if (!value(v) || !IpNetwork::parse(v))
                return fail("--metrics-allow needs an IPv4 or IPv6 address or network such as 10.0.0.0/8, not '" +
                            v + "'");
            o.metrics_allow.push_back(v);
        } else if (a == "--demo-agent") {
            o.demo_agent = true;
        } else if (a == "--demo-password") {
            // Removed (issue 15): a command line is readable by every local user
            // (ps, /proc/PID/cmdline). Refused rather than ignored, so a script that
            // still passes it fails loudly instead of creating a random password.
            return fail("--demo-password is no longer accepted (a password on the command line "
                        "is visible to every user of the machine): use --demo-password-file PATH "
                        "or the environment variable PARLEY_DEMO_PASSWORD");
        } else if (a == "--demo-password-file") {
            if (!value(o.demo_password_file) || o.demo_password_file.empty())
                return fail("--demo-password-file needs a file");
        } else if (a == "--add-agent") {
            if (!value(o.agent_email) || !value(o.agent_name))
                return fail("--add-agent needs an e-mail and a name");
            o.add_agent = true;
        } else if (a == "--export-visitor" || a == "--erase-visitor") {
            if (!value(v) || (v.rfind("v_", 0) != 0 && v.rfind("c_", 0) != 0))
                return fail(a + " needs a visitor id (v_...) or a conversation id (c_...)");
            (a == "--export-visitor" ? o.export_visitor : o.erase_visitor) = v;
        } else if (a == "--visitor-key-file") {
            if (!value(o.visitor_key_file) || o.visitor_key_file.empty())
                return fail("--visitor-key-file needs a file");
        } else if (a == "--generate-data-key") {
            if (!value(o.generate_data_key) || o.generate_data_key.empty())
                return fail("--generate-data-key needs a file");
        } else if (a == "--data-key-file") {
            if (!value(o.data_key_file) || o.data_key_file.empty()) return fail("--data-key-file needs a file");
        } else if (a == "--old-data-key-file") {
            if (!value(v) || v.empty()) return fail("--old-data-key-file needs a file");
            o.old_data_key_files.push_back(v);
        } else if (a == "--reseal-data") {
            o.reseal_data = true;
        } else if (a == "--forget-unreadable") {
            o.forget_unreadable = true;
        } else if (a == "--identity-secret-file") {
            if (!value(o.identity_secret_file) || o.identity_secret_file.empty())
                return fail("--identity-secret-file needs a file");
        } else if (a == "--identity-proof") {
            if (!value(o.identity_proof) ||
                (o.identity_proof != "both" && o.identity_proof != "user_hash" && o.identity_proof != "identity_token"))
                return fail("--identity-proof needs user_hash, identity_token or both");
        } else if (a == "--create-identity-secret") {
            o.create_identity_secret = true;
        } else if (a == "--rotate-visitor-key") {
            o.rotate_visitor_key = true;
        } else if (a == "--export-audit") {
            o.export_audit = true;
        } else if (a == "--disable-agent" || a == "--enable-agent") {
            std::string& email = a == "--disable-agent" ? o.disable_agent : o.enable_agent;
            if (!value(email) || email.empty()) return fail(a + " needs an e-mail");
        } else if (a == "--create-bot-key" || a == "--revoke-bot-key") {
            std::string& name = a == "--create-bot-key" ? o.create_bot_key : o.revoke_bot_key;
            if (!value(name) || name.empty()) return fail(a + " needs a bot name");
        } else if (a == "--bot-name") {
            if (!value(o.bot_name) || o.bot_name.empty() || o.bot_name.size() > 80)
                return fail("--bot-name needs a display name of 1 to 80 bytes");
        } else if (a == "--list-bot-keys") {
            o.list_bot_keys = true;
        } else if (a == "--bot-grace-secs" || a == "--bot-reply-secs" || a == "--bot-max-turns-unanswered") {
            long long n = -1;
            if (!value(v)) return fail(a + " needs a number");
            auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
            if (ec != std::errc() || end != v.data() + v.size() || n < 0 || n > 86400)
                return fail(a + " needs a number from 0 to 86400, not '" + v + "'");
            (a == "--bot-grace-secs" ? o.bot_grace_secs
             : a == "--bot-reply-secs" ? o.bot_reply_secs
                                       : o.bot_max_turns_unanswered) = int(n);
        } else if (a == "--triage-model") {
            if (!value(o.triage_model) || o.triage_model.empty()) return fail("--triage-model needs a file");
        } else if (a == "--team" || a == "--skill") {
            if (!value(v) || v.empty() || v.find(',') != std::string::npos)
                return fail(a + " needs a name without commas");
            (a == "--team" ? o.agent_teams : o.agent_skills).push_back(v);
        } else if (a == "--preferred" || a == "--max-load" || a == "--inactive-after-ms" ||
                   a == "--away-grace-ms" || a == "--offline-grace-ms" || a == "--rerank-every-ms") {
            long long n = -1;
            if (!value(v)) return fail(a + " needs a number");
            auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
            if (ec != std::errc() || end != v.data() + v.size() || n < 0 || n > 1000000000000LL)
                return fail(a + " needs a non-negative number, not '" + v + "'");
            if (a == "--preferred") o.agent_preferred = static_cast<int>(std::min(n, 1000LL));
            else if (a == "--max-load") o.agent_max = static_cast<int>(std::min(n, 1000LL));
            else if (a == "--inactive-after-ms") o.inactive_after_ms = n;
            else if (a == "--away-grace-ms") o.away_grace_ms = n;
            else if (a == "--rerank-every-ms") o.rerank_every_ms = n;
            else o.offline_grace_ms = n;
        } else if (a == "--supervisor") {
            o.agent_supervisor = true;
        } else if (a == "--route-config") {
            if (!value(o.route_config) || o.route_config.empty()) return fail("--route-config needs a file");
        } else if (a == "--commit-window-us") {
            long long n = -1;
            if (!value(v)) return fail(a + " needs a number");
            auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
            if (ec != std::errc() || end != v.data() + v.size() || n < 0 || n > 1000000)
                return fail(a + " needs a number of microseconds from 0 to 1000000, not '" + v + "'");
            o.commit_window_us = static_cast<int>(n);
        } else if (a == "--commit-each") {
            o.commit_each = true;
        } else if (a == "--no-triage") {
            o.no_triage = true;
        } else if (a == "--mask-before-storage" || a == "--mask-outbound" || a == "--mask-in-browser") {
            triage::MaskOptions check;
            if (!value(v) || !triage::parse_mask_kinds(v, check))
                return fail(a + " needs a list of kinds: email,phone,card,iban, all or none");
            (a == "--mask-before-storage" ? o.mask_before_storage
             : a == "--mask-outbound"     ? o.mask_outbound
                                          : o.mask_in_browser) = v;
        } else if (a == "--conn-rate" || a == "--conn-burst" || a == "--ip-rate" || a == "--ip-burst" ||
                   a == "--bot-conn-rate" || a == "--bot-conn-burst" ||
                   a == "--max-conns-per-ip" || a == "--heartbeat-secs" || a == "--dead-peer-secs" ||
                   a == "--max-sockets-per-ip" || a == "--handshake-timeout-secs" ||
                   a == "--stall-secs") {
            // Limits and heartbeats (docs/operations.md, "Limits"); 0 switches one off.
            long long n = -1;
            if (!value(v)) return fail(a + " needs a number");
            auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
            if (ec != std::errc() || end != v.data() + v.size() || n < 0 || n > 1000000)
                return fail(a + " needs a number from 0 to 1000000, not '" + v + "'");
            if (a == "--conn-rate") o.conn_rate = int(n);
            else if (a == "--conn-burst") o.conn_burst = int(n);
            else if (a == "--ip-rate") o.ip_rate = int(n);
            else if (a == "--bot-conn-rate") o.bot_conn_rate = int(n);
            else if (a == "--bot-conn-burst") o.bot_conn_burst = int(n);
            else if (a == "--ip-burst") o.ip_burst = int(n);
            else if (a == "--max-conns-per-ip") o.max_conns_per_ip = int(n);
            else if (a == "--max-sockets-per-ip") o.max_sockets_per_ip = int(n);
            else if (a == "--handshake-timeout-secs") o.handshake_timeout_secs = int(std::max(1LL, std::min(n, 3600LL)));
            else if (a == "--heartbeat-secs") o.heartbeat_secs = int(std::min(n, 65535LL));
            else if (a == "--stall-secs") o.stall_secs = int(n);
            else o.dead_peer_secs = int(std::min(n, 65535LL));
        } else if (a == "--retain-closed-days" || a == "--retain-closed-days-team") {
            std::string team;
            if (!value(v)) return fail(a + " needs " + (a == "--retain-closed-days" ? "a number" : "TEAM=N"));
            if (a == "--retain-closed-days-team") {
                const auto eq = v.find('=');
                if (eq == std::string::npos || eq == 0) return fail(a + " needs TEAM=N, not '" + v + "'");
                team = v.substr(0, eq);
                v = v.substr(eq + 1);
            }
            int n = -1;
            auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
            if (ec != std::errc() || end != v.data() + v.size() || n < 0 || n > 36500)
                return fail(a + " needs a number of days from 0 to 36500, not '" + v + "'");
            if (team.empty()) o.retain_closed_days = n;
            else o.retain_closed_days_team[team] = n;
        } else if (a == "--retention-day-ms" || a == "--retention-sweep-ms") {
            long long n = -1;
            if (!value(v)) return fail(a + " needs a number");
            auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
            if (ec != std::errc() || end != v.data() + v.size() || n < 1 || n > 86'400'000)
                return fail(a + " needs a number of milliseconds from 1 to 86400000, not '" + v + "'");
            (a == "--retention-day-ms" ? o.retention_day_ms : o.retention_sweep_ms) = n;
        } else if (a == "--quota-new-visitors" || a == "--quota-new-conversations" ||
                   a == "--quota-visitor-bytes") {
            // Quotas (docs/operations.md, "Limits"); 0 switches one off.
            long long n = -1;
            if (!value(v)) return fail(a + " needs a number");
            auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
            if (ec != std::errc() || end != v.data() + v.size() || n < 0 || n > 1000000000000LL)
                return fail(a + " needs a number from 0 to 1000000000000, not '" + v + "'");
            if (a == "--quota-new-visitors") o.quota_new_visitors = n;
            else if (a == "--quota-new-conversations") o.quota_new_conversations = n;
            else o.quota_visitor_bytes = n;
        } else if (a.rfind("--login-", 0) == 0) {
            // Logins (docs/operations.md "Logins"): off-loop checks and throttling.
            long long n = -1;
            if (!value(v)) return fail(a + " needs a number");
            auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
            if (ec != std::errc() || end != v.data() + v.size() || n < 0 || n > 1000000000)
                return fail(a + " needs a number from 0 to 1000000000, not '" + v + "'");
            const int small = int(std::min(n, 1000000LL));
            if (a == "--login-threads") {
                if (n < 1 || n > 16) return fail("--login-threads needs 1 to 16");
                o.login_threads = small;
            } else if (a == "--login-queue") o.login_queue = small;
            else if (a == "--login-ip-checks") o.login_ip_checks = small;
            else if (a == "--login-free-failures") o.login_free_failures = small;
            else if (a == "--login-delay-ms") o.login_delay_ms = n;
            else if (a == "--login-lock-after") o.login_lock_after = small;
            else if (a == "--login-lock-ms") o.login_lock_ms = n;
            else if (a == "--login-ip-free-failures") o.login_ip_free_failures = small;
            else if (a == "--login-ip-lock-after") o.login_ip_lock_after = small;
            else if (a == "--login-ip-lock-ms") o.login_ip_lock_ms = n;
            else return fail("unknown option: " + a);
        } else {
            return fail("unknown option: " + a);
        }
    }
    if (!o.export_visitor.empty() && !o.erase_visitor.empty())
        return fail("--export-visitor and --erase-visitor are separate runs (export first)");
    if (o.forget_unreadable && !o.reseal_data)
        return fail("--forget-unreadable goes with --reseal-data (it rewrites what it cannot open)");
    if (o.tls_cert.empty() != o.tls_key.empty())
        return fail("--tls-cert and --tls-key go together (the certificate and its private key)");
    if (o.agent_max < o.agent_preferred) return fail("--max-load must not be below --preferred");
    if (!o.bot_name.empty() && o.create_bot_key.empty()) return fail("--bot-name goes with --create-bot-key");
    if (o.dead_peer_secs && o.heartbeat_secs && o.dead_peer_secs <= o.heartbeat_secs)
        return fail("--dead-peer-secs must exceed --heartbeat-secs (the peer needs time to answer)");
    return out;
}

}  // namespace parley::relay
