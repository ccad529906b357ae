// parley-relay: options, store, hub, server, loop. See docs/operations.md.
#include <pwd.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "auth/agent_accounts.hpp"
#include "auth/agent_admin.hpp"
#include "auth/base64url.hpp"
#include "auth/bot_keys.hpp"
#include "api/api_keys.hpp"
#include "api/api_service.hpp"
#include "api/problem.hpp"
#include "api/routes.hpp"
#include "auth/demo_password.hpp"
#include "auth/sodium_random.hpp"
#include "auth/visitor_key_file.hpp"
#include "auth/identity_secret_file.hpp"
#include "auth/session_token.hpp"
#include "auth/visitor_token.hpp"
#include "core/audit_log.hpp"
#include "core/hub.hpp"
#include "core/route_config.hpp"
#include "net/log_sink.hpp"
#include "net/listen_probe.hpp"
#include "net/server.hpp"
#include "config/config_render.hpp"
#include "config/config_sources.hpp"
#include "config/referenced_files.hpp"
#include "config/config_file_writer.hpp"
#include "config/live_config.hpp"
#include "live_settings.hpp"
#include "options.hpp"
#include "privacy/visitor_export.hpp"
#include "reports/report.hpp"
#include "reports/report_source.hpp"
#include "store/backup.hpp"
#include "store/data_dir_check.hpp"
#include "store/data_dir_lock.hpp"
#include "store/column_sealer.hpp"
#include "store/data_key_file.hpp"
#include "attachments/attachment_service.hpp"
#include "store/sqlite_store.hpp"
#include "store/summary_cache.hpp"
#include "triage_setup.hpp"
#include "webhooks/webhook_commands.hpp"
#include "webhooks/webhook_dispatcher.hpp"

namespace {

using namespace parley::relay;

// Attachments (issue 17): files waiting for the file worker, and uploads held in memory
// at once (each at most --attachment-max-bytes; more get 503 before their bytes are read),
// and of those by one client address: the widget and console upload one file at a time,
// so two leave room for a visitor and an agent behind one NAT, and one client holding
// bodies it never sends takes a quarter of the slots, not all.
constexpr std::size_t kFileJobQueue = 16;
constexpr std::size_t kMaxUploadsAtOnce = 8;
constexpr std::size_t kMaxUploadsAtOnceByAddress = 2;

volatile std::sig_atomic_t g_stop = 0;
volatile std::sig_atomic_t g_reload = 0;  // SIGHUP: the loop reloads the TLS certificate

void on_signal(int) { g_stop = 1; }
void on_hangup(int) { g_reload = 1; }

void install_signal_handlers() {
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: poll() returns so the loop sees the flag
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    sa.sa_handler = on_hangup;  // only a flag: the loop's tick does the work
    sigaction(SIGHUP, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
}

// Raises the soft open-files limit to the hard one (issue 15, defect 4): a service
// started with the common soft limit of 1024 would otherwise run out of sockets long
// before the hard limit an operator set. Says what it got.
void raise_open_files_limit() {
    rlimit rl{};
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
    const rlim_t before = rl.rlim_cur;
    // An unlimited hard limit cannot be the soft one (the kernel caps it at nr_open).
    const rlim_t target = rl.rlim_max == RLIM_INFINITY ? rlim_t(1) << 20 : rl.rlim_max;
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < target) {
        rl.rlim_cur = target;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0) getrlimit(RLIMIT_NOFILE, &rl);
    }
    std::string line = "open files limit " + std::to_string(rl.rlim_cur);
    if (rl.rlim_cur != before) line += " (raised from " + std::to_string(before) + ")";
    if (logs_are_json())
        log_event(LogLevel::notice, "open_files_limit", {{"limit", std::to_string(rl.rlim_cur), true}}, line);
    else
        std::cout << line << std::endl;
}

int fail(const std::string& message) {
    std::cerr << "parley-relay: " << message << "\n";
    return 1;
}

// What the relay says while it starts to serve: a log record (net/log_sink.hpp) in JSON
// mode, else the plain "parley-relay: …" line it always wrote.
void note(const char* event, const std::string& message) {
    if (logs_are_json()) log_event(LogLevel::notice, event, {}, message, true);
    else std::cerr << "parley-relay: " << message << "\n";
}

// The audit entry of an offline command (P7): the actor is the operator, named by the
// user the command runs as (the relay cannot know more of who typed it).
AuditEntry operator_entry(const char* action, std::string target, std::string detail = {}) {
    AuditEntry e;
    e.ts = wall_clock_ms();
    e.actor_role = "operator";
    const passwd* pw = ::getpwuid(::geteuid());
    e.actor_id = pw && pw->pw_name ? pw->pw_name : "uid " + std::to_string(::geteuid());
    e.action = action;
    e.target = std::move(target);
    e.detail = std::move(detail);
    return audit::clipped(std::move(e));
}

// --export-audit: every entry, oldest first, one JSON object a line. The export is itself
// logged first (fail closed: an export the log cannot show does not happen).
int export_audit(Store& store) {
    if (auto logged = store.append_audit(operator_entry(audit::kAuditExport, {})); !logged)
        return fail("cannot write the audit log: " + logged.error().detail);
    constexpr int kPage = 500;
    for (std::int64_t after = 0;;) {
        auto page = store.audit_after(after, kPage);
        if (!page) return fail("cannot read the audit log: " + page.error().detail);
        for (const AuditEntry& e : page.value()) std::cout << audit::entry_json(e) << "\n";
        if (page.value().size() < static_cast<std::size_t>(kPage)) break;
        after = page.value().back().id;
    }
    std::cout.flush();
    return std::cout ? 0 : fail("cannot write the export");
}

