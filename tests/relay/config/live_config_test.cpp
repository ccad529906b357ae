// LiveConfig and plan_reload (config/live_config.hpp): what a reload applies, what waits
// for a restart, that a bad file changes nothing, and writing and rolling back the file.
// Files live in memory; nothing touches the disk.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

#include "config/live_config.hpp"
#include "config/option_table.hpp"

using namespace parley::relay;
using namespace parley::relay::config;

namespace {

// A config file and its previous version, in memory, as ConfigFiles sees them.
struct MemoryFiles {
    std::map<std::string, std::string> text;
    std::map<std::string, std::string> previous;
    std::string refuse_writes;  // non-empty: write() fails with this
    ConfigFiles files() {
        ConfigFiles f;
        f.read = [this](const std::string& path, std::string& error) -> std::optional<std::string> {
            auto it = text.find(path);
            if (it == text.end()) {
                error = "No such file or directory";
                return std::nullopt;
            }
            return it->second;
        };
        f.write = [this](const std::string& path, const std::string& t) {
            if (!refuse_writes.empty()) return refuse_writes;
            if (text.count(path)) previous[path] = text[path];
            text[path] = t;
            return std::string();
        };
        f.previous = [this](const std::string& path) -> std::optional<std::string> {
            auto it = previous.find(path);
            if (it == previous.end()) return std::nullopt;
            return it->second;
        };
        return f;
    }
};

struct Fixture {
    MemoryFiles disk;
    std::vector<std::string> env;
    std::vector<std::string> args{"--config", "relay.toml"};
    std::optional<LiveConfig> live;
    int applied_calls = 0;
    Options last_applied;
    std::vector<ReloadResult> reports;

