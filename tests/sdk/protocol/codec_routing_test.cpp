// Routing frames (P4): round trips and the documented errors, byte for byte where the
// wire format matters.
#include <catch2/catch.hpp>

#include "parley/protocol/codec.hpp"
#include "codec_checks.hpp"

using namespace parley::protocol;
using namespace parley::test;

namespace {
const std::string kConv = "c_0123456789abcdef";

}  // namespace

TEST_CASE("routing client frames round-trip", "[codec][routing]") {
    CHECK(encode(ClientFrame{Note{kConv, "n.1", "hi"}}) ==
          R"({"v":1,"type":"note","conv":"c_0123456789abcdef","cid":"n.1","text":"hi"})");
    auto n = client_round_trip(Note{kConv, "n.1", "private"});
    CHECK(n.text == "private");
    auto t = client_round_trip(Transfer{kConv, std::string("a_1"), std::nullopt, "note"});
    CHECK(t.to_agent == std::optional<std::string>("a_1"));
    CHECK_FALSE(t.to_team);
    CHECK(t.note == "note");
    auto team = client_round_trip(Transfer{kConv, std::nullopt, std::string("billing"), ""});
    CHECK(team.to_team == std::optional<std::string>("billing"));
    CHECK(client_round_trip(CloseConv{kConv}).conv == kConv);
    CHECK(client_round_trip(Reopen{kConv}).conv == kConv);
}

TEST_CASE("routing client frames refuse what the protocol forbids", "[codec][routing]") {
    auto code = [](const std::string& text) {
        auto d = decode_client(text);
        REQUIRE_FALSE(d.ok());
        return d.error().code;
    };
    CHECK(code(R"({"v":1,"type":"transfer","conv":"c_0123456789abcdef","note":""})") == ErrorCode::missing_field);
    CHECK(code(R"({"v":1,"type":"transfer","conv":"c_0123456789abcdef","to_agent":"a","to_team":"b"})") ==
          ErrorCode::bad_field);
    CHECK(code(R"({"v":1,"type":"note","conv":"c_0123456789abcdef","cid":"n.1","text":"   "})") !=
          ErrorCode::missing_field);  // white space only: the text rule's code
    CHECK(code(R"({"v":1,"type":"note","conv":"c_0123456789abcdef","text":"x"})") == ErrorCode::missing_field);
    CHECK(code(R"({"v":1,"type":"close","conv":"nope"})") == ErrorCode::bad_field);
}

TEST_CASE("routing relay frames and fields round-trip", "[codec][routing]") {
    auto q = relay_round_trip(QueueNotice{kConv, "general", 2, 90'000});
    CHECK(q.position == 2);
    CHECK(q.expected_wait_ms == 90'000);
    CHECK(relay_round_trip(QueueNotice{kConv, "general", 1, -1}).expected_wait_ms == -1);

    SupervisorBoard b;
    b.agents.push_back(AgentLoad{Party{"agent", "a_1", "Ann"}, "available", {"general", "billing"}, 2, 1, 3, 5});
    b.queues.push_back(TeamQueue{"general", {kConv}});
    b.full = true;
    auto back = relay_round_trip(b);
    REQUIRE(back.agents.size() == 1);
    CHECK(back.agents[0].teams == std::vector<std::string>{"general", "billing"});
    CHECK(back.agents[0].max_load == 5);
    CHECK(back.queues[0].convs == std::vector<std::string>{kConv});
    CHECK(back.full);

    ConvSummary s{kConv, Party{"visitor", "v_1", "Ada"}, 3, "hi", 5, "open"};
    s.state = "inactive";
    s.agent = "a_1";
    s.team = "general";
    s.rank = 2;
    s.awaiting = "customer";
    auto u = relay_round_trip(ConvUpdate{s});
    CHECK(u.summary.state == "inactive");
    CHECK(u.summary.rank == 2);
    CHECK(u.summary.awaiting == "customer");

    Message m{kConv, 4, "n.1", 9, Party{"agent", "a_1", "Ann"}, "note"};
    m.internal = true;
    m.prev = 2;
    auto mm = relay_round_trip(Msg{m});
    CHECK(mm.message.internal);
    CHECK(mm.message.prev == std::optional<std::int64_t>(2));
}

TEST_CASE("a summary without routing fields encodes as before", "[codec][routing]") {
    ConvSummary s{kConv, Party{"visitor", "v_1", "Ada"}, 3, "hi", 5, "open"};
    CHECK(encode(RelayFrame{ConvUpdate{s}}).find("state") == std::string::npos);
    Message m{kConv, 4, "x", 9, Party{"agent", "a_1", "Ann"}, "t"};
    const std::string text = encode(RelayFrame{Msg{m}});
    CHECK(text.find("internal") == std::string::npos);
    CHECK(text.find("prev") == std::string::npos);
}
