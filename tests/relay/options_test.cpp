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

    auto disable = parse_options({"--data-dir", "d", "--disable-agent", "sam@example.com"});
    REQUIRE(disable.error.empty());
    CHECK(disable.options.disable_agent == "sam@example.com");
    auto enable = parse_options({"--enable-agent", "sam@example.com"});
    REQUIRE(enable.error.empty());
    CHECK(enable.options.enable_agent == "sam@example.com");
}

TEST_CASE("bad options are reported, not guessed", "[options]") {
    auto args = GENERATE(as<std::vector<std::string>>{}, std::vector<std::string>{"--port", "http"},
                         std::vector<std::string>{"--port", "70000"}, std::vector<std::string>{"--port"},
                         std::vector<std::string>{"--frobnicate"},
                         std::vector<std::string>{"--allow-origin", "example.com"},
                         std::vector<std::string>{"--add-agent", "only@email"},
                         std::vector<std::string>{"--disable-agent"});
    CAPTURE(args);
    CHECK_FALSE(parse_options(args).error.empty());
}

TEST_CASE("triage options: model, off switch and the three masking policies", "[options][triage]") {
    auto d = parse_options({});
    CHECK(d.options.triage_model.empty());
    CHECK_FALSE(d.options.no_triage);
    CHECK(d.options.mask_before_storage == "card,iban");
    CHECK(d.options.mask_outbound == "all");
    CHECK(d.options.mask_in_browser == "card,iban");

    auto p = parse_options({"--triage-model", "/m.ptm", "--no-triage", "--mask-before-storage", "none",
                            "--mask-outbound", "email,phone", "--mask-in-browser", "card,iban,email"});
    REQUIRE(p.error.empty());
    CHECK(p.options.triage_model == "/m.ptm");
    CHECK(p.options.no_triage);
    CHECK(p.options.mask_before_storage == "none");
    CHECK(p.options.mask_outbound == "email,phone");
    CHECK(p.options.mask_in_browser == "card,iban,email");

    CHECK_FALSE(parse_options({"--mask-outbound", "cards"}).error.empty());
    CHECK_FALSE(parse_options({"--mask-in-browser"}).error.empty());
    CHECK_FALSE(parse_options({"--triage-model"}).error.empty());
}

TEST_CASE("limit and heartbeat options: defaults, values, 0 switches off, nonsense refused",
          "[options][limits]") {
    auto d = parse_options({});
    REQUIRE(d.error.empty());
    CHECK(d.options.conn_rate == 20);
    CHECK(d.options.max_conns_per_ip == 256);
    CHECK(d.options.heartbeat_secs == 20);
    CHECK(d.options.dead_peer_secs == 45);

    auto p = parse_options({"--conn-rate", "5", "--conn-burst", "7", "--ip-rate", "0", "--ip-burst", "9",
                            "--max-conns-per-ip", "3", "--heartbeat-secs", "1", "--dead-peer-secs", "2"});
    REQUIRE(p.error.empty());
    CHECK(p.options.conn_rate == 5);
    CHECK(p.options.conn_burst == 7);
    CHECK(p.options.ip_rate == 0);
    CHECK(p.options.ip_burst == 9);
    CHECK(p.options.max_conns_per_ip == 3);
    CHECK(p.options.heartbeat_secs == 1);
    CHECK(p.options.dead_peer_secs == 2);

    CHECK_FALSE(parse_options({"--conn-rate", "-1"}).error.empty());
    CHECK_FALSE(parse_options({"--conn-rate", "fast"}).error.empty());
    CHECK_FALSE(parse_options({"--max-conns-per-ip"}).error.empty());
    CHECK_FALSE(parse_options({"--heartbeat-secs", "30", "--dead-peer-secs", "30"}).error.empty());
}

