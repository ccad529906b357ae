// The configuration routes (api/api_config.cpp; docs/api.md "Configuration"): read,
// validate, apply and roll back, against a LiveConfig whose files live in memory.
#include <map>

#include "api/api_config.hpp"
#include "api_harness.hpp"
#include "config/live_config.hpp"
#include "core/audit_log.hpp"

namespace config = parley::relay::config;

namespace {

struct ConfigApi {
    ApiHarness a;
    std::map<std::string, std::string> text, previous;
    std::vector<std::string> env;
    std::optional<config::LiveConfig> live;
    std::string admin_key;
    int applied = 0;

    explicit ConfigApi(const std::string& toml, std::vector<std::string> environment = {}, bool with_file = true)
        : env(std::move(environment)) {
        config::ConfigFiles files;
        files.read = [this](const std::string& path, std::string& error) -> std::optional<std::string> {
            if (!text.count(path)) {
                error = "No such file or directory";
                return std::nullopt;
            }
            return text[path];
        };
        files.write = [this](const std::string& path, const std::string& t) {
            if (text.count(path)) previous[path] = text[path];
            text[path] = t;
            return std::string();
        };
        files.previous = [this](const std::string& path) -> std::optional<std::string> {
            if (!previous.count(path)) return std::nullopt;
            return previous[path];
        };
        std::vector<std::string> args;
        if (with_file) {
            text["relay.toml"] = toml;
            args = {"--config", "relay.toml"};
        }
        config::ResolvedConfig started = config::resolve_config(args, env, files.read);
        REQUIRE(started.problems.empty());
        live.emplace(args, [this] { return env; }, files, started);
        live->on_apply([this](const Options&, const config::ReloadPlan&) { ++applied; });
        a.service.set_live_config(&*live);
        admin_key = a.make_key("admin", api::Scope::admin);
    }
    HttpResponse call(const std::string& method, const std::string& path, std::string body = {},
                      std::string type = "application/toml") {
        return a.call(method, path, admin_key, {}, std::move(body), std::move(type));
    }
};

const json::Value* setting(const json::Value& doc, const std::string& key) {
    for (const json::Value& s : doc.find("settings")->elements())
        if (s.find("key")->as_string() == key) return &s;
    return nullptr;
}

}  // namespace

TEST_CASE("GET /api/v1/config lists the settings in force with their source and whether they are live",
          "[api][config]") {
    ConfigApi c("conn_rate = 7\n", {"PARLEY_IP_RATE=99"});
    const HttpResponse r = c.call("GET", "/api/v1/config");
    REQUIRE(r.status == 200);
    const json::Value doc = body_of(r);
    CHECK(doc.find("file")->as_string() == "relay.toml");
    CHECK(doc.find("previous_kept")->as_bool() == false);
    const json::Value* conn = setting(doc, "conn_rate");
    REQUIRE(conn);
    CHECK(conn->find("value")->as_int() == 7);
    CHECK(conn->find("source")->as_string() == "file");
    CHECK(conn->find("live")->as_bool());
    CHECK(conn->find("flag")->as_string() == "--conn-rate");
    CHECK(setting(doc, "ip_rate")->find("source")->as_string() == "environment");
    const json::Value* port = setting(doc, "port");
    CHECK(port->find("source")->as_string() == "default");
    CHECK(port->find("value")->as_int() == 8080);
    CHECK_FALSE(port->find("live")->as_bool());
    CHECK(setting(doc, "data_dir")->find("value")->as_string() == "./data");
    CHECK(setting(doc, "allow_origin")->find("value")->is_array());
    CHECK(setting(doc, "inactive_after_ms")->find("value")->is_null());  // unset
    // Commands are not settings.
    CHECK(setting(doc, "add_agent") == nullptr);
}

