// The relay binary's configuration and start-up errors as an operator meets them: a
// config file and PARLEY_* variables, --check-config and --print-config, and the
// messages of a port in use, a data directory that cannot be used or is locked by
// another relay, and a TLS certificate that cannot be read (docs/operations.md).
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "http_get.hpp"
#include "protocol_peer.hpp"
#include "relay_process.hpp"

using namespace parley::test;
namespace fs = std::filesystem;

namespace {

struct Run {
    int status = -1;
    std::string out;  // stdout and stderr
};

// A shell command line, as an operator types it; `cd` to a fresh directory first.
Run sh(const std::string& command) {
    Run run;
    FILE* p = ::popen((command + " 2>&1").c_str(), "r");
    if (!p) return run;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) run.out.append(buf, n);
    const int status = ::pclose(p);
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}

std::string relay_bin() { return "'" + default_relay_binary() + "'"; }

struct TempDir {
    fs::path path;
    TempDir() {
        char tmpl[] = "/tmp/parley-config-XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    std::string file(const std::string& name, const std::string& text) const {
        std::ofstream(path / name) << text;
        return (path / name).string();
    }
};

}  // namespace

TEST_CASE("a relay starts from its config file, and a PARLEY_ variable overrides the file", "[integration][config]") {
    TempDir dir;
    const std::string file = dir.file("relay.toml", "port = 1\nconn_rate = 7\nno_triage = true\n");
    RelayOptions o;
    o.extra_args = {"--config", file};  // RelayProcess passes --port 0, which beats the file
    RelayProcess relay(o);
    REQUIRE(relay.start());
    CHECK(relay.log().find("triage is OFF") != std::string::npos);  // from the file

    const Run printed = sh("PARLEY_CONN_RATE=9 " + relay_bin() + " --config " + file + " --print-config");
    CHECK(printed.status == 0);
    CHECK(printed.out.find("conn_rate = 9  # environment") != std::string::npos);
    CHECK(printed.out.find("no_triage = true  # file") != std::string::npos);
    CHECK(printed.out.find("port = 1  # file") != std::string::npos);
}

TEST_CASE("--check-config says ok for a good file and lists every problem of a bad one, exit 2",
          "[integration][config]") {
    TempDir dir;
    SECTION("the documented example, deploy/relay.toml") {
        const Run r = sh(relay_bin() + " --check-config " PARLEY_SOURCE_DIR "/deploy/relay.toml");
        CHECK(r.status == 0);
        CHECK(r.out == "ok\n");
    }
    SECTION("a bad file and a bad variable: each with where it is and why; nothing opened or bound") {
        const std::string file = dir.file("bad.toml", "port = 70000\ndata_dri = \"/x\"\nhost = \"::\"\n");
        const Run r = sh("cd " + dir.path.string() + " && PARLEY_CONN_RAET=5 " + relay_bin() + " --check-config " +
                         file);
        CHECK(r.status == 2);
        CHECK(r.out.find(file + ":1:8: port needs a number from 0 to 65535, not '70000'") != std::string::npos);
        CHECK(r.out.find(file + ":2:1: unknown key 'data_dri' (did you mean data_dir?)") != std::string::npos);
        CHECK(r.out.find("environment: PARLEY_CONN_RAET is not a setting of parley-relay (did you mean "
                         "PARLEY_CONN_RATE?)") != std::string::npos);
        CHECK_FALSE(fs::exists(dir.path / "data"));  // the default data dir was not made
    }
    SECTION("the files the settings name must be readable") {
        const std::string file = dir.file("tls.toml", "tls_cert = \"" + dir.path.string() + "/cert.pem\"\n" +
                                                          "tls_key = \"" + dir.path.string() + "/key.pem\"\n");
        dir.file("key.pem", "not checked here, only read");
        const Run r = sh(relay_bin() + " --check-config " + file);
        CHECK(r.status == 2);
        CHECK(r.out == "parley-relay: tls_cert " + dir.path.string() + "/cert.pem: cannot read (No such file or "
                       "directory)\n");
    }
    SECTION("a start with a bad value exits 2 before touching anything") {
        const Run r = sh("cd " + dir.path.string() + " && PARLEY_PORT=http " + relay_bin());
        CHECK(r.status == 2);
        CHECK(r.out.find("parley-relay: environment: PARLEY_PORT needs a number from 0 to 65535, not 'http'") !=
              std::string::npos);
        CHECK_FALSE(fs::exists(dir.path / "data"));
    }
}

