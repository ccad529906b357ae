#include "config/config_sources.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <sstream>

#include "config/option_table.hpp"

namespace parley::relay::config {

namespace {

// One option's values as one source gives them, and where, for the messages.
struct Given {
    const OptionSpec* spec = nullptr;
    std::vector<std::string> values;  // one for text/number/flag; any number for a list
    std::vector<std::string> where;   // per value: "relay.toml:3:8", "environment", "command line"
    std::vector<std::pair<int, int>> at;  // per value: its line and column in the file (0, 0 elsewhere)
    std::string second;               // --add-agent's NAME
};
using Source = std::map<std::string, Given>;  // by option name

const char* const kCommandLine = "command line";
const char* const kEnvironment = "environment";

std::string flag_name(const OptionSpec& s) { return "--" + s.name; }

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = up;
        }
    }
    return row[b.size()];
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
    const std::string m = closest_match(word, candidates);
    return m.empty() ? "" : " (did you mean " + m + "?)";
}

std::vector<std::string> names_of(Kind kind, std::string (*name)(const OptionSpec&)) {
    std::vector<std::string> out;
    for (const OptionSpec& s : option_table())
        if (s.kind == kind && !s.hidden) out.push_back(name(s));
    return out;
}

// ---- the command line -------------------------------------------------------------

void read_flags(const std::vector<std::string>& args, ResolvedConfig& out, Source& given) {
    std::vector<std::string> all_flags = {"--config", "--check-config", "--print-config", "--help", "--version"};
    for (const OptionSpec& s : option_table())
        if (!s.hidden) all_flags.push_back(flag_name(s));
    auto problem = [&](const std::string& what) { out.problems.push_back(std::string(kCommandLine) + ": " + what); };

    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&](std::string& into) {
            if (i + 1 >= args.size()) return false;
            into = args[++i];
            return true;
        };
        if (a == "--help" || a == "-h") {
            out.options.help = true;
        } else if (a == "--version") {
            out.options.version = true;
        } else if (a == "--print-config") {
            out.print_config = true;
        } else if (a == "--print-options-markdown") {
            out.print_markdown = true;
        } else if (a == "--config" || a == "--check-config") {
            if (!value(out.config_file) || out.config_file.empty()) problem(a + " needs a file");
            if (a == "--check-config") out.check_config = true;
        } else if (const OptionSpec* spec = a.rfind("--", 0) == 0 ? find_option(a.substr(2)) : nullptr) {
            if (spec->hidden) {  // a removed option: refused, and what follows it (a secret) never echoed
                problem(a + " " + spec->apply(out.options, ""));
                return;
            }
            Given& g = given[spec->name];
            g.spec = spec;
            std::string v = "true";
            if (spec->type != Type::flag && !value(v)) {
                problem(a + " needs a value" + (spec->meta.empty() ? "" : " (" + spec->meta + ")"));
                continue;
            }
            if (spec->apply2 && !value(g.second)) {
                problem(a + " needs " + spec->meta + " and " + spec->meta2);
                continue;
            }
            if (spec->type != Type::list) g.values.clear(), g.where.clear();  // the last one counts
            g.values.push_back(v);
            g.where.push_back(kCommandLine);
        } else {
            problem("unknown option " + a + did_you_mean(a, all_flags));
        }
    }
}

// ---- the environment --------------------------------------------------------------

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

void read_environment(const std::vector<std::string>& env, ResolvedConfig& out, Source& given) {
    const std::vector<std::string> settings = names_of(Kind::setting, env_name);
    auto problem = [&](const std::string& what) { out.problems.push_back(std::string(kEnvironment) + ": " + what); };
    for (const std::string& entry : env) {
        if (entry.rfind("PARLEY_", 0) != 0) continue;
        const auto eq = entry.find('=');
        const std::string name = entry.substr(0, eq);
        const std::string value = eq == std::string::npos ? "" : entry.substr(eq + 1);
        if (name == "PARLEY_CONFIG") {
            if (out.config_file.empty() && !value.empty()) out.config_file = value;  // a flag wins
            continue;
        }
        const OptionSpec* spec = nullptr;
        for (const OptionSpec& s : option_table())
            if (!s.hidden && env_name(s) == name) spec = &s;
        if (!spec) {
            const auto& others = known_other_variables();
            if (std::find(others.begin(), others.end(), name) == others.end())
                problem(name + " is not a setting of parley-relay" + did_you_mean(name, settings));
            continue;
        }
        if (spec->kind == Kind::command) {
            problem(name + ": " + flag_name(*spec) + " is a command, given on the command line only");
            continue;
        }
        if (value.empty()) continue;  // set but empty: unset (Environment=PARLEY_X= in a unit)
        Given& g = given[spec->name];
        g.spec = spec;
        if (spec->type == Type::list) {
            std::stringstream items(value);
            for (std::string item; std::getline(items, item, ',');) {
                g.values.push_back(trim(item));
                g.where.push_back(name);
            }
        } else if (spec->type == Type::flag) {
            const std::string v = trim(value);
            const bool yes = v == "true" || v == "1" || v == "yes" || v == "on";
            const bool no = v == "false" || v == "0" || v == "no" || v == "off";
            g.values.push_back(yes ? "true" : no ? "false" : v);
            g.where.push_back(name);
        } else {
            g.values.push_back(value);
            g.where.push_back(name);
        }
    }
}

