// Sealed transcripts, end to end (P7, docs/security.md "Sealed transcripts"): a relay
// started with --data-key-file writes no message text, visitor name, queued webhook body
// or webhook signing secret in the clear to its data directory, will not start without that key, and a key rotation done with the
// operator's commands (--generate-data-key, --reseal-data) keeps every message readable.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "protocol_peer.hpp"
#include "relay_process.hpp"

using namespace parley::test;
namespace fs = std::filesystem;

namespace {

// Every byte of every file in the data directory (database, log, shared memory, keys).
std::string raw_data_dir(const RelayProcess& relay) {
    std::string bytes;
    for (const auto& entry : fs::recursive_directory_iterator(relay.data_dir())) {
        if (!entry.is_regular_file()) continue;
        std::ifstream in(entry.path(), std::ios::binary);
        bytes.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return bytes;
}

// The texts a visitor holding `token` gets back in its conversation's sync.
std::vector<std::string> synced_texts(const RelayProcess& relay, const std::string& token) {
    ProtocolPeer visitor;
    REQUIRE(visitor.connect(relay.host(), relay.port()));
    REQUIRE(visitor.send({{"type", "hello"}, {"role", "visitor"}, {"token", token}}));
    auto welcome = visitor.wait_type("welcome");
    REQUIRE(welcome);
    const std::string conv = (*welcome)["conv"].get<std::string>();
    REQUIRE(visitor.send({{"type", "sync"}, {"conv", conv}, {"after", 0}}));
    REQUIRE(visitor.wait_type("synced"));
    std::vector<std::string> texts;
    for (const json& f : visitor.seen())
        if (f.value("type", "") == "msg") texts.push_back(f.value("text", ""));
    return texts;
}

}  // namespace

TEST_CASE("A relay with a data key keeps transcripts sealed on disk, needs the key to start, and rotates it",
          "[integration][at-rest][sealed]") {
    RelayProcess relay;
    const std::string key_a = (fs::path(relay.data_dir()).parent_path() / "a.key").string();
    const std::string key_b = (fs::path(relay.data_dir()).parent_path() / "b.key").string();
    REQUIRE(relay.command("--generate-data-key " + key_a).status == 0);
    // A webhook subscription (issue 18) to a port nobody serves: every message's event
    // waits in the queue, its body holding the text; its signing secret is stored too.
    // Both are sealed like the transcript.
    const auto hook = relay.command("--data-key-file " + key_a + " --add-webhook http://127.0.0.1:9/hook", false);
    REQUIRE(hook.status == 0);
    const std::string secret = hook.out.substr(hook.out.find('\n') + 1, hook.out.find('\n', hook.out.find('\n') + 1) -
                                                                          hook.out.find('\n') - 1);
    REQUIRE(secret.rfind("whsec_", 0) == 0);

    relay.set_extra_args({"--data-key-file", key_a});
    REQUIRE(relay.start());
    ProtocolPeer visitor;
    REQUIRE(visitor.connect(relay.host(), relay.port()));
    REQUIRE(visitor.send({{"type", "hello"}, {"role", "visitor"}, {"name", "ZQXSEALNAME"}}));
    auto welcome = visitor.wait_type("welcome");
    REQUIRE(welcome);
    const std::string conv = (*welcome)["conv"].get<std::string>();
    const std::string token = (*welcome)["token"].get<std::string>();
    for (int i = 0; i < 20; ++i) {
        REQUIRE(visitor.send({{"type", "send"}, {"conv", conv}, {"cid", "m" + std::to_string(i)},
                              {"text", "ZQXSEALTEXT number " + std::to_string(i)}}));
        REQUIRE(visitor.wait_for([&](const json& f) {
            return f.value("type", "") == "ack" && f.value("cid", "") == "m" + std::to_string(i);
        }));
    }
    visitor.close();
    // While running (the log as it stands) and after the shutdown's checkpoint.
    CHECK(raw_data_dir(relay).find("ZQXSEAL") == std::string::npos);
    REQUIRE(relay.stop());
    CHECK(raw_data_dir(relay).find("ZQXSEAL") == std::string::npos);
    CHECK(raw_data_dir(relay).find(secret.substr(6)) == std::string::npos);
    // The webhook commands read secrets and bodies: without the key they are refused.
    const auto listed_without = relay.command("--list-webhooks");
    INFO(listed_without.out);
    CHECK(listed_without.status != 0);
    CHECK(listed_without.out.find("--data-key-file") != std::string::npos);
    CHECK(relay.command("--data-key-file " + key_a + " --list-webhooks", false).status == 0);
    // A report reads times and roles only: it needs no key, and counts the messages.
    const auto report = relay.command("--report", false);
    INFO(report.out);
    CHECK(report.status == 0);
    CHECK(report.out.find("ZQXSEAL") == std::string::npos);

    // Without the key (or with another one) the relay refuses to start, and says why.
    relay.set_extra_args({});
    CHECK_FALSE(relay.start());
    CHECK(relay.log().find("--data-key-file") != std::string::npos);

    // Rotation: a new key, everything resealed under it, offline.
    REQUIRE(relay.command("--generate-data-key " + key_b).status == 0);
    const auto resealed = relay.command("--data-key-file " + key_b + " --old-data-key-file " + key_a + " --reseal-data");
    INFO(resealed.out);
    REQUIRE(resealed.status == 0);
    CHECK(resealed.out.find("resealed") != std::string::npos);

    relay.set_extra_args({"--data-key-file", key_a});
    CHECK_FALSE(relay.start());  // the old key alone no longer opens it
    relay.set_extra_args({"--data-key-file", key_b});
    REQUIRE(relay.start());
    const std::vector<std::string> texts = synced_texts(relay, token);
    REQUIRE(texts.size() == 20);
    CHECK(texts.front() == "ZQXSEALTEXT number 0");
    CHECK(texts.back() == "ZQXSEALTEXT number 19");
    REQUIRE(relay.stop());
    CHECK(raw_data_dir(relay).find("ZQXSEAL") == std::string::npos);
}
