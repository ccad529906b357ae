#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "options.hpp"
#include "auth/demo_password.hpp"

using parley::relay::demo_password_from;
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
                            "--demo-agent", "--demo-password-file", "/run/secrets/demo"});
    REQUIRE(p.error.empty());
    CHECK(p.options.host == "0.0.0.0");
    CHECK(p.options.port == 0);
    CHECK(p.options.data_dir == "/tmp/x");
    CHECK(p.options.web_root == "/w");
    CHECK(p.options.allow_origins == std::vector<std::string>{"https://a.example", "https://b.example"});
    CHECK(p.options.demo_agent);
    CHECK(p.options.demo_password_file == "/run/secrets/demo");

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

TEST_CASE("TLS options: a certificate and its key together, or neither", "[options][tls]") {
    auto d = parse_options({});
    CHECK(d.options.tls_cert.empty());
    CHECK(d.options.tls_key.empty());
    auto p = parse_options({"--tls-cert", "/etc/parley/cert.pem", "--tls-key", "/etc/parley/key.pem"});
    REQUIRE(p.error.empty());
    CHECK(p.options.tls_cert == "/etc/parley/cert.pem");
    CHECK(p.options.tls_key == "/etc/parley/key.pem");
    CHECK(parse_options({"--tls-cert", "cert.pem"}).error.find("--tls-key") != std::string::npos);
    CHECK(parse_options({"--tls-key", "key.pem"}).error.find("--tls-cert") != std::string::npos);
    CHECK_FALSE(parse_options({"--tls-cert"}).error.empty());
}

TEST_CASE("trusted proxies: addresses and networks, repeatable; nonsense refused", "[options][client-address]") {
    CHECK(parse_options({}).options.trusted_proxies.empty());
    auto p = parse_options({"--trusted-proxy", "127.0.0.1", "--trusted-proxy", "10.0.0.0/8", "--trusted-proxy",
                            "fd00::/8"});
    REQUIRE(p.error.empty());
    CHECK(p.options.trusted_proxies == std::vector<std::string>{"127.0.0.1", "10.0.0.0/8", "fd00::/8"});
    CHECK_FALSE(parse_options({"--trusted-proxy", "proxy.example"}).error.empty());
    CHECK_FALSE(parse_options({"--trusted-proxy", "10.0.0.0/40"}).error.empty());
    CHECK_FALSE(parse_options({"--trusted-proxy"}).error.empty());
}

TEST_CASE("token key options: the key file defaults to the data directory's, rotation is a command",
          "[options][token-keys]") {
    auto none = parse_options({});
    CHECK(none.options.visitor_key_file.empty());  // main: DATA_DIR/keys/visitor-token.key
    CHECK_FALSE(none.options.rotate_visitor_key);
    auto set = parse_options({"--visitor-key-file", "/etc/parley/visitor.key", "--rotate-visitor-key"});
    REQUIRE(set.error.empty());
    CHECK(set.options.visitor_key_file == "/etc/parley/visitor.key");
    CHECK(set.options.rotate_visitor_key);
    CHECK_FALSE(parse_options({"--visitor-key-file"}).error.empty());
    CHECK(parse_options({"--generate-data-key", "/etc/parley/data.key"}).options.generate_data_key ==
          "/etc/parley/data.key");
    CHECK_FALSE(parse_options({"--generate-data-key"}).error.empty());
}

TEST_CASE("data key options: a key that seals, older keys that open, reseal as a command",
          "[options][sealed]") {
    auto none = parse_options({});
    CHECK(none.options.data_key_file.empty());  // plain store
    CHECK(none.options.old_data_key_files.empty());
    CHECK_FALSE(none.options.reseal_data);
    auto set = parse_options({"--data-key-file", "/k/new.key", "--old-data-key-file", "/k/a.key",
                              "--old-data-key-file", "/k/b.key", "--reseal-data", "--forget-unreadable"});
    REQUIRE(set.error.empty());
    CHECK(set.options.data_key_file == "/k/new.key");
    CHECK(set.options.old_data_key_files == std::vector<std::string>{"/k/a.key", "/k/b.key"});
    CHECK(set.options.reseal_data);
    CHECK(set.options.forget_unreadable);
    CHECK_FALSE(parse_options({"--data-key-file"}).error.empty());
    CHECK_FALSE(parse_options({"--old-data-key-file", ""}).error.empty());
    // Forgetting what no key opens only makes sense while rewriting everything.
    CHECK(parse_options({"--forget-unreadable"}).error.find("--reseal-data") != std::string::npos);
}

