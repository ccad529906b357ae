// The bot's config file on disk, reloaded without a restart: the bot's loop calls
// reload_if_changed() now and then (every few seconds is plenty); when the file's
// modification time moved, it is read and parsed again. A file that no longer parses
// leaves the previous rules in force and the error is reported, so an operator's typo
// never stops a running bot. Not thread-safe; one owner.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "bot_config.hpp"

namespace parley::bot {

class ConfigFile {
public:
    // Reads and parses `path`. Errors: io (unreadable), bad_config (see parse_config).
    static BotResult<ConfigFile> open(const std::string& path);

    enum class Reload { unchanged, reloaded, failed };
    struct ReloadReport {
        Reload outcome = Reload::unchanged;
        std::string error;  // when failed: what is wrong; the old config stays in force
    };
    // Re-reads the file when its mtime differs from the last attempt's. After a failed
    // attempt the same broken file is not re-parsed until it changes again.
    ReloadReport reload_if_changed();

    // The rules in force. The pointer stays valid until the next successful reload;
    // holders that need it longer keep their copy of the shared_ptr.
    std::shared_ptr<const Config> config() const { return config_; }
    const std::string& path() const { return path_; }
    // The folder relative paths in the config (kb.dir) are resolved against.
    std::filesystem::path base_dir() const { return std::filesystem::path(path_).parent_path(); }

private:
    ConfigFile() = default;
    std::string path_;
    std::filesystem::file_time_type mtime_{};
    std::shared_ptr<const Config> config_;
};

// Reads a whole file. Errors: io.
BotResult<std::string> read_text_file(const std::filesystem::path& path);

}  // namespace parley::bot
