// The data directory made ready before anything is opened in it, and every way that
// fails said with what to do (issue 18): missing and not creatable, a file, not
// writable by the relay's user, on a read-only file system (systemd's ProtectSystem).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace parley::relay {

// Creates `dir` (and its parents) when missing, then checks the relay's user may write
// there. nullopt when it can; else the message, naming the directory, the user and the fix.
std::optional<std::string> prepare_data_dir(const std::string& dir);

// The bytes the relay's user may still write on the file system holding `dir` (statvfs:
// f_bavail × f_frsize), or, when `dir` does not exist yet, its parent's; nullopt when
// neither can be read. /readyz and the attachments' disk floor read it.
std::optional<std::int64_t> free_bytes_of(const std::string& dir);

}  // namespace parley::relay
