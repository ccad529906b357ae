// ConfigFile: the rules are reloaded when the file changes, and a broken file keeps the
// previous rules in force with its error reported.
#include <chrono>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include <catch2/catch.hpp>

#include "config_file.hpp"

using namespace parley::bot;
namespace fs = std::filesystem;

namespace {

struct TempConfig {
    fs::path dir = fs::temp_directory_path() / ("parley-bot-config-" + std::to_string(::getpid()));
    fs::path file = dir / "bot.toml";
    TempConfig() { fs::create_directories(dir); }
    ~TempConfig() { fs::remove_all(dir); }
    // Writes the file and moves its mtime on by `step` seconds, so a change is seen
    // whatever the file system's timestamp resolution.
    void write(const std::string& text, int step) {
        std::ofstream(file, std::ios::trunc) << text;
        fs::last_write_time(file, fs::file_time_type::clock::now() + std::chrono::seconds(step));
    }
};

}  // namespace

TEST_CASE("A changed config file is reloaded without a restart", "[bot][config]") {
    TempConfig t;
    t.write("[bot]\nname = \"Ada\"\n", 1);
    auto f = ConfigFile::open(t.file.string());
    REQUIRE(f.ok());
    ConfigFile& cf = f.value();
    CHECK(cf.config()->bot_name == "Ada");
    CHECK(cf.reload_if_changed().outcome == ConfigFile::Reload::unchanged);

    t.write("[bot]\nname = \"Grace\"\n", 2);
    CHECK(cf.reload_if_changed().outcome == ConfigFile::Reload::reloaded);
    CHECK(cf.config()->bot_name == "Grace");
}

TEST_CASE("A config file that no longer parses keeps the old rules and says why", "[bot][config]") {
    TempConfig t;
    t.write("[escalation]\nmax_turns_without_progress = 4\n", 1);
    auto f = ConfigFile::open(t.file.string());
    REQUIRE(f.ok());
    ConfigFile& cf = f.value();
    const auto before = cf.config();

    t.write("[escalation]\nmax_turns_without_progress = \"four\"\n", 2);
    const auto report = cf.reload_if_changed();
    CHECK(report.outcome == ConfigFile::Reload::failed);
    CHECK_THAT(report.error, Catch::Contains("escalation.max_turns_without_progress: expected an integer"));
    CHECK(cf.config() == before);
    CHECK(cf.config()->escalation.max_turns_without_progress == 4);
    // The same broken file is not parsed (nor reported) again until it changes.
    CHECK(cf.reload_if_changed().outcome == ConfigFile::Reload::unchanged);

    t.write("[escalation]\nmax_turns_without_progress = 5\n", 3);
    CHECK(cf.reload_if_changed().outcome == ConfigFile::Reload::reloaded);
    CHECK(cf.config()->escalation.max_turns_without_progress == 5);
}

TEST_CASE("Opening a missing config file is an io error naming it", "[bot][config]") {
    auto f = ConfigFile::open("/nonexistent/parley/bot.toml");
    REQUIRE_FALSE(f.ok());
    CHECK(f.error().code == BotErrc::io);
    CHECK_THAT(f.error().detail, Catch::Contains("/nonexistent/parley/bot.toml"));
}
