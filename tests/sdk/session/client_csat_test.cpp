// The client core's CSAT action (issue 17), through the C API as the widget uses it: a
// visitor's rate becomes the documented frame, refused locally when malformed, and the
// relay's `rated` answer becomes a "rated" event.
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "parley/c_api.h"

using nlohmann::json;

namespace {

using Handle = std::unique_ptr<parley_client, decltype(&parley_client_free)>;

const char* kVisitor = R"({"role":"visitor","instance":"w1","seed":3})";
const char* kVisitorWelcome =
    R"({"v":1,"type":"welcome","role":"visitor","token":"vt","me":{"role":"visitor","id":"v_1","name":"Ada"},"conv":"c_00000000000000aa","last_seq":1})";

}  // namespace

TEST_CASE("a visitor rates the conversation as a rate frame and hears rated as an event", "[client][csat]") {
    Handle h(parley_client_new(kVisitor), parley_client_free);
    REQUIRE(h);
    parley_client* c = h.get();
    CHECK(parley_client_act(c, R"({"do":"rate","conv":"c_00000000000000aa","score":4})", 1) == 2001);  // not connected
    REQUIRE(parley_client_act(c, R"({"do":"connect"})", 1) == 0);
    REQUIRE(parley_client_opened(c, 2) == 0);
    REQUIRE(parley_client_receive(c, kVisitorWelcome, 3) == 0);
    parley_client_take_events(c);
    parley_client_take_outgoing(c);

    REQUIRE(parley_client_act(c, R"({"do":"rate","conv":"c_00000000000000aa","score":4,"comment":"Kind"})", 4) == 0);
    REQUIRE(parley_client_act(c, R"({"do":"rate","conv":"c_00000000000000aa","score":5})", 4) == 0);
    const json out = json::parse(parley_client_take_outgoing(c));
    REQUIRE(out.size() == 2);
    CHECK(out[0] == R"({"v":1,"type":"rate","conv":"c_00000000000000aa","score":4,"comment":"Kind"})");
    CHECK(out[1] == R"({"v":1,"type":"rate","conv":"c_00000000000000aa","score":5})");

    CHECK(parley_client_act(c, R"({"do":"rate","conv":"c_00000000000000aa","score":0})", 5) == 1005);
    CHECK(parley_client_act(c, R"({"do":"rate","conv":"c_00000000000000aa","score":6})", 5) == 1005);
    CHECK(parley_client_act(c, R"({"do":"rate","conv":"c_00000000000000aa","score":"4"})", 5) == 1005);
    CHECK(parley_client_act(c, R"({"do":"rate","conv":"c_00000000000000aa"})", 5) == 1004);
    const std::string long_comment =
        R"({"do":"rate","conv":"c_00000000000000aa","score":3,"comment":")" + std::string(1001, 'x') + "\"}";
    CHECK(parley_client_act(c, long_comment.c_str(), 5) == 1009);
    CHECK(json::parse(parley_client_take_outgoing(c)).empty());

    REQUIRE(parley_client_receive(c, R"({"v":1,"type":"rated","conv":"c_00000000000000aa","score":5})", 6) == 0);
    const json ev = json::parse(parley_client_take_events(c));
    REQUIRE(ev.size() == 1);
    CHECK(ev[0] == json::parse(R"({"event":"rated","conv":"c_00000000000000aa","score":5})"));
}