TEST_CASE("start-up errors people meet say what to do", "[integration][config]") {
    RelayProcess first;
    REQUIRE(first.start());
    TempDir dir;
    const std::string port = std::to_string(first.port());

    SECTION("the port is in use") {
        const Run r = sh(relay_bin() + " --no-triage --data-dir " + dir.path.string() + "/d --port " + port);
        CHECK(r.status == 1);
        CHECK(r.out.find("parley-relay: port " + port + " is in use by another process: stop it or pass --port") !=
              std::string::npos);
    }
    SECTION("the data directory is locked by another relay: its pid is named") {
        const Run r = sh(relay_bin() + " --no-triage --port 0 --data-dir " + first.data_dir());
        CHECK(r.status == 1);
        CHECK(r.out.find("another parley-relay (pid " + std::to_string(first.pid()) + ") is using " +
                         first.data_dir() + "; stop it first, or give this one another --data-dir") !=
              std::string::npos);
    }
    SECTION("the data directory is a file") {
        const std::string file = dir.file("not-a-dir", "x");
        const Run r = sh(relay_bin() + " --no-triage --port 0 --data-dir " + file);
        CHECK(r.status == 1);
        CHECK(r.out.find("the data directory " + file + " is not a directory: pass --data-dir") != std::string::npos);
    }
    SECTION("the data directory is not writable by the relay's user") {
        // As root every directory is writable: then the relay runs as nobody (setpriv).
        fs::create_directories(dir.path / "locked");
        fs::permissions(dir.path / "locked", fs::perms::owner_read | fs::perms::owner_exec);
        fs::permissions(dir.path, fs::perms::all);
        const std::string as_user = ::geteuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups " : "";
        const Run r = sh(as_user + relay_bin() + " --no-triage --port 0 --data-dir " + (dir.path / "locked").string());
        CHECK(r.status == 1);
        CHECK(r.out.find("the data directory " + (dir.path / "locked").string() + " is not writable") !=
              std::string::npos);
        CHECK(r.out.find("give it to the relay's user, uid ") != std::string::npos);
    }
    SECTION("a data directory that cannot be created") {
        fs::create_directories(dir.path / "ro");
        fs::permissions(dir.path / "ro", fs::perms::owner_read | fs::perms::owner_exec);
        fs::permissions(dir.path, fs::perms::all);
        const std::string as_user = ::geteuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups " : "";
        const std::string target = (dir.path / "ro" / "data").string();
        const Run r = sh(as_user + relay_bin() + " --no-triage --port 0 --data-dir " + target);
        CHECK(r.status == 1);
        CHECK(r.out.find("cannot create the data directory " + target + " (Permission denied): give it to the "
                         "relay's user") != std::string::npos);
    }
    SECTION("the TLS certificate cannot be read") {
        const Run r = sh(relay_bin() + " --no-triage --port 0 --data-dir " + dir.path.string() + "/d --tls-cert " +
                         dir.path.string() + "/none.pem --tls-key " + dir.path.string() + "/none.key");
        CHECK(r.status == 1);
        CHECK(r.out.find("--tls-cert " + dir.path.string() + "/none.pem: cannot read (No such file or directory)") !=
              std::string::npos);
    }
    SECTION("the TLS certificate is not readable by the relay's user") {
        const std::string cert = dir.file("cert.pem", "secret"), key = dir.file("key.pem", "secret");
        fs::permissions(cert, fs::perms::owner_read | fs::perms::owner_write);
        fs::permissions(dir.path, fs::perms::all);
        fs::create_directories(dir.path / "d");
        fs::permissions(dir.path / "d", fs::perms::all);
        const bool root = ::geteuid() == 0;
        if (!root) fs::permissions(cert, fs::perms::none);
        const std::string as_user = root ? "setpriv --reuid=65534 --regid=65534 --clear-groups " : "";
        const Run r = sh(as_user + relay_bin() + " --no-triage --port 0 --data-dir " + (dir.path / "d").string() +
                         " --tls-cert " + cert + " --tls-key " + key);
        CHECK(r.status == 1);
        CHECK(r.out.find("--tls-cert " + cert + ": cannot read (Permission denied): make it readable by the relay's "
                         "user, uid ") != std::string::npos);
    }
}

