// The relay's command line (see docs/operations.md). Parsing is pure so it is tested
// without starting anything.
#pragma once

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
    std::optional<std::string> demo_password;
    bool add_agent = false;  // --add-agent EMAIL NAME: create, then exit
    std::string agent_email;
    std::string agent_name;
    bool help = false;
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
    int max_conns_per_ip = 256;
    int heartbeat_secs = 20;   // ping a connection silent this long
    int dead_peer_secs = 45;   // hang up one silent this long
    int stall_secs = 30;       // 4001 to a connection that read nothing queued this long
};

struct ParsedOptions {
    Options options;
    std::string error;  // non-empty: the command line is wrong (exit code 2)
};

ParsedOptions parse_options(const std::vector<std::string>& args);  // args without argv[0]

const char* usage();

}  // namespace parley::relay