TEST_CASE("a password on the command line is refused, naming the file and the environment instead",
          "[options][demo-password]") {
    auto p = parse_options({"--demo-agent", "--demo-password", "pw123456"});
    CHECK(p.error.find("--demo-password is no longer accepted") != std::string::npos);
    CHECK(p.error.find("--demo-password-file") != std::string::npos);
    CHECK(p.error.find("PARLEY_DEMO_PASSWORD") != std::string::npos);
    CHECK(p.error.find("pw123456") == std::string::npos);  // not echoed either
    CHECK_FALSE(parse_options({"--demo-password-file"}).error.empty());
}

TEST_CASE("the demo password comes from its file, else the environment, else nowhere",
          "[options][demo-password]") {
    const auto dir = std::filesystem::temp_directory_path() / ("parley-demo-pw-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string file = (dir / "pw").string();
    std::ofstream(file) << "from-the-file\nsecond line ignored\n";

    SECTION("the file's first line wins over the environment") {
        auto pw = demo_password_from(file, "from-the-env");
        REQUIRE(pw);
        CHECK(pw.value() == std::optional<std::string>("from-the-file"));
    }
    SECTION("without a file, the environment") {
        auto pw = demo_password_from("", "from-the-env");
        REQUIRE(pw);
        CHECK(pw.value() == std::optional<std::string>("from-the-env"));
    }
    SECTION("neither (or an empty variable): none, so the relay draws a random one") {
        CHECK(demo_password_from("", nullptr).value() == std::nullopt);
        CHECK(demo_password_from("", "").value() == std::nullopt);
    }
    SECTION("a missing or empty file is an error naming it") {
        auto missing = demo_password_from((dir / "nope").string(), "from-the-env");
        REQUIRE_FALSE(missing);
        CHECK(missing.error().detail.find("nope") != std::string::npos);
        std::ofstream(file, std::ios::trunc) << "\n";
        CHECK_FALSE(demo_password_from(file, nullptr));
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("retention windows are read per default and per team, in days", "[options][retention]") {
    auto p = parse_options({"--retain-closed-days", "30", "--retain-closed-days-team", "billing=7",
                            "--retain-closed-days-team", "legal=0", "--retention-sweep-ms", "50",
                            "--retention-day-ms", "100"});
    REQUIRE(p.error.empty());
    CHECK(p.options.retain_closed_days == 30);
    CHECK(p.options.retain_closed_days_team == std::map<std::string, int>{{"billing", 7}, {"legal", 0}});
    CHECK(p.options.retention_sweep_ms == 50);
    CHECK(p.options.retention_day_ms == 100);
    CHECK(parse_options({}).options.retain_closed_days == 0);  // keep forever by default
    CHECK_FALSE(parse_options({"--retain-closed-days", "-1"}).error.empty());
    CHECK_FALSE(parse_options({"--retain-closed-days-team", "billing"}).error.empty());
    CHECK_FALSE(parse_options({"--retain-closed-days-team", "=3"}).error.empty());
    CHECK_FALSE(parse_options({"--retention-day-ms", "0"}).error.empty());
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

TEST_CASE("bot options: key commands, the handoff rules' defaults and values, nonsense refused",
          "[options][bots]") {
    auto d = parse_options({});
    CHECK(d.options.bot_grace_secs == 10);
    CHECK(d.options.bot_reply_secs == 15);
    CHECK(d.options.bot_max_turns_unanswered == 5);
    auto p = parse_options({"--create-bot-key", "helper", "--bot-name", "Parley Bot", "--bot-grace-secs", "1",
                            "--bot-reply-secs", "0", "--bot-max-turns-unanswered", "3"});
    REQUIRE(p.error.empty());
    CHECK(p.options.create_bot_key == "helper");
    CHECK(p.options.bot_name == "Parley Bot");
    CHECK(p.options.bot_grace_secs == 1);
    CHECK(p.options.bot_reply_secs == 0);
    CHECK(p.options.bot_max_turns_unanswered == 3);
    CHECK(parse_options({"--revoke-bot-key", "helper"}).options.revoke_bot_key == "helper");
    CHECK(parse_options({"--list-bot-keys"}).options.list_bot_keys);
    CHECK_FALSE(parse_options({"--create-bot-key"}).error.empty());
    CHECK_FALSE(parse_options({"--bot-name", "X"}).error.empty());  // only with --create-bot-key
    CHECK_FALSE(parse_options({"--bot-grace-secs", "-1"}).error.empty());
    CHECK_FALSE(parse_options({"--bot-reply-secs", "1.5"}).error.empty());
}
