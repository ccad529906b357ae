// The config file written by PUT /api/v1/config and its rollback (issue 18): replaced
// atomically, so a crash or a full disk leaves either the old file or the new one,
// never half of one, and a reader (a SIGHUP at the same moment) never sees a torn file.
//
// How: the text goes to a temporary file in the same directory (mkstemp), which is
// fsync'ed, given the old file's permission bits (0600 for a new one), renamed over the
// file, and then the directory is fsync'ed so the rename itself survives a power cut.
// Before that, the text being replaced is kept the same way as FILE.previous: the one
// version a rollback puts back.
#pragma once

#include <optional>
#include <string>

namespace parley::relay::config {

// Replaces `path` with `text`, keeping the old text as previous_path(path). Returns ""
// or why not ("cannot create a file in /etc/parley: Permission denied"); on failure the
// file is unchanged.
std::string write_config_file(const std::string& path, const std::string& text);

// The kept version's text, or nullopt when there is none (or it cannot be read).
std::optional<std::string> read_previous_config(const std::string& path);

std::string previous_path(const std::string& path);  // "relay.toml.previous"

// Writes `text` to `path` atomically (temporary file, fsync, rename, fsync of the
// directory). Returns "" or why not.
std::string replace_file_atomically(const std::string& path, const std::string& text);

}  // namespace parley::relay::config
