#include "config/option_table.hpp"

#include <charconv>
#include <climits>
#include <map>

#include "core/log_format.hpp"
#include "core/prechat_form.hpp"
#include "quality/quality_rules.hpp"
#include "net/client_address.hpp"
#include "parley/triage/analysis.hpp"
#include "webhooks/webhook_retry.hpp"

namespace parley::relay::config {

namespace {

using Check = std::function<std::string(const std::string&)>;  // "" when the value is good

// A TOML basic string: quotes, backslashes and control characters escaped.
std::string quote(const std::string& s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += char(c);
        } else if (c < 0x20 || c == 0x7f) {
            static const char* hex = "0123456789ABCDEF";
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += char(c);
        }
    }
    return out + "\"";
}

std::string quote_list(const std::vector<std::string>& items) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + quote(items[i]);
    return out + "]";
}

bool whole_number(const std::string& v, long long& n) {
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    return ec == std::errc() && end == v.data() + v.size() && !v.empty();
}

Check needs(std::string reason) {
    return [reason](const std::string& v) { return v.empty() ? reason : std::string(); };
}

OptionSpec text(std::string name, std::string Options::*field, std::string meta, std::string help,
                Check check) {
    OptionSpec s;
    s.name = std::move(name);
    s.type = Type::text;
    s.meta = std::move(meta);
    s.help = std::move(help);
    s.apply = [field, check](Options& o, const std::string& v) {
        std::string why = check(v);
        if (why.empty()) o.*field = v;
        return why;
    };
    s.show = [field](const Options& o) { return quote(o.*field); };
    s.copy = [field](Options& to, const Options& from) { to.*field = from.*field; };
    return s;
}

// A whole number from lo to hi (the reason names `unit`, e.g. "of days"), then clamped
// into [clamp_lo, clamp_hi] where the relay has always bounded a value quietly.
template <class T>
OptionSpec number(std::string name, T Options::*field, long long lo, long long hi, std::string meta,
                  std::string help, std::string unit = "", long long clamp_lo = LLONG_MIN,
                  long long clamp_hi = LLONG_MAX) {
    OptionSpec s;
    s.name = std::move(name);
    s.type = Type::number;
    s.meta = std::move(meta);
    s.help = std::move(help);
    s.apply = [=](Options& o, const std::string& v) {
        long long n = 0;
        if (!whole_number(v, n) || n < lo || n > hi)
            return "needs a number " + (unit.empty() ? "" : unit + " ") + "from " + std::to_string(lo) + " to " +
                   std::to_string(hi) + ", not '" + v + "'";
        n = std::max(clamp_lo, std::min(n, clamp_hi));
        o.*field = static_cast<T>(n);
        return std::string();
    };
    s.show = [field](const Options& o) { return std::to_string(o.*field); };
    s.copy = [field](Options& to, const Options& from) { to.*field = from.*field; };
    return s;
}

// A number the routing configuration defaults when the option is absent.
OptionSpec optional_number(std::string name, std::optional<long long> Options::*field, std::string help) {
    OptionSpec s = number<long long>(name, nullptr, 0, 1'000'000'000'000LL, "N", std::move(help));
    s.apply = [field](Options& o, const std::string& v) {
        long long n = 0;
        if (!whole_number(v, n) || n < 0 || n > 1'000'000'000'000LL)
            return "needs a non-negative number, not '" + v + "'";
        o.*field = n;
        return std::string();
    };
    s.show = [field](const Options& o) { return o.*field ? std::to_string(*(o.*field)) : std::string(); };
    s.copy = [field](Options& to, const Options& from) { to.*field = from.*field; };
    return s;
}

OptionSpec flag(std::string name, bool Options::*field, std::string help) {
    OptionSpec s;
    s.name = std::move(name);
    s.type = Type::flag;
    s.help = std::move(help);
    s.apply = [field](Options& o, const std::string& v) {
        if (v != "true" && v != "false") return "needs true or false, not '" + v + "'";
        o.*field = v == "true";
        return std::string();
    };
    s.show = [field](const Options& o) { return std::string(o.*field ? "true" : "false"); };
    s.copy = [field](Options& to, const Options& from) { to.*field = from.*field; };
    return s;
}

OptionSpec list(std::string name, std::vector<std::string> Options::*field, std::string meta, std::string help,
                Check check) {
    OptionSpec s;
    s.name = std::move(name);
    s.type = Type::list;
    s.meta = std::move(meta);
    s.help = std::move(help);
    s.apply = [field, check](Options& o, const std::string& v) {
        std::string why = check(v);
        if (why.empty()) (o.*field).push_back(v);
        return why;
    };
    s.show = [field](const Options& o) { return quote_list(o.*field); };
    s.copy = [field](Options& to, const Options& from) { to.*field = from.*field; };
    return s;
}

