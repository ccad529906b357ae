// Bots end to end (issue 16): the real parley-relay, a bot key made with the CLI beside
// the running relay, and raw WebSocket peers for the bot, a visitor and the demo agent.
// The story: the bot answers the visitor, hands off with a summary, the visitor is told
// a human comes, the agent gets the conversation with the reason and summary, answers
// and hands it back; bot_gone after the bot's connection dies (--bot-grace-secs 1); a
// revoked key closes the live bot with 4102 (within the relay's 10 s session check) and
// is refused (2003, close 4100) at the next hello. A conversation the bot resolved comes
// back to the bot when the visitor writes again; one a human closed goes to the human.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "protocol_peer.hpp"
#include "start_relay.hpp"

using namespace parley::test;

namespace {

constexpr int kWait = 5000;
const std::string kPassword = "bots-test-password";

std::string type_of(const json& j) { return j.is_object() ? j.value("type", "") : ""; }

// A conv frame about `conv` for which `pred` holds.
std::optional<json> wait_conv(ProtocolPeer& peer, const std::string& conv,
                              const std::function<bool(const json&)>& pred, int timeout_ms = kWait) {
    return peer.wait_for([&](const json& j) { return type_of(j) == "conv" && j.value("conv", "") == conv && pred(j); },
                         timeout_ms);
}

std::optional<json> wait_msg(ProtocolPeer& peer, const std::string& text, int timeout_ms = kWait) {
    return peer.wait_for([&](const json& j) { return type_of(j) == "msg" && j.value("text", "") == text; }, timeout_ms);
}

// Connects a bot with `key` and returns its first answer (welcome or error).
json bot_hello(ProtocolPeer& bot, const RelayProcess& relay, const std::string& key) {
    REQUIRE(bot.connect(relay.host(), relay.port()));
    REQUIRE(bot.send({{"type", "hello"}, {"role", "bot"}, {"key", key}}));
    auto answer = bot.wait_for([](const json& j) { return type_of(j) == "welcome" || type_of(j) == "error"; }, kWait);
    REQUIRE(answer);
    return *answer;
}

// Waits until the peer's connection is closed; its close code (0: still open).
int wait_closed(ProtocolPeer& peer, int timeout_ms) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (!peer.closed() && std::chrono::steady_clock::now() < until) (void)peer.drain(100);
    return peer.closed() ? peer.close_code() : 0;
}

}  // namespace

