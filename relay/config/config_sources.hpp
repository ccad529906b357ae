// The relay's settings from its three sources: flags > PARLEY_* environment > config
// file (TOML) > defaults (docs/operations.md "Configuration").
//
// Theory of operation: each source is read into "given" values, per option of the
// table (option_table.hpp), and every given value is checked, so one run reports every
// problem of every source with where it is (the file's line and column, the variable,
// the flag) and why. Then each option takes its values from the strongest source that
// gives it: a list given by a flag replaces the environment's and the file's list, it
// does not add to them. Last, the checks across options (--tls-cert with --tls-key…).
//
// Unknown flags, file keys and PARLEY_ variables are problems (with "did you mean" when
// one is close), so a typo never passes silently; an empty PARLEY_ variable counts as
// unset. Commands (kind command) are taken from the command line only.
//
// Pure: the caller passes the environment and a function that reads files.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "options.hpp"

namespace parley::relay::config {

// Reads a whole file: its text, or nullopt with `error` set ("No such file or directory").
using ReadFile = std::function<std::optional<std::string>(const std::string& path, std::string& error)>;

// One problem in parts, for a program to show (PUT /api/v1/config's 422 names the line
// and the option). A problem of the file has its line and column (from 1); others 0.
struct ConfigProblem {
    std::string text;    // as in ResolvedConfig::problems
    std::string option;  // the file key ("port"), "" when it is not one option's
    int line = 0, column = 0;
    std::string reason;  // the text without its place: "port needs a number from 0 to 65535, not 'http'"
};

struct ResolvedConfig {
    Options options;
    // Each problem, ready to print: "relay.toml:3:8: port needs a number from 0 to
    // 65535, not 'http'", "environment: PARLEY_PORTT is not a setting (did you mean
    // PARLEY_PORT?)", "command line: --port needs a value". Any: exit code 2.
    std::vector<std::string> problems;
    std::string config_file;  // the file read ("" for none): --config, --check-config or $PARLEY_CONFIG
    bool check_config = false;    // --check-config FILE: report, then exit
    bool print_config = false;    // --print-config
    bool print_markdown = false;  // --print-options-markdown (hidden: regenerates the docs' table)
    std::vector<ConfigProblem> problem_details;  // the same problems, in the same order, in parts
    std::vector<std::string> in_file;            // names of the settings the file gives
    // Where each setting in force came from, by option name: "file", "environment" or
    // "command line"; absent: the default.
    std::map<std::string, std::string> origin;
};

// args: the command line without argv[0]; env: "NAME=value" strings (environ).
ResolvedConfig resolve_config(const std::vector<std::string>& args, const std::vector<std::string>& env,
                              const ReadFile& read_file);

// The closest of `candidates` to `word` when it is close enough to be a typo, else "".
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace parley::relay::config
