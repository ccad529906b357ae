// The native transport's C API (parley/native_c_api.h) refuses bad arguments with a
// reason, and a valid handle reports its state and frees cleanly without a relay.
// Talking to a relay through it: tests/package (the installed library, examples/c-client).
#include <catch2/catch.hpp>

#include <string>

#include "parley/native_c_api.h"

namespace {
const char* kVisitor = R"({"role":"visitor","instance":"c-test"})";
}

TEST_CASE("parley_connection_new refuses a bad URL, config or options with a reason", "[native][c-api]") {
    const char* error = nullptr;
    CHECK(parley_connection_new("http://127.0.0.1:1/", kVisitor, nullptr, &error) == nullptr);
    REQUIRE(error != nullptr);
    CHECK(std::string(error).find("ws://") != std::string::npos);

    CHECK(parley_connection_new("ws://127.0.0.1:1/", R"({"role":"visitor"})", nullptr, &error) == nullptr);
    CHECK(std::string(error).rfind("config_json:", 0) == 0);

    CHECK(parley_connection_new("ws://127.0.0.1:1/", kVisitor, "[1]", &error) == nullptr);
    CHECK(std::string(error) == "options: not a JSON object");
    CHECK(parley_connection_new("ws://127.0.0.1:1/", kVisitor, R"({"allow_self_signed":"yes"})", &error) == nullptr);
    CHECK(std::string(error).find("allow_self_signed") != std::string::npos);
    CHECK(parley_connection_new("ws://127.0.0.1:1/", kVisitor, R"({"connect_timeout_secs":0})", &error) == nullptr);
    CHECK(std::string(error).find("connect_timeout_secs") != std::string::npos);

    CHECK(parley_connection_new(nullptr, kVisitor, nullptr, nullptr) == nullptr);  // error may be NULL
}

TEST_CASE("A parley_connection queues actions before it connects and frees cleanly", "[native][c-api]") {
    const char* error = nullptr;
    parley_connection* c = parley_connection_new("ws://127.0.0.1:1/", kVisitor, R"({"connect_timeout_secs":2})", &error);
    REQUIRE(c != nullptr);
    CHECK(error == nullptr);
    CHECK(std::string(parley_connection_state(c)) == "offline");
    CHECK(parley_connection_act(c, R"({"do":"send","conv":"","text":"queued before connecting"})") == 0);
    CHECK(parley_connection_act(c, "not json") == 1005);
    CHECK(std::string(parley_connection_last_error(c)).size() > 0);
    REQUIRE(parley_connection_start(c) == 0);
    CHECK(parley_connection_start(c) != 0);  // already started
    parley_connection_poll(c, 0);
    const std::string events = parley_connection_take_events(c);
    CHECK(events.find("\"event\":\"queued\"") != std::string::npos);
    CHECK(events.find("\"event\":\"connect\"") != std::string::npos);
    CHECK(std::string(parley_connection_state(c)) == "connecting");
    parley_connection_free(c);
    parley_connection_free(nullptr);  // like free(NULL)
}
