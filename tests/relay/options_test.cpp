#include <catch2/catch.hpp>

#include "options.hpp"

using parley::relay::parse_options;

TEST_CASE("options default to a local relay on 8080 with ./data", "[options]") {
    auto p = parse_options({});
    REQUIRE(p.error.empty());
    CHECK(p.options.host == "127.0.0.1");
    CHECK(p.options.port == 8080);
    CHECK(p.options.data_dir == "./data");
    CHECK(p.options.allow_origins.empty());
}

TEST_CASE("options read every documented flag", "[options]") {
    auto p = parse_options({"--host", "0.0.0.0", "--port", "0", "--data-dir", "/tmp/x", "--web-root", "/w",
                            "--allow-origin", "https://a.example", "--allow-origin", "https://b.example",
                            "--demo-agent", "--demo-password", "pw123456"});
    REQUIRE(p.error.empty());
    CHECK(p.options.host == "0.0.0.0");
    CHECK(p.options.port == 0);
    CHECK(p.options.data_dir == "/tmp/x");
    CHECK(p.options.web_root == "/w");
    CHECK(p.options.allow_origins == std::vector<std::string>{"https://a.example", "https://b.example"});
    CHECK(p.options.demo_agent);
    CHECK(p.options.demo_password == std::optional<std::string>("pw123456"));

    auto add = parse_options({"--add-agent", "sam@example.com", "Sam"});
    REQUIRE(add.error.empty());
    CHECK(add.options.add_agent);
    CHECK(add.options.agent_email == "sam@example.com");
    CHECK(add.options.agent_name == "Sam");
}

TEST_CASE("bad options are reported, not guessed", "[options]") {
    auto args = GENERATE(as<std::vector<std::string>>{}, std::vector<std::string>{"--port", "http"},
                         std::vector<std::string>{"--port", "70000"}, std::vector<std::string>{"--port"},
                         std::vector<std::string>{"--frobnicate"},
                         std::vector<std::string>{"--allow-origin", "example.com"},
                         std::vector<std::string>{"--add-agent", "only@email"});
    CAPTURE(args);
    CHECK_FALSE(parse_options(args).error.empty());
}