    explicit Fixture(const std::string& toml, std::vector<std::string> environment = {}) : env(std::move(environment)) {
        disk.text["relay.toml"] = toml;
        ResolvedConfig started = resolve_config(args, env, disk.files().read);
        REQUIRE(started.problems.empty());
        live.emplace(args, [this] { return env; }, disk.files(), started);
        live->on_apply([this](const Options& next, const ReloadPlan&) {
            ++applied_calls;
            last_applied = next;
        });
        live->on_report([this](const ReloadResult& r) { reports.push_back(r); });
    }
    ReloadResult reload_with(const std::string& toml) {
        disk.text["relay.toml"] = toml;
        return live->reload();
    }
};

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST_CASE("a reload applies changed live settings and lists the rest as needing a restart", "[config][reload]") {
    Fixture f("port = 7001\nconn_rate = 20\nlog_level = \"notice\"\n");
    const ReloadResult r = f.reload_with("port = 7002\nconn_rate = 3\nlog_level = \"debug\"\ndata_dir = \"/elsewhere\"\n");
    REQUIRE(r.ok);
    CHECK(r.applied == std::vector<std::string>{"conn_rate", "log_level"});
    CHECK(r.restart == std::vector<std::string>{"port", "data_dir"});
    // The settings in force: the live ones new, the others as started.
    const Options& now = f.live->in_force().options;
    CHECK(now.conn_rate == 3);
    CHECK(now.log_level == "debug");
    CHECK(now.port == 7001);
    CHECK(now.data_dir == "./data");
    CHECK(f.applied_calls == 1);
    CHECK(f.last_applied.conn_rate == 3);
    CHECK(f.last_applied.port == 7001);
    // The log line names what changed, never a value.
    const std::string line = r.summary("relay.toml");
    CHECK(line.find("applied conn_rate, log_level") != std::string::npos);
    CHECK(line.find("takes effect at restart: port, data_dir") != std::string::npos);
    CHECK(line.find("debug") == std::string::npos);
    CHECK(line.find("7002") == std::string::npos);
}

TEST_CASE("a reload with nothing changed applies nothing", "[config][reload]") {
    Fixture f("conn_rate = 20\n");
    const ReloadResult r = f.reload_with("conn_rate = 20\n");
    CHECK(r.ok);
    CHECK(r.applied.empty());
    CHECK(r.restart.empty());
    CHECK(f.applied_calls == 0);
    CHECK(r.summary("relay.toml").find("nothing changed live") != std::string::npos);
}

TEST_CASE("a setting that needs a restart is reported at every reload until the relay restarts",
          "[config][reload]") {
    Fixture f("port = 7001\n");
    CHECK(f.reload_with("port = 7002\n").restart == std::vector<std::string>{"port"});
    CHECK(f.live->reload().restart == std::vector<std::string>{"port"});
    CHECK(f.live->in_force().options.port == 7001);
}

TEST_CASE("a bad file is refused whole: the settings in force stay, the problem names its line", "[config][reload]") {
    Fixture f("conn_rate = 20\nip_rate = 400\n");
    SECTION("a value out of range") {
        const ReloadResult r = f.reload_with("ip_rate = 5\nconn_rate = -4\n");
        CHECK_FALSE(r.ok);
        REQUIRE(r.problems.size() == 1);
        CHECK(r.problems[0].line == 2);
        CHECK(r.problems[0].column == 13);
        CHECK(r.problems[0].option == "conn_rate");
        CHECK(r.problems[0].text == "relay.toml:2:13: conn_rate needs a number from 0 to 1000000, not '-4'");
        CHECK(r.problems[0].reason == "conn_rate needs a number from 0 to 1000000, not '-4'");
        // ip_rate was good, but nothing of a refused file is applied.
        CHECK(f.live->in_force().options.ip_rate == 400);
    }
    SECTION("a TOML syntax error") {
        const ReloadResult r = f.reload_with("conn_rate = 5\nip_rate = = 3\n");
        CHECK_FALSE(r.ok);
        REQUIRE_FALSE(r.problems.empty());
        CHECK(r.problems[0].line == 2);
        CHECK(r.problems[0].text.rfind("relay.toml:2:", 0) == 0);
    }
    SECTION("an unknown key") {
        const ReloadResult r = f.reload_with("conn_rat = 5\n");
        CHECK_FALSE(r.ok);
        REQUIRE(r.problems.size() == 1);
        CHECK(r.problems[0].option == "conn_rat");
        CHECK(r.problems[0].reason.find("did you mean conn_rate?") != std::string::npos);
    }
    SECTION("the file is gone") {
        f.disk.text.erase("relay.toml");
        const ReloadResult r = f.live->reload();
        CHECK_FALSE(r.ok);
        CHECK(r.problems[0].text.find("cannot read the config file relay.toml") != std::string::npos);
    }
    CHECK(f.live->in_force().options.conn_rate == 20);
    CHECK(f.applied_calls == 0);
    REQUIRE(f.reports.size() == 1);  // the refusal is reported (for the log)
    CHECK_FALSE(f.reports[0].ok);
    CHECK(f.reports[0].summary("relay.toml").find("refused, the settings in force are kept") != std::string::npos);
}

TEST_CASE("the environment and the command line still outrank the file after a reload", "[config][reload]") {
    Fixture f("conn_rate = 20\n", {"PARLEY_CONN_RATE=9"});
    const ReloadResult r = f.reload_with("conn_rate = 3\nip_rate = 100\n");
    REQUIRE(r.ok);
    CHECK(f.live->in_force().options.conn_rate == 9);
    CHECK(f.live->in_force().options.ip_rate == 100);
    CHECK(r.shadowed == std::vector<std::string>{"conn_rate"});
    CHECK(f.live->in_force().origin.at("conn-rate") == "environment");
    CHECK(f.live->in_force().origin.at("ip-rate") == "file");
}

TEST_CASE("a live setting removed from the file goes back to its default", "[config][reload]") {
    Fixture f("quota_new_visitors = 2\n");
    const ReloadResult r = f.reload_with("");
    REQUIRE(r.ok);
    CHECK(contains(r.applied, "quota_new_visitors"));
    CHECK(f.live->in_force().options.quota_new_visitors == Options{}.quota_new_visitors);
    CHECK(f.live->in_force().origin.count("quota-new-visitors") == 0);
}

TEST_CASE("check() resolves a text as the file without writing it", "[config][reload]") {
    Fixture f("conn_rate = 20\n");
    const ResolvedConfig good = f.live->check("conn_rate = 4\n");
    CHECK(good.problems.empty());
    CHECK(good.options.conn_rate == 4);
    const ResolvedConfig bad = f.live->check("\n\nport = \"http\"\n");
    REQUIRE(bad.problem_details.size() == 1);
    CHECK(bad.problem_details[0].line == 3);
    CHECK(bad.problem_details[0].option == "port");
    CHECK(f.disk.text["relay.toml"] == "conn_rate = 20\n");
}

TEST_CASE("apply_text writes the file, keeps the previous one, and reloads; rollback puts it back",
          "[config][reload]") {
    Fixture f("conn_rate = 20\n");
    SECTION("a good text") {
        const ReloadResult r = f.live->apply_text("conn_rate = 5\n");
        REQUIRE(r.ok);
        CHECK(f.disk.text["relay.toml"] == "conn_rate = 5\n");
        CHECK(f.disk.previous["relay.toml"] == "conn_rate = 20\n");
        CHECK(f.live->in_force().options.conn_rate == 5);
        CHECK(f.live->has_previous());
        const ReloadResult back = f.live->rollback();
        REQUIRE(back.ok);
        CHECK(back.applied == std::vector<std::string>{"conn_rate"});
        CHECK(f.disk.text["relay.toml"] == "conn_rate = 20\n");
        CHECK(f.live->in_force().options.conn_rate == 20);
    }
    SECTION("a bad text is not written") {
        const ReloadResult r = f.live->apply_text("conn_rate = \"fast\"\n");
        CHECK_FALSE(r.ok);
        CHECK(r.problems[0].line == 1);
        CHECK(f.disk.text["relay.toml"] == "conn_rate = 20\n");
        CHECK_FALSE(f.live->has_previous());
    }
    SECTION("a failed write changes nothing") {
        f.disk.refuse_writes = "Permission denied";
        const ReloadResult r = f.live->apply_text("conn_rate = 5\n");
        CHECK_FALSE(r.ok);
        CHECK(r.problems[0].text == "cannot write relay.toml: Permission denied");
        CHECK(f.live->in_force().options.conn_rate == 20);
    }
    SECTION("no previous version: rollback refused") {
        const ReloadResult r = f.live->rollback();
        CHECK_FALSE(r.ok);
        CHECK(r.problems[0].text == "no previous version of relay.toml is kept");
    }
}

TEST_CASE("without a config file at start there is nothing to write", "[config][reload]") {
    MemoryFiles disk;
    const ResolvedConfig started = resolve_config({}, {}, disk.files().read);
    LiveConfig live({}, [] { return std::vector<std::string>{}; }, disk.files(), started);
    CHECK(live.file().empty());
    const ReloadResult r = live.apply_text("conn_rate = 5\n");
    CHECK_FALSE(r.ok);
    CHECK(r.problems[0].text == "the relay was started without a config file");
    CHECK(disk.text.empty());
}

TEST_CASE("every setting can be copied by a reload; the port, data dir and TLS files need a restart", "[config][reload]") {
    // A setting without copy could never be compared or applied by a reload.
    for (const OptionSpec& s : option_table()) {
        if (s.kind != Kind::setting || s.hidden) continue;
        CAPTURE(s.name);
        CHECK(s.copy);
    }
    // What operators expect live is live; what the relay binds or opens at start is not.
    std::vector<std::string> live;
    for (const OptionSpec& s : option_table())
        if (s.reloadable) live.push_back(s.name);
    CHECK(contains(live, "log-level"));
    CHECK(contains(live, "conn-rate"));
    CHECK(contains(live, "mask-outbound"));
    CHECK(contains(live, "metrics-allow"));
    CHECK_FALSE(contains(live, "port"));
    CHECK_FALSE(contains(live, "data-dir"));
    CHECK_FALSE(contains(live, "tls-cert"));
}
