// Data at rest (P7, docs/security.md): what the relay writes to its data directory is
// readable by the relay's user alone, whatever umask it was started with, and a data
// directory left open by an older relay is closed at the next start.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "protocol_peer.hpp"
#include "relay_process.hpp"

using namespace parley::test;
namespace fs = std::filesystem;

namespace {

// The permission bits of `path` (0 when it does not exist).
unsigned mode_of(const fs::path& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0;
}

// Runs `body` with the process umask set to `mask` (the relay inherits it).
template <class F>
void with_umask(mode_t mask, F&& body) {
    const mode_t old = ::umask(mask);
    body();
    ::umask(old);
}

// One visitor message, so the database, its log and its shared memory all exist.
void write_one_message(const RelayProcess& relay) {
    ProtocolPeer visitor;
    REQUIRE(visitor.connect(relay.host(), relay.port()));
    auto welcome = visitor.hello_new_visitor();
    REQUIRE(welcome);
    REQUIRE(visitor.send({{"type", "send"}, {"conv", welcome->conv}, {"cid", "c1"}, {"text", "hello"}}));
    REQUIRE(visitor.wait_type("ack"));
}

}  // namespace

TEST_CASE("The data directory is 0700 and its files 0600 even under a permissive umask",
          "[integration][at-rest]") {
    RelayProcess relay;
    with_umask(022, [&] { REQUIRE(relay.start()); });
    write_one_message(relay);

    CHECK(mode_of(relay.data_dir()) == 0700);
    int files = 0;
    for (const auto& entry : fs::directory_iterator(relay.data_dir())) {
        if (!entry.is_regular_file()) continue;
        ++files;
        CAPTURE(entry.path().string());
        CHECK(mode_of(entry.path()) == 0600);
    }
    CHECK(files >= 3);  // parley.db, parley.db-wal, parley.db-shm
}

TEST_CASE("A data directory readable by others is made private at start",
          "[integration][at-rest]") {
    RelayProcess relay;
    // As an older relay or a careless copy left it: world-readable, database included.
    fs::permissions(relay.data_dir(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                          fs::perms::others_read | fs::perms::others_exec);
    std::ofstream(fs::path(relay.data_dir()) / "parley.db").close();  // SQLite makes an empty file a database
    fs::permissions(fs::path(relay.data_dir()) / "parley.db",
                    fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
    REQUIRE(relay.start());
    write_one_message(relay);

    CHECK(mode_of(relay.data_dir()) == 0700);
    CHECK(mode_of(fs::path(relay.data_dir()) / "parley.db") == 0600);
    CHECK(relay.log().find("made private") != std::string::npos);
}
