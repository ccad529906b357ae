// The config file's atomic replacement (config/config_file_writer.hpp), on a real
// temporary directory: the previous version kept, the mode kept, a failed write leaving
// the file as it was.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/config_file_writer.hpp"

using namespace parley::relay::config;
namespace fs = std::filesystem;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        char tmpl[] = "/tmp/parley-writer-XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~TempDir() {
        std::error_code ec;
        fs::permissions(path, fs::perms::owner_all, ec);
        fs::remove_all(path, ec);
    }
};

std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

TEST_CASE("writing the config file replaces it whole and keeps the replaced text as the previous version",
          "[config][writer]") {
    TempDir dir;
    const std::string file = (dir.path / "relay.toml").string();
    SECTION("a new file: 0600, no previous version") {
        CHECK(write_config_file(file, "port = 1\n") == "");
        CHECK(slurp(file) == "port = 1\n");
        CHECK_FALSE(read_previous_config(file));
        struct stat st {};
        REQUIRE(::stat(file.c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0600);
    }
    SECTION("an existing file keeps its mode; the old text becomes the previous version") {
        std::ofstream(file) << "port = 1\n";
        ::chmod(file.c_str(), 0640);
        CHECK(write_config_file(file, "port = 2\n") == "");
        CHECK(slurp(file) == "port = 2\n");
        CHECK(read_previous_config(file) == std::optional<std::string>("port = 1\n"));
        struct stat st {};
        REQUIRE(::stat(file.c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0640);
        CHECK(write_config_file(file, "port = 3\n") == "");
        CHECK(read_previous_config(file) == std::optional<std::string>("port = 2\n"));
    }
    // No temporary file is left behind either way.
    for (const auto& entry : fs::directory_iterator(dir.path))
        CHECK(entry.path().filename().string().find(".tmp-") == std::string::npos);
}

TEST_CASE("a config file that cannot be written stays as it was, and the reason says why", "[config][writer]") {
    TempDir dir;
    const std::string file = (dir.path / "relay.toml").string();
    std::ofstream(file) << "port = 1\n";
    // Where the previous version goes is a directory with something in it: no rename
    // can replace it, whoever runs the test (root included).
    fs::create_directories(previous_path(file) + "/in-the-way");
    const std::string why = write_config_file(file, "port = 2\n");
    CHECK(why.rfind("cannot keep the previous version: cannot rename", 0) == 0);
    CHECK(slurp(file) == "port = 1\n");
    for (const auto& entry : fs::directory_iterator(dir.path))
        CHECK(entry.path().filename().string().find(".tmp-") == std::string::npos);
}
