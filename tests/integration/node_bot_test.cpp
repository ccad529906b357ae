// The example bot in another language (examples/node-bot/bot.mjs, docs/bots.md) run as a
// user would run it: `node --experimental-websocket bot.mjs ws://…/ws` with its key in
// PARLEY_BOT_KEY, beside the real relay. A raw-protocol visitor checks what the example
// promises: each answer grows as deltas before the stored message whose text is the
// deltas joined, the first answer carries quick replies as parts, and "a person please"
// ends in a handoff whose reason and summary the agent sees; a conversation closed while
// with the bot is answered by the bot again when the visitor returns. Built only when CMake found
// node (PARLEY_NODE_BIN); the ctest integration_node_bot is absent otherwise.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "program_process.hpp"
#include "protocol_peer.hpp"
#include "relay_process.hpp"

using namespace parley::test;
namespace fs = std::filesystem;

namespace {

constexpr int kWait = 8000;

std::string type_of(const json& j) { return j.is_object() ? j.value("type", "") : ""; }

bool is_bot_msg(const json& f) {
    return type_of(f) == "msg" && f.contains("from") && f["from"].value("role", "") == "bot";
}

// Without node (CMake found none) there is nothing to run: say so instead of failing.
bool have_node() {
    if (std::string(PARLEY_NODE_BIN).empty()) WARN("node was not found at configure time: skipped");
    return !std::string(PARLEY_NODE_BIN).empty();
}

// The relay with a key for the example bot, and the bot running (it said "ready").
struct NodeBot {
    RelayProcess relay{options()};
    std::unique_ptr<ProgramProcess> bot;

    NodeBot() {
        const auto created = relay.command("--create-bot-key nodey --bot-name 'Node Bot'", false);
        INFO(created.out);
        REQUIRE(created.status == 0);
        std::string key = created.out.substr(0, created.out.find('\n'));
        REQUIRE(key.rfind("pk_", 0) == 0);
        auto st = relay.start();
        INFO(st.detail);
        REQUIRE(st.ok);
        const fs::path root = fs::path(relay.data_dir()).parent_path();
        bot = std::make_unique<ProgramProcess>(
            PARLEY_NODE_BIN,
            std::vector<std::string>{"--experimental-websocket", std::string(PARLEY_SOURCE_DIR) + "/examples/node-bot/bot.mjs",
                                     "ws://127.0.0.1:" + std::to_string(relay.port()) + "/ws"},
            (root / "node-bot.log").string(), std::vector<std::string>{"PARLEY_BOT_KEY=" + key});
        const std::string problem = bot->start("ready: b_nodey");
        INFO(problem);
        REQUIRE(problem.empty());
    }

    static RelayOptions options() {
        RelayOptions o;
        o.demo_agent = true;
        return o;
    }
};

// The deltas of stream `cid` that `peer` saw before the stored message of that cid, joined.
std::string deltas_before_final(const ProtocolPeer& peer, const std::string& cid) {
    std::string grown;
    for (const json& f : peer.seen()) {
        if (type_of(f) == "msg" && f.value("cid", "") == cid) return grown;
        if (type_of(f) == "stream" && f.value("cid", "") == cid) grown += f.value("delta", "");
    }
    return "(no final message)";
}

}  // namespace