TEST_CASE("A bot answers, hands off with a summary, gets it back; bot_gone; a revoked key is closed and refused",
          "[integration][bots]") {
    RelayOptions o;
    o.demo_agent = true;
    o.demo_password = kPassword;
    auto relay = start_relay({"--bot-grace-secs", "1", "--bot-reply-secs", "0"}, o);

    // 1. An operator creates the key beside the running relay; it is printed once.
    const auto created = relay->command("--create-bot-key helper --bot-name 'Helper Bot'", /*with_stderr=*/false);
    REQUIRE(created.status == 0);
    const std::string key = created.out.substr(0, created.out.find('\n'));
    REQUIRE(key.size() == 46);
    REQUIRE(key.rfind("pk_", 0) == 0);
    const auto listed = relay->command("--list-bot-keys", false);
    CHECK(listed.out.find("helper") != std::string::npos);
    CHECK(listed.out.find(key) == std::string::npos);  // never shown again

    // 2. The agent and the bot connect.
    ProtocolPeer agent;
    REQUIRE(agent.connect(relay->host(), relay->port()));
    REQUIRE(agent.send({{"type", "login"}, {"email", "demo@parley.local"}, {"password", kPassword}}));
    auto agent_welcome = agent.wait_type("welcome", kWait);
    REQUIRE(agent_welcome);
    const std::string agent_id = (*agent_welcome)["me"].value("id", "");
    ProtocolPeer bot;
    const json welcome = bot_hello(bot, *relay, key);
    REQUIRE(type_of(welcome) == "welcome");
    CHECK(welcome["me"] == json{{"role", "bot"}, {"id", "b_helper"}, {"name", "Helper Bot"}});
    REQUIRE(bot.wait_type("inbox", kWait));

    // 3. A visitor writes; the bot gets it and answers.
    ProtocolPeer visitor;
    REQUIRE(visitor.connect(relay->host(), relay->port()));
    auto vw = visitor.hello_new_visitor(kWait);
    REQUIRE(vw);
    const std::string conv = vw->conv;
    REQUIRE(visitor.send({{"type", "send"}, {"conv", conv}, {"cid", "v.1"}, {"text", "How much is the pro plan?"}}));
    REQUIRE(wait_conv(bot, conv, [](const json& j) { return j.value("state", "") == "bot"; }));
    REQUIRE(wait_msg(bot, "How much is the pro plan?"));
    REQUIRE(bot.send({{"type", "send"}, {"conv", conv}, {"cid", "b.1"}, {"text", "20 EUR a month per seat."}}));
    auto answer = wait_msg(visitor, "20 EUR a month per seat.");
    REQUIRE(answer);
    CHECK((*answer)["from"].value("role", "") == "bot");

    // 4. The bot hands off with a summary: the visitor is told, the agent gets it with why.
    REQUIRE(bot.send({{"type", "handoff"}, {"conv", conv}, {"reason", "asks_human"},
                      {"summary", "Wants the pro plan for 40 seats."}}));
    REQUIRE(visitor.wait_type("queue", kWait));
    auto handed = wait_conv(agent, conv, [](const json& j) { return j.contains("handoff"); });
    REQUIRE(handed);
    CHECK((*handed)["handoff"].value("reason", "") == "asks_human");
    CHECK((*handed)["handoff"].value("summary", "") == "Wants the pro plan for 40 seats.");
    CHECK((*handed)["handoff"]["by"].value("id", "") == "b_helper");
    CHECK((*handed).value("bot", "") == "paused");
    CHECK((*handed).value("agent", "") == agent_id);
    REQUIRE(wait_conv(bot, conv, [](const json& j) { return j.value("state", "") != "bot"; }));

    // 5. The agent answers (the bot hears nothing of it), then hands it back.
    (void)bot.drain(100);  // what came before the handoff (the echo of its own answer)
    REQUIRE(agent.send({{"type", "send"}, {"conv", conv}, {"cid", "a.1"}, {"text", "Hi, Sam here."}}));
    REQUIRE(wait_msg(visitor, "Hi, Sam here."));
    for (const json& j : bot.drain(300)) CHECK(type_of(j) != "msg");
    REQUIRE(agent.send({{"type", "handback"}, {"conv", conv}}));
    REQUIRE(wait_conv(bot, conv, [](const json& j) { return j.value("state", "") == "bot"; }));
    REQUIRE(visitor.send({{"type", "send"}, {"conv", conv}, {"cid", "v.2"}, {"text", "And for 50 seats?"}}));
    REQUIRE(wait_msg(bot, "And for 50 seats?"));

    // 6. The bot's connection dies: after the grace period its conversation goes to a human.
    bot.drop();
    auto gone = wait_conv(agent, conv, [](const json& j) {
        return j.contains("handoff") && j["handoff"].value("reason", "") == "bot_gone";
    });
    REQUIRE(gone);
    CHECK((*gone)["handoff"]["by"].value("role", "") == "system");

    // 7. Revoked beside the running relay: the live bot is closed 4102, a new hello refused.
    ProtocolPeer live;
    REQUIRE(type_of(bot_hello(live, *relay, key)) == "welcome");
    REQUIRE(relay->command("--revoke-bot-key helper", false).status == 0);
    CHECK(wait_closed(live, 15000) == 4102);
    ProtocolPeer refused;
    const json no = bot_hello(refused, *relay, key);
    CHECK(type_of(no) == "error");
    CHECK(no.value("code", 0) == 2003);
    CHECK(wait_closed(refused, kWait) == 4100);
}