// ---- the file ---------------------------------------------------------------------

std::string at(const std::string& path, const toml::source_region& r) {
    return path + ":" + std::to_string(r.begin.line) + ":" + std::to_string(r.begin.column);
}

// A problem at a place in the file: the text as always ("relay.toml:3:8: reason") and
// its parts.
void file_problem(ResolvedConfig& out, const std::string& path, int line, int column, const std::string& option,
                  const std::string& reason) {
    const std::string text = path + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + reason;
    out.problems.push_back(text);
    out.problem_details.push_back({text, option, line, column, reason});
}
void file_problem(ResolvedConfig& out, const std::string& path, const toml::source_region& r,
                  const std::string& option, const std::string& reason) {
    file_problem(out, path, int(r.begin.line), int(r.begin.column), option, reason);
}

void read_file(const std::string& path, const std::string& text, ResolvedConfig& out, Source& given) {
    toml::table root;
    // toml++ as Debian builds it reports syntax errors by exception; this is the one
    // place it can throw, and the error becomes a problem here.
    try {
        root = toml::parse(text, path);
    } catch (const toml::parse_error& e) {
        file_problem(out, path, e.source(), "", std::string(e.description()));
        return;
    }
    const std::vector<std::string> keys = names_of(Kind::setting, file_key);
    for (auto&& [key, node] : root) {
        const std::string k(key.str());

        const OptionSpec* spec = nullptr;
        for (const OptionSpec& s : option_table())
            if (!s.hidden && file_key(s) == k) spec = &s;
        if (!spec) {
            file_problem(out, path, key.source(), k, "unknown key '" + k + "'" + did_you_mean(k, keys));
            continue;
        }
        if (spec->kind == Kind::command) {
            file_problem(out, path, key.source(), k,
                         k + ": " + flag_name(*spec) + " is a command, given on the command line only");
            continue;
        }
        Given& g = given[spec->name];
        g.spec = spec;
        auto take = [&](const toml::node& n) {
            const std::string here = at(path, n.source());
            if (spec->type == Type::flag) {
                if (!n.is_boolean()) return file_problem(out, path, n.source(), k, k + " needs true or false");
                g.values.push_back(*n.value<bool>() ? "true" : "false");
            } else if (spec->type == Type::number) {
                if (!n.is_integer()) return file_problem(out, path, n.source(), k, k + " needs a whole number");
                g.values.push_back(std::to_string(*n.value<std::int64_t>()));
            } else {
                if (!n.is_string()) return file_problem(out, path, n.source(), k, k + " needs a string");
                g.values.push_back(*n.value<std::string>());
            }
            g.where.push_back(here);
            g.at.emplace_back(int(n.source().begin.line), int(n.source().begin.column));
        };
        if (spec->type == Type::list) {
            const toml::array* items = node.as_array();
            if (!items) {
                file_problem(out, path, node.source(), k, k + " needs an array of strings, such as [\"a\", \"b\"]");
                continue;
            }
            for (const toml::node& item : *items) take(item);
        } else {
            take(node);
        }
    }
}

// ---- putting them together --------------------------------------------------------