// ---- reloading (issue 18, docs/operations.md "Reloading the configuration") ----------

namespace {

// Replaces the file the way an editor or config management does: write, then rename,
// so the relay never reads half of it.
void rewrite(const std::string& path, const std::string& text) {
    std::ofstream(path + ".new") << text;
    fs::rename(path + ".new", path);
}

// Polls until `ok()` or about 3 s (a reload happens at the relay's next 100 ms tick).
template <class F>
bool eventually(F ok) {
    for (int i = 0; i < 60; ++i) {
        if (ok()) return true;
        ::usleep(50'000);
    }
    return ok();
}

bool logged(const RelayProcess& relay, const std::string& text) {
    return eventually([&] { return relay.log().find(text) != std::string::npos; });
}

}  // namespace

TEST_CASE("SIGHUP applies a changed live setting to the running relay and logs what needs a restart",
          "[integration][config]") {
    TempDir dir;
    const std::string file = dir.file("relay.toml", "no_triage = true\nmetrics_allow = [\"10.0.0.0/8\"]\n");
    RelayOptions o;
    o.extra_args = {"--config", file};
    RelayProcess relay(o);
    REQUIRE(relay.start());
    REQUIRE(http_get(relay.port(), "/metrics").status == 403);  // the test runs from 127.0.0.1

    rewrite(file, "no_triage = true\nmetrics_allow = [\"127.0.0.0/8\"]\nheartbeat_secs = 25\n");
    REQUIRE(::kill(relay.pid(), SIGHUP) == 0);
    CHECK(eventually([&] { return http_get(relay.port(), "/metrics").status == 200; }));
    CHECK(logged(relay, "config reloaded from " + file +
                            ": applied metrics_allow; changed in the file, takes effect at restart: heartbeat_secs"));
    // Names, never values.
    CHECK(relay.log().find("127.0.0.0/8") == std::string::npos);
}

TEST_CASE("SIGHUP with a broken file keeps the relay serving with the settings in force and logs the line",
          "[integration][config]") {
    TempDir dir;
    const std::string file = dir.file("relay.toml", "no_triage = true\nmetrics_allow = [\"10.0.0.0/8\"]\n");
    RelayOptions o;
    o.extra_args = {"--config", file};
    RelayProcess relay(o);
    REQUIRE(relay.start());

    // The allow-list alone would open /metrics, but the file as a whole is refused.
    rewrite(file, "metrics_allow = [\"127.0.0.0/8\"]\nconn_rate = \"fast\"\n");
    REQUIRE(::kill(relay.pid(), SIGHUP) == 0);
    CHECK(logged(relay, "config reload refused, the settings in force are kept: " + file +
                            ":2:13: conn_rate needs a whole number"));
    CHECK(http_get(relay.port(), "/metrics").status == 403);
    CHECK(http_get(relay.port(), "/healthz").status == 200);

    // Fixed, it is taken at the next SIGHUP.
    rewrite(file, "no_triage = true\nmetrics_allow = [\"127.0.0.0/8\"]\n");
    REQUIRE(::kill(relay.pid(), SIGHUP) == 0);
    CHECK(eventually([&] { return http_get(relay.port(), "/metrics").status == 200; }));
}

namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// A new API key from the CLI, beside the running relay (printed alone on stdout).
std::string api_key(const RelayProcess& relay, const std::string& scope) {
    const auto made = relay.command("--create-api-key config-" + scope + " --scope " + scope, false);
    REQUIRE(made.status == 0);
    return made.out.substr(0, made.out.find('\n'));
}

HttpResponse config_call(const RelayProcess& relay, const std::string& method, const std::string& path,
                         const std::string& key, const std::string& toml = {}) {
    std::vector<std::string> headers = {"Authorization: Bearer " + key};
    if (!toml.empty()) headers.push_back("Content-Type: application/toml");
    return http_request(relay.port(), method, path, headers, toml);
}

}  // namespace

