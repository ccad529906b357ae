// Every option of parley-relay, declared once (docs/operations.md "Configuration").
//
// Theory of operation: an OptionSpec names one option and says everything the four
// readers need: the flag (--NAME), the environment variable (PARLEY_NAME, upper case,
// dashes as underscores), the config-file key (name, dashes as underscores), its type,
// its value's placeholder, its help, and two functions: `apply` checks one value (as
// text) and stores it into Options, `show` writes the stored value back as a TOML
// literal. The flag parser, the environment and TOML readers (config_sources.hpp),
// --help, --print-config and the docs' table (config_render.hpp) all walk this one
// table, so none can drift from another; the default shown anywhere is show(Options{}),
// the value a default-constructed Options really holds.
//
// Two kinds of option: settings (how the relay runs: every source may give them) and
// commands (one-shot work and its arguments, like --add-agent or --reseal-data: the
// command line only; a command in a config file would run at every start).
//
// Adding an option: a field in Options (options.hpp) and one row in option_table.cpp,
// e.g.  number("api-rate", &Options::api_rate, 0, 1000, "N", "requests per second ...");
// wrap it in live(…) when the running relay can take a new value (main.cpp's
// apply_live_settings must then hand it to the component that holds it).
// Pure: no I/O.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "options.hpp"

namespace parley::relay::config {

enum class Kind { setting, command };
// What a value looks like in each source. text/number: one value; flag: no value on the
// command line, true/false elsewhere; list: a repeated flag, a TOML array, or a
// comma-separated environment value.
enum class Type { text, number, flag, list };

struct OptionSpec {
    std::string name;   // the flag without its dashes: "data-dir"
    Kind kind = Kind::setting;
    Type type = Type::text;
    std::string meta;   // the value's placeholder in --help: "DIR" ("" for flags)
    std::string help;   // one paragraph; --help wraps it
    // Checks one value (one element of a list) and stores it. Returns "" when it is
    // good, else the reason, phrased to follow the option's name: "needs a number from
    // 0 to 65535, not 'http'". A flag's value is "true" or "false".
    std::function<std::string(Options&, const std::string&)> apply;
    // The stored value as a TOML literal ("8080", "\"./data\"", "[\"a\", \"b\"]"), or ""
    // when it has none to show (an unset optional, or a command).
    std::function<std::string(const Options&)> show;
    // --add-agent EMAIL NAME: a second value, stored by apply2.
    std::function<std::string(Options&, const std::string&)> apply2;
    std::string meta2;
    bool secret = false;  // --print-config and GET /api/v1/config write "(redacted)"
    bool hidden = false;  // not in --help or the docs (a removed option's refusal)
    // Settings: copies this option's value from one Options into another (a reload takes
    // the live settings of the new sources and keeps the rest as started).
    std::function<void(Options& to, const Options& from)> copy;
    // A reload (SIGHUP, PUT /api/v1/config; config/live_config.hpp) applies a change to
    // the running relay. False: the relay logs "changed in the file, takes effect at
    // restart" and keeps the value it started with (what it binds, opens or gives to a
    // thread at start: the port, the data directory, the store, the TLS settings…).
    bool reloadable = false;
};

// The table, in --help order.
const std::vector<OptionSpec>& option_table();

// nullptr when no option has this name.
const OptionSpec* find_option(const std::string& name);

std::string env_name(const OptionSpec& spec);  // "PARLEY_DATA_DIR"
std::string file_key(const OptionSpec& spec);  // "data_dir"

// Environment variables that start with PARLEY_ but are not settings: the relay's own
// (PARLEY_CONFIG, PARLEY_DEMO_PASSWORD) and those of the project's other programs,
// scripts and tests, which may be in the relay's environment (PARLEY_RELAY_BIN, …).
// They are not refused as unknown.
const std::vector<std::string>& known_other_variables();

// The command-line options that are not in the table because they steer the reading
// itself: --config FILE, --check-config FILE, --print-config, --help, --version.
struct MetaOption {
    std::string flag, meta, help;
};
const std::vector<MetaOption>& meta_options();

}  // namespace parley::relay::config