OptionSpec command(OptionSpec s) {
    s.kind = Kind::command;
    s.show = [](const Options&) { return std::string(); };
    s.copy = nullptr;  // never reloaded: a command runs once, from the command line
    return s;
}

// A setting the running relay takes on reload (OptionSpec::reloadable).
OptionSpec live(OptionSpec s) {
    s.reloadable = true;
    return s;
}

Check address_or_network() {
    return [](const std::string& v) {
        return IpNetwork::parse(v) ? std::string()
                                   : "needs an IPv4 or IPv6 address or network such as 10.0.0.0/8, not '" + v + "'";
    };
}

Check mask_kinds() {
    return [](const std::string& v) {
        triage::MaskOptions check;
        return triage::parse_mask_kinds(v, check) ? std::string()
                                                  : "needs a list of kinds: email,phone,card,iban, all or none";
    };
}

Check visitor_id() {
    return [](const std::string& v) {
        return v.rfind("v_", 0) == 0 || v.rfind("c_", 0) == 0
                   ? std::string()
                   : "needs a visitor id (v_...) or a conversation id (c_...)";
    };
}

// --retain-closed-days-team TEAM=N, a list of such in the file and the environment.
OptionSpec retain_team() {
    OptionSpec s;
    s.name = "retain-closed-days-team";
    s.type = Type::list;
    s.meta = "TEAM=N";
    s.help = "the same for one team (repeatable; 0: keep that team's forever)";
    s.apply = [](Options& o, const std::string& v) {
        const auto eq = v.find('=');
        if (eq == std::string::npos || eq == 0) return "needs TEAM=N, not '" + v + "'";
        long long n = 0;
        const std::string days = v.substr(eq + 1);
        if (!whole_number(days, n) || n < 0 || n > 36500)
            return "needs a number of days from 0 to 36500, not '" + days + "'";
        o.retain_closed_days_team[v.substr(0, eq)] = int(n);
        return std::string();
    };
    s.show = [](const Options& o) {
        std::vector<std::string> items;
        for (const auto& [team, days] : o.retain_closed_days_team) items.push_back(team + "=" + std::to_string(days));
        return quote_list(items);
    };
    s.copy = [](Options& to, const Options& from) { to.retain_closed_days_team = from.retain_closed_days_team; };
    return s;
}

// Removed in issue 15: a command line is readable by every local user (ps,
// /proc/PID/cmdline). Refused rather than ignored, so a script that still passes it
// fails loudly instead of creating a random password.
OptionSpec removed_demo_password() {
    OptionSpec s = command(flag("demo-password", nullptr, ""));
    s.hidden = true;
    s.apply = [](Options&, const std::string&) {
        return std::string("is no longer accepted (a password on the command line is visible to every user of the "
                           "machine): use --demo-password-file PATH or the environment variable PARLEY_DEMO_PASSWORD");
    };
    return s;
}

OptionSpec add_agent() {
    OptionSpec s = command(text("add-agent", &Options::agent_email, "EMAIL",
                                "create an agent, password read from stdin, then exit",
                                needs("needs an e-mail and a name")));
    s.meta2 = "NAME";
    const auto store_email = s.apply;
    s.apply = [store_email](Options& o, const std::string& v) {
        o.add_agent = true;
        return store_email(o, v);
    };
    s.apply2 = [](Options& o, const std::string& v) {
        if (v.empty()) return std::string("needs an e-mail and a name");
        o.agent_name = v;
        return std::string();
    };
    return s;
}

// An option whose presence matters beyond its value (--update-agent changes only what
// was given): applying it also sets `mark`.
OptionSpec marked(OptionSpec s, bool Options::*mark) {
    const auto inner = s.apply;
    s.apply = [inner, mark](Options& o, const std::string& v) {
        std::string why = inner(o, v);
        if (why.empty()) o.*mark = true;
        return why;
    };
    return s;
}