TEST_CASE("socket options: 512 sockets per address and a 5 s handshake by default", "[options][limits]") {
    auto d = parse_options({});
    CHECK(d.options.max_sockets_per_ip == 512);
    CHECK(d.options.max_sockets_per_ip >= d.options.max_conns_per_ip);
    CHECK(d.options.handshake_timeout_secs == 5);
    auto p = parse_options({"--max-sockets-per-ip", "0", "--handshake-timeout-secs", "0"});
    REQUIRE(p.error.empty());
    CHECK(p.options.max_sockets_per_ip == 0);       // no per-address cap
    CHECK(p.options.handshake_timeout_secs == 1);   // never "no timeout"
    CHECK_FALSE(parse_options({"--max-sockets-per-ip", "many"}).error.empty());
    CHECK_FALSE(parse_options({"--handshake-timeout-secs"}).error.empty());
}

TEST_CASE("the group commit window: 1 ms by default, 0 to sync at the next pass, nonsense refused",
          "[options]") {
    CHECK(parse_options({}).options.commit_window_us == 1000);
    CHECK(parse_options({"--commit-window-us", "0"}).options.commit_window_us == 0);
    CHECK(parse_options({"--commit-window-us", "2500"}).options.commit_window_us == 2500);
    for (const char* bad : {"-1", "1ms", "", "2000000"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_options({"--commit-window-us", bad}).error.empty());
    }
    CHECK_FALSE(parse_options({"--commit-window-us"}).error.empty());
}

TEST_CASE("login options: pool size and throttle numbers, documented defaults, nonsense refused",
          "[options][login]") {
    const parley::relay::Options d = parse_options({}).options;
    CHECK(d.login_threads == 1);
    CHECK(d.login_queue == 16);
    CHECK(d.login_free_failures == 5);
    CHECK(d.login_lock_after == 10);
    CHECK(d.login_lock_ms == 900'000);
    auto p = parse_options({"--login-threads", "2", "--login-queue", "0", "--login-ip-checks", "3",
                            "--login-free-failures", "1", "--login-delay-ms", "50", "--login-lock-after", "0",
                            "--login-lock-ms", "2000", "--login-ip-free-failures", "7", "--login-ip-lock-after",
                            "9", "--login-ip-lock-ms", "60000"});
    REQUIRE(p.error.empty());
    const parley::relay::Options& o = p.options;
    CHECK(o.login_threads == 2);
    CHECK(o.login_queue == 0);
    CHECK(o.login_ip_checks == 3);
    CHECK(o.login_free_failures == 1);
    CHECK(o.login_delay_ms == 50);
    CHECK(o.login_lock_after == 0);
    CHECK(o.login_lock_ms == 2000);
    CHECK(o.login_ip_free_failures == 7);
    CHECK(o.login_ip_lock_after == 9);
    CHECK(o.login_ip_lock_ms == 60000);
    CHECK_FALSE(parse_options({"--login-threads", "0"}).error.empty());
    CHECK_FALSE(parse_options({"--login-threads", "17"}).error.empty());
    CHECK_FALSE(parse_options({"--login-delay-ms", "-5"}).error.empty());
    CHECK_FALSE(parse_options({"--login-lock-ms"}).error.empty());
    CHECK_FALSE(parse_options({"--login-lockout", "5"}).error.empty());
}

TEST_CASE("quota options: documented defaults, 0 switches one off, nonsense refused", "[options][quotas]") {
    const parley::relay::Options d = parse_options({}).options;
    CHECK(d.quota_new_visitors == 30);
    CHECK(d.quota_new_conversations == 30);
    CHECK(d.quota_visitor_bytes == 1'000'000);
    auto p = parse_options({"--quota-new-visitors", "3", "--quota-new-conversations", "0", "--quota-visitor-bytes",
                            "65536"});
    REQUIRE(p.error.empty());
    CHECK(p.options.quota_new_visitors == 3);
    CHECK(p.options.quota_new_conversations == 0);
    CHECK(p.options.quota_visitor_bytes == 65536);
    CHECK_FALSE(parse_options({"--quota-new-visitors", "-1"}).error.empty());
    CHECK_FALSE(parse_options({"--quota-visitor-bytes", "1MB"}).error.empty());
    CHECK_FALSE(parse_options({"--quota-new-conversations"}).error.empty());
}
