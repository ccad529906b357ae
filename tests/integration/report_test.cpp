// parley-relay --report (issue 18, docs/reports.md) against a real relay's data: the
// CSV a support lead gets, and the errors for what it cannot read.
#include <catch2/catch.hpp>

#include "protocol_peer.hpp"
#include "relay_process.hpp"

#include <filesystem>
#include <regex>

#include <sqlite3.h>

using namespace parley::test;

TEST_CASE("--report prints the conversations of the days asked for as CSV, beside a running relay",
          "[integration][report]") {
    RelayProcess relay;
    REQUIRE(relay.start());
    ProtocolPeer visitor;
    REQUIRE(visitor.connect(relay.host(), relay.port()));
    auto welcome = visitor.hello_new_visitor();
    REQUIRE(welcome);
    REQUIRE(visitor.send({{"type", "send"}, {"conv", welcome->conv}, {"cid", "v.1"}, {"text", "anyone there?"}}));
    REQUIRE(visitor.wait_type("ack", 5000));

    // No agent is online: the conversation waits in the general queue.
    const auto by_team = relay.command("--report --by team", false);
    INFO(by_team.out);
    REQUIRE(by_team.status == 0);
    CHECK(by_team.out.rfind("team,conversations,with_bot,", 0) == 0);
    CHECK(by_team.out.find("\r\ngeneral,1,0,") != std::string::npos);

    // Days before the conversation opened hold nothing: a header alone.
    const auto long_ago = relay.command("--report --from 2020-01-01 --to 2020-01-31", false);
    REQUIRE(long_ago.status == 0);
    CHECK(long_ago.out.find("\r\n") == long_ago.out.size() - 2);

    const auto bad_date = relay.command("--report --from 2026-13-01");
    CHECK(bad_date.status == 1);
    CHECK(bad_date.out.find("--from needs a date as YYYY-MM-DD") != std::string::npos);
    const auto bad_key = relay.command("--report --by week");
    CHECK(bad_key.status == 1);
    CHECK(bad_key.out.find("--by needs all, day, team, agent or intent") != std::string::npos);
    const auto stray = relay.command("--by team");
    CHECK(stray.status == 2);
    CHECK(stray.out.find("go with --report") != std::string::npos);
}

TEST_CASE("--report gives an agent's hours online, conversations handled and occupancy", "[integration][report]") {
    RelayOptions o;
    o.demo_agent = true;
    o.demo_password = "report-demo-password";
    RelayProcess relay(o);
    REQUIRE(relay.start().ok);
    // The demo agent signs in (available), takes a visitor's conversation, and stays.
    ProtocolPeer agent;
    REQUIRE(agent.connect(relay.host(), relay.port()));
    REQUIRE(agent.send({{"type", "login"}, {"email", "demo@parley.local"}, {"password", o.demo_password}}));
    REQUIRE(agent.wait_type("welcome", 5000));
    ProtocolPeer visitor;
    REQUIRE(visitor.connect(relay.host(), relay.port()));
    auto welcome = visitor.hello_new_visitor();
    REQUIRE(welcome);
    REQUIRE(visitor.send({{"type", "send"}, {"conv", welcome->conv}, {"cid", "v.1"}, {"text", "hello"}}));
    REQUIRE(visitor.wait_type("ack", 5000));
    REQUIRE(agent.wait_type("conv", 5000));  // assigned to the agent

    const auto by_agent = relay.command("--report --by agent", false);
    INFO(by_agent.out);
    REQUIRE(by_agent.status == 0);
    const std::string header = by_agent.out.substr(0, by_agent.out.find("\r\n"));
    const std::string agents = ",agent_online_hours,conversations_handled,conversations_per_agent_hour,occupancy";
    REQUIRE(header.size() > agents.size());
    CHECK(header.substr(header.size() - agents.size()) == agents);
    // One row, the demo agent's: online a moment (under 0.1 h), one conversation
    // handled, busy with it since it came (an occupancy between 0 and 1: the idle moment
    // between signing in and the visitor's message depends on the machine's pace).
    const std::string row = by_agent.out.substr(header.size() + 2);
    CHECK(row.find(",Demo Agent,1,") != std::string::npos);
    CHECK(std::regex_search(row, std::regex(",0\\.0\\d\\d,1,\\d+\\.\\d{3},(1\\.000|0\\.\\d{3})\r\n$")));

    const auto by_team = relay.command("--report --by team", false);
    CHECK(by_team.out.find(",,,,\r\n") != std::string::npos);  // no agents' time by team
}

namespace {
// The agents' availability rows (status/load/reason), oldest first, read from the file.
std::vector<std::string> availability_rows(const RelayProcess& relay) {
    sqlite3* db = nullptr;
    const std::string path = (std::filesystem::path(relay.data_dir()) / "parley.db").string();
    REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "SELECT status, load, reason FROM agent_events ORDER BY id", -1, &st, nullptr) ==
            SQLITE_OK);
    std::vector<std::string> out;
    while (sqlite3_step(st) == SQLITE_ROW)
        out.push_back(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))) + "/" +
                      std::to_string(sqlite3_column_int64(st, 1)) + "/" +
                      reinterpret_cast<const char*>(sqlite3_column_text(st, 2)));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}
}  // namespace

TEST_CASE("An agent's availability ends with the relay: offline at a clean stop, and after a crash once it starts",
          "[integration][report]") {
    RelayOptions o;
    o.demo_agent = true;
    o.demo_password = "report-demo-password";
    RelayProcess relay(o);
    REQUIRE(relay.start().ok);
    auto sign_in = [&](ProtocolPeer& agent) {
        REQUIRE(agent.connect(relay.host(), relay.port()));
        REQUIRE(agent.send({{"type", "login"}, {"email", "demo@parley.local"}, {"password", o.demo_password}}));
        REQUIRE(agent.wait_type("welcome", 5000));
    };
    {
        ProtocolPeer agent;
        sign_in(agent);
        ProtocolPeer visitor;
        REQUIRE(visitor.connect(relay.host(), relay.port()));
        auto welcome = visitor.hello_new_visitor();
        REQUIRE(welcome);
        REQUIRE(visitor.send({{"type", "send"}, {"conv", welcome->conv}, {"cid", "v.1"}, {"text", "hello"}}));
        REQUIRE(agent.wait_type("conv", 5000));
        REQUIRE(relay.stop().ok);  // SIGTERM: the relay says its agents go offline
    }
    CHECK(availability_rows(relay) ==
          std::vector<std::string>{"available/0/connect", "available/1/load", "offline/1/stop"});

    REQUIRE(relay.start().ok);
    {
        ProtocolPeer agent;
        sign_in(agent);
        relay.kill();  // a crash: no disconnect written
    }
    const auto before = availability_rows(relay);
    REQUIRE(before.size() == 4);
    CHECK(before.back() == "available/1/connect");  // the conversation came back with the agent

    REQUIRE(relay.start().ok);
    ProtocolPeer first;  // routing loads on the first connection
    REQUIRE(first.connect(relay.host(), relay.port()));
    REQUIRE(first.hello_new_visitor());
    REQUIRE(relay.stop().ok);
    const auto after = availability_rows(relay);
    REQUIRE(after.size() >= 5);
    CHECK(after[4] == "offline/0/restart");
}