TEST_CASE("a secret setting's value is redacted, whatever it is", "[api][config]") {
    config::OptionSpec secret = *config::find_option("data-dir");
    secret.secret = true;
    config::ResolvedConfig c;
    c.options.data_dir = "/srv/hunter2";
    c.origin["data-dir"] = "file";
    const json::Value rows = api::settings_json(c, {secret, *config::find_option("port")});
    REQUIRE(rows.elements().size() == 2);
    CHECK(rows.elements()[0].find("value")->as_string() == "(redacted)");
    CHECK(rows.elements()[0].find("secret")->as_bool());
    CHECK(rows.elements()[0].find("source")->as_string() == "file");
    CHECK(rows.dump().find("hunter2") == std::string::npos);
    CHECK(rows.elements()[1].find("value")->as_int() == 8080);
}

TEST_CASE("the config routes need the admin scope", "[api][config]") {
    ConfigApi c("conn_rate = 7\n");
    for (const std::string& key : {c.a.read_key, c.a.write_key}) {
        CHECK(problem_type(c.a.call("GET", "/api/v1/config", key)) == "https://parley.dev/problems/forbidden");
        CHECK(c.a.call("PUT", "/api/v1/config", key, {}, "conn_rate = 1\n", "application/toml").status == 403);
        CHECK(c.a.call("POST", "/api/v1/config/validate", key, {}, "conn_rate = 1\n", "application/toml").status ==
              403);
        CHECK(c.a.call("POST", "/api/v1/config/rollback", key).status == 403);
    }
    CHECK(c.text["relay.toml"] == "conn_rate = 7\n");
    CHECK(c.a.call("GET", "/api/v1/config", "").status == 401);
}

TEST_CASE("POST /api/v1/config/validate answers 200 for a good text and 422 with each problem's line",
          "[api][config]") {
    ConfigApi c("conn_rate = 7\n");
    SECTION("good: what applying it would change") {
        const HttpResponse r = c.call("POST", "/api/v1/config/validate", "conn_rate = 8\nport = 9000\n");
        REQUIRE(r.status == 200);
        const json::Value doc = body_of(r);
        CHECK(doc.find("valid")->as_bool());
        CHECK(doc.find("applied")->dump() == "[\"conn_rate\"]");
        CHECK(doc.find("restart")->dump() == "[\"port\"]");
    }
    SECTION("bad: a problem document with the problems in parts") {
        const HttpResponse r =
            c.call("POST", "/api/v1/config/validate", "conn_rate = 8\n\nport = \"http\"\nconn_rat = 1\n");
        REQUIRE(r.status == 422);
        CHECK(problem_type(r) == "https://parley.dev/problems/invalid-config");
        const json::Value doc = body_of(r);
        CHECK(doc.find("valid")->as_bool() == false);
        const auto& problems = doc.find("problems")->elements();
        REQUIRE(problems.size() == 2);
        CHECK(problems[0].find("line")->as_int() == 4);
        CHECK(problems[0].find("option")->as_string() == "conn_rat");
        CHECK(problems[0].find("reason")->as_string().find("did you mean conn_rate?") != std::string::npos);
        CHECK(problems[1].find("line")->as_int() == 3);
        CHECK(problems[1].find("column")->as_int() == 8);
        CHECK(problems[1].find("option")->as_string() == "port");
        CHECK(problems[1].find("message")->as_string() ==
              "relay.toml:3:8: port needs a whole number");
    }
    SECTION("a TOML syntax error") {
        const HttpResponse r = c.call("POST", "/api/v1/config/validate", "conn_rate = [\n");
        REQUIRE(r.status == 422);
        CHECK(body_of(r).find("problems")->elements()[0].find("line")->as_int() >= 1);
    }
    SECTION("not TOML by its type, or too large") {
        CHECK(c.call("POST", "/api/v1/config/validate", "{}", "application/json").status == 415);
        const std::string huge = "# " + std::string(api::kMaxConfigBytes, 'x') + "\n";
        CHECK(problem_type(c.call("POST", "/api/v1/config/validate", huge)) ==
              "https://parley.dev/problems/too-large");
    }
    CHECK(c.text["relay.toml"] == "conn_rate = 7\n");  // validation writes nothing
    CHECK(c.applied == 0);
}