TEST_CASE("The Node.js example bot streams its answers, offers quick replies, and hands over on request",
          "[integration][node-bot]") {
    if (!have_node()) return;
    NodeBot n;
    ProtocolPeer visitor;
    REQUIRE(visitor.connect(n.relay.host(), n.relay.port()));
    auto welcome = visitor.hello_new_visitor(kWait);
    REQUIRE(welcome);
    const std::string conv = welcome->conv;

    // 1. The first answer: streamed, then stored whole, with quick replies.
    REQUIRE(visitor.send({{"type", "send"}, {"conv", conv}, {"cid", "v.1"}, {"text", "Do you have a free plan?"}}));
    auto first = visitor.wait_for(is_bot_msg, kWait);
    INFO(n.bot->log());
    REQUIRE(first);
    const std::string cid = (*first)["cid"].get<std::string>();
    const std::string text = (*first)["text"].get<std::string>();
    CHECK(text.find("Do you have a free plan?") != std::string::npos);
    int deltas = 0;
    for (const json& f : visitor.seen()) deltas += type_of(f) == "stream" && f.value("cid", "") == cid;
    CHECK(deltas >= 2);
    CHECK(deltas_before_final(visitor, cid) == text);  // every delta came first, and they join to the text
    REQUIRE(first->contains("parts"));
    const json& parts = (*first)["parts"];
    REQUIRE(parts.size() == 1);
    CHECK(parts[0].value("kind", "") == "quick_replies");
    CHECK(parts[0]["options"][1] == json{{"id", "human"}, {"label", "Talk to a person"}});

    // 2. The second answer is streamed too, and is plain (the quick replies come once).
    REQUIRE(visitor.send({{"type", "send"}, {"conv", conv}, {"cid", "v.2"}, {"text", "And for teams?"}}));
    auto second = visitor.wait_for(is_bot_msg, kWait);
    REQUIRE(second);
    CHECK(deltas_before_final(visitor, (*second)["cid"].get<std::string>()) == (*second)["text"].get<std::string>());
    CHECK_FALSE(second->contains("parts"));

    // 3. "A person please": the visitor is queued for a human, the agent sees why.
    REQUIRE(visitor.send({{"type", "send"}, {"conv", conv}, {"cid", "v.3"}, {"text", "A person please"}}));
    auto queued = visitor.wait_type("queue", kWait);
    REQUIRE(queued);
    CHECK((*queued)["conv"] == conv);
    const auto entry = demo_agent_inbox_entry(n.relay.host(), n.relay.port(), conv);
    REQUIRE(entry);
    REQUIRE(entry->contains("handoff"));
    CHECK((*entry)["handoff"].value("reason", "") == "asks_human");
    CHECK((*entry)["handoff"]["by"].value("id", "") == "b_nodey");
    CHECK((*entry)["handoff"].value("summary", "").find("Do you have a free plan?") != std::string::npos);
    CHECK(entry->value("bot", "") == "paused");
    CHECK(n.bot->wait_for_log(conv + ": handed off (asks_human)", kWait));
    // No more bot answers in that conversation: the bot got no turn after the handoff.
    for (const json& f : visitor.drain(500)) CHECK_FALSE(is_bot_msg(f));
}

TEST_CASE("The Node.js example bot reconnects after the relay restarts", "[integration][node-bot]") {
    if (!have_node()) return;
    NodeBot n;
    REQUIRE(n.relay.stop().ok);
    REQUIRE(n.relay.start().ok);
    INFO(n.bot->log());
    REQUIRE(n.bot->wait_for_log("reconnecting", kWait));
    // Its second "ready" line: connected again, with the same key.
    const auto twice = [&] {
        const std::string log = n.bot->log();
        const auto at = log.find("ready: b_nodey");
        return at != std::string::npos && log.find("ready: b_nodey", at + 1) != std::string::npos;
    };
    for (int i = 0; i < 100 && !twice(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    REQUIRE(twice());
    ProtocolPeer visitor;
    REQUIRE(visitor.connect(n.relay.host(), n.relay.port()));
    auto welcome = visitor.hello_new_visitor(kWait);
    REQUIRE(welcome);
    REQUIRE(visitor.send({{"type", "send"}, {"conv", welcome->conv}, {"cid", "v.1"}, {"text", "Still there?"}}));
    CHECK(visitor.wait_for(is_bot_msg, kWait));
}

TEST_CASE("The Node.js example bot answers a visitor who returns to a conversation closed while with it",
          "[integration][node-bot]") {
    if (!have_node()) return;
    NodeBot n;
    ProtocolPeer visitor;
    REQUIRE(visitor.connect(n.relay.host(), n.relay.port()));
    auto welcome = visitor.hello_new_visitor(kWait);
    REQUIRE(welcome);
    const std::string conv = welcome->conv;
    REQUIRE(visitor.send({{"type", "send"}, {"conv", conv}, {"cid", "v.1"}, {"text", "Do you ship to Norway?"}}));
    INFO(n.bot->log());
    REQUIRE(visitor.wait_for(is_bot_msg, kWait));

    // A supervisor closes it while the bot has it (the bot had answered everything).
    ProtocolPeer agent;
    REQUIRE(agent.connect(n.relay.host(), n.relay.port()));
    REQUIRE(agent.send({{"type", "login"}, {"email", "demo@parley.local"}, {"password", "demo-password"}}));
    REQUIRE(agent.wait_type("inbox", kWait));
    REQUIRE(agent.send({{"type", "close"}, {"conv", conv}}));
    REQUIRE(visitor.wait_for([](const json& f) { return type_of(f) == "msg" && f.value("text", "") == "Conversation closed"; },
                             kWait));

    // The visitor comes back: the bot answers again, nobody is queued.
    REQUIRE(visitor.send({{"type", "send"}, {"conv", conv}, {"cid", "v.2"}, {"text", "And to Iceland?"}}));
    auto again = visitor.wait_for(
        [](const json& f) { return is_bot_msg(f) && f.value("text", "").find("And to Iceland?") != std::string::npos; },
        kWait);
    REQUIRE(again);
    CHECK(deltas_before_final(visitor, (*again)["cid"].get<std::string>()) == (*again)["text"].get<std::string>());
    for (const json& f : visitor.seen()) CHECK(type_of(f) != "queue");
}