std::vector<OptionSpec> build_table() {
    const Check no_comma = [](const std::string& v) {
        return v.empty() || v.find(',') != std::string::npos ? "needs a name without commas" : "";
    };
    std::vector<OptionSpec> t;
    // Listening and serving.
    t.push_back(text("host", &Options::host, "HOST",
                     "address to listen on (0.0.0.0: every interface, with --tls-cert or behind a proxy)",
                     needs("needs an address")));
    t.push_back(number("port", &Options::port, 0, 65535, "PORT", "TCP port; 0: any free port"));
    t.push_back(text("data-dir", &Options::data_dir, "DIR", "where parley.db lives (created if missing)",
                     needs("needs a directory")));
    t.push_back(text("web-root", &Options::web_root, "DIR", "serve the files of DIR at / (read into memory at start, at most 64 MiB with their .gz/.br; content-hashed names cached for a year; docs/operations.md \"Caching and compression of the web root\")",
                     needs("needs a directory")));
    t.push_back(list("allow-origin", &Options::allow_origins, "ORIGIN",
                     "allow browser WebSockets from ORIGIN (repeatable; default: the relay's own "
                     "http://HOST:PORT, http://127.0.0.1:PORT, http://localhost:PORT)",
                     [](const std::string& v) {
                         return v.find("://") == std::string::npos
                                    ? "needs an origin such as https://example.com, not '" + v + "'"
                                    : std::string();
                     }));
    // Agents.
    t.push_back(flag("demo-agent", &Options::demo_agent, "create demo@parley.local on first start"));
    t.push_back(text("demo-password-file", &Options::demo_password_file, "PATH",
                     "the demo agent's password, read from PATH (first line); else $PARLEY_DEMO_PASSWORD; else "
                     "random, printed. Never on the command line (ps shows it to every user)",
                     needs("needs a file")));
    t.push_back(removed_demo_password());
    t.push_back(add_agent());
    t.push_back(command(list("team", &Options::agent_teams, "NAME",
                             "with --add-agent or --update-agent: a team of the agent (repeatable; default "
                             "general)", no_comma)));
    t.push_back(command(list("skill", &Options::agent_skills, "NAME",
                             "with --add-agent or --update-agent: a skill (repeatable)", no_comma)));
    t.push_back(marked(command(number("preferred", &Options::agent_preferred, 0, 1'000'000'000'000LL, "N",
                                      "with --add-agent or --update-agent: preferred concurrency (default 3)",
                                      "", 0, 1000)),
                       &Options::agent_preferred_given));
    t.push_back(marked(command(number("max-load", &Options::agent_max, 0, 1'000'000'000'000LL, "N",
                                      "with --add-agent or --update-agent: maximum load (default 5)", "", 0,
                                      1000)),
                       &Options::agent_max_given));
    t.push_back(marked(command(flag("supervisor", &Options::agent_supervisor,
                                    "with --add-agent or --update-agent: sees every conversation and queue, "
                                    "administers agents")),
                       &Options::agent_supervisor_given));
    t.push_back(command(text("update-agent", &Options::update_agent, "AGENT",
                             "change an agent's (AGENT: their id a_... or e-mail) --team, --skill, --preferred, --max-load or --supervisor (only "
                             "those given), then exit; a running relay applies it within 10 s if they are "
                             "signed in, else at their next sign-in",
                             needs("needs an agent id (a_...) or e-mail"))));
    t.push_back(command(text("reset-password", &Options::reset_password, "AGENT",
                             "give an agent a new random password (printed once) and revoke all their sessions, "
                             "then exit",
                             needs("needs an agent id (a_...) or e-mail"))));
    t.push_back(command(text("remove-agent", &Options::remove_agent, "AGENT",
                             "delete an agent's account and sessions, then exit (their messages keep the name "
                             "they were sent with; the audit log keeps their id)",
                             needs("needs an agent id (a_...) or e-mail"))));
    t.push_back(command(text("disable-agent", &Options::disable_agent, "EMAIL",
                             "disable an agent and revoke all their sessions, then exit; a running relay drops "
                             "their connections within 10 s",
                             needs("needs an e-mail"))));
    t.push_back(command(text("enable-agent", &Options::enable_agent, "EMAIL",
                             "let a disabled agent sign in again, then exit", needs("needs an e-mail"))));
    // Privacy and keys.
    t.push_back(command(text("export-visitor", &Options::export_visitor, "ID",
                             "print everything stored about one visitor as JSON (ID: v_... or one of their "
                             "conversations c_...), then exit",
                             visitor_id())));
    t.push_back(command(text("erase-visitor", &Options::erase_visitor, "ID",
                             "erase one visitor and their conversations for good, then exit (both refuse while a "
                             "relay runs on the data directory)",
                             visitor_id())));
    t.push_back(text("visitor-key-file", &Options::visitor_key_file, "PATH",
                     "the keys that sign visitor tokens (default DIR/keys/visitor-token.key, created 0600)",
                     needs("needs a file")));
    t.push_back(command(flag("rotate-visitor-key", &Options::rotate_visitor_key,
                             "add a new signing key (older ones verify for 30 more days; no one is logged out), "
                             "then exit; refuses while a relay runs on the data directory")));
    t.push_back(command(text("generate-data-key", &Options::generate_data_key, "PATH",
                             "write a new 32-byte data key (0600) to PATH, then exit; never overwrites a file",
                             needs("needs a file"))));
    t.push_back(text("data-key-file", &Options::data_key_file, "PATH",
                     "seal transcripts at rest with this key (message text, names; docs/security.md \"Sealed "
                     "transcripts\")",
                     needs("needs a file")));
    t.push_back(list("old-data-key-file", &Options::old_data_key_files, "PATH",
                     "an earlier data key: opens what it sealed, seals nothing (repeatable; for a rotation)",
                     needs("needs a file")));
    t.push_back(command(flag("reseal-data", &Options::reseal_data,
                             "rewrite every sealed value under --data-key-file (or, without one, as plain text), "
                             "then exit; refuses while a relay runs on the data directory")));
    t.push_back(command(flag("forget-unreadable", &Options::forget_unreadable,
                             "with --reseal-data: replace values no given key opens (a lost key) by a placeholder "
                             "instead of failing")));
    t.push_back(command(flag("export-audit", &Options::export_audit,
                             "print the audit log as JSON lines, oldest first, then exit")));
    // Identity (issue 17, docs/identity.md).
    t.push_back(text("identity-secret-file", &Options::identity_secret_file, "PATH",
                     "the secret a site's server signs its users' identities with (default "
                     "DATA_DIR/keys/identity.secret; none: every identity claim is unverified)",
                     needs("needs a file")));
    t.push_back(text("identity-proof", &Options::identity_proof, "KIND",
                     "user_hash, identity_token (JWT) or both: the proofs accepted; both only when users cannot "
                     "choose their own user ids (docs/identity.md)",
                     [](const std::string& v) {
                         return v == "user_hash" || v == "identity_token" || v == "both"
                                    ? ""
                                    : "needs user_hash, identity_token or both";
                     }));
    // Pre-chat form (issue 17, docs/operations.md "Pre-chat form").
    t.push_back(live(text("prechat-fields", &Options::prechat_fields, "SPEC",
                     "the pre-chat form the widget shows before a visitor's first message, e.g. "
                     "name*,email*,order=Your order number (* = required; name and email built in; at most 6)",
                     [](const std::string& v) {
                         auto form = parse_prechat_fields(v);
                         return form ? std::string() : form.error().detail;
                     })));
    t.push_back(command(flag("create-identity-secret", &Options::create_identity_secret,
                             "write a new identity secret (the current one still verifies until the next), print it "
                             "once, then exit")));
    // Quality flags (issue 18, docs/quality.md).
    t.push_back(live(list("compliance-word", &Options::compliance_words, "WORD",
                     "flag a conversation whose visible message holds this word or phrase (repeatable; whole words, "
                     "case and accents ignored), e.g. lawyer, chargeback, \"guaranteed refund\"",
                     [](const std::string& v) {
                         if (v.empty() || v.size() > 64) return std::string("needs 1 to 64 bytes");
                         return quality::normalize_words({v}).empty()
                                    ? "needs a letter or digit, not only punctuation: '" + v + "'"
                                    : std::string();
                     })));
    t.push_back(live(number("flag-wait-secs", &Options::flag_wait_secs, 0, 86'400, "N",
                       "flag a conversation that has waited N seconds in a team's queue (0: never)", "of seconds")));
    // Reports (issue 18, docs/reports.md).
    t.push_back(command(flag("report", &Options::report,
                             "print a support report as CSV (docs/reports.md), then exit; reads only, so it may run "
                             "beside a relay")));
    t.push_back(command(text("from", &Options::report_from, "DATE",
                             "with --report: the first day (UTC, YYYY-MM-DD; default: 29 days before --to)",
                             needs("needs a date (YYYY-MM-DD)"))));
    t.push_back(command(text("to", &Options::report_to, "DATE",
                             "with --report: the last day, included (UTC, YYYY-MM-DD; default: today)",
                             needs("needs a date (YYYY-MM-DD)"))));
    t.push_back(command(text("by", &Options::report_by, "KEY",
                             "with --report: one row per all (default), day, team, agent or intent",
                             needs("needs all, day, team, agent or intent"))));
    // Backup and restore (issue 18, store/backup.hpp).
    t.push_back(command(text("backup-to", &Options::backup_to, "DIR",
                             "copy the database (one consistent moment) and the visitor token keys into the new "
                             "directory DIR, then exit; safe while a relay runs (the --data-key-file is not copied)",
                             needs("needs a directory"))));
    t.push_back(command(text("restore-from", &Options::restore_from, "DIR",
                             "put a backup made by --backup-to in place as the data directory's database (what it "
                             "replaces is moved aside), then exit; refuses while a relay runs on the data directory",
                             needs("needs a directory"))));
    // Bots.
    t.push_back(command(text("create-bot-key", &Options::create_bot_key, "NAME",
                             "create a bot's API key (NAME: 1-32 of a-z 0-9 _ -), print it once, then exit",
                             needs("needs a bot name"))));
    t.push_back(command(text("bot-name", &Options::bot_name, "TEXT",
                             "with --create-bot-key: the bot's display name (default: NAME)",
                             [](const std::string& v) {
                                 return v.empty() || v.size() > 80 ? "needs a display name of 1 to 80 bytes" : "";
                             })));
    t.push_back(command(text("revoke-bot-key", &Options::revoke_bot_key, "NAME",
                             "revoke a bot's key, then exit; a running relay closes the bot's connections within 10 s",
                             needs("needs a bot name"))));
    t.push_back(command(flag("list-bot-keys", &Options::list_bot_keys,
                             "list bots' keys (name, created, last used), then exit")));
    // The HTTP API (issue 18, docs/api.md).
    t.push_back(command(text("create-api-key", &Options::create_api_key, "NAME",
                             "create an HTTP API key named NAME (with --scope), print it once, then exit",
                             needs("needs a key name"))));
    t.push_back(command(text("scope", &Options::api_key_scope, "SCOPE",
                             "with --create-api-key: read (default; GET routes), write (and POST routes) or admin",
                             [](const std::string& v) {
                                 return v == "read" || v == "write" || v == "admin" ? ""
                                                                                    : "needs read, write or admin";
                             })));
    t.push_back(command(text("revoke-api-key", &Options::revoke_api_key, "ID",
                             "revoke the HTTP API key ID (k_…), then exit; a running relay refuses it within 1 s",
                             needs("needs a key id"))));
    t.push_back(command(flag("list-api-keys", &Options::list_api_keys,
                             "list HTTP API keys (id, name, scope, created, revoked), then exit")));
    t.push_back(live(number("api-rate", &Options::api_rate, 1, 1'000'000, "N",
                       "HTTP API requests per second per key (over it: 429 with Retry-After)")));
    t.push_back(live(number("api-burst", &Options::api_burst, 1, 1'000'000, "N",
                       "HTTP API requests a key may send at once")));
    t.push_back(live(number("api-max-body-bytes", &Options::api_max_body_bytes, 1, 16 << 20, "N",
                       "largest HTTP API request body (over it: 413, before the body is read)")));
    // Attachments (issue 17, docs/attachments.md).
    t.push_back(live(number("attachment-max-bytes", &Options::attachment_max_bytes, 1, 100 << 20, "N",
                       "largest uploaded file (over it: 413, before the file is read)")));
    t.push_back(live(number("attachment-quota-bytes", &Options::attachment_quota_bytes, 0, 1'000'000'000'000LL, "N",
                       "bytes of files one visitor may upload per day (0: no quota; over it: 429)")));
    t.push_back(live(number("bot-grace-secs", &Options::bot_grace_secs, 0, 86400, "N",
                       "hand a bot's conversations to humans after N s with no bot connected")));
    t.push_back(live(number("bot-reply-secs", &Options::bot_reply_secs, 0, 86400, "N",
                       "hand over when the bot has not answered a visitor's message within N s (0: never)")));
    t.push_back(live(number("bot-max-turns-unanswered", &Options::bot_max_turns_unanswered, 0, 86400, "N",
                       "hand over after more than N bot messages in a row (0: never; the same text 3 times always)")));
    // Webhooks (issue 18, docs/webhooks.md).
    t.push_back(command(text("add-webhook", &Options::add_webhook, "URL",
                             "subscribe URL (http or https) to webhook events (--webhook-events), print the "
                             "subscription's id and its signing secret once, then exit",
                             needs("needs a URL"))));
    t.push_back(command(text("webhook-events", &Options::webhook_events, "TYPES",
                             "with --add-webhook: a comma list of event types, or * for all (default *; "
                             "docs/webhooks.md lists them)",
                             needs("needs event types"))));
    t.push_back(command(flag("list-webhooks", &Options::list_webhooks,
                             "list webhook subscriptions (no secrets) and dead letters, then exit")));
    t.push_back(command(text("remove-webhook", &Options::remove_webhook, "ID",
                             "delete a webhook subscription and its pending and dead deliveries, then exit",
                             needs("needs a subscription id"))));
    t.push_back(command(text("replay-webhook", &Options::replay_webhook, "DELIVERY_ID",
                             "send a dead-lettered delivery again (to the end of its conversation's line), then exit",
                             needs("needs a delivery id"))));
    t.push_back(command(text("replay-dead-webhooks", &Options::replay_dead_webhooks, "ID",
                             "send every dead letter of the subscription again, in order, then exit",
                             needs("needs a subscription id"))));
    t.push_back(live(text("webhook-backoff", &Options::webhook_backoff, "DELAYS",
                     "delays before a failed webhook's 2nd, 3rd, ... attempt, each with +-20 % jitter; the last "
                     "repeats (units ms, s, m, h)",
                     [](const std::string& v) {
                         auto parsed = parse_webhook_backoff(v);
                         return parsed ? std::string() : parsed.error().detail;
                     })));
    t.push_back(live(number("webhook-max-attempts", &Options::webhook_max_attempts, 1, 100, "N",
                       "attempts of a webhook delivery in all; then it is dead-lettered")));
    t.push_back(live(number("webhook-concurrency", &Options::webhook_concurrency, 1, 256, "N",
                       "webhook deliveries in flight at once")));
    t.push_back(number("webhook-connect-timeout-ms", &Options::webhook_connect_timeout_ms, 100, 60'000, "N",
                       "a webhook receiver must accept the connection within N ms"));
    t.push_back(number("webhook-timeout-ms", &Options::webhook_timeout_ms, 100, 300'000, "N",
                       "a webhook receiver must answer in full within N ms (else: a failed attempt)"));
    t.push_back(flag("webhook-allow-private", &Options::webhook_allow_private,
                     "allow webhook URLs that resolve to loopback, private or link-local addresses (default: "
                     "refused, docs/security.md)"));
    // Triage, masking, storage.
    t.push_back(text("triage-model", &Options::triage_model, "PATH",
                     "intent model file (default: the installed default.ptm)", needs("needs a file")));
    t.push_back(flag("no-triage", &Options::no_triage, "run without intent triage (masking still applies)"));
    t.push_back(flag("commit-each", &Options::commit_each,
                     "sync each message to disk on its own (default: group commit, one sync per event-loop pass; "
                     "both ack only after the sync)"));
    t.push_back(number("commit-window-us", &Options::commit_window_us, 0, 1'000'000, "N",
                       "group commit: wait up to N microseconds after a batch's first frame for more before the "
                       "sync (0: sync at the next loop pass)",
                       "of microseconds"));
    t.push_back(live(text("mask-before-storage", &Options::mask_before_storage, "KINDS",
                     "personal data masked before a message is stored (comma list of email,phone,card,iban; all; "
                     "none)",
                     mask_kinds())));
    t.push_back(live(text("mask-outbound", &Options::mask_outbound, "KINDS", "masked before webhooks and bots",
                     mask_kinds())));
    t.push_back(live(text("mask-in-browser", &Options::mask_in_browser, "KINDS",
                     "masked by the widget before sending", mask_kinds())));
    // Routing.
    t.push_back(text("route-config", &Options::route_config, "FILE",
                     "routing configuration, JSON (docs/routing.md section 7)", needs("needs a file")));
    t.push_back(optional_number("inactive-after-ms", &Options::inactive_after_ms,
                                "silence that makes a conversation inactive (default: the routing "
                                "configuration's, 300000)"));
    t.push_back(optional_number("away-grace-ms", &Options::away_grace_ms,
                                "before an away agent's conversations move (default 120000)"));
    t.push_back(optional_number("offline-grace-ms", &Options::offline_grace_ms,
                                "before an offline agent's conversations move (default 60000)"));
    t.push_back(optional_number("rerank-every-ms", &Options::rerank_every_ms,
                                "re-rank connected agents' inboxes as waits grow (default 15000; 0: only when "
                                "something happens)"));
    // Limits and heartbeats (docs/operations.md "Limits"; 0 switches one off).
    const long long M = 1'000'000;
    t.push_back(live(number("conn-rate", &Options::conn_rate, 0, M, "N",
                       "frames per second per connection (over it: error 4029 with retry_after_ms)")));
    t.push_back(live(number("conn-burst", &Options::conn_burst, 0, M, "N", "frames a connection may send at once")));
    t.push_back(live(number("bot-conn-rate", &Options::bot_conn_rate, 0, M, "N",
                       "frames per second of a bot, all its connections (not counted for its address)")));
    t.push_back(live(number("bot-conn-burst", &Options::bot_conn_burst, 0, M, "N", "frames a bot may send at once")));
    t.push_back(live(number("ip-rate", &Options::ip_rate, 0, M, "N", "frames per second per client address")));
    t.push_back(live(number("ip-burst", &Options::ip_burst, 0, M, "N", "frames a client address may send at once")));
    t.push_back(live(number("max-conns-per-ip", &Options::max_conns_per_ip, 0, M, "N",
                       "open WebSocket connections per address (over it: close 4002)")));
    t.push_back(number("max-sockets-per-ip", &Options::max_sockets_per_ip, 0, M, "N",
                       "TCP connections per address, counted before any handshake (never more than a quarter of "
                       "the sockets the open-files limit allows; over it the connection is closed at once)"));
    t.push_back(number("handshake-timeout-secs", &Options::handshake_timeout_secs, 0, M, "N",
                       "close a connection that has not sent a whole HTTP request N s after connecting (1 to 3600)",
                       "", 1, 3600));
    t.push_back(number("heartbeat-secs", &Options::heartbeat_secs, 0, M, "N", "ping a connection silent for N s",
                       "", 0, 65535));
    t.push_back(number("dead-peer-secs", &Options::dead_peer_secs, 0, M, "N",
                       "hang up one silent for N s (must exceed --heartbeat-secs)", "", 0, 65535));
    t.push_back(number("stall-secs", &Options::stall_secs, 0, M, "N",
                       "close with 4001 a connection that read nothing of what is queued for it for N s (0: never)"));
    // Logins (docs/operations.md "Logins").
    const long long G = 1'000'000'000;
    t.push_back(number("login-threads", &Options::login_threads, 1, 16, "N",
                       "password checks at once, each with 64 MiB"));
    t.push_back(number("login-queue", &Options::login_queue, 0, G, "N", "password checks waiting (beyond: 4031)",
                       "", 0, M));
    t.push_back(number("login-ip-checks", &Options::login_ip_checks, 0, G, "N",
                       "password checks of one address at once", "", 0, M));
    t.push_back(number("login-free-failures", &Options::login_free_failures, 0, G, "N",
                       "failed logins of an account before delays", "", 0, M));
    t.push_back(number("login-delay-ms", &Options::login_delay_ms, 0, G, "N",
                       "the first delay, doubled per further failure"));
    t.push_back(number("login-lock-after", &Options::login_lock_after, 0, G, "N",
                       "failed logins that lock an account (0: never)", "", 0, M));
    t.push_back(number("login-lock-ms", &Options::login_lock_ms, 0, G, "N", "how long an account is locked"));
    t.push_back(number("login-ip-free-failures", &Options::login_ip_free_failures, 0, G, "N",
                       "failed logins from one address before delays", "", 0, M));
    t.push_back(number("login-ip-lock-after", &Options::login_ip_lock_after, 0, G, "N",
                       "failed logins that lock an address (0: never)", "", 0, M));
    t.push_back(number("login-ip-lock-ms", &Options::login_ip_lock_ms, 0, G, "N", "how long an address is locked"));
    // Facing the internet.
    t.push_back(text("tls-cert", &Options::tls_cert, "FILE",
                     "serve https:// and wss:// with this PEM certificate (chain: the server's first); needs "
                     "--tls-key. SIGHUP reloads both files; open connections keep theirs",
                     needs("needs a file")));
    t.push_back(text("tls-key", &Options::tls_key, "FILE", "the certificate's private key (PEM, unencrypted)",
                     needs("needs a file")));
    t.push_back(list("trusted-proxy", &Options::trusted_proxies, "ADDR",
                     "a reverse proxy (address or CIDR network, IPv4 or IPv6; repeatable) whose X-Forwarded-For "
                     "names the client for the per-address limits; exempt from --max-sockets-per-ip",
                     address_or_network()));
    t.push_back(live(list("metrics-allow", &Options::metrics_allow, "ADDR",
                     "answer GET /metrics only to peers in this address or CIDR network (repeatable; default: "
                     "everyone). /healthz and /readyz are always open",
                     address_or_network())));
    t.push_back(text("log-format", &Options::log_format, "FORMAT",
                     "how stderr's log lines are written: json (one object per line), text, or auto (text when "
                     "stderr is a terminal, else JSON)",
                     [](const std::string& v) {
                         return parse_log_format(v) ? "" : "needs auto, json or text, not '" + v + "'";
                     }));
    t.push_back(live(text("log-level", &Options::log_level, "LEVEL",
                     "the least severe lines written: error, warn, notice, info (adds the HTTP access log) or debug "
                     "(adds libwebsockets' own)",
                     [](const std::string& v) {
                         return parse_log_level(v) ? "" : "needs error, warn, notice, info or debug, not '" + v + "'";
                     })));
    // Retention and quotas (docs/operations.md "Retention", "Quotas"; 0 switches one off).
    t.push_back(live(number("retain-closed-days", &Options::retain_closed_days, 0, 36500, "N",
                       "purge closed conversations (messages, read marks, routing record; a visitor left with none) "
                       "N days after their last message (0: keep forever)",
                       "of days")));
    t.push_back(live(retain_team()));
    t.push_back(live(number("retain-audit-days", &Options::retain_audit_days, 0, 36500, "N",
                       "purge audit log entries N days old (an audit.purge entry records each purge; 0: keep forever)",
                       "of days")));
    t.push_back(live(number("retention-sweep-ms", &Options::retention_sweep_ms, 1, 86'400'000, "N",
                       "how often the relay looks for them", "of milliseconds")));
    t.push_back(live(number("retention-day-ms", &Options::retention_day_ms, 1, 86'400'000, "N",
                       "the length of a retention day (for tests)", "of milliseconds")));
    t.push_back(live(number("quota-new-visitors", &Options::quota_new_visitors, 0, 1'000'000'000'000LL, "N",
                       "new visitor identities per client address per hour (0: no quota; over it: error 4050)")));
    t.push_back(live(number("quota-new-conversations", &Options::quota_new_conversations, 0, 1'000'000'000'000LL, "N",
                       "new conversations per client address per hour (0: no quota; over it: error 4051)")));
    t.push_back(live(number("quota-visitor-bytes", &Options::quota_visitor_bytes, 0, 1'000'000'000'000LL, "N",
                       "bytes of message text one visitor may store per day (0: no quota; over it: error 4052)")));
    return t;
}

}  // namespace

