// Where the demo agent's password comes from (issue 15): a file, else the environment,
// never the command line. A command line is readable by every user of the machine
// (ps, /proc/PID/cmdline); a 0600 file and the process environment (/proc/PID/environ
// is readable by the same user only) are not.
#pragma once

#include <optional>
#include <string>

#include "parley/core/result.hpp"

namespace parley::relay {

// The environment variable read when no file is given.
constexpr const char* kDemoPasswordEnv = "PARLEY_DEMO_PASSWORD";

// `file` non-empty: its first line (without the line end) — an unreadable or empty
// file is an error naming the path. Else `env_value` (the variable's value, null when
// unset; an empty value counts as unset). nullopt: neither, so the caller draws a
// random password. Error (code bad_field, detail naming the file): the relay prints
// the detail and exits with 1.
Result<std::optional<std::string>> demo_password_from(const std::string& file, const char* env_value);

}  // namespace parley::relay