// The routing configuration the relay starts with is a config change when it differs
// from the last start's: logged then, with the file and a digest of its text.
void audit_route_config(Store& store, const std::string& file, const std::string& text) {
    const std::string digest = session_token_hash(text).substr(0, 16);
    const std::string key = "audit.route_config";
    const std::string value = (file.empty() ? std::string("defaults") : file) + " sha256:" + digest;
    auto last = store.get_setting(key);
    if (last && last.value() == value) return;
    AuditEntry e = operator_entry(audit::kConfigRouting, file.empty() ? "defaults" : file, "sha256:" + digest);
    e.actor_role = "relay";
    e.actor_id.clear();
    if (store.append_audit(e)) (void)store.put_setting(key, value);
    else std::cerr << "parley-relay: cannot write the audit log (routing configuration)\n";
}

// Agent administration from the CLI (issue 17): the rules are auth/agent_admin.hpp's,
// the same as the console's; the operator acts as "operator" (the OS user) in the audit.
admin::Actor operator_actor() { return operator_entry("", {}); }

int admin_failed(const char* what, const parley::Error& e) {
    return fail(std::string("cannot ") + what + ": " + e.detail + " (" + parley::protocol::error_name(e.code) + ")");
}

void warn_audit(const admin::Done& done) {
    if (done.audit_failed) std::cerr << "parley-relay: the change was made but the audit log could not be written\n";
}

// --team, --skill, --preferred, --max-load, --supervisor as given: --add-agent takes the
// defaults for the rest, --update-agent leaves the rest as stored.
admin::AgentFields agent_fields_of(const Options& o) {
    admin::AgentFields f;
    if (!o.agent_teams.empty()) f.teams = o.agent_teams;
    if (!o.agent_skills.empty()) f.skills = o.agent_skills;
    if (o.agent_preferred_given) f.preferred = o.agent_preferred;
    if (o.agent_max_given) f.max_load = o.agent_max;
    if (o.agent_supervisor_given) f.supervisor = o.agent_supervisor;
    return f;
}

// --add-agent EMAIL NAME: the password is the first line of stdin, so it never shows
// in the process list or the shell history.
int add_agent_from_stdin(Store& store, RandomSource& random, const Options& o) {
    std::string password;
    if (!std::getline(std::cin, password)) return fail("--add-agent reads the password from stdin; got nothing");
    if (!password.empty() && password.back() == '\r') password.pop_back();
    admin::AgentFields fields = agent_fields_of(o);
    fields.name = o.agent_name;
    auto done = admin::add(store, random, operator_actor(), o.agent_email, fields, password, wall_clock_ms());
    if (!done) return admin_failed("add agent", done.error());
    warn_audit(done.value());
    std::cout << "agent " << done.value().agent.email << " created (" << done.value().agent.id << ")\n";
    return 0;
}

// --update-agent, --reset-password, --remove-agent ID|EMAIL. Safe beside a running relay
// (a row each); it applies an update at its next session check, and closes the
// connections of a reset or removed agent then (their sessions are gone).
int agent_admin_command(Store& store, RandomSource& random, const Options& o) {
    const std::string& who =
        !o.update_agent.empty() ? o.update_agent : !o.reset_password.empty() ? o.reset_password : o.remove_agent;
    auto agent = admin::find(store, who);
    if (!agent) return admin_failed("find agent", agent.error());
    const std::string id = agent.value().id;
    if (!o.update_agent.empty()) {
        auto done = admin::update(store, operator_actor(), id, agent_fields_of(o), wall_clock_ms());
        if (!done) return admin_failed("update agent", done.error());
        warn_audit(done.value());
        std::cout << "agent " << done.value().agent.email << " updated\n";
        return 0;
    }
    if (!o.reset_password.empty()) {
        auto done = admin::reset_password(store, random, operator_actor(), id, wall_clock_ms());
        if (!done) return admin_failed("reset the password", done.error());
        warn_audit(done.value());
        // The password alone on stdout (a script reads it); what happened on stderr.
        std::cout << done.value().password << "\n";
        std::cerr << "parley-relay: new password for " << done.value().agent.email << " (shown once); "
                  << done.value().sessions << " session(s) revoked\n";
        return 0;
    }
    auto done = admin::remove(store, operator_actor(), id, wall_clock_ms());
    if (!done) return admin_failed("remove agent", done.error());
    warn_audit(done.value());
    std::cout << "agent " << done.value().agent.email << " removed; " << done.value().sessions
              << " session(s) revoked\n";
    return 0;
}