TEST_CASE("the config API reads, validates, applies and rolls back the running relay's file",
          "[integration][config][api]") {
    TempDir dir;
    const std::string original = "no_triage = true\nmetrics_allow = [\"10.0.0.0/8\"]\n";
    const std::string file = dir.file("relay.toml", original);
    RelayOptions o;
    o.extra_args = {"--config", file};
    RelayProcess relay(o);
    REQUIRE(relay.start());
    const std::string admin = api_key(relay, "admin");
    const std::string reader = api_key(relay, "read");
    // The relay re-reads its keys every second.
    REQUIRE(eventually([&] { return config_call(relay, "GET", "/api/v1/config", admin).status == 200; }));

    SECTION("read: the settings in force and where they came from; the read scope is not enough") {
        const HttpResponse r = config_call(relay, "GET", "/api/v1/config", admin);
        CHECK(r.body.find("\"file\":\"" + file + "\"") != std::string::npos);
        CHECK(r.body.find("{\"key\":\"metrics_allow\",\"flag\":\"--metrics-allow\",\"environment\":"
                          "\"PARLEY_METRICS_ALLOW\",\"value\":[\"10.0.0.0/8\"],\"source\":\"file\",\"live\":true") !=
              std::string::npos);
        CHECK(r.body.find("{\"key\":\"port\",\"flag\":\"--port\",\"environment\":\"PARLEY_PORT\",\"value\":0,"
                          "\"source\":\"command line\",\"live\":false") != std::string::npos);
        CHECK(config_call(relay, "GET", "/api/v1/config", reader).status == 403);
        CHECK(config_call(relay, "PUT", "/api/v1/config", reader, "no_triage = true\n").status == 403);
    }
    SECTION("validate: 422 with the line and reason for bad TOML, 200 for good; nothing written") {
        const HttpResponse bad = config_call(relay, "POST", "/api/v1/config/validate", admin,
                                             "no_triage = true\nconn_rate = \"fast\"\n");
        CHECK(bad.status == 422);
        CHECK(bad.body.find("\"line\":2,\"column\":13,\"option\":\"conn_rate\",\"reason\":\"conn_rate needs a "
                            "whole number\"") != std::string::npos);
        const HttpResponse syntax = config_call(relay, "POST", "/api/v1/config/validate", admin, "conn_rate = = 1\n");
        CHECK(syntax.status == 422);
        const HttpResponse good =
            config_call(relay, "POST", "/api/v1/config/validate", admin, "no_triage = true\nconn_rate = 4\n");
        CHECK(good.status == 200);
        CHECK(good.body.find("\"valid\":true") != std::string::npos);
        CHECK(good.body.find("\"applied\":[\"conn_rate\",\"metrics_allow\"]") != std::string::npos);
        CHECK(slurp(file) == original);
    }
    SECTION("apply then rollback: the file, its previous version and the running relay follow") {
        REQUIRE(http_get(relay.port(), "/metrics").status == 403);
        const std::string next = "no_triage = true\nmetrics_allow = [\"127.0.0.0/8\"]\n";
        const HttpResponse applied = config_call(relay, "PUT", "/api/v1/config", admin, next);
        CHECK(applied.status == 200);
        CHECK(applied.body.find("\"applied\":[\"metrics_allow\"]") != std::string::npos);
        CHECK(slurp(file) == next);
        CHECK(slurp(file + ".previous") == original);
        CHECK(http_get(relay.port(), "/metrics").status == 200);  // applied before the answer
        CHECK(logged(relay, "config reloaded from " + file + ": applied metrics_allow"));
        const auto audit = relay.command("--export-audit", false);
        CHECK(audit.out.find("\"action\":\"config.apply\"") != std::string::npos);

        const HttpResponse back = config_call(relay, "POST", "/api/v1/config/rollback", admin);
        CHECK(back.status == 200);
        CHECK(slurp(file) == original);
        CHECK(http_get(relay.port(), "/metrics").status == 403);
    }
    SECTION("a bad apply is refused with 422 and the file and relay stay as they were") {
        const HttpResponse r = config_call(relay, "PUT", "/api/v1/config", admin, "metrics_allow = [\"banana\"]\n");
        CHECK(r.status == 422);
        CHECK(r.body.find("\"option\":\"metrics_allow\"") != std::string::npos);
        CHECK(slurp(file) == original);
        CHECK(http_get(relay.port(), "/metrics").status == 403);
    }
}

