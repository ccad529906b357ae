// /api/v1/teams (docs/api.md "Teams"): the teams the relay routes to, who is in each,
// who of them is online, and each queue — the supervisor board's numbers for a
// dashboard or a wallboard. A team has no record of its own: it is a label on agents
// (store.hpp Agent::teams), plus the routing config's default team and its rules'
// teams (route/config.hpp), so membership changes through PATCH /api/v1/agents/{id}
// {"teams": […]} and there is no second source of truth to keep in step.
#include "api/api_admin_json.hpp"
#include "api/api_body.hpp"
#include "api/api_service.hpp"
#include "api/problem.hpp"

namespace parley::relay::api {

// GET /api/v1/teams, GET /api/v1/teams/{name}
HttpResponse ApiService::teams_route(const Call& call) {
    auto teams = hub_.api_teams(call.now);
    if (!teams) return problem(ProblemType::unavailable, "cannot read agents: " + teams.error().detail);
    if (call.match.route->id == RouteId::get_team) {
        const std::string& name = call.match.params[0];
        for (const Hub::TeamView& t : teams.value())
            if (t.name == name) return json_response(200, team_json(t));
        return problem(ProblemType::not_found, "no team " + name + " (no agent has it and no routing rule names it)");
    }
    json::Value items = json::Value::array();
    for (const Hub::TeamView& t : teams.value()) items.push_back(team_json(t));
    json::Value doc = json::Value::object();
    doc["teams"] = std::move(items);
    return json_response(200, doc);
}

}  // namespace parley::relay::api