// --export-visitor / --erase-visitor ID (P7): ID is the visitor's, or one of their
// conversations' (what the console shows). The caller holds the data directory's lock.
int privacy_command(Store& store, const Options& o) {
    std::string visitor = o.export_visitor.empty() ? o.erase_visitor : o.export_visitor;
    if (visitor.rfind("c_", 0) == 0) {
        auto conv = store.find_conversation(visitor);
        if (!conv) return fail(conv.error().detail);
        if (!conv.value()) return fail("no conversation " + visitor);
        visitor = conv.value()->visitor.id;
    }
    // Audit (P7): an export is logged before it is printed (fail closed); an erasure
    // once done, with what it deleted. Entries hold the visitor's id, never their data.
    if (!o.export_visitor.empty()) {
        auto record = store.visitor_record(visitor);
        if (!record) return fail(record.error().detail);
        if (!record.value()) return fail("no visitor " + visitor);
        if (auto logged = store.append_audit(operator_entry(audit::kVisitorExport, visitor)); !logged)
            return fail("cannot write the audit log, nothing exported: " + logged.error().detail);
        std::cout << visitor_export_json(*record.value(), wall_clock_ms());
        return 0;
    }
    auto erased = store.erase_visitor(visitor);
    if (!erased) return fail(erased.error().detail);
    if (erased.value().visitors == 0) return fail("no visitor " + visitor);
    // A reader of another process (a backup) holds the log: wait for it here, a while.
    for (int i = 0; i < 50 && !erased.value().log_emptied; ++i) erased.value().log_emptied = bool(store.empty_log());
    const std::string counts = "conversations=" + std::to_string(erased.value().conversations) +
                               " messages=" + std::to_string(erased.value().messages);
    if (!store.append_audit(operator_entry(audit::kVisitorErase, visitor, counts)))
        std::cerr << "parley-relay: the visitor was erased but the audit log could not be written\n";
    std::cout << "erased visitor " << visitor << ": " << erased.value().conversations << " conversation(s), "
              << erased.value().messages << " message(s)\n";
    if (!erased.value().log_emptied)
        return fail("but another process holds the database's log, which still has a copy: stop it, then start "
                    "the relay or run any erasure again (it empties the log)");
    return 0;
}

// --disable-agent / --enable-agent ID|EMAIL. The flag and the revocation of every session
// go in one transaction of the same database file a running relay uses; that relay
// closes the agent's connections at its next session check (HubConfig).
int set_agent_disabled_by_email(Store& store, const std::string& email, bool disabled) {
    auto agent = admin::find(store, email);
    if (!agent) return admin_failed("find agent", agent.error());
    auto done = admin::set_disabled(store, operator_actor(), agent.value().id, disabled, wall_clock_ms());
    if (!done) return admin_failed("change agent", done.error());
    warn_audit(done.value());
    std::cout << "agent " << agent.value().email << (disabled ? " disabled" : " enabled");
    if (disabled) std::cout << "; " << done.value().sessions << " session(s) revoked";
    std::cout << "\n";
    return 0;
}

// --demo-agent: demo@parley.local, created once; its password is shown only then.
bool ensure_demo_agent(Store& store, RandomSource& random, const Options& o) {
    auto given = demo_password_from(o.demo_password_file, std::getenv(kDemoPasswordEnv));
    if (!given) {
        fail(given.error().detail);
        return false;
    }
    const std::optional<std::string>& demo_password = given.value();
    const std::string email = "demo@parley.local";
    auto existing = store.find_agent_by_email(email);
    if (!existing) {
        fail("cannot read agents: " + existing.error().detail);
        return false;
    }
    if (existing.value()) {
        std::cout << "demo agent " << email << " exists (password unchanged)" << std::endl;
        // A data dir from before routing (P4) lacks the second demo agent; with a known
        // password it is added now.
        auto billing = store.find_agent_by_email("billing@parley.local");
        if (demo_password && billing && !billing.value()) {
            Agent spec;
            spec.teams = {"billing"};
            if (add_agent(store, random, "billing@parley.local", "Billie (Billing)", *demo_password,
                          wall_clock_ms(), spec))
                std::cout << "demo agent created: billing@parley.local (the demo password)" << std::endl;
        }
        return true;
    }
    std::string password;
    if (demo_password) {
        password = *demo_password;
    } else {
        unsigned char bytes[12];
        random.fill(bytes, sizeof bytes);
        password = base64url_encode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
    }
    // P4: the demo agent is a supervisor of team general; a second demo agent works in
    // team billing, so the console shows routing and transfers between teams.
    Agent general;
    general.teams = {"general"};
    general.supervisor = true;
    auto agent = add_agent(store, random, email, "Demo Agent", password, wall_clock_ms(), general);
    if (!agent) {
        fail("cannot create the demo agent: " + agent.error().detail);
        return false;
    }
    // A random password is printed, once (nobody else knows it); a given one never is,
    // so it reaches no log.
    const std::string shown = demo_password ? "(the one given)" : password;
    std::cout << "demo agent created: " << email << " password: " << shown << std::endl;
    Agent billing;
    billing.teams = {"billing"};
    auto second = add_agent(store, random, "billing@parley.local", "Billie (Billing)", password,
                            wall_clock_ms(), billing);
    if (second)
        std::cout << "demo agent created: billing@parley.local password: " << shown << std::endl;
    return true;
}

// A data directory made by an older relay (or by hand) may be readable by others: make
// it 0700 and its files 0600. Returns what it changed ("" when nothing), for the log.
// --report (issue 18, reports/report.hpp): the conversations opened on the days named,
// as CSV on stdout.
int report_command(Store& store, const Options& o) {
    using namespace reports;
    constexpr std::int64_t kDay = 24 * 3600 * 1000;
    const std::int64_t today = wall_clock_ms() / kDay * kDay;
    std::optional<std::int64_t> to = o.report_to.empty() ? std::optional<std::int64_t>(today) : parse_utc_date(o.report_to);
    if (!to) return fail("--to needs a date as YYYY-MM-DD, not " + o.report_to);
    std::optional<std::int64_t> from =
        o.report_from.empty() ? std::optional<std::int64_t>(*to - 29 * kDay) : parse_utc_date(o.report_from);
    if (!from) return fail("--from needs a date as YYYY-MM-DD, not " + o.report_from);
    if (*from > *to) return fail("--from " + o.report_from + " is after --to " + o.report_to);
    const auto by = parse_group_by(o.report_by);
    if (!by) return fail("--by needs all, day, team, agent or intent, not " + o.report_by);
    auto histories = load_histories(store, *from, *to + kDay);
    if (!histories) return fail("cannot read the report's conversations: " + histories.error().detail);
    std::map<std::string, std::string> names;
    if (auto agents = store.list_agents())
        for (const auto& a : agents.value()) names[a.id] = a.name;
    auto agents = load_agent_time(store, *from, *to + kDay, wall_clock_ms(), *by);
    if (!agents) return fail("cannot read the agents' time: " + agents.error().detail);
    std::cout << report_csv(compute_report(histories.value(), *by, agents.value()), *by, names);
    return 0;
}

