// Backup and restore (issue 18, store/backup.hpp), with the real relay: a backup taken
// while a visitor keeps writing holds every message acknowledged before it began, a
// restore puts it in place on another machine's data directory, and the visitor's token
// resumes there. The commands refuse what would lose data.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdio>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "protocol_peer.hpp"
#include "relay_process.hpp"

using namespace parley::test;

namespace {

constexpr int kWait = 5000;

bool has_type(const json& j, const std::string& type) { return j.is_object() && j.value("type", "") == type; }

using Clock = std::chrono::steady_clock;

// Messages a visitor had acknowledged, with when each ack arrived.
struct AckLog {
    std::mutex mutex;
    std::vector<std::pair<std::string, Clock::time_point>> acks;
    std::atomic<int> count{0};

    std::set<std::string> acked_before(Clock::time_point t) {
        std::lock_guard<std::mutex> hold(mutex);
        std::set<std::string> out;
        for (const auto& [cid, at] : acks)
            if (at < t) out.insert(cid);
        return out;
    }
    std::set<std::string> acked_after(Clock::time_point t) {
        std::lock_guard<std::mutex> hold(mutex);
        std::set<std::string> out;
        for (const auto& [cid, at] : acks)
            if (at > t) out.insert(cid);
        return out;
    }
};

// Every message cid the conversation holds, read by its visitor over the protocol.
std::set<std::string> stored_cids(const RelayProcess& relay, const std::string& token, const std::string& conv) {
    ProtocolPeer visitor;
    REQUIRE(visitor.connect(relay.host(), relay.port()));
    REQUIRE(visitor.send({{"type", "hello"}, {"role", "visitor"}, {"token", token}}));
    REQUIRE(visitor.wait_type("welcome", kWait));
    REQUIRE(visitor.send({{"type", "sync"}, {"conv", conv}, {"after", 0}}));
    REQUIRE(visitor.wait_type("synced", kWait));
    std::set<std::string> out;
    for (const auto& f : visitor.seen())
        if (has_type(f, "msg")) out.insert(f.value("cid", ""));
    return out;
}

}  // namespace

TEST_CASE("A backup taken under load holds every acknowledged message, and restores on another data dir",
          "[integration][backup]") {
    RelayOptions options;
    options.extra_args = {"--conn-rate", "0"};  // one visitor writes as fast as acks come back
    RelayProcess live(options);
    REQUIRE(live.start());
    const std::string backup_dir = live.data_dir() + "/../backup";

    ProtocolPeer visitor;
    REQUIRE(visitor.connect(live.host(), live.port()));
    auto welcome = visitor.hello_new_visitor();
    REQUIRE(welcome);

    // The writer: one message after another, each sent once its predecessor is acked.
    AckLog log;
    std::atomic<bool> failed{false};
    std::thread writer([&] {
        for (int i = 0; i < 600 && !failed; ++i) {
            const std::string cid = "load." + std::to_string(i);
            if (!visitor.send({{"type", "send"}, {"conv", welcome->conv}, {"cid", cid}, {"text", "under load"}})) {
                failed = true;
                break;
            }
            auto ack = visitor.wait_type("ack", kWait);
            if (!ack) {
                failed = true;
                break;
            }
            std::lock_guard<std::mutex> hold(log.mutex);
            log.acks.emplace_back(ack->value("cid", ""), Clock::now());
            ++log.count;
        }
    });
    while (log.count < 150 && !failed) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const auto backup_began = Clock::now();
    const auto backed_up = live.command("--backup-to " + backup_dir);
    const auto backup_ended = Clock::now();
    writer.join();
    REQUIRE_FALSE(failed);
    INFO(backed_up.out);
    REQUIRE(backed_up.status == 0);
    CHECK(backed_up.out.find("backed up") != std::string::npos);
    CHECK(backed_up.out.find("visitor token keys") != std::string::npos);
    REQUIRE(live.stop());

    const std::set<std::string> before = log.acked_before(backup_began);
    const std::set<std::string> after = log.acked_after(backup_ended);
    REQUIRE(before.size() >= 150);
    REQUIRE_FALSE(after.empty());  // the writer went on past the backup

    RelayProcess restored;
    const auto put_back = restored.command("--restore-from " + backup_dir);
    INFO(put_back.out);
    REQUIRE(put_back.status == 0);
    CHECK(put_back.out.find("restored") != std::string::npos);
    REQUIRE(restored.start());

    const std::set<std::string> stored = stored_cids(restored, welcome->token, welcome->conv);
    for (const auto& cid : before) CHECK(stored.count(cid));
    // It is the backup's moment, not a later copy: what was acked after it is not there.
    for (const auto& cid : after) CHECK_FALSE(stored.count(cid));
}