TEST_CASE("PUT /api/v1/config writes the file, reloads, audits config.apply; rollback puts it back",
          "[api][config]") {
    ConfigApi c("conn_rate = 7\n");
    const HttpResponse r = c.call("PUT", "/api/v1/config", "conn_rate = 3\nport = 9000\n");
    REQUIRE(r.status == 200);
    const json::Value doc = body_of(r);
    CHECK(doc.find("applied")->dump() == "[\"conn_rate\"]");
    CHECK(doc.find("restart")->dump() == "[\"port\"]");
    CHECK(c.text["relay.toml"] == "conn_rate = 3\nport = 9000\n");
    CHECK(c.previous["relay.toml"] == "conn_rate = 7\n");
    CHECK(c.live->in_force().options.conn_rate == 3);
    CHECK(c.live->in_force().options.port == 8080);  // at restart
    CHECK(c.applied == 1);

    auto audit = c.a.h.store.audit_after(0, 100);
    REQUIRE(audit);
    bool found = false;
    for (const auto& e : audit.value()) {
        if (e.action != "config.apply") continue;
        found = true;
        CHECK(e.actor_role == "api_key");
        CHECK(e.actor_name == "admin");
        CHECK(e.detail.find("applied=conn_rate") != std::string::npos);
        CHECK(e.detail.find("restart=port") != std::string::npos);
    }
    CHECK(found);

    CHECK(body_of(c.call("GET", "/api/v1/config")).find("previous_kept")->as_bool());
    const HttpResponse back = c.call("POST", "/api/v1/config/rollback");
    REQUIRE(back.status == 200);
    CHECK(c.text["relay.toml"] == "conn_rate = 7\n");
    CHECK(c.live->in_force().options.conn_rate == 7);
}

TEST_CASE("PUT /api/v1/config refuses a bad text with 422 and writes nothing", "[api][config]") {
    ConfigApi c("conn_rate = 7\n");
    const HttpResponse r = c.call("PUT", "/api/v1/config", "conn_rate = -1\n");
    REQUIRE(r.status == 422);
    CHECK(body_of(r).find("problems")->elements()[0].find("option")->as_string() == "conn_rate");
    CHECK(c.text["relay.toml"] == "conn_rate = 7\n");
    CHECK(c.previous.empty());
    CHECK(c.live->in_force().options.conn_rate == 7);
}

TEST_CASE("PUT /api/v1/config says which file values the environment outranks", "[api][config]") {
    ConfigApi c("conn_rate = 7\n", {"PARLEY_CONN_RATE=9"});
    const HttpResponse r = c.call("PUT", "/api/v1/config", "conn_rate = 3\n");
    REQUIRE(r.status == 200);
    const json::Value doc = body_of(r);
    CHECK(doc.find("shadowed")->dump() == "[\"conn_rate\"]");
    CHECK(doc.find("note")->as_string().find("outranked by the environment") != std::string::npos);
    CHECK(c.live->in_force().options.conn_rate == 9);
}

TEST_CASE("without a config file, or a previous version, writing is refused with 409", "[api][config]") {
    SECTION("no file") {
        ConfigApi c("", {}, false);
        CHECK(c.call("GET", "/api/v1/config").status == 200);
        CHECK(body_of(c.call("GET", "/api/v1/config")).find("file")->is_null());
        const HttpResponse r = c.call("PUT", "/api/v1/config", "conn_rate = 3\n");
        CHECK(r.status == 409);
        CHECK(problem_type(r) == "https://parley.dev/problems/config-not-writable");
        CHECK(body_of(r).find("detail")->as_string().find("started without a config file") != std::string::npos);
        CHECK(c.text.empty());
    }
    SECTION("no previous version") {
        ConfigApi c("conn_rate = 7\n");
        const HttpResponse r = c.call("POST", "/api/v1/config/rollback");
        CHECK(r.status == 409);
        CHECK(body_of(r).find("detail")->as_string().find("no previous version") != std::string::npos);
    }
}
