#include "options.hpp"

#include "config/config_render.hpp"
#include "config/config_sources.hpp"

namespace parley::relay {

// The options themselves are declared once, in config/option_table.cpp; this is the
// command line alone (no environment, no file), as tests and older callers use it.
const char* usage() {
    static const std::string text = config::usage_text();
    return text.c_str();
}

ParsedOptions parse_options(const std::vector<std::string>& args) {
    const auto no_files = [](const std::string&, std::string& error) -> std::optional<std::string> {
        error = "no files are read here";
        return std::nullopt;
    };
    config::ResolvedConfig resolved = config::resolve_config(args, {}, no_files);
    ParsedOptions out;
    out.options = std::move(resolved.options);
    if (!resolved.problems.empty()) out.error = resolved.problems.front();
    return out;
}

}  // namespace parley::relay