// Every given value is checked on a scratch copy, so each source's problems are
// reported even where a stronger source overrides them.
void check_values(const Source& source, ResolvedConfig& out) {
    for (const auto& [name, g] : source) {
        Options scratch;
        for (std::size_t i = 0; i < g.values.size(); ++i) {
            const std::string& where = g.where[i];
            // "command line: --port", "environment: PARLEY_PORT", "relay.toml:3:8: port"
            const std::string who = where == kCommandLine ? std::string(kCommandLine) + ": " + flag_name(*g.spec)
                                    : where.rfind("PARLEY_", 0) == 0 ? std::string(kEnvironment) + ": " + where
                                                                     : where + ": " + file_key(*g.spec);
            if (std::string why = g.spec->apply(scratch, g.values[i]); !why.empty()) {
                if (i < g.at.size() && g.at[i].first > 0)  // a value of the file: its place
                    file_problem(out, where.substr(0, where.rfind(':', where.rfind(':') - 1)), g.at[i].first,
                                 g.at[i].second, file_key(*g.spec), file_key(*g.spec) + " " + why);
                else
                    out.problems.push_back(who + " " + why);
            }
        }
        if (g.spec->apply2)
            if (std::string why = g.spec->apply2(scratch, g.second); !why.empty())
                out.problems.push_back(std::string(kCommandLine) + ": " + flag_name(*g.spec) + " " + why);
    }
}

void check_combinations(ResolvedConfig& out) {
    const Options& o = out.options;
    auto problem = [&](const char* what) { out.problems.push_back(what); };
    if (!o.export_visitor.empty() && !o.erase_visitor.empty())
        problem("--export-visitor and --erase-visitor are separate runs (export first)");
    if (!o.report && (!o.report_from.empty() || !o.report_to.empty() || o.report_by != "all"))
        problem("--from, --to and --by go with --report");
    if (!o.backup_to.empty() && !o.restore_from.empty()) problem("--backup-to and --restore-from are separate runs");
    if (o.forget_unreadable && !o.reseal_data)
        problem("--forget-unreadable goes with --reseal-data (it rewrites what it cannot open)");
    if (o.tls_cert.empty() != o.tls_key.empty())
        problem("--tls-cert and --tls-key go together (the certificate and its private key)");
    // --update-agent checks the pair against the agent's stored values (auth/agent_admin.hpp).
    if (o.update_agent.empty() && o.agent_max < o.agent_preferred) problem("--max-load must not be below --preferred");
    if (!o.bot_name.empty() && o.create_bot_key.empty()) problem("--bot-name goes with --create-bot-key");
    if (o.webhook_events != "*" && o.add_webhook.empty()) problem("--webhook-events goes with --add-webhook");
    if (o.dead_peer_secs && o.heartbeat_secs && o.dead_peer_secs <= o.heartbeat_secs)
        problem("--dead-peer-secs must exceed --heartbeat-secs (the peer needs time to answer)");
}

}  // namespace

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
    std::string best;
    std::size_t best_distance = std::max<std::size_t>(2, word.size() / 4) + 1;  // a typo, not another word
    for (const std::string& c : candidates) {
        const std::size_t d = edit_distance(word, c);
        if (d < best_distance) best_distance = d, best = c;
    }
    return best;
}

ResolvedConfig resolve_config(const std::vector<std::string>& args, const std::vector<std::string>& env,
                              const ReadFile& read) {
    ResolvedConfig out;
    Source flags, environment, file;
    read_flags(args, out, flags);
    read_environment(env, out, environment);
    if (!out.config_file.empty()) {
        std::string error;
        if (auto text = read(out.config_file, error))
            read_file(out.config_file, *text, out, file);
        else
            out.problems.push_back("cannot read the config file " + out.config_file + ": " + error);
    }
    for (const Source* s : {&file, &environment, &flags}) check_values(*s, out);

    // Each option from its strongest source, in table order.
    for (const OptionSpec& spec : option_table()) {
        const Given* g = nullptr;
        const char* origin = nullptr;
        if (auto f = flags.find(spec.name); f != flags.end()) g = &f->second, origin = kCommandLine;
        else if (auto e = environment.find(spec.name); e != environment.end()) g = &e->second, origin = kEnvironment;
        else if (auto c = file.find(spec.name); c != file.end()) g = &c->second, origin = "file";
        if (!g || g->values.empty()) continue;
        for (const std::string& v : g->values) (void)spec.apply(out.options, v);  // checked above
        if (spec.apply2) (void)spec.apply2(out.options, g->second);
        out.origin[spec.name] = origin;
    }
    for (const auto& [name, g] : file) out.in_file.push_back(name);
    if (out.problems.empty()) check_combinations(out);
    // The problems not of one place in the file, in parts too (text only).
    std::vector<ConfigProblem> details;
    std::size_t next = 0;
    for (const std::string& text : out.problems) {
        if (next < out.problem_details.size() && out.problem_details[next].text == text)
            details.push_back(out.problem_details[next++]);
        else
            details.push_back({text, "", 0, 0, text});
    }
    out.problem_details = std::move(details);
    return out;
}

}  // namespace parley::relay::config
