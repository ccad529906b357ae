// The client core and sign-out (issue 15), through the C API: logout and sessions
// become the documented frames; the relay's logged_out and sessions become events; a
// revoked session's token is forgotten and its 4102 close stops the client for good.
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "parley/c_api.h"

using nlohmann::json;

namespace {

using Handle = std::unique_ptr<parley_client, decltype(&parley_client_free)>;

json events(parley_client* c) { return json::parse(parley_client_take_events(c)); }
json outgoing(parley_client* c) { return json::parse(parley_client_take_outgoing(c)); }

const char* kAgent = R"({"role":"agent","instance":"a1","seed":3,"token":"t"})";
const char* kWelcome =
    R"({"v":1,"type":"welcome","role":"agent","token":"t","me":{"role":"agent","id":"a_1","name":"Sam"}})";

Handle ready() {
    Handle h(parley_client_new(kAgent), parley_client_free);
    REQUIRE(h);
    REQUIRE(parley_client_act(h.get(), R"({"do":"connect"})", 1) == 0);
    REQUIRE(parley_client_opened(h.get(), 2) == 0);
    REQUIRE(parley_client_receive(h.get(), kWelcome, 3) == 0);
    parley_client_take_events(h.get());
    parley_client_take_outgoing(h.get());
    return h;
}

}  // namespace

TEST_CASE("an agent's sign-out actions become logout and sessions frames", "[client][sessions]") {
    Handle h = ready();
    parley_client* c = h.get();
    REQUIRE(parley_client_act(c, R"({"do":"sessions"})", 10) == 0);
    REQUIRE(parley_client_act(c, R"({"do":"logout","session":"s_0123456789abcdef"})", 11) == 0);
    REQUIRE(parley_client_act(c, R"({"do":"logout","all":true})", 12) == 0);
    REQUIRE(parley_client_act(c, R"({"do":"logout"})", 13) == 0);
    CHECK(outgoing(c) == json::array({R"({"v":1,"type":"sessions"})",
                                      R"({"v":1,"type":"logout","session":"s_0123456789abcdef"})",
                                      R"({"v":1,"type":"logout","all":true})", R"({"v":1,"type":"logout"})"}));
    CHECK(parley_client_act(c, R"({"do":"logout","all":true,"session":"s_1"})", 14) == 1005);
    CHECK(parley_client_act(c, R"({"do":"logout","all":"yes"})", 14) == 1005);
}

TEST_CASE("sign-out is not queued while not connected", "[client][sessions]") {
    Handle h(parley_client_new(kAgent), parley_client_free);
    CHECK(parley_client_act(h.get(), R"({"do":"logout"})", 1) == 2001);
    CHECK(parley_client_act(h.get(), R"({"do":"sessions"})", 1) == 2001);
}

TEST_CASE("logged_out forgets nothing of another session, and 4102 after our own stops the client",
          "[client][sessions]") {
    Handle h = ready();
    parley_client* c = h.get();
    REQUIRE(parley_client_receive(
                c, R"({"v":1,"type":"sessions","sessions":[{"id":"s_1","created":1,"expires":9,"last_used":2,"current":true}]})",
                20) == 0);
    auto ev = events(c);
    REQUIRE(ev.size() == 1);
    CHECK(ev[0]["event"] == "sessions");
    CHECK(ev[0]["sessions"][0]["id"] == "s_1");
    CHECK(ev[0]["sessions"][0]["current"] == true);

    REQUIRE(parley_client_receive(c, R"({"v":1,"type":"logged_out","revoked":1,"current":true})", 21) == 0);
    ev = events(c);
    REQUIRE(ev.size() == 1);
    CHECK(ev[0] == json::parse(R"({"event":"logged_out","revoked":1,"current":true})"));
    REQUIRE(parley_client_closed(c, 4102, 22) == 0);
    ev = events(c);
    REQUIRE_FALSE(ev.empty());
    CHECK(ev.back() == json::parse(R"({"event":"state","state":"stopped"})"));
    CHECK(parley_client_next_deadline(c) == -1);  // no reconnect is scheduled
}
