#include "config/config_render.hpp"

#include <sstream>

#include "config/option_table.hpp"

namespace parley::relay::config {

namespace {

// The default of a setting as people read it: "8080", "./data"; "" when there is none
// worth showing (empty, false, an empty list, unset).
std::string shown_default(const OptionSpec& s) {
    if (s.kind == Kind::command) return "";
    std::string v = s.show(Options{});
    if (v == "\"\"" || v == "false" || v == "[]") return "";
    if (v.size() >= 2 && v.front() == '"') v = v.substr(1, v.size() - 2);
    return v;
}

// `first` (the option and its value) then `text` wrapped at 80 columns, from column 27.
void wrap(std::ostringstream& out, const std::string& first, const std::string& text) {
    constexpr std::size_t kIndent = 27, kWidth = 80;
    std::string line = "  " + first;
    if (line.size() + 1 > kIndent) {
        out << line << "\n";
        line.clear();
    }
    line.resize(kIndent, ' ');
    std::istringstream words(text);
    bool fresh = true;
    for (std::string w; words >> w;) {
        if (!fresh && line.size() + 1 + w.size() > kWidth) {
            out << line << "\n";
            line = std::string(kIndent, ' ');
            fresh = true;
        }
        line += (fresh ? "" : " ") + w;
        fresh = false;
    }
    out << line << "\n";
}

std::string with_meta(const OptionSpec& s) {
    std::string f = "--" + s.name;
    if (!s.meta.empty()) f += " " + s.meta;
    if (!s.meta2.empty()) f += " " + s.meta2;
    return f;
}

// A table cell: pipes escaped.
std::string cell(const std::string& s) {
    std::string out;
    for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
    return out;
}

}  // namespace

std::string usage_text() {
    std::ostringstream out;
    out << "usage: parley-relay [options]\n"
           "Settings come from flags, then PARLEY_* environment variables, then the config\n"
           "file (--config), then defaults: --data-dir DIR is also PARLEY_DATA_DIR=DIR and\n"
           "data_dir = \"DIR\". A list is a repeated flag, a comma-separated variable or a\n"
           "TOML array.\n"
           "Settings:\n";
    for (const OptionSpec& s : option_table()) {
        if (s.kind != Kind::setting || s.hidden) continue;
        const std::string d = shown_default(s);
        wrap(out, with_meta(s), s.help + (d.empty() ? "" : " (default " + d + ")"));
    }
    out << "Commands (command line only; each does its work, then exits):\n";
    for (const OptionSpec& s : option_table())
        if (s.kind == Kind::command && !s.hidden) wrap(out, with_meta(s), s.help);
    out << "Reading the configuration:\n";
    for (const MetaOption& m : meta_options()) wrap(out, m.flag + (m.meta.empty() ? "" : " " + m.meta), m.help);
    return out.str();
}

std::string options_markdown() {
    std::ostringstream out;
    out << "| flag | environment | file key | default | live | meaning |\n"
           "|------|-------------|----------|---------|------|---------|\n";
    for (const OptionSpec& s : option_table()) {
        if (s.kind != Kind::setting || s.hidden) continue;
        const std::string d = shown_default(s);
        out << "| `" << with_meta(s) << "` | `" << env_name(s) << "` | `" << file_key(s) << "` | "
            << (d.empty() ? "" : "`" + cell(d) + "`") << " | " << (s.reloadable ? "yes" : "restart") << " | "
            << cell(s.help) << " |\n";
    }
    out << "\nCommands, on the command line only:\n\n"
           "| flag | meaning |\n"
           "|------|---------|\n";
    for (const OptionSpec& s : option_table())
        if (s.kind == Kind::command && !s.hidden) out << "| `" << with_meta(s) << "` | " << cell(s.help) << " |\n";
    for (const MetaOption& m : meta_options())
        out << "| `" << m.flag << (m.meta.empty() ? "" : " " + m.meta) << "` | " << cell(m.help) << " |\n";
    return out.str();
}

std::string effective_toml(const ResolvedConfig& config) {
    std::ostringstream out;
    out << "# parley-relay settings in force";
    if (!config.config_file.empty()) out << " (file " << config.config_file << ", then environment, flags)";
    out << "\n";
    for (const OptionSpec& s : option_table()) {
        if (s.kind != Kind::setting || s.hidden) continue;
        const std::string value = s.show(config.options);
        const auto origin = config.origin.find(s.name);
        const std::string from = origin == config.origin.end() ? "default" : origin->second;
        if (value.empty() || value == "\"\"") out << "# " << file_key(s) << " = (unset)\n";
        else if (s.secret) out << file_key(s) << " = \"(redacted)\"  # " << from << "\n";
        else out << file_key(s) << " = " << value << "  # " << from << "\n";
    }
    return out.str();
}

}  // namespace parley::relay::config
