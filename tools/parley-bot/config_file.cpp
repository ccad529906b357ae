#include "config_file.hpp"

#include <fstream>
#include <sstream>

namespace parley::bot {

BotResult<std::string> read_text_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return BotError{BotErrc::io, "cannot read " + path.string()};
    std::ostringstream s;
    s << in.rdbuf();
    if (in.bad()) return BotError{BotErrc::io, "error reading " + path.string()};
    return s.str();
}

BotResult<ConfigFile> ConfigFile::open(const std::string& path) {
    ConfigFile f;
    f.path_ = path;
    std::error_code ec;
    f.mtime_ = std::filesystem::last_write_time(path, ec);
    auto text = read_text_file(path);
    if (!text) return text.error();
    auto config = parse_config(text.value(), path);
    if (!config) return config.error();
    f.config_ = std::make_shared<const Config>(std::move(config).value());
    return f;
}

ConfigFile::ReloadReport ConfigFile::reload_if_changed() {
    std::error_code ec;
    const auto mtime = std::filesystem::last_write_time(path_, ec);
    if (ec) return {Reload::failed, "cannot stat " + path_ + ": " + ec.message()};
    if (mtime == mtime_) return {};
    mtime_ = mtime;
    auto text = read_text_file(path_);
    if (!text) return {Reload::failed, text.error().detail};
    auto config = parse_config(text.value(), path_);
    if (!config) return {Reload::failed, config.error().detail};
    config_ = std::make_shared<const Config>(std::move(config).value());
    return {Reload::reloaded, {}};
}

}  // namespace parley::bot