TEST_CASE("the config API refuses to write when the relay was started without a file", "[integration][config][api]") {
    RelayProcess relay(RelayOptions{});
    REQUIRE(relay.start());
    const std::string admin = api_key(relay, "admin");
    REQUIRE(eventually([&] { return config_call(relay, "GET", "/api/v1/config", admin).status == 200; }));
    const HttpResponse r = config_call(relay, "PUT", "/api/v1/config", admin, "conn_rate = 4\n");
    CHECK(r.status == 409);
    CHECK(r.body.find("started without a config file") != std::string::npos);
}

TEST_CASE("SIGHUP changes the running relay's log level: info adds the access log", "[integration][config]") {
    TempDir dir;
    const std::string file = dir.file("relay.toml", "no_triage = true\n");
    RelayOptions o;
    o.extra_args = {"--config", file, "--log-format", "json"};
    RelayProcess relay(o);
    REQUIRE(relay.start());
    REQUIRE(http_get(relay.port(), "/readyz").status == 200);
    ::usleep(200'000);
    CHECK(relay.log().find("\"event\":\"http_request\"") == std::string::npos);  // notice: none

    rewrite(file, "no_triage = true\nlog_level = \"info\"\n");
    REQUIRE(::kill(relay.pid(), SIGHUP) == 0);
    REQUIRE(logged(relay, "\"applied\":\"log_level\""));
    REQUIRE(http_get(relay.port(), "/readyz").status == 200);
    CHECK(logged(relay, "\"event\":\"http_request\""));
}

TEST_CASE("a body limit applied through the API holds for the next request", "[integration][config][api]") {
    TempDir dir;
    const std::string file = dir.file("relay.toml", "no_triage = true\n");
    RelayOptions o;
    o.extra_args = {"--config", file};
    RelayProcess relay(o);
    REQUIRE(relay.start());
    const std::string admin = api_key(relay, "admin");
    REQUIRE(eventually([&] { return config_call(relay, "GET", "/api/v1/config", admin).status == 200; }));

    const std::string padded = "no_triage = true\n# " + std::string(300, 'x') + "\n";
    CHECK(config_call(relay, "POST", "/api/v1/config/validate", admin, padded).status == 200);
    REQUIRE(config_call(relay, "PUT", "/api/v1/config", admin, "no_triage = true\napi_max_body_bytes = 200\n").status ==
            200);
    const HttpResponse refused = config_call(relay, "POST", "/api/v1/config/validate", admin, padded);
    CHECK(refused.status == 413);
    CHECK(refused.body.find("too-large") != std::string::npos);
}

TEST_CASE("SIGHUP lowers the frame rate of connections already open", "[integration][config]") {
    TempDir dir;
    const std::string file = dir.file("relay.toml", "no_triage = true\nconn_rate = 1000\nconn_burst = 1000\n");
    RelayOptions o;
    o.extra_args = {"--config", file};
    RelayProcess relay(o);
    REQUIRE(relay.start());
    ProtocolPeer peer;
    REQUIRE(peer.connect(relay.host(), relay.port()));
    auto limited_of_20 = [&] {
        for (int i = 0; i < 20; ++i) REQUIRE(peer.send({{"type", "ping"}, {"n", i}}));
        int limited = 0, pongs = 0;
        for (const json& f : peer.drain(400)) {
            limited += f.value("type", "") == "error" && f.value("code", 0) == 4029;
            pongs += f.value("type", "") == "pong";
        }
        INFO("pongs " << pongs << ", 4029 errors " << limited);
        CHECK(pongs + limited == 20);
        return limited;
    };
    CHECK(limited_of_20() == 0);

    rewrite(file, "no_triage = true\nconn_rate = 5\nconn_burst = 5\n");
    REQUIRE(::kill(relay.pid(), SIGHUP) == 0);
    REQUIRE(logged(relay, "applied conn_rate, conn_burst"));
    CHECK(limited_of_20() >= 12);  // 5 at once, plus what refills while they arrive
    CHECK_FALSE(peer.closed());
}
