#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <map>
#include <sstream>

#include "config/config_render.hpp"
#include "config/config_sources.hpp"
#include "config/option_table.hpp"

using namespace parley::relay::config;

namespace {

// Files by path, for resolve_config (nothing touches the disk).
struct Files {
    std::map<std::string, std::string> text;
    ReadFile reader() const {
        return [this](const std::string& path, std::string& error) -> std::optional<std::string> {
            auto it = text.find(path);
            if (it == text.end()) {
                error = "No such file or directory";
                return std::nullopt;
            }
            return it->second;
        };
    }
};

ResolvedConfig resolve(std::vector<std::string> args, std::vector<std::string> env = {},
                       const std::string& toml = "") {
    static Files files;
    files.text["relay.toml"] = toml;
    if (!toml.empty()) args.insert(args.begin(), {"--config", "relay.toml"});
    return resolve_config(args, env, files.reader());
}

bool has_problem(const ResolvedConfig& c, const std::string& text) {
    for (const std::string& p : c.problems)
        if (p.find(text) != std::string::npos) return true;
    return false;
}

std::string all_problems(const ResolvedConfig& c) {
    std::string out;
    for (const std::string& p : c.problems) out += p + "\n";
    return out;
}

}  // namespace

TEST_CASE("a setting comes from its flag, else the environment, else the file, else its default", "[config]") {
    const std::string file = "port = 7001\n";
    CHECK(resolve({}).options.port == 8080);
    CHECK(resolve({}, {}, file).options.port == 7001);
    CHECK(resolve({}, {"PARLEY_PORT=7002"}, file).options.port == 7002);
    const ResolvedConfig all = resolve({"--port", "7003"}, {"PARLEY_PORT=7002"}, file);
    REQUIRE(all.problems.empty());
    CHECK(all.options.port == 7003);
    CHECK(all.origin.at("port") == "command line");
    CHECK(resolve({}, {"PARLEY_PORT=7002"}, file).origin.at("port") == "environment");
    CHECK(resolve({}, {}, file).origin.at("port") == "file");
    CHECK(resolve({}).origin.count("port") == 0);
}

TEST_CASE("the config file is named by --config or PARLEY_CONFIG; the flag wins", "[config]") {
    Files files;
    files.text["a.toml"] = "port = 1111\n";
    files.text["b.toml"] = "port = 2222\n";
    CHECK(resolve_config({}, {"PARLEY_CONFIG=a.toml"}, files.reader()).options.port == 1111);
    CHECK(resolve_config({"--config", "b.toml"}, {"PARLEY_CONFIG=a.toml"}, files.reader()).options.port == 2222);
    const ResolvedConfig missing = resolve_config({"--config", "nope.toml"}, {}, files.reader());
    CHECK(has_problem(missing, "cannot read the config file nope.toml: No such file or directory"));
}

TEST_CASE("a list is a repeated flag, a comma-separated variable or a TOML array; the strongest source replaces it",
          "[config]") {
    const std::string file = "allow_origin = [\"https://a.example\", \"https://b.example\"]\n";
    CHECK(resolve({}, {}, file).options.allow_origins ==
          std::vector<std::string>{"https://a.example", "https://b.example"});
    CHECK(resolve({}, {"PARLEY_ALLOW_ORIGIN=https://c.example, https://d.example"}, file).options.allow_origins ==
          std::vector<std::string>{"https://c.example", "https://d.example"});
    CHECK(resolve({"--allow-origin", "https://e.example"}, {"PARLEY_ALLOW_ORIGIN=https://c.example"}, file)
              .options.allow_origins == std::vector<std::string>{"https://e.example"});
    const ResolvedConfig teams = resolve({}, {"PARLEY_RETAIN_CLOSED_DAYS_TEAM=billing=7,legal=0"});
    REQUIRE(teams.problems.empty());
    CHECK(teams.options.retain_closed_days_team == std::map<std::string, int>{{"billing", 7}, {"legal", 0}});
}

TEST_CASE("a flag setting is true or false in the file and the environment", "[config]") {
    CHECK(resolve({}, {}, "demo_agent = true\n").options.demo_agent);
    CHECK(resolve({}, {"PARLEY_NO_TRIAGE=1"}).options.no_triage);
    CHECK_FALSE(resolve({}, {"PARLEY_NO_TRIAGE=false"}, "no_triage = true\n").options.no_triage);
    CHECK(has_problem(resolve({}, {"PARLEY_NO_TRIAGE=maybe"}), "environment: PARLEY_NO_TRIAGE needs true or false"));
    CHECK(has_problem(resolve({}, {}, "demo_agent = \"yes\"\n"), "relay.toml:1:14: demo_agent needs true or false"));
}