// What a backup holds, in one line: "schema 8, 3 conversations, 120 messages, visitor keys".
std::string describe(const BackupFacts& facts) {
    return "schema " + std::to_string(facts.schema_version) + ", " + std::to_string(facts.conversations) +
           " conversation(s), " + std::to_string(facts.messages) + " message(s)" +
           (facts.visitor_keys ? ", visitor token keys" : ", no visitor token keys") + ", " +
           std::to_string(facts.attachments) + " attachment file(s)";
}

std::string restrict_data_dir(const std::string& dir) {
    namespace fs = std::filesystem;
    std::string changed;
    auto restrict_one = [&](const fs::path& path, fs::perms wanted) {
        std::error_code ec;
        const fs::perms now = fs::status(path, ec).permissions();
        if (ec || (now & ~wanted) == fs::perms::none) return;
        fs::permissions(path, now & wanted, ec);
        if (!ec) changed += (changed.empty() ? "" : ", ") + path.string();
    };
    restrict_one(dir, fs::perms::owner_all);
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec))
        if (entry.is_regular_file(ec)) restrict_one(entry.path(), fs::perms::owner_read | fs::perms::owner_write);
    return changed.empty() ? "" : "made private to the relay's user (0700/0600): " + changed;
}

}  // namespace

// Bots' API keys (issue 16, auth/bot_keys.hpp): --create-bot-key, --revoke-bot-key and
// --list-bot-keys. A row each in the database a running relay uses, like the agent
// commands, so they run beside it: a revoked key's connections are closed by the relay
// at its next session check.
int bot_key_command(Store& store, RandomSource& random, const Options& o) {
    if (o.list_bot_keys) {
        auto keys = store.list_bot_keys();
        if (!keys) return fail("cannot read bot keys: " + keys.error().detail);
        if (keys.value().empty()) std::cout << "no bot keys\n";
        for (const BotKey& k : keys.value())
            std::cout << k.name << "  \"" << k.display_name << "\"  created " << k.created << "  last used "
                      << (k.last_used ? std::to_string(k.last_used) : std::string("never")) << "\n";
        return 0;
    }
    if (!o.revoke_bot_key.empty()) {
        auto gone = store.delete_bot_key(o.revoke_bot_key);
        if (!gone) return fail("cannot revoke the bot key: " + gone.error().detail);
        if (!gone.value()) return fail("no bot key named " + o.revoke_bot_key);
        if (!store.append_audit(operator_entry(audit::kBotKeyRevoke, bot_party_id(o.revoke_bot_key))))
            std::cerr << "parley-relay: the key was revoked but the audit log could not be written\n";
        std::cout << "bot key " << o.revoke_bot_key << " revoked; a running relay closes its connections within 10 s\n";
        return 0;
    }
    if (auto problem = bot_name_problem(o.create_bot_key)) return fail("--create-bot-key: " + *problem);
    const std::string key = new_bot_key(random);
    const BotKey row{o.create_bot_key, o.bot_name.empty() ? o.create_bot_key : o.bot_name, bot_key_hash(key),
                     wall_clock_ms(), 0};
    if (Status s = store.create_bot_key(row); !s)
        return fail("cannot create the bot key (is there one named " + o.create_bot_key + "? revoke it first)");
    if (!store.append_audit(operator_entry(audit::kBotKeyCreate, bot_party_id(o.create_bot_key))))
        std::cerr << "parley-relay: the key was created but the audit log could not be written\n";
    // The key itself, alone on stdout (scripts read it); it is not stored and not shown again.
    std::cout << key << std::endl;
    return 0;
}

// The HTTP API's keys (issue 18, api/api_keys.hpp): --create-api-key, --revoke-api-key
// and --list-api-keys. One settings row in the database a running relay uses (it
// re-reads it every second), so they run beside it, like the bot key commands.
int api_key_command(Store& store, RandomSource& random, const Options& o) {
    if (o.list_api_keys) {
        auto keys = api::load_api_keys(store);
        if (!keys) return fail("cannot read API keys: " + keys.error().detail);
        if (keys.value().empty()) std::cout << "no API keys\n";
        for (const api::ApiKey& k : keys.value())
            std::cout << k.id << "  \"" << k.name << "\"  " << api::scope_name(k.scope) << "  created " << k.created
                      << (k.revoked ? "  revoked " + std::to_string(k.revoked) : std::string()) << "\n";
        return 0;
    }
    if (!o.revoke_api_key.empty()) {
        auto revoked = api::revoke_api_key(store, o.revoke_api_key, wall_clock_ms());
        if (!revoked) return fail("cannot revoke the API key: " + revoked.error().detail);
        if (!store.append_audit(operator_entry(audit::kApiKeyRevoke, o.revoke_api_key)))
            std::cerr << "parley-relay: the key was revoked but the audit log could not be written\n";
        std::cout << "API key " << o.revoke_api_key << " revoked; a running relay refuses it within 1 s\n";
        return 0;
    }
    const auto scope = api::parse_scope(o.api_key_scope);
    if (!scope) return fail("--scope needs read, write or admin");
    auto made = api::create_api_key(store, random, o.create_api_key, *scope, wall_clock_ms());
    if (!made) return fail("cannot create the API key: " + made.error().detail);
    if (!store.append_audit(operator_entry(audit::kApiKeyCreate, made.value().row.id,
                                           std::string("scope=") + api::scope_name(*scope))))
        std::cerr << "parley-relay: the key was created but the audit log could not be written\n";
    std::cerr << "parley-relay: API key " << made.value().row.id << " (" << api::scope_name(*scope)
              << ") created; it is shown once, below\n";
    // The key itself, alone on stdout (scripts read it); only its hash is stored.
    std::cout << made.value().key << std::endl;
    return 0;
}

