// A data subject's export and erasure (P7, docs/security.md), through the relay's own
// command line against a real data directory: what the visitor wrote is exported, then
// erased so that no byte of it is left in the database, its log or the relay's log, and
// a visitor who comes back with the old token is a stranger.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "protocol_peer.hpp"
#include "relay_process.hpp"

using namespace parley::test;
namespace fs = std::filesystem;

namespace {

// parley-relay with `args` (the data dir first), as an operator runs it from a shell.
// Every byte the relay left on disk: its data directory (all of it) and its own log.
std::string everything_on_disk(const RelayProcess& relay) {
    std::string bytes = relay.log();
    for (const auto& entry : fs::recursive_directory_iterator(relay.data_dir())) {
        if (!entry.is_regular_file()) continue;  // keys/ holds the token keys
        std::ifstream in(entry.path(), std::ios::binary);
        bytes.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return bytes;
}

}  // namespace

TEST_CASE("A visitor's data is exported as JSON, then erased from every file, and their old token finds nothing",
          "[integration][privacy]") {
    RelayProcess relay;
    REQUIRE(relay.start());
    ProtocolPeer visitor;
    REQUIRE(visitor.connect(relay.host(), relay.port()));
    REQUIRE(visitor.send({{"type", "hello"}, {"role", "visitor"}, {"name", "Zebulon Quixote"},
                          {"page", "https://shop.example/zqx-secret-page"}}));
    auto welcome = visitor.wait_type("welcome");
    REQUIRE(welcome);
    const std::string conv = (*welcome)["conv"], token = (*welcome)["token"];
    for (int i = 0; i < 20; ++i) {
        REQUIRE(visitor.send({{"type", "send"}, {"conv", conv}, {"cid", "m" + std::to_string(i)},
                              {"text", "zqx private detail " + std::to_string(i)}}));
        REQUIRE(visitor.wait_type("ack"));
    }
    visitor.close();

    SECTION("neither runs beside the relay: it owns the data directory") {
        const auto refused = relay.command("--erase-visitor " + conv);
        CHECK(refused.status == 1);
        CHECK(refused.out.find("stop it first") != std::string::npos);
    }

    REQUIRE(relay.stop());

    const auto exported = relay.command("--export-visitor " + conv);
    REQUIRE(exported.status == 0);
    const json doc = json::parse(exported.out);
    CHECK(doc["format"] == "parley.visitor-export.v1");
    CHECK(doc["visitor"]["name"] == "Zebulon Quixote");
    REQUIRE(doc["conversations"].size() == 1);
    CHECK(doc["conversations"][0]["conv"] == conv);
    REQUIRE(doc["conversations"][0]["messages"].size() == 20);
    CHECK(doc["conversations"][0]["messages"][19]["text"] == "zqx private detail 19");

    const auto erased = relay.command("--erase-visitor " + conv);
    INFO(erased.out);
    REQUIRE(erased.status == 0);
    CHECK(erased.out.find("20 message(s)") != std::string::npos);

    const std::string disk = everything_on_disk(relay);
    CHECK(disk.find("zqx private detail") == std::string::npos);
    CHECK(disk.find("Zebulon Quixote") == std::string::npos);
    CHECK(disk.find("zqx-secret-page") == std::string::npos);

    SECTION("erasing the same visitor again says there is no such visitor") {
        const auto again = relay.command("--erase-visitor " + conv);
        CHECK(again.status == 1);
        CHECK(again.out.find("no conversation") != std::string::npos);
    }

    // Back with the old token: a new identity and an empty conversation.
    REQUIRE(relay.start());
    ProtocolPeer back;
    REQUIRE(back.connect(relay.host(), relay.port()));
    REQUIRE(back.send({{"type", "hello"}, {"role", "visitor"}, {"token", token}}));
    auto again = back.wait_type("welcome");
    REQUIRE(again);
    CHECK((*again)["conv"] != conv);
    CHECK((*again)["last_seq"] == 0);
}