TEST_CASE("a bad value is refused with its name, where it was given and why", "[config]") {
    SECTION("in the file: file, line and column") {
        const ResolvedConfig c = resolve({}, {}, "host = \"0.0.0.0\"\nport = 70000\n");
        CHECK(all_problems(c) == "relay.toml:2:8: port needs a number from 0 to 65535, not '70000'\n");
    }
    SECTION("of the wrong TOML type") {
        CHECK(has_problem(resolve({}, {}, "port = \"8080\"\n"), "relay.toml:1:8: port needs a whole number"));
        CHECK(has_problem(resolve({}, {}, "allow_origin = \"https://a.example\"\n"),
                          "relay.toml:1:16: allow_origin needs an array of strings"));
        CHECK(has_problem(resolve({}, {}, "trusted_proxy = [\"10.0.0.0/8\", 7]\n"),
                          "relay.toml:1:32: trusted_proxy needs a string"));
    }
    SECTION("in the environment: the variable") {
        CHECK(all_problems(resolve({}, {"PARLEY_CONN_RATE=fast"})) ==
              "environment: PARLEY_CONN_RATE needs a number from 0 to 1000000, not 'fast'\n");
        CHECK(has_problem(resolve({}, {"PARLEY_TRUSTED_PROXY=10.0.0.1,proxy.example"}),
                          "environment: PARLEY_TRUSTED_PROXY needs an IPv4 or IPv6 address or network"));
    }
    SECTION("on the command line: the flag") {
        CHECK(all_problems(resolve({"--port", "http"})) ==
              "command line: --port needs a number from 0 to 65535, not 'http'\n");
        CHECK(has_problem(resolve({"--port"}), "command line: --port needs a value (PORT)"));
    }
    SECTION("every problem of every source at once, even where a stronger source overrides the value") {
        const ResolvedConfig c = resolve({"--port", "1"}, {"PARLEY_PORT=x", "PARLEY_HOST="}, "port = -4\nmask_outbound = \"cards\"\n");
        CHECK(c.problems.size() == 3);
        CHECK(has_problem(c, "relay.toml:1:8: port"));
        CHECK(has_problem(c, "relay.toml:2:17: mask_outbound needs a list of kinds"));
        CHECK(has_problem(c, "environment: PARLEY_PORT needs a number"));
    }
    SECTION("a TOML syntax error, with its position") {
        CHECK(has_problem(resolve({}, {}, "port = 80\nhost = \n"), "relay.toml:2:"));
    }
}

TEST_CASE("unknown flags, keys and PARLEY_ variables are refused, with the close one named", "[config]") {
    CHECK(has_problem(resolve({"--prot", "80"}), "command line: unknown option --prot (did you mean --port?)"));
    CHECK(has_problem(resolve({}, {}, "data_dri = \"/d\"\n"),
                      "relay.toml:1:1: unknown key 'data_dri' (did you mean data_dir?)"));
    CHECK(has_problem(resolve({}, {"PARLEY_PROT=80"}),
                      "environment: PARLEY_PROT is not a setting of parley-relay (did you mean PARLEY_PORT?)"));
    CHECK(all_problems(resolve({}, {"PARLEY_WIBBLE_WOBBLE=1"})) ==
          "environment: PARLEY_WIBBLE_WOBBLE is not a setting of parley-relay\n");
    SECTION("a table is not a setting either") {
        CHECK(has_problem(resolve({}, {}, "[limits]\nconn_rate = 5\n"), "unknown key 'limits'"));
    }
    SECTION("variables of the project's other programs and of the relay's own secrets pass") {
        const ResolvedConfig c = resolve({}, {"PARLEY_RELAY_BIN=/x", "PARLEY_DEMO_PASSWORD=pw", "PARLEY_SANITIZE=1",
                                              "PARLEY_BOT_KEY=k", "HOME=/root", "PATH=/bin"});
        CHECK(c.problems.empty());
    }
}

TEST_CASE("commands are taken from the command line only", "[config]") {
    CHECK(has_problem(resolve({}, {}, "export_audit = true\n"),
                      "relay.toml:1:1: export_audit: --export-audit is a command, given on the command line only"));
    CHECK(has_problem(resolve({}, {"PARLEY_ADD_AGENT=a@b"}),
                      "environment: PARLEY_ADD_AGENT: --add-agent is a command, given on the command line only"));
    const ResolvedConfig c = resolve({"--add-agent", "sam@example.com", "Sam", "--team", "billing"});
    REQUIRE(c.problems.empty());
    CHECK(c.options.add_agent);
    CHECK(c.options.agent_name == "Sam");
    CHECK(c.options.agent_teams == std::vector<std::string>{"billing"});
}

