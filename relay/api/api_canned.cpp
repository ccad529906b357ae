// /api/v1/canned (docs/api.md "Canned responses"): list, create, update, delete,
// through core/canned_responses.hpp — the rules of the console's `canned` frame.
//
// Who the caller is to those rules: a supervisor's console session is that supervisor
// (their personal responses and every team's); an API key acts as a supervisor who has
// no personal responses of their own, so it manages team responses only (scope
// "personal" is refused: a key is nobody's phrasebook). Another agent's personal
// responses are theirs alone: a key or supervisor can neither read nor change them.
//
// The list holds the caller's personal responses (a supervisor's) and the responses of
// every team the relay knows (Hub::api_teams: agents' teams and the routing config's),
// or of one with ?team=NAME.
#include "api/api_admin_json.hpp"
#include "api/api_body.hpp"
#include "api/api_service.hpp"
#include "api/problem.hpp"
#include "core/audit_log.hpp"
#include "core/canned_responses.hpp"

namespace parley::relay::api {

namespace p = protocol;
using p::ErrorCode;

namespace {

HttpResponse canned_problem(const Error& e) {
    const std::string detail = e.detail + " (relay error " + std::to_string(static_cast<int>(e.code)) + ")";
    switch (e.code) {
    case ErrorCode::forbidden: return problem(ProblemType::forbidden, detail);
    case ErrorCode::canned_limit: return problem(ProblemType::conflict, detail);
    case ErrorCode::storage_failed: return problem(ProblemType::unavailable, detail);
    case ErrorCode::text_too_long:
    case ErrorCode::missing_field: return problem_field(ProblemType::bad_request, "text", detail);
    default: return problem(ProblemType::bad_request, detail);
    }
}

// The caller as the rules' actor, with every team the relay knows (a supervisor's view).
std::variant<CannedActor, HttpResponse> canned_actor(Hub& hub, const std::string& agent_id, std::int64_t now) {
    auto teams = hub.api_teams(now);
    if (!teams) return problem(ProblemType::unavailable, "cannot read teams: " + teams.error().detail);
    CannedActor actor{agent_id, {}, true};
    for (const Hub::TeamView& t : teams.value()) actor.teams.push_back(t.name);
    return actor;
}

}  // namespace

HttpResponse ApiService::canned_route(const Call& call) {
    switch (call.match.route->id) {
    case RouteId::list_canned: return list_canned(call);
    case RouteId::delete_canned: return delete_canned(call);
    default: return save_canned(call);
    }
}

// GET /api/v1/canned?team=NAME
HttpResponse ApiService::list_canned(const Call& call) {
    auto who = canned_actor(hub_, call.key.is_key() ? std::string() : call.key.id, call.now);
    if (auto* refused = std::get_if<HttpResponse>(&who)) return *refused;
    CannedActor actor = std::get<CannedActor>(who);
    const std::string* team = call.request.arg("team");
    if (team) actor.teams = {*team};
    auto list = relay::list_canned(store_, actor);
    if (!list) return canned_problem(list.error());
    json::Value items = json::Value::array();
    for (const p::CannedResponse& c : list.value()) {
        if (c.scope == "personal" && (call.key.is_key() || team)) continue;  // a key has none; ?team: that team's only
        items.push_back(canned_json(c));
    }
    json::Value doc = json::Value::object();
    doc["canned"] = std::move(items);
    return json_response(200, doc);
}

// POST /api/v1/canned {"scope"?: "team"|"personal", "team", "shortcut", "text"} → 201;
// PATCH /api/v1/canned/{id} with any of them → 200 (the rest as stored).
HttpResponse ApiService::save_canned(const Call& call) {
    auto body = body_object(call.request);
    if (const auto* refused = std::get_if<HttpResponse>(&body)) return *refused;
    const json::Value& doc = std::get<json::Value>(body);
    if (auto bad = unknown_member(doc, {"scope", "team", "shortcut", "text"})) return *bad;
    const bool create = call.match.route->id == RouteId::create_canned;
    p::CannedOp op;
    op.op = "save";
    op.scope = "team";
    if (!create) {
        op.id = call.match.params[0];
        auto old = store_.find_canned(op.id);
        if (!old) return problem(ProblemType::unavailable, "cannot read canned responses: " + old.error().detail);
        if (!old.value()) return problem(ProblemType::not_found, "no canned response " + op.id);
        // The stored response, as the rules name it, under what the body changes.
        const CannedRecord& r = *old.value();
        const std::string team_prefix = "team:";
        op.scope = r.owner.rfind(team_prefix, 0) == 0 ? "team" : "personal";
        if (op.scope == "team") op.team = r.owner.substr(team_prefix.size());
        op.shortcut = r.shortcut;
        op.text = r.text;
    }
    bool scope_given = create;
    for (const char* key : {"scope", "team", "shortcut", "text"}) {
        auto value = optional_string(doc, key);
        if (auto* bad = std::get_if<HttpResponse>(&value)) return *bad;
        if (!std::get<0>(value)) continue;
        scope_given = scope_given || std::string_view(key) == "scope";
        const std::string& v = *std::get<0>(value);
        const std::string_view k = key;
        (k == "scope" ? op.scope : k == "team" ? op.team : k == "shortcut" ? op.shortcut : op.text) = v;
    }
    if (op.scope != "team" && op.scope != "personal")
        return problem_field(ProblemType::bad_request, "scope", "scope is team or personal");
    if (op.scope == "personal") op.team.clear();
    // A key asking for a personal response; editing one (an agent's) is the rules' 403.
    if (op.scope == "personal" && call.key.is_key() && scope_given)
        return problem_field(ProblemType::bad_request, "scope",
                             "an API key has no personal responses: use scope team (a supervisor's console "
                             "session may keep personal ones)");
    if (!is_canned_shortcut(op.shortcut))
        return problem_field(ProblemType::bad_request, "shortcut", "shortcut is 1-32 of a-z, 0-9, _ and -");
    if (op.scope == "team" && op.team.empty())
        return problem_field(ProblemType::bad_request, "team", "team is required for scope team");

    auto who = canned_actor(hub_, call.key.is_key() ? std::string() : call.key.id, call.now);
    if (auto* refused = std::get_if<HttpResponse>(&who)) return *refused;
    auto saved = relay::save_canned(store_, std::get<CannedActor>(who), op, call.now, hub_.api_random(), hub_.canned_limits());
    if (!saved) return canned_problem(saved.error());
    audit_target(call, audit::kCannedSave, saved.value().id,
                 (op.scope == "team" ? "team:" + op.team : std::string("personal")) + " /" + op.shortcut);
    return json_response(create ? 201 : 200, canned_json(saved.value()));
}

// DELETE /api/v1/canned/{id}
HttpResponse ApiService::delete_canned(const Call& call) {
    const std::string& id = call.match.params[0];
    auto old = store_.find_canned(id);
    if (!old) return problem(ProblemType::unavailable, "cannot read canned responses: " + old.error().detail);
    if (!old.value()) return problem(ProblemType::not_found, "no canned response " + id);
    auto who = canned_actor(hub_, call.key.is_key() ? std::string() : call.key.id, call.now);
    if (auto* refused = std::get_if<HttpResponse>(&who)) return *refused;
    if (Status s = relay::delete_canned(store_, std::get<CannedActor>(who), id); !s) return canned_problem(s.error());
    audit_target(call, audit::kCannedDelete, id, old.value()->owner + " /" + old.value()->shortcut);
    json::Value doc = json::Value::object();
    doc["deleted"] = id;
    return json_response(200, doc);
}

}  // namespace parley::relay::api
