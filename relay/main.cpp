// parley-relay: options, store, hub, server, loop. See docs/operations.md.
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <iostream>
#include <string>
#include <vector>

#include "auth/agent_accounts.hpp"
#include "auth/base64url.hpp"
#include "auth/sodium_random.hpp"
#include "auth/visitor_token.hpp"
#include "core/hub.hpp"
#include "core/route_config.hpp"
#include "net/server.hpp"
#include "options.hpp"
#include "store/sqlite_store.hpp"
#include "store/summary_cache.hpp"
#include "triage_setup.hpp"

namespace {

using namespace parley::relay;

volatile std::sig_atomic_t g_stop = 0;

void on_signal(int) { g_stop = 1; }

void install_signal_handlers() {
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: poll() returns so the loop sees the flag
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
}

int fail(const std::string& message) {
    std::cerr << "parley-relay: " << message << "\n";
    return 1;
}

// --add-agent EMAIL NAME: the password is the first line of stdin, so it never shows
// in the process list or the shell history.
int add_agent_from_stdin(Store& store, RandomSource& random, const Options& o) {
    std::string password;
    if (!std::getline(std::cin, password)) return fail("--add-agent reads the password from stdin; got nothing");
    if (!password.empty() && password.back() == '\r') password.pop_back();
    Agent routing;  // P4: teams, skills, concurrency, supervisor
    if (!o.agent_teams.empty()) routing.teams = o.agent_teams;
    routing.skills = o.agent_skills;
    routing.preferred = o.agent_preferred;
    routing.max_load = o.agent_max;
    routing.supervisor = o.agent_supervisor;
    auto agent = add_agent(store, random, o.agent_email, o.agent_name, password, wall_clock_ms(), routing);
    if (!agent) return fail("cannot add agent: " + agent.error().detail);
    std::cout << "agent " << agent.value().email << " created (" << agent.value().id << ")\n";
    return 0;
}

// --demo-agent: demo@parley.local, created once; its password is shown only then.
bool ensure_demo_agent(Store& store, RandomSource& random, const Options& o) {
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
        if (o.demo_password && billing && !billing.value()) {
            Agent spec;
            spec.teams = {"billing"};
            if (add_agent(store, random, "billing@parley.local", "Billie (Billing)", *o.demo_password,
                          wall_clock_ms(), spec))
                std::cout << "demo agent created: billing@parley.local (the demo password)" << std::endl;
        }
        return true;
    }
    std::string password;
    if (o.demo_password) {
        password = *o.demo_password;
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
    std::cout << "demo agent created: " << email << " password: " << password << std::endl;
    Agent billing;
    billing.teams = {"billing"};
    auto second = add_agent(store, random, "billing@parley.local", "Billie (Billing)", password,
                            wall_clock_ms(), billing);
    if (second)
        std::cout << "demo agent created: billing@parley.local password: " << password << std::endl;
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    const ParsedOptions parsed = parse_options(std::vector<std::string>(argv + 1, argv + argc));
    if (!parsed.error.empty()) {
        std::cerr << "parley-relay: " << parsed.error << "\n" << usage();
        return 2;
    }
    const Options& o = parsed.options;
    if (o.help) {
        std::cout << usage();
        return 0;
    }
    if (!sodium_ready()) return fail("libsodium cannot initialise (no random source?)");

    std::error_code ec;
    std::filesystem::create_directories(o.data_dir, ec);
    if (ec) return fail("cannot create data directory " + o.data_dir + ": " + ec.message());
    if (!o.web_root.empty() && !std::filesystem::is_directory(o.web_root))
        return fail("--web-root " + o.web_root + " is not a directory");

    auto store = SqliteStore::open((std::filesystem::path(o.data_dir) / "parley.db").string());
    if (!store) return fail(store.error().detail);
    SodiumRandom random;

    if (o.add_agent) return add_agent_from_stdin(*store.value(), random, o);
    if (o.demo_agent && !ensure_demo_agent(*store.value(), random, o)) return 1;

    auto secret = load_or_create_visitor_secret(*store.value(), random);
    if (!secret) return fail("cannot load the visitor token secret: " + secret.error().detail);

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
                std::cerr << "parley-relay: triage model " << path << "\n";
                break;
            }
        }
        if (!model)
            return fail("no triage model (" + (error.empty() ? "default.ptm not found" : error) +
                        "); give --triage-model PATH, or --no-triage to run without");
    } else {
        std::cerr << "parley-relay: triage is OFF (--no-triage): messages carry no intent\n";
    }
    const MessageTriage triage(model ? &*model : nullptr, mask_policy_from(o));

    HubConfig config;
    config.visitor_secret = secret.value();
    config.triage = &triage;
    config.group_commit = !o.commit_each;
    // Routing (P4): defaults, then the file, then the command line's timeouts.
    config.routing = default_route_config();
    if (!o.route_config.empty()) {
        std::ifstream in(o.route_config);
        if (!in) return fail("cannot read --route-config " + o.route_config);
        std::stringstream text;
        text << in.rdbuf();
        auto parsed_cfg = parse_route_config(text.str(), config.routing);
        if (!parsed_cfg) return fail(o.route_config + ": " + parsed_cfg.error().detail);
        config.routing = parsed_cfg.value();
    }
    if (o.inactive_after_ms) config.routing.inactive_after_ms = *o.inactive_after_ms;
    if (o.rerank_every_ms) config.rerank_every_ms = *o.rerank_every_ms;
    if (o.away_grace_ms) config.routing.away_grace_ms = *o.away_grace_ms;
    if (o.offline_grace_ms) config.routing.offline_grace_ms = *o.offline_grace_ms;
    // Conversation summaries are read on every frame: kept in memory, written through.
    SummaryCache summaries(*store.value());
    Hub hub(summaries, random, config);

    ServerOptions so;
    so.host = o.host;
    so.port = o.port;
    so.web_root = o.web_root;
    so.allow_origins = o.allow_origins;
    so.limits.conn_rate = o.conn_rate;
    so.limits.conn_burst = o.conn_burst;
    so.limits.ip_rate = o.ip_rate;
    so.limits.ip_burst = o.ip_burst;
    so.limits.max_conns_per_ip = o.max_conns_per_ip;
    so.heartbeat_secs = o.heartbeat_secs;
    so.commit_window_us = o.commit_window_us;
    so.dead_peer_secs = o.dead_peer_secs;
    so.stall_secs = o.stall_secs;
    Server server(hub, so);

    install_signal_handlers();
    auto port = server.start();
    if (!port) return fail(port.error().detail);
    // Tests and scripts wait for exactly this line.
    std::cout << "parley-relay listening on http://" << o.host << ":" << port.value() << std::endl;

    server.run(g_stop);
    std::cout << "parley-relay stopped" << std::endl;
    return 0;
}
