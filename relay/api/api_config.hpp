// The configuration routes' JSON (api_config.cpp; docs/api.md "Configuration",
// docs/openapi.json ConfigSettings, ConfigProblem). Separate from the handlers so the
// redaction rule is tested with a table of its own.
#pragma once

#include <vector>

#include "config/config_sources.hpp"
#include "config/option_table.hpp"
#include "parley/json/value.hpp"

namespace parley::relay::api {

// One object per setting of `table`, in its order: key, flag, environment, value (JSON;
// null when unset), source (default, file, environment, command line), live (reloadable),
// secret. A secret's value is "(redacted)" whatever it is, as --print-config writes it.
json::Value settings_json(const config::ResolvedConfig& config,
                          const std::vector<config::OptionSpec>& table = config::option_table());

// [{line, column, option, reason, message}]: line and column 0 and option "" for a
// problem that is not of one place in the file (the environment, a flag, a combination).
json::Value problems_json(const std::vector<config::ConfigProblem>& problems);

// The largest configuration the routes read (a config file is a few KiB; the parse runs
// on the event loop, so a bigger body is refused with 413 before it is parsed).
constexpr std::size_t kMaxConfigBytes = 64 * 1024;

}  // namespace parley::relay::api
