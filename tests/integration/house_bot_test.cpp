// The house bot against a real relay (issue 16, docs/bots.md): parley-bot, started as
// an operator would (its key made with --create-bot-key, given in the environment),
// answers a visitor's question from the demo knowledge base as a stream that ends in the
// stored message, hands the conversation to the humans when the visitor asks for a
// person (the agent sees why and the summary), and when the bot dies mid-reply the
// visitor is left with no half message and reaches a human queue after the grace period.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "program_process.hpp"
#include "protocol_peer.hpp"
#include "relay_process.hpp"

using namespace parley::test;
namespace fs = std::filesystem;

namespace {

constexpr int kWait = 8000;

struct HouseBot {
    RelayProcess relay;
    std::unique_ptr<ProgramProcess> bot;

    explicit HouseBot(std::vector<std::string> relay_args = {}) : relay(options(std::move(relay_args))) {
        const auto created = relay.command("--create-bot-key house --bot-name 'Parley Bot'", false);
        INFO(created.out);
        REQUIRE(created.status == 0);
        std::string key = created.out;
        while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
        REQUIRE(key.rfind("pk_", 0) == 0);
        auto st = relay.start();
        INFO(st.detail);
        REQUIRE(st.ok);
        const fs::path root = fs::path(relay.data_dir()).parent_path();
        bot = std::make_unique<ProgramProcess>(
            default_bot_binary(),
            std::vector<std::string>{"--relay", "ws://127.0.0.1:" + std::to_string(relay.port()) + "/", "--config",
                                     std::string(PARLEY_SOURCE_DIR) + "/deploy/bot/bot.toml", "--gaps",
                                     (root / "gaps.db").string(), "--verbose"},
            (root / "bot.log").string(), std::vector<std::string>{"PARLEY_BOT_KEY=" + key});
        const std::string problem = bot->start("ready: b_house");
        INFO(problem);
        REQUIRE(problem.empty());
    }

    static RelayOptions options(std::vector<std::string> args) {
        RelayOptions o;
        o.demo_agent = true;
        o.extra_args = std::move(args);
        return o;
    }
};

// A new visitor and their conversation id.
std::string new_visitor(ProtocolPeer& visitor, const RelayProcess& relay) {
    REQUIRE(visitor.connect(relay.host(), relay.port()));
    auto welcome = visitor.hello_new_visitor();
    REQUIRE(welcome);
    return welcome->conv;
}

bool is_bot_msg(const json& f) {
    return f.value("type", "") == "msg" && f.contains("from") && f["from"].value("role", "") == "bot";
}

}  // namespace

TEST_CASE("The house bot streams a knowledge-base answer, then hands over to a person on request",
          "[integration][house-bot]") {
    HouseBot h;
    ProtocolPeer visitor;
    const std::string conv = new_visitor(visitor, h.relay);

    REQUIRE(visitor.send({{"type", "send"}, {"conv", conv}, {"cid", "q1"},
                          {"text", "How do I install the widget on my website?"}}));
    auto answer = visitor.wait_for(is_bot_msg, kWait);
    INFO(h.bot->log());
    REQUIRE(answer);
    const std::string text = (*answer)["text"].get<std::string>();
    CHECK(text.size() > 40);
    // A long answer grows on the visitor's screen first: deltas of the same cid whose
    // concatenation is the stored text.
    std::string grown;
    for (const json& f : visitor.seen())
        if (f.value("type", "") == "stream" && f.value("cid", "") == (*answer)["cid"].get<std::string>())
            grown += f.value("delta", "");
    if (text.size() >= 160) CHECK(grown == text);

    REQUIRE(visitor.send({{"type", "send"}, {"conv", conv}, {"cid", "q2"},
                          {"text", "I want to talk to a human please"}}));
    auto queued = visitor.wait_type("queue", kWait);
    REQUIRE(queued);
    CHECK((*queued)["conv"] == conv);

    // The agent sees why, and what the visitor said, without asking again.
    ProtocolPeer agent;
    REQUIRE(agent.connect(h.relay.host(), h.relay.port()));
    REQUIRE(agent.send({{"type", "login"}, {"email", "demo@parley.local"}, {"password", "demo-password"}}));
    auto inbox = agent.wait_type("inbox", kWait);
    REQUIRE(inbox);
    bool found = false;
    for (const json& c : (*inbox)["convs"]) {
        if (c.value("conv", "") != conv) continue;
        found = true;
        REQUIRE(c.contains("handoff"));
        CHECK(c["handoff"].value("reason", "") == "asks_human");
        CHECK(c["handoff"]["by"].value("role", "") == "bot");
        CHECK_FALSE(c["handoff"].value("summary", "").empty());
        CHECK(c.value("bot", "") == "paused");
    }
    CHECK(found);
    CHECK(h.bot->log().find(conv + ": handed off (asks_human)") != std::string::npos);
}

TEST_CASE("A house bot killed mid-reply leaves no half message, and the visitor reaches a person",
          "[integration][house-bot][fault]") {
    HouseBot h({"--bot-grace-secs", "1"});
    ProtocolPeer visitor;
    const std::string conv = new_visitor(visitor, h.relay);
    REQUIRE(visitor.send({{"type", "send"}, {"conv", conv}, {"cid", "q1"},
                          {"text", "How do I install the widget on my website?"}}));
    // kill -9 at the first delta: the reply is being written.
    auto first = visitor.wait_for([](const json& f) { return f.value("type", "") == "stream" || is_bot_msg(f); }, kWait);
    INFO(h.bot->log());
    REQUIRE(first);
    h.bot->kill();
    if ((*first)["type"] == "stream") {
        auto ended = visitor.wait_type("stream_end", kWait);
        REQUIRE(ended);
        CHECK((*ended)["reason"] == "sender_gone");
    }
    // No bot, so after the grace period the relay hands the conversation to people.
    auto queued = visitor.wait_type("queue", kWait);
    REQUIRE(queued);
    CHECK((*queued)["conv"] == conv);
    // And nothing of the cut reply was stored: the sync has no message with its cid.
    if ((*first)["type"] == "stream") {
        const std::string cut = (*first)["cid"].get<std::string>();
        const std::size_t before = visitor.seen().size();
        REQUIRE(visitor.send({{"type", "sync"}, {"conv", conv}, {"after", 0}}));
        REQUIRE(visitor.wait_type("synced", kWait));
        for (std::size_t i = before; i < visitor.seen().size(); ++i) {
            const json& f = visitor.seen()[i];
            if (f.value("type", "") == "msg") CHECK(f.value("cid", "") != cut);
        }
    }
}