const std::vector<OptionSpec>& option_table() {
    static const std::vector<OptionSpec> table = build_table();
    return table;
}

const OptionSpec* find_option(const std::string& name) {
    for (const OptionSpec& s : option_table())
        if (s.name == name) return &s;
    return nullptr;
}

std::string env_name(const OptionSpec& spec) {
    std::string out = "PARLEY_";
    for (char c : spec.name) out += c == '-' ? '_' : char(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    return out;
}

std::string file_key(const OptionSpec& spec) {
    std::string out = spec.name;
    for (char& c : out)
        if (c == '-') c = '_';
    return out;
}

const std::vector<std::string>& known_other_variables() {
    // The relay's own, then the project's scripts (toolchain/), tests and parley-bot.
    // A variable added to those that can reach a relay's environment belongs here.
    static const std::vector<std::string> names = {
        "PARLEY_CONFIG", "PARLEY_DEMO_PASSWORD",
        "PARLEY_DATA", "PARLEY_ROOT", "PARLEY_BUILD_DIR", "PARLEY_BUILD_TYPE", "PARLEY_JOBS", "PARLEY_CMAKE_ARGS",
        "PARLEY_NODE", "PARLEY_NODE_BIN", "PARLEY_CHROMIUM", "PARLEY_EMSCRIPTEN_ROOT", "PARLEY_WASM_DIR",
        "PARLEY_WASM_BUILD_DIR", "PARLEY_WASM_OPT", "PARLEY_WASM_MODULES", "PARLEY_ASAN_BUILD_DIR",
        "PARLEY_FUZZ_BUILD", "PARLEY_FUZZ_BUILD_DIR", "PARLEY_FUZZ_TRACE", "PARLEY_BENCH_BUILD", "PARLEY_BENCH_WORK",
        "PARLEY_SANITIZE", "PARLEY_KEEP_TMP", "PARLEY_RELAY", "PARLEY_RELAY_BIN", "PARLEY_BOT_BIN",
        "PARLEY_BOT_KEY", "PARLEY_BOT_DELTA_MS", "PARLEY_TRIAGE_BIN", "PARLEY_TRIAGE_DIR", "PARLEY_TRIAGE_DATA",
        "PARLEY_TRIAGE_OPTS", "PARLEY_BROWSER_BOT_ENV", "PARLEY_LOAD", "PARLEY_MODEL", "PARLEY_INTENTS",
        "PARLEY_EXAMPLE_CFLAGS", "PARLEY_EXAMPLE_LDFLAGS", "PARLEY_NATIVE_CLIENT_BIN", "PARLEY_NPM_DIR",
    };
    return names;
}

const std::vector<MetaOption>& meta_options() {
    static const std::vector<MetaOption> meta = {
        {"--config", "FILE", "read settings from this TOML file (also $PARLEY_CONFIG); flags and PARLEY_* "
                             "variables override it"},
        {"--check-config", "FILE", "check FILE and the PARLEY_* environment, print ok (exit 0) or every problem "
                                   "(exit 2); opens no database, binds no port"},
        {"--print-config", "", "print the settings in force as TOML (what the file, environment and flags make "
                               "together), then exit"},
        {"--version", "", "print the version and exit"},
        {"--help", "", "this text"},
    };
    return meta;
}

}  // namespace parley::relay::config