TEST_CASE("every setting of the table is read from the file, the environment and its flag", "[config]") {
    for (const OptionSpec& spec : option_table()) {
        if (spec.kind != Kind::setting || spec.hidden) continue;
        CAPTURE(spec.name);
        // A good value for each: its default, or (an unset optional, an empty text or
        // list) a value of its kind that passes its check.
        std::string literal = spec.show(parley::relay::Options{});
        if (literal.empty()) literal = "5";
        if (spec.type == Type::flag) literal = "true";
        if (literal == "\"\"") literal = "\"/some/file\"";
        if (spec.name == "prechat-fields") literal = "\"name*,email\"";  // a form, not a file
        if (literal == "[]") literal = spec.name == "allow-origin" ? "[\"https://a.example\"]"
                                       : spec.name == "retain-closed-days-team" ? "[\"billing=3\"]"
                                       : spec.name == "old-data-key-file" ? "[\"/k\"]" : "[\"10.0.0.0/8\"]";
        if (spec.name == "tls-cert" || spec.name == "tls-key") continue;  // only as a pair: below
        std::string text = literal;  // the same value as flag and variable text
        if (text.front() == '"') text = text.substr(1, text.size() - 2);
        if (text.front() == '[') text = text.substr(2, text.size() - 4);

        const ResolvedConfig from_file = resolve({}, {}, file_key(spec) + " = " + literal + "\n");
        CHECK(all_problems(from_file).empty());
        CHECK(from_file.origin.count(spec.name) == 1);
        const ResolvedConfig from_env = resolve({}, {env_name(spec) + "=" + text});
        CHECK(all_problems(from_env).empty());
        CHECK(from_env.origin.count(spec.name) == 1);
        std::vector<std::string> args = {"--" + spec.name};
        if (spec.type != Type::flag) args.push_back(text);
        const ResolvedConfig from_flag = resolve(args);
        CHECK(all_problems(from_flag).empty());
        CHECK(from_flag.origin.count(spec.name) == 1);
        // And the three agree on what they read.
        CHECK(effective_toml(from_file).find(file_key(spec) + " = " + literal) != std::string::npos);
        CHECK(spec.show(from_env.options) == spec.show(from_file.options));
        CHECK(spec.show(from_flag.options) == spec.show(from_file.options));
    }
    const ResolvedConfig tls = resolve({}, {"PARLEY_TLS_CERT=/c.pem"}, "tls_key = \"/k.pem\"\n");
    REQUIRE(tls.problems.empty());
    CHECK(tls.options.tls_cert == "/c.pem");
    CHECK(tls.options.tls_key == "/k.pem");
}

TEST_CASE("names are derived once: PARLEY_ and upper case for the environment, underscores in the file",
          "[config]") {
    const OptionSpec* spec = find_option("max-sockets-per-ip");
    REQUIRE(spec);
    CHECK(env_name(*spec) == "PARLEY_MAX_SOCKETS_PER_IP");
    CHECK(file_key(*spec) == "max_sockets_per_ip");
    // No two options share a name in any source.
    std::map<std::string, int> seen;
    for (const OptionSpec& s : option_table()) {
        CHECK(++seen[s.name] == 1);
        CHECK(++seen[env_name(s)] == 1);
    }
}

TEST_CASE("The relay's --print-config writes a file that reads back to the same settings", "[config]") {
    const ResolvedConfig first = resolve({"--allow-origin", "https://shop.example", "--retain-closed-days-team",
                                          "billing=7", "--inactive-after-ms", "900"},
                                         {"PARLEY_HOST=0.0.0.0", "PARLEY_NO_TRIAGE=true"}, "port = 9000\n");
    REQUIRE(first.problems.empty());
    const std::string toml = effective_toml(first);
    CAPTURE(toml);
    CHECK(toml.find("port = 9000  # file") != std::string::npos);
    CHECK(toml.find("host = \"0.0.0.0\"  # environment") != std::string::npos);
    CHECK(toml.find("# away_grace_ms = (unset)") != std::string::npos);
    const ResolvedConfig again = resolve({}, {}, toml);
    REQUIRE(all_problems(again) == "");
    for (const OptionSpec& s : option_table())
        if (s.kind == Kind::setting) CHECK(s.show(again.options) == s.show(first.options));
}

TEST_CASE("The relay's --check-config names its file and asks for a check", "[config]") {
    Files files;
    files.text["r.toml"] = "port = 1\n";
    const ResolvedConfig c = resolve_config({"--check-config", "r.toml"}, {}, files.reader());
    CHECK(c.check_config);
    CHECK(c.config_file == "r.toml");
    CHECK(c.options.port == 1);
}

