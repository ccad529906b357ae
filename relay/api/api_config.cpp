// The configuration routes of ApiService (issue 18; docs/api.md "Configuration"):
//   GET  /api/v1/config            the settings in force, where each came from
//   POST /api/v1/config/validate   a TOML body checked as the config file: 200 or 422
//   PUT  /api/v1/config            validated, written (atomically, previous kept), reloaded
//   POST /api/v1/config/rollback   the previous version put back, reloaded
// All need the admin scope (routes.cpp). Writing and reloading are config::LiveConfig's,
// the same reload as SIGHUP's; this file turns requests and results into JSON.
#include "api/api_config.hpp"

#include "api/api_service.hpp"
#include "api/problem.hpp"
#include "core/audit_log.hpp"
#include "parley/json/parse.hpp"

namespace parley::relay::api {

namespace {

const char* source_name(const config::ResolvedConfig& c, const std::string& option) {
    auto it = c.origin.find(option);
    return it == c.origin.end() ? "default" : it->second.c_str();
}

HttpResponse json_answer(int status, const json::Value& doc) {
    HttpResponse r;
    r.status = status;
    r.content_type = "application/json";
    r.body = doc.dump();
    return r;
}

// 422: a problem document with the problems in parts (an extension member).
HttpResponse invalid(const std::vector<config::ConfigProblem>& problems) {
    HttpResponse r = problem(ProblemType::invalid_config,
                             std::to_string(problems.size()) + " problem(s); the first: " +
                                 (problems.empty() ? std::string("?") : problems.front().text));
    auto doc = json::parse(r.body);
    (*doc)["valid"] = false;
    (*doc)["problems"] = problems_json(problems);
    r.body = doc->dump();
    return r;
}

// The body as TOML: text/plain, application/toml, or no Content-Type; at most kMaxConfigBytes.
std::optional<HttpResponse> body_problem(const HttpRequest& r) {
    const std::string_view type = std::string_view(r.content_type).substr(0, r.content_type.find(';'));
    if (!type.empty() && type != "application/toml" && type != "text/plain")
        return problem(ProblemType::unsupported_media, "send the configuration as Content-Type: application/toml");
    if (r.body.size() > kMaxConfigBytes)
        return problem(ProblemType::too_large,
                       "a configuration is at most " + std::to_string(kMaxConfigBytes) + " bytes");
    return std::nullopt;
}

json::Value names(const std::vector<std::string>& list) { return json::Value(list); }

std::string joined(const std::vector<std::string>& list) {
    std::string out;
    for (const std::string& s : list) out += (out.empty() ? "" : ",") + s;
    return out;
}

// The answer of a reload (PUT, rollback): what changed live, what waits for a restart,
// which of the file's values are outranked by the environment or a flag.
json::Value reload_json(const config::ReloadResult& r, const std::string& file) {
    json::Value doc = json::Value::object();
    doc["file"] = file;
    doc["applied"] = names(r.applied);
    doc["restart"] = names(r.restart);
    doc["shadowed"] = names(r.shadowed);
    if (!r.shadowed.empty())
        doc["note"] = "set in the file but outranked by the environment or the command line (the file's value "
                      "has no effect while they are set): " + joined(r.shadowed);
    return doc;
}

}  // namespace

json::Value settings_json(const config::ResolvedConfig& c, const std::vector<config::OptionSpec>& table) {
    json::Value out = json::Value::array();
    for (const config::OptionSpec& s : table) {
        if (s.kind != config::Kind::setting || s.hidden) continue;
        json::Value row = json::Value::object();
        row["key"] = config::file_key(s);
        row["flag"] = "--" + s.name;
        row["environment"] = config::env_name(s);
        // show() writes TOML literals: numbers, true/false, basic strings and arrays of
        // them, which read as JSON as they are. Unset (an empty literal): null.
        const std::string shown = s.show(c.options);
        if (s.secret) row["value"] = "(redacted)";
        else if (auto v = shown.empty() ? std::nullopt : json::parse(shown)) row["value"] = std::move(*v);
        else row["value"] = nullptr;
        row["source"] = source_name(c, s.name);
        row["live"] = s.reloadable;
        row["secret"] = s.secret;
        out.push_back(std::move(row));
    }
    return out;
}

json::Value problems_json(const std::vector<config::ConfigProblem>& problems) {
    json::Value out = json::Value::array();
    for (const config::ConfigProblem& p : problems) {
        json::Value row = json::Value::object();
        row["line"] = p.line;
        row["column"] = p.column;
        row["option"] = p.option;
        row["reason"] = p.reason;
        row["message"] = p.text;
        out.push_back(std::move(row));
    }
    return out;
}

HttpResponse ApiService::config_route(const Call& call) {
    if (!live_config_) return problem(ProblemType::config_locked, "this relay serves no configuration");
    config::LiveConfig& live = *live_config_;
    const RouteId route = call.match.route->id;
    if (route == RouteId::get_config) {
        json::Value doc = json::Value::object();
        doc["file"] = live.file().empty() ? json::Value() : json::Value(live.file());
        doc["previous_kept"] = live.has_previous();
        doc["settings"] = settings_json(live.in_force());
        return json_answer(200, doc);
    }
    if (route == RouteId::validate_config) {
        if (auto refused = body_problem(call.request)) return std::move(*refused);
        const config::ResolvedConfig checked = live.check(call.request.body);
        if (!checked.problems.empty()) return invalid(checked.problem_details);
        // What applying it would do, compared with the settings in force.
        const config::ReloadPlan plan = config::plan_reload(live.in_force(), checked);
        json::Value doc = json::Value::object();
        doc["valid"] = true;
        doc["applied"] = names(plan.applied);
        doc["restart"] = names(plan.restart);
        return json_answer(200, doc);
    }
    // PUT and rollback write the file: the relay must have been started with one.
    if (live.file().empty())
        return problem(ProblemType::config_locked,
                       "the relay was started without a config file (--config or PARLEY_CONFIG), so there is no "
                       "file to write; start it with one to change settings here");
    config::ReloadResult result;
    if (route == RouteId::apply_config) {
        if (auto refused = body_problem(call.request)) return std::move(*refused);
        const config::ResolvedConfig checked = live.check(call.request.body);
        if (!checked.problems.empty()) return invalid(checked.problem_details);
        result = live.apply_text(call.request.body);
    } else {
        if (!live.has_previous())
            return problem(ProblemType::config_locked, "no previous version of " + live.file() + " is kept");
        result = live.rollback();
    }
    if (!result.ok) {
        // Checked above, so what is left is the file system's (a write refused) or a
        // file changed under us between the check and the reload.
        std::string detail;
        for (const config::ConfigProblem& p : result.problems) detail += (detail.empty() ? "" : "; ") + p.text;
        return problem(ProblemType::config_locked, detail);
    }
    audit_entry(call, route == RouteId::apply_config ? audit::kConfigApply : audit::kConfigRollback, "",
                "file=" + live.file() + " applied=" + joined(result.applied) + " restart=" + joined(result.restart));
    return json_answer(200, reload_json(result, live.file()));
}

}  // namespace parley::relay::api
