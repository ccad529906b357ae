// The agent administration frames (issue 17): a supervisor's `agent_admin` and the
// relay's `agents`, byte for byte, and the documented errors for a frame of the wrong
// shape (an unknown op, a missing agent or e-mail, a negative concurrency).
#include <catch2/catch.hpp>

#include "parley/protocol/codec.hpp"
#include "codec_checks.hpp"

using namespace parley::protocol;
using namespace parley::test;

TEST_CASE("agent_admin has a pinned wire form and round-trips; absent fields stay absent", "[codec][admin]") {
    AgentAdmin a;
    a.op = "update";
    a.cid = "adm.1";
    a.agent = "a_0123456789abcdef";
    a.preferred = 2;
    a.teams = std::vector<std::string>{"general", "billing"};
    const std::string wire =
        R"({"v":1,"type":"agent_admin","op":"update","cid":"adm.1","agent":"a_0123456789abcdef",)"
        R"("teams":["general","billing"],"preferred":2})";
    CHECK(encode(ClientFrame{a}) == wire);
    auto d = decode_client(wire);
    REQUIRE(d.ok());
    const AgentAdmin back = std::get<AgentAdmin>(d.value());
    CHECK(back.op == "update");
    CHECK(back.agent == a.agent);
    CHECK(back.teams == a.teams);
    CHECK(back.preferred == 2);
    CHECK_FALSE(back.max_load);
    CHECK_FALSE(back.skills);
    CHECK_FALSE(back.supervisor);
    CHECK_FALSE(back.name);
    CHECK(decode_client(R"({"v":1,"type":"agent_admin","op":"list"})").ok());
}

TEST_CASE("agent_admin of the wrong shape is refused with the documented code", "[codec][admin]") {
    CHECK(client_error(R"({"v":1,"type":"agent_admin","op":"promote","agent":"a_1"})") == ErrorCode::bad_field);
    CHECK(client_error(R"({"v":1,"type":"agent_admin","op":"disable"})") == ErrorCode::missing_field);
    CHECK(client_error(R"({"v":1,"type":"agent_admin","op":"add","name":"Lee"})") == ErrorCode::missing_field);
    CHECK(client_error(R"({"v":1,"type":"agent_admin","op":"add","email":"l@x.io"})") == ErrorCode::missing_field);
    CHECK(client_error(R"({"v":1,"type":"agent_admin","op":"update","agent":"a_1","preferred":-1})") ==
          ErrorCode::bad_field);
    CHECK(client_error(R"({"v":1,"type":"agent_admin","op":"update","agent":"a_1","teams":"general"})") ==
          ErrorCode::bad_field);
    CHECK(client_error(R"({"v":1,"type":"agent_admin","op":"update","agent":"a_1","supervisor":"yes"})") ==
          ErrorCode::bad_field);
}

TEST_CASE("agents has a pinned wire form; the password and op only when set", "[codec][admin]") {
    AgentList list;
    list.agents.push_back(AgentInfo{"a_1", "lee@example.com", "Lee", {"general"}, {}, 3, 5, false, false, "offline"});
    const std::string pushed =
        R"({"v":1,"type":"agents","agents":[{"id":"a_1","email":"lee@example.com","name":"Lee","teams":["general"],)"
        R"("skills":[],"preferred":3,"max_load":5,"supervisor":false,"disabled":false,"status":"offline"}]})";
    CHECK(encode(RelayFrame{list}) == pushed);
    list.op = "add";
    list.cid = "adm.2";
    list.agent = "a_1";
    list.password = "abcde-fghij-kmnpq-rstuv";
    auto d = decode_relay(encode(RelayFrame{list}));
    REQUIRE(d.ok());
    const AgentList back = std::get<AgentList>(d.value());
    CHECK(back.agents.size() == 1);
    CHECK(back.agents[0].teams == std::vector<std::string>{"general"});
    CHECK(back.password == list.password);
    CHECK(back.op == "add");
    CHECK(back.sessions == 0);
    CHECK(std::string(error_name(ErrorCode::last_supervisor)) == "last_supervisor");
    CHECK(std::string(error_name(ErrorCode::agent_exists)) == "agent_exists");
}