TEST_CASE("The relay's --help shows every setting with its default, and every command", "[config]") {
    const std::string help = usage_text();
    for (const OptionSpec& s : option_table()) {
        CAPTURE(s.name);
        CHECK((help.find("--" + s.name + " ") != std::string::npos ||
               help.find("--" + s.name + "\n") != std::string::npos) != s.hidden);
    }
    CHECK(help.find("--port PORT              TCP port; 0: any free port (default 8080)") != std::string::npos);
    for (std::istringstream lines(help); !lines.eof();) {
        std::string line;
        std::getline(lines, line);
        CAPTURE(line);
        CHECK(line.size() <= 80);
    }
}

TEST_CASE("docs/operations.md holds the option table the relay has", "[config][docs]") {
    std::ifstream in(std::string(PARLEY_SOURCE_DIR) + "/docs/operations.md");
    REQUIRE(in);
    std::stringstream text;
    text << in.rdbuf();
    const std::string doc = text.str();
    const std::string begin = "<!-- options: generated by `parley-relay --print-options-markdown` -->\n";
    const std::string end = "<!-- options: end -->";
    const auto b = doc.find(begin);
    const auto e = doc.find(end);
    REQUIRE(b != std::string::npos);
    REQUIRE(e != std::string::npos);
    INFO("regenerate the table: build/relay/parley-relay --print-options-markdown");
    CHECK(doc.substr(b + begin.size(), e - b - begin.size()) == options_markdown());
}

TEST_CASE("deploy/relay.toml, the documented example, is a valid config", "[config][deploy]") {
    std::ifstream in(std::string(PARLEY_SOURCE_DIR) + "/deploy/relay.toml");
    REQUIRE(in);
    std::stringstream text;
    text << in.rdbuf();
    const ResolvedConfig c = resolve({}, {}, text.str());
    CHECK(all_problems(c).empty());
    CHECK(c.options.data_dir == "/var/lib/parley");
}

// The project's scripts and tests run relays with their own PARLEY_ variables in the
// environment: each must be a setting or on the list of other programs' variables, or
// the relay would refuse to start under them.
TEST_CASE("every PARLEY_ variable the project's scripts and tests set is known to the relay", "[config]") {
    namespace fs = std::filesystem;
    const std::regex assigned(R"((?:^|[\s;"'(])(PARLEY_[A-Z0-9_]+)=)");  // not -DPARLEY_X=
    const std::regex read(R"((?:getenv\(\"|process\.env\.)(PARLEY_[A-Z0-9_]+))");
    std::set<std::string> known(known_other_variables().begin(), known_other_variables().end());
    for (const OptionSpec& s : option_table()) known.insert(env_name(s));
    for (const char* dir : {"tests", "toolchain", "bench", ".ci"}) {
        const fs::path root = fs::path(PARLEY_SOURCE_DIR) / dir;
        if (!fs::exists(root)) continue;
        for (const auto& entry : fs::recursive_directory_iterator(root)) {
            if (!entry.is_regular_file()) continue;
            const fs::path& path = entry.path();
            const std::string ext = path.extension().string();
            const bool script = path.filename() == "CMakeLists.txt" || ext == ".sh" || ext == ".yml" ||
                                ext == ".yaml" || (ext.empty() && path.parent_path().filename() == "toolchain");
            const bool code = ext == ".cpp" || ext == ".mjs" || ext == ".js" || ext == ".hpp";
            if (!script && !code) continue;
            std::ifstream in(path);
            std::stringstream text;
            text << in.rdbuf();
            const std::string body = text.str();
            // In CMake, only a test's ENVIRONMENT or `cmake -E env` sets variables (the rest
            // are compile definitions); in scripts, assignments outside comments.
            const bool cmake = path.filename() == "CMakeLists.txt";
            std::istringstream lines(body);
            for (std::string line; std::getline(lines, line);) {
                if (script && line.find_first_not_of(" \t") != std::string::npos &&
                    line[line.find_first_not_of(" \t")] == '#')
                    continue;
                if (cmake && line.find("ENVIRONMENT") == std::string::npos && line.find("-E env") == std::string::npos)
                    continue;
                const std::regex& pattern = script ? assigned : read;
                for (std::sregex_iterator m(line.begin(), line.end(), pattern), end; m != end; ++m) {
                    CAPTURE(path.string(), (*m)[1].str());
                    CHECK(known.count((*m)[1].str()) == 1);
                }
            }
        }
    }
}
