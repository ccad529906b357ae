// The audit log against the real relay binary (P7, docs/operations.md "Audit log"): a
// failed login, a login, a transfer and a close made over the wire, then a visitor
// export, an erasure and an agent disabled from the command line, all show up in order
// in `--export-audit` after the relay stopped, with nothing of the visitor in them.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <sstream>

#include "protocol_peer.hpp"
#include "relay_process.hpp"

using namespace parley::test;

namespace {

const std::string kPassword = "audit-test-password";

bool is_answer(const json& j) {
    const std::string type = j.value("type", "");
    return type == "welcome" || type == "error";
}

// Frames are handled in order: once the pong is back, everything before it was.
void settle(ProtocolPeer& peer, int n) {
    REQUIRE(peer.send({{"type", "ping"}, {"n", n}}));
    REQUIRE(peer.wait_for([n](const json& j) { return j.value("type", "") == "pong" && j.value("n", 0) == n; }, 5000));
}

}  // namespace

TEST_CASE("Logins, a transfer, a close, an export and an erasure are in --export-audit, in order",
          "[integration][audit]") {
    RelayOptions o;
    o.demo_agent = true;  // demo@parley.local: supervisor of general; billing@parley.local
    o.demo_password = kPassword;
    RelayProcess relay(o);
    auto started = relay.start();
    INFO(started.detail);
    REQUIRE(started.ok);

    ProtocolPeer agent;
    REQUIRE(agent.connect(relay.host(), relay.port()));
    REQUIRE(agent.send({{"type", "login"}, {"email", "demo@parley.local"}, {"password", "wrong"}}));
    auto refused = agent.wait_for(is_answer, 5000);
    REQUIRE(refused);
    CHECK((*refused)["code"] == 2002);
    REQUIRE(agent.send({{"type", "login"}, {"email", "demo@parley.local"}, {"password", kPassword}}));
    auto welcome = agent.wait_for(is_answer, 5000);
    REQUIRE(welcome);
    REQUIRE((*welcome)["type"] == "welcome");
    const std::string agent_id = (*welcome)["me"]["id"];

    ProtocolPeer visitor;
    REQUIRE(visitor.connect(relay.host(), relay.port()));
    REQUIRE(visitor.send({{"type", "hello"}, {"role", "visitor"}, {"name", "Zebulon Quixote"}}));
    auto vw = visitor.wait_type("welcome");
    REQUIRE(vw);
    const std::string conv = (*vw)["conv"];
    REQUIRE(visitor.send({{"type", "send"}, {"conv", conv}, {"cid", "m1"}, {"text", "zqx private detail"}}));
    REQUIRE(visitor.wait_type("ack"));
    visitor.close();
    settle(agent, 1);

    REQUIRE(agent.send({{"type", "transfer"}, {"conv", conv}, {"to_team", "billing"}, {"note", "zqx note"}}));
    settle(agent, 2);
    REQUIRE(agent.send({{"type", "close"}, {"conv", conv}}));
    settle(agent, 3);
    // The supervisor's page of the log over the wire: the close is the newest entry.
    REQUIRE(agent.send({{"type", "audit"}, {"limit", 5}}));
    auto page = agent.wait_type("audit", 5000);
    REQUIRE(page);
    REQUIRE_FALSE((*page)["entries"].empty());
    CHECK((*page)["entries"][0]["action"] == "conv.close");
    agent.close();
    REQUIRE(relay.stop());

    REQUIRE(relay.command("--export-visitor " + conv, false).status == 0);
    REQUIRE(relay.command("--erase-visitor " + conv, false).status == 0);
    REQUIRE(relay.command("--disable-agent billing@parley.local", false).status == 0);
    const auto exported = relay.command("--export-audit", false);
    REQUIRE(exported.status == 0);

    std::vector<json> entries;
    std::istringstream lines(exported.out);
    for (std::string line; std::getline(lines, line);) entries.push_back(json::parse(line));
    std::vector<std::string> actions;
    for (const json& e : entries) actions.push_back(e["action"]);
    const std::vector<std::string> expected = {"config.routing", "login.failed",   "login.ok",      "conv.transfer",
                                               "conv.close",     "visitor.export", "visitor.erase", "agent.disable",
                                               "audit.export"};
    CHECK(actions == expected);
    REQUIRE(entries.size() == expected.size());
    for (std::size_t i = 1; i < entries.size(); ++i) CHECK(entries[i]["id"].get<std::int64_t>() > entries[i - 1]["id"].get<std::int64_t>());
    CHECK(entries[1]["target"] == agent_id);
    CHECK(entries[1]["address"] == "127.0.0.1");
    CHECK(entries[2]["actor_id"] == agent_id);
    CHECK(entries[3]["conv"] == conv);
    CHECK(entries[3]["target"] == "team:billing");
    CHECK(entries[4]["conv"] == conv);
    CHECK(entries[5]["actor_role"] == "operator");
    CHECK(entries[5]["target"].get<std::string>().rfind("v_", 0) == 0);
    CHECK(entries[6]["target"] == entries[5]["target"]);
    CHECK(entries[6]["detail"].get<std::string>().rfind("conversations=1 messages=", 0) == 0);
    // Nothing the visitor wrote or was called, nor the transfer note.
    CHECK(exported.out.find("Zebulon") == std::string::npos);
    CHECK(exported.out.find("zqx") == std::string::npos);
}