// Reads a config file for config::resolve_config.
std::optional<std::string> read_config_file(const std::string& path, std::string& error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = std::strerror(errno);
        return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        error = "read error";
        return std::nullopt;
    }
    return text.str();
}

// The process's environment as "NAME=value" strings (read again at each reload).
std::vector<std::string> current_environment() {
    std::vector<std::string> env;
    for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
    return env;
}

// One log line per reload (names of settings, never their values): notice when it was
// applied, error when the sources were refused (with each problem's line and reason).
void log_reload(const config::ReloadResult& r, const std::string& file) {
    auto join = [](const std::vector<std::string>& names) {
        std::string out;
        for (const std::string& n : names) out += (out.empty() ? "" : ",") + n;
        return out;
    };
    if (!r.ok) {
        std::string problems;
        for (const config::ConfigProblem& p : r.problems) problems += (problems.empty() ? "" : "; ") + p.text;
        log_event(LogLevel::error, "config_reload_refused", {{"file", file}, {"problems", problems}},
                  r.summary(file), true);
        return;
    }
    log_event(LogLevel::notice, "config_reload",
              {{"file", file}, {"applied", join(r.applied)}, {"restart", join(r.restart)},
               {"shadowed", join(r.shadowed)}},
              r.summary(file), true);
}

