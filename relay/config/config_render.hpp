// The option table written out for people: --help, the table of docs/operations.md
// (a test checks that the file holds exactly what options_markdown() makes) and
// --print-config. Pure.
#pragma once

#include <string>

#include "config/config_sources.hpp"

namespace parley::relay::config {

// --help: every setting and command, wrapped at 80 columns, with its default.
std::string usage_text();

// The Markdown tables of docs/operations.md "All options": settings (flag, variable,
// file key, default, live: "yes" when a reload applies it, else "restart"; meaning)
// and commands (flag, meaning).
std::string options_markdown();

// The settings in force as a TOML file that --config reads back: one line per setting,
// commented with where its value came from; unset optional ones as comments; secrets
// as "(redacted)".
std::string effective_toml(const ResolvedConfig& config);

}  // namespace parley::relay::config
