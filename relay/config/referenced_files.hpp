// --check-config goes one step beyond the values: the files and directories the
// settings name must be there and readable by the user running the check (run it as
// the relay's user). Reads the file system; opens no database, binds no port.
#pragma once

#include <string>
#include <vector>

#include "options.hpp"

namespace parley::relay::config {

// One line per missing or unreadable path: "tls_cert /etc/parley/cert.pem: cannot read
// (No such file or directory)". Empty when all are there.
std::vector<std::string> referenced_file_problems(const Options& o);

}  // namespace parley::relay::config