int main(int argc, char** argv) {
    // Undocumented, alone: the HTTP API's route table, which the OpenAPI check compares
    // with docs/openapi.json (tests/integration/api_test.cpp).
    if (argc == 2 && std::string_view(argv[1]) == "--print-api-routes") {
        std::cout << api::route_table_text();
        return 0;
    }
    // Settings: flags > PARLEY_* environment > config file > defaults (config/).
    const config::ResolvedConfig resolved = config::resolve_config(std::vector<std::string>(argv + 1, argv + argc),
                                                                   current_environment(), read_config_file);
    if (resolved.print_markdown) {
        std::cout << config::options_markdown();
        return 0;
    }
    if (!resolved.problems.empty()) {
        for (const std::string& problem : resolved.problems) std::cerr << "parley-relay: " << problem << "\n";
        if (!resolved.check_config) std::cerr << "parley-relay --help lists the options\n";
        return 2;
    }
    if (resolved.check_config) {  // nothing opened, nothing bound
        const std::vector<std::string> missing = config::referenced_file_problems(resolved.options);
        for (const std::string& problem : missing) std::cerr << "parley-relay: " << problem << "\n";
        if (!missing.empty()) return 2;
        std::cout << "ok\n";
        return 0;
    }
    const Options& o = resolved.options;
    if (o.version) {
        std::printf("parley-relay %s\n", PARLEY_VERSION);
        return 0;
    }
    if (o.help) {
        std::cout << usage();
        return 0;
    }
    if (resolved.print_config) {
        std::cout << config::effective_toml(resolved);
        return 0;
    }
    if (!sodium_ready()) return fail("libsodium cannot initialise (no random source?)");
    // The log (net/log_sink.hpp; the option table checked both values). Errors that stop
    // the start and the offline commands' messages stay plain text, for a person.
    configure_logs(parse_log_format(o.log_format).value_or(LogFormat::auto_detect),
                   parse_log_level(o.log_level).value_or(LogLevel::notice));

    // P7, data at rest: everything the relay creates is its user's alone (the database
    // holds transcripts, password hashes and the token key), whatever umask it inherited.
    ::umask(077);
    if (!o.generate_data_key.empty()) {  // needs no data directory
        SodiumRandom random;
        auto key = generate_data_key_file(o.generate_data_key, random);
        if (!key) return fail(key.error().detail);
        std::cout << "data key " << key_id_hex(key.value().id) << " written to " << o.generate_data_key
                  << " (0600); back it up apart from the data directory\n";
        return 0;
    }
    if (auto problem = prepare_data_dir(o.data_dir)) return fail(*problem);
    if (auto tightened = restrict_data_dir(o.data_dir); !tightened.empty())
        note("data_dir_tightened", tightened);
    if (!o.web_root.empty() && !std::filesystem::is_directory(o.web_root))
        return fail("--web-root " + o.web_root + " is not a directory");

    // One relay per data directory, and the privacy commands never beside one. Adding,
    // disabling and enabling an agent are safe beside a running relay (a row each; the
    // relay re-reads sessions on its own) and take no lock.
    const bool bot_command = !o.create_bot_key.empty() || !o.revoke_bot_key.empty() || o.list_bot_keys;
    const bool admin_command = !o.update_agent.empty() || !o.reset_password.empty() || !o.remove_agent.empty();
    const bool api_key_command_given = !o.create_api_key.empty() || !o.revoke_api_key.empty() || o.list_api_keys;
    const bool agent_command = o.add_agent || !o.disable_agent.empty() || !o.enable_agent.empty() || admin_command ||
                               o.export_audit || bot_command || api_key_command_given || o.report ||
                               is_webhook_command(o);
    const std::string visitor_key_path =
        o.visitor_key_file.empty() ? default_visitor_key_path(o.data_dir) : o.visitor_key_file;
    // A backup only reads (store/backup.hpp): it runs beside the relay, without the lock.
    if (!o.backup_to.empty()) {
        auto done = backup_data_dir(o.data_dir, visitor_key_path, o.backup_to);
        if (!done) return fail("backup failed: " + done.error().detail);
        std::cout << "backed up " << o.data_dir << " to " << o.backup_to << ": " << describe(done.value()) << "\n";
        if (!o.data_key_file.empty())
            std::cout << "the data key " << o.data_key_file << " is not in the backup: keep a copy of it apart\n";
        return 0;
    }
    std::optional<DataDirLock> lock;
    if (!agent_command) {
        auto taken = DataDirLock::acquire(o.data_dir);
        if (!taken) return fail(taken.error().detail);
        lock.emplace(std::move(taken).value());
    }
    if (!o.restore_from.empty()) {
        auto done = restore_data_dir(o.restore_from, o.data_dir, visitor_key_path, SqliteStore::kSchemaVersion,
                                     wall_clock_ms());
        if (!done) return fail("restore failed: " + done.error().detail);
        std::cout << "restored " << o.restore_from << " into " << o.data_dir << ": " << describe(done.value()) << "\n";
        if (!done.value().replaced.empty())
            std::cout << "the database it replaced is kept as " << done.value().replaced << "\n";
        return 0;
    }

    // Sealed transcripts (P7): the data key seals, older keys only open. The agent
    // commands touch no sealed column, so they run without the keys.
    SqliteOptions store_options;
    if (!o.data_key_file.empty()) {
        auto key = read_data_key_file(o.data_key_file);
        if (!key) return fail(key.error().detail);
        store_options.data_key = key.value();
    }
    for (const std::string& path : o.old_data_key_files) {
        auto key = read_data_key_file(path);
        if (!key) return fail(key.error().detail);
        store_options.old_keys.push_back(key.value());
    }
    if (!o.old_data_key_files.empty() && o.data_key_file.empty() && !o.reseal_data)
        return fail("--old-data-key-file needs --data-key-file (the key that seals from now on), "
                    "or --reseal-data (to unseal)");
    // Agent, key and report commands read nothing sealed, so they run without the data
    // key; webhook commands read and write signing secrets and queued bodies, which are
    // sealed (store/column_sealer.hpp), so on a sealed store they need it like the relay.
    store_options.allow_missing_keys = (agent_command && !is_webhook_command(o)) || o.forget_unreadable;
    auto store = SqliteStore::open((std::filesystem::path(o.data_dir) / "parley.db").string(), store_options);
    if (!store) return fail(store.error().detail);
    SodiumRandom random;
    if (o.reseal_data) {
        auto done = store.value()->reseal(o.forget_unreadable);
        if (!done) return fail("cannot reseal: " + done.error().detail);
        std::cout << "resealed " << done.value().values << " value(s) "
                  << (o.data_key_file.empty() ? "as plain text" : "under data key " + key_id_hex(store_options.data_key->id));
        if (done.value().unreadable)
            std::cout << "; " << done.value().unreadable << " unreadable value(s) replaced by a placeholder";
        std::cout << "\n";
        return 0;
    }

    if (o.add_agent) return add_agent_from_stdin(*store.value(), random, o);
    if (admin_command) return agent_admin_command(*store.value(), random, o);
    if (o.export_audit) return export_audit(*store.value());
    if (o.report) return report_command(*store.value(), o);
    if (bot_command) return bot_key_command(*store.value(), random, o);
    if (api_key_command_given) return api_key_command(*store.value(), random, o);
    if (is_webhook_command(o))  // issue 18: a row or two, beside a running relay
        return webhook_command(*store.value()->webhooks(), random, o, wall_clock_ms(), std::cout, std::cerr);
    if (!o.export_visitor.empty() || !o.erase_visitor.empty()) return privacy_command(*store.value(), o);
    // Token keys (P7): in their own file, never in the database. Rotation is offline
    // (the lock is held) and takes effect at the next start.
    const std::string& key_path = visitor_key_path;
    if (o.rotate_visitor_key) {
        auto rotated = rotate_visitor_key(key_path, *store.value(), random, wall_clock_ms());
        if (!rotated) return fail("cannot rotate the visitor token key: " + rotated.error().detail);
        std::cout << rotated.value().note << "\n";
        return 0;
    }
    // Identity (issue 17): the site's secret, in its own file; made offline, read at start.
    const std::string identity_path =
        o.identity_secret_file.empty() ? default_identity_secret_path(o.data_dir) : o.identity_secret_file;
    if (o.create_identity_secret) {
        auto secret = create_identity_secret(identity_path, random);
        if (!secret) return fail("cannot create the identity secret: " + secret.error().detail);
        std::cout << secret.value() << "\n";
        std::cerr << "parley-relay: identity secret written to " << identity_path
                  << " (give it to the site's server; the previous one, if any, still verifies)\n";
        return 0;
    }
    auto identity_secrets = read_identity_secrets(identity_path);
    if (!identity_secrets) return fail("cannot load the identity secret: " + identity_secrets.error().detail);
    if (!o.disable_agent.empty()) return set_agent_disabled_by_email(*store.value(), o.disable_agent, true);
    if (!o.enable_agent.empty()) return set_agent_disabled_by_email(*store.value(), o.enable_agent, false);
    // Expired agent sessions are deleted at start (and hourly by the hub), so the table
    // holds only live ones however long the relay has been down.
    if (auto purged = store.value()->purge_sessions(wall_clock_ms()); purged && purged.value() > 0)
        note("agent_sessions_purged", "purged " + std::to_string(purged.value()) + " expired agent session(s)");
    if (o.demo_agent && !ensure_demo_agent(*store.value(), random, o)) return 1;

    auto visitor_keys = load_or_create_visitor_keys(key_path, *store.value(), random, wall_clock_ms());
    if (!visitor_keys) return fail("cannot load the visitor token keys: " + visitor_keys.error().detail);
    if (!visitor_keys.value().note.empty()) note("visitor_keys", visitor_keys.value().note);

    // Triage (P5, P7): the model the relay reads visitor messages with, and the masking
    // policy. Without a model the relay starts only when told to (--no-triage).
    std::optional<parley::triage::Model> model;
    if (!o.no_triage) {
        std::string error;
        const std::vector<std::string> paths =
            o.triage_model.empty() ? default_model_paths(argv[0]) : std::vector<std::string>{o.triage_model};
        for (const std::string& path : paths) {
            if (!o.triage_model.empty() || std::filesystem::exists(path)) model = load_model_file(path, error);
            if (model) {
                note("triage_model", "triage model " + path);
                break;
            }
        }
        if (!model)
            return fail("no triage model (" + (error.empty() ? "default.ptm not found" : error) +
                        "); give --triage-model PATH, or --no-triage to run without");
    } else {
        note("triage_off", "triage is OFF (--no-triage): messages carry no intent");
    }
    // Not const: a reload may change the masking policy (--mask-*).
    MessageTriage triage(model ? &*model : nullptr, mask_policy_from(o));

    HubConfig config;
    config.visitor_keys = std::move(visitor_keys.value().ring);
    config.identity_secrets = std::move(identity_secrets).value();
    config.identity_proofs = o.identity_proof == "user_hash"        ? IdentityProofs::user_hash
                             : o.identity_proof == "identity_token" ? IdentityProofs::identity_token
                                                                    : IdentityProofs::both;
    config.triage = &triage;
    config.group_commit = !o.commit_each;
    // Routing (P4): defaults, then the file, then the command line's timeouts.
    config.routing = default_route_config();
    std::stringstream route_text;
    if (!o.route_config.empty()) {
        std::ifstream in(o.route_config);
        if (!in) return fail("cannot read --route-config " + o.route_config);
        route_text << in.rdbuf();
        auto parsed_cfg = parse_route_config(route_text.str(), config.routing);
        if (!parsed_cfg) return fail(o.route_config + ": " + parsed_cfg.error().detail);
        config.routing = parsed_cfg.value();
    }
    audit_route_config(*store.value(), o.route_config, route_text.str());
    if (o.inactive_after_ms) config.routing.inactive_after_ms = *o.inactive_after_ms;
    if (o.rerank_every_ms) config.rerank_every_ms = *o.rerank_every_ms;
    if (o.away_grace_ms) config.routing.away_grace_ms = *o.away_grace_ms;
    if (o.offline_grace_ms) config.routing.offline_grace_ms = *o.offline_grace_ms;
    // Retention, quotas, bot rules, pre-chat form: what a reload may change too.
    set_hub_live_settings(config, o);
    // Logins (P7): the throttle's numbers, and as many pending checks as the pool holds.
    config.login.throttle.account = {o.login_free_failures, o.login_delay_ms, o.login_lock_after, o.login_lock_ms};
    config.login.throttle.address = {o.login_ip_free_failures, o.login_delay_ms, o.login_ip_lock_after,
                                     o.login_ip_lock_ms};
    config.login.throttle.max_pending_per_address = o.login_ip_checks;
    config.login.max_checks = static_cast<std::size_t>(o.login_threads + o.login_queue);
    // Conversation summaries are read on every frame: kept in memory, written through.
    SummaryCache summaries(*store.value());
    Hub hub(summaries, random, config);

    ServerOptions so;
    so.host = o.host;
    so.port = o.port;
    so.web_root = o.web_root;
    so.allow_origins = o.allow_origins;
    so.limits = rate_limits_of(o);
    so.max_sockets_per_ip = o.max_sockets_per_ip;
    so.handshake_timeout_secs = o.handshake_timeout_secs;
    so.heartbeat_secs = o.heartbeat_secs;
    so.commit_window_us = o.commit_window_us;
    so.dead_peer_secs = o.dead_peer_secs;
    so.password_threads = o.login_threads;
    so.password_queue = static_cast<std::size_t>(o.login_queue);
    so.stall_secs = o.stall_secs;
    so.tls_cert = o.tls_cert;
    so.tls_key = o.tls_key;
    so.trusted_proxies = networks_of(o.trusted_proxies);
    so.metrics_allow = networks_of(o.metrics_allow);
    so.data_dir = o.data_dir;
    so.version = PARLEY_VERSION;
    // The HTTP API (issue 18, relay/api/, docs/api.md): /api/v1 on the same port.
    api::ApiLimits api_limits;
    api_limits.key_rate = o.api_rate;
    api_limits.key_burst = o.api_burst;
    api::ApiService api_service(summaries, hub, random, api_limits);
    ServerOptions::HttpService api_http;
    api_http.prefixes = {"/api/"};
    api_http.handler = [&api_service](const HttpRequest& request, std::int64_t now) {
        return api_service.handle(request, now);
    };
    const auto api_http_refusal = [](int status, std::string detail) {
        return api::problem_for_status(status, std::move(detail));
    };
    api_http.refusal = api_http_refusal;
    api_http.limits.max_body_bytes = static_cast<std::size_t>(o.api_max_body_bytes);
    api_http.limits.stall_secs = o.stall_secs > 0 ? o.stall_secs : 30;
    so.http_services.push_back(std::move(api_http));
    // Attachments (issue 17, relay/attachments/, docs/attachments.md): files uploaded to
    // and read from conversations on the same port; the disk work on a thread of its own.
    attachments::AttachmentFiles attachment_files(attachments::AttachmentFiles::dir_of(o.data_dir),
                                                  ColumnSealer(store_options.data_key, store_options.old_keys));
    attachments::FileWorker file_worker(kFileJobQueue);
    attachments::AttachmentLimits attachment_limits;
    attachment_limits.max_bytes = static_cast<std::size_t>(o.attachment_max_bytes);
    attachment_limits.visitor_bytes_per_day = static_cast<std::int64_t>(o.attachment_quota_bytes);
    attachment_limits.min_free_bytes = static_cast<std::int64_t>(o.attachment_min_free_bytes);
    attachments::AttachmentService attachment_service(summaries, hub, attachment_files, file_worker, random,
                                                      attachment_limits);
    ServerOptions::HttpService files_http;
    files_http.prefixes = {attachments::AttachmentService::kPrefix};
    files_http.handler = [&attachment_service](const HttpRequest& request, std::int64_t now) {
        return attachment_service.handle(request, now);
    };
    files_http.refusal = api_http_refusal;
    files_http.limits.max_body_bytes = static_cast<std::size_t>(o.attachment_max_bytes);
    files_http.limits.stall_secs = o.stall_secs > 0 ? o.stall_secs : 30;
    files_http.limits.max_bodies = kMaxUploadsAtOnce;
    files_http.limits.max_bodies_per_client = kMaxUploadsAtOnceByAddress;
    so.http_services.push_back(std::move(files_http));
    so.wake_takers.push_back([&file_worker](std::function<void()> wake) { file_worker.set_wake(std::move(wake)); });
    // Webhooks (issue 18): deliveries on the sender's thread, moved by the dispatcher on
    // the loop's tick (webhooks/webhook_dispatcher.hpp).
    const WebhookRetryPolicy retry = webhook_retry_of(o);
    WebhookSender webhook_sender({o.webhook_connect_timeout_ms, o.webhook_timeout_ms, 64 * 1024,
                                  o.webhook_allow_private});
    WebhookDispatcher webhooks(*store.value()->webhooks(), webhook_sender, random, retry, o.webhook_concurrency);
    so.webhooks = &webhooks;
    Server server(hub, so);

    // Reloading the configuration (issue 18, config/live_config.hpp): SIGHUP (the
    // server's tick) and PUT /api/v1/config both reload; what changed reaches each
    // component here, on the loop thread.
    config::LiveConfig live_config(
        std::vector<std::string>(argv + 1, argv + argc), current_environment,
        {read_config_file, config::write_config_file, config::read_previous_config}, resolved);
    live_config.on_apply([&](const Options& next, const config::ReloadPlan&) {
        set_log_level(parse_log_level(next.log_level).value_or(LogLevel::notice));
        HubConfig live;  // only its live parts are read by reconfigure (no keys copied)
        set_hub_live_settings(live, next);
        hub.reconfigure(live);
        triage.set_policy(mask_policy_from(next));
        server.set_rate_limits(rate_limits_of(next));
        server.set_metrics_allow(networks_of(next.metrics_allow));
        api_service.set_key_rate(next.api_rate, next.api_burst);
        server.set_max_body_bytes("/api/", static_cast<std::size_t>(next.api_max_body_bytes));
        attachments::AttachmentLimits files = attachment_limits;
        files.max_bytes = static_cast<std::size_t>(next.attachment_max_bytes);
        files.visitor_bytes_per_day = static_cast<std::int64_t>(next.attachment_quota_bytes);
        files.min_free_bytes = static_cast<std::int64_t>(next.attachment_min_free_bytes);
        attachment_service.set_limits(files);
        server.set_max_body_bytes(attachments::AttachmentService::kPrefix, files.max_bytes);
        webhooks.set_policy(webhook_retry_of(next), next.webhook_concurrency);
    });
    live_config.on_report([&live_config](const config::ReloadResult& r) { log_reload(r, live_config.file()); });
    server.on_reload([&live_config] { (void)live_config.reload(); });
    api_service.set_live_config(&live_config);  // GET/PUT /api/v1/config (api/api_config.cpp)

    install_signal_handlers();
    raise_open_files_limit();
    auto port = server.start();
    if (!port) {
        // lws says only that it could not listen: a socket of our own says why (port in
        // use, privileged port, not this machine's address).
        const auto why = port.error().detail.rfind("cannot listen", 0) == 0 ? listen_problem(o.host, o.port)
                                                                            : std::nullopt;
        return fail(why ? *why : port.error().detail);
    }
    // Tests and scripts wait for exactly this line on stdout, whatever the log format
    // (docker's entrypoint test, the browser tests, the bench); in JSON mode the log on
    // stderr has it too, as the listening event.
    const std::string listening = std::string("parley-relay listening on ") +
                                  (server.tls() ? "https://" : "http://") + o.host + ":" +
                                  std::to_string(port.value());
    if (logs_are_json())
        log_event(LogLevel::notice, "listening",
                  {{"host", o.host},
                   {"port", std::to_string(port.value()), true},
                   {"tls", server.tls() ? "true" : "false"}},
                  listening, true);
    std::cout << listening << std::endl;

    server.run(g_stop, &g_reload);
    if (logs_are_json()) log_event(LogLevel::notice, "stopped", {}, "parley-relay stopped", true);
    std::cout << "parley-relay stopped" << std::endl;
    return 0;
}