TEST_CASE("Backup and restore refuse what would lose or mix data", "[integration][backup]") {
    RelayProcess relay;
    REQUIRE(relay.start());
    ProtocolPeer visitor;
    REQUIRE(visitor.connect(relay.host(), relay.port()));
    auto welcome = visitor.hello_new_visitor();
    REQUIRE(welcome);
    REQUIRE(visitor.send({{"type", "send"}, {"conv", welcome->conv}, {"cid", "kept"}, {"text", "keep me"}}));
    REQUIRE(visitor.wait_type("ack", kWait));
    const std::string backup_dir = relay.data_dir() + "/../backup";
    REQUIRE(relay.command("--backup-to " + backup_dir).status == 0);

    SECTION("a backup never writes into a directory that holds something") {
        const auto again = relay.command("--backup-to " + backup_dir);
        CHECK(again.status == 1);
        CHECK(again.out.find("exists and is not empty") != std::string::npos);
    }
    SECTION("a restore refuses to run beside the relay that owns the data dir") {
        const auto refused = relay.command("--restore-from " + backup_dir);
        CHECK(refused.status == 1);
        CHECK(refused.out.find("another parley-relay (pid ") != std::string::npos);
        CHECK(refused.out.find("stop it first") != std::string::npos);
    }
    SECTION("a directory that holds no backup is refused by name") {
        REQUIRE(relay.stop());
        const auto refused = relay.command("--restore-from " + relay.data_dir() + "/../nothing-here");
        CHECK(refused.status == 1);
        INFO(refused.out);
        CHECK(refused.out.find("not a Parley backup") != std::string::npos);
    }
    SECTION("a corrupt backup is refused, and the database it would replace stays") {
        REQUIRE(relay.stop());
        {
            std::FILE* f = std::fopen((backup_dir + "/parley.db").c_str(), "r+b");
            REQUIRE(f);
            std::fseek(f, 100, SEEK_SET);  // past the header: the first page's b-tree
            const char junk[64] = "this is not a b-tree page, whatever the header says.........";
            std::fwrite(junk, 1, sizeof junk, f);
            std::fclose(f);
        }
        const auto refused = relay.command("--restore-from " + backup_dir);
        CHECK(refused.status == 1);
        CHECK(refused.out.find("restore failed") != std::string::npos);
        REQUIRE(relay.start());
        CHECK(stored_cids(relay, welcome->token, welcome->conv).count("kept"));
    }
    SECTION("restoring over a database moves that database aside, its log with it") {
        REQUIRE(visitor.send({{"type", "send"}, {"conv", welcome->conv}, {"cid", "later"}, {"text", "after it"}}));
        REQUIRE(visitor.wait_type("ack", kWait));
        REQUIRE(relay.stop());
        const auto put_back = relay.command("--restore-from " + backup_dir);
        INFO(put_back.out);
        REQUIRE(put_back.status == 0);
        const auto kept = put_back.out.find("kept as ");
        REQUIRE(kept != std::string::npos);
        const std::string aside = put_back.out.substr(kept + 8, put_back.out.find('\n', kept) - kept - 8);
        CHECK(std::filesystem::exists(aside));
        REQUIRE(relay.start());
        const auto stored = stored_cids(relay, welcome->token, welcome->conv);
        CHECK(stored.count("kept"));
        CHECK_FALSE(stored.count("later"));
    }
}