TEST_CASE("A visitor who writes again after the bot resolved the conversation is answered by the bot",
          "[integration][bots]") {
    RelayOptions o;
    o.demo_agent = true;
    o.demo_password = kPassword;
    auto relay = start_relay({"--bot-reply-secs", "0"}, o);
    const auto created = relay->command("--create-bot-key helper --bot-name 'Helper Bot'", false);
    REQUIRE(created.status == 0);
    ProtocolPeer bot;
    REQUIRE(type_of(bot_hello(bot, *relay, created.out.substr(0, created.out.find('\n')))) == "welcome");
    ProtocolPeer agent;
    REQUIRE(agent.connect(relay->host(), relay->port()));
    REQUIRE(agent.send({{"type", "login"}, {"email", "demo@parley.local"}, {"password", kPassword}}));
    REQUIRE(agent.wait_type("welcome", kWait));
    ProtocolPeer visitor;
    REQUIRE(visitor.connect(relay->host(), relay->port()));
    auto vw = visitor.hello_new_visitor(kWait);
    REQUIRE(vw);
    const std::string conv = vw->conv;

    // The bot answers and asks "anything else?"; "no" closes it, with no human involved.
    REQUIRE(visitor.send({{"type", "send"}, {"conv", conv}, {"cid", "v.1"}, {"text", "Do you have a yearly plan?"}}));
    REQUIRE(wait_msg(bot, "Do you have a yearly plan?"));
    REQUIRE(bot.send({{"type", "send"}, {"conv", conv}, {"cid", "b.1"}, {"text", "Yes, two months free. Anything else?"}}));
    REQUIRE(wait_msg(visitor, "Yes, two months free. Anything else?"));
    REQUIRE(visitor.send({{"type", "send"}, {"conv", conv}, {"cid", "v.2"}, {"text", "no"}}));
    REQUIRE(wait_conv(bot, conv, [](const json& j) { return j.value("status", "") == "closed"; }));

    // Written to again: it reopens with the bot, and nobody is queued.
    REQUIRE(visitor.send({{"type", "send"}, {"conv", conv}, {"cid", "v.3"}, {"text", "Wait, can I pay by invoice?"}}));
    REQUIRE(wait_msg(bot, "Wait, can I pay by invoice?"));
    REQUIRE(wait_conv(bot, conv, [](const json& j) {
        return j.value("state", "") == "bot" && j.value("status", "") == "open";
    }));
    REQUIRE(bot.send({{"type", "send"}, {"conv", conv}, {"cid", "b.2"}, {"text", "Yes, on the yearly plan."}}));
    REQUIRE(wait_msg(visitor, "Yes, on the yearly plan."));
    for (const json& j : visitor.seen()) CHECK(type_of(j) != "queue");

    // Handed to the human, closed by them: written to again, it goes back to the human.
    REQUIRE(bot.send({{"type", "handoff"}, {"conv", conv}, {"reason", "asks_human"}}));
    REQUIRE(wait_conv(agent, conv, [](const json& j) { return j.value("state", "") == "active"; }));
    (void)bot.drain(200);  // what came before the handoff
    REQUIRE(agent.send({{"type", "close"}, {"conv", conv}}));
    REQUIRE(wait_conv(agent, conv, [](const json& j) { return j.value("status", "") == "closed"; }));
    REQUIRE(visitor.send({{"type", "send"}, {"conv", conv}, {"cid", "v.4"}, {"text", "One last question"}}));
    REQUIRE(wait_msg(agent, "One last question"));
    CHECK(wait_conv(agent, conv, [](const json& j) {
        return j.value("state", "") == "active" && j.value("status", "") == "open";
    }));
    for (const json& j : bot.drain(300)) CHECK(type_of(j) != "msg");
}
