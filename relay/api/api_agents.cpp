// /api/v1/agents (docs/api.md "Agents"): list, read, create, update, disable, enable,
// reset a password, remove. The rules are auth/agent_admin.hpp's (who may act, the last
// supervisor, generated passwords, audit entries, sessions revoked), reached through the
// Hub (core/hub_api_admin.cpp) so that the live effects are the console's: a disabled
// or removed agent's connections are closed with 4102 and their conversations re-routed
// at once, a changed team or concurrency reaches the router at once.
//
// A new password (create, reset-password) is hashed off the loop by the relay's password
// pool, as the console's is: the answer is deferred (HttpResponse::deferred) until the
// hash is done and the act applied. It is the only place the password ever appears;
// the store keeps its Argon2id hash.
#include <algorithm>
#include <memory>

#include "api/api_admin_json.hpp"
#include "api/api_body.hpp"
#include "api/api_service.hpp"
#include "api/problem.hpp"
#include "auth/agent_admin.hpp"

namespace parley::relay::api {

namespace p = protocol;
using p::ErrorCode;

namespace {

// An administration rule's refusal as a problem (docs/api.md "Errors").
HttpResponse admin_problem(const Error& e) {
    const std::string detail = e.detail + " (relay error " + std::to_string(static_cast<int>(e.code)) + ")";
    switch (e.code) {
    case ErrorCode::forbidden: return problem(ProblemType::forbidden, detail);
    case ErrorCode::unknown_agent: return problem(ProblemType::not_found, detail);
    case ErrorCode::last_supervisor:
    case ErrorCode::agent_exists: return problem(ProblemType::conflict, detail);
    case ErrorCode::storage_failed: return problem(ProblemType::unavailable, detail);
    case ErrorCode::rate_limited: {
        HttpResponse r = problem(ProblemType::rate_limited, detail);
        r.headers.emplace_back("retry-after", "1");
        return r;
    }
    case ErrorCode::bad_field:
        if (!e.ref.empty()) return problem_field(ProblemType::bad_request, e.ref, detail);
        return problem(ProblemType::bad_request, detail);
    default: return problem(ProblemType::bad_request, detail);
    }
}

// The members of an agent's create or update body, into the console's frame (the same
// fields, so the same rules apply): name, teams, skills, preferred, max_load,
// supervisor; create also email. Wrong types are refused here, naming the member;
// ranges are the rules' (agent_admin.hpp).
std::optional<HttpResponse> read_fields(const json::Value& doc, p::AgentAdmin& f) {
    auto name = optional_string(doc, "name");
    if (auto* bad = std::get_if<HttpResponse>(&name)) return *bad;
    f.name = std::get<0>(name);
    for (const char* key : {"teams", "skills"}) {
        auto list = optional_strings(doc, key);
        if (auto* bad = std::get_if<HttpResponse>(&list)) return *bad;
        (std::string_view(key) == "teams" ? f.teams : f.skills) = std::get<0>(list);
    }
    for (const char* key : {"preferred", "max_load"}) {
        auto n = optional_integer(doc, key);
        if (auto* bad = std::get_if<HttpResponse>(&n)) return *bad;
        const auto value = std::get<0>(n);
        if (value && (*value < 0 || *value > admin::kMaxConcurrency))
            return problem_field(ProblemType::bad_request, key,
                                 std::string(key) + " must be from 0 to " + std::to_string(admin::kMaxConcurrency));
        (std::string_view(key) == "preferred" ? f.preferred : f.max_load) = value;
    }
    auto supervisor = optional_bool(doc, "supervisor");
    if (auto* bad = std::get_if<HttpResponse>(&supervisor)) return *bad;
    f.supervisor = std::get<0>(supervisor);
    return std::nullopt;
}

// An agent id as a path segment: "a_" and at most 64 bytes (the frame's bound).
bool agent_id_shape(const std::string& id) { return id.size() > 2 && id.size() <= 64 && id.rfind("a_", 0) == 0; }

}  // namespace

HttpResponse ApiService::agents_route(const Call& call) {
    switch (call.match.route->id) {
    case RouteId::list_agents: return list_agents(call);
    case RouteId::create_agent: return create_agent(call);
    case RouteId::get_agent: return get_agent(call);
    case RouteId::update_agent: return update_agent(call);
    case RouteId::reset_agent_password: return reset_agent_password(call);
    default: return agent_act(call);
    }
}

// GET /api/v1/agents?limit&cursor — by id; the cursor is the last id of the page.
HttpResponse ApiService::list_agents(const Call& call) {
    const auto limit = page_limit(call.request, limits_.default_page, limits_.max_page);
    if (const auto* refused = std::get_if<HttpResponse>(&limit)) return *refused;
    const auto n = static_cast<std::size_t>(std::get<int>(limit));
    std::string after;
    if (const std::string* c = call.request.arg("cursor")) {
        if (!agent_id_shape(*c)) return problem(ProblemType::bad_cursor, "the cursor is not one this list handed out");
        after = *c;
    }
    // Agents are few (a team's staff, not its customers): one read of them all, paged here.
    auto all = store_.list_agents();
    if (!all) return problem(ProblemType::unavailable, "cannot read agents: " + all.error().detail);
    std::vector<Agent>& agents = all.value();
    std::sort(agents.begin(), agents.end(), [](const Agent& a, const Agent& b) { return a.id < b.id; });
    json::Value items = json::Value::array();
    std::size_t taken = 0;
    bool more = false;
    std::string last;
    for (const Agent& a : agents) {
        if (!after.empty() && a.id <= after) continue;
        if (taken == n) {
            more = true;
            break;
        }
        items.push_back(agent_json(a, hub_.api_presence(a.id)));
        last = a.id;
        ++taken;
    }
    json::Value doc = json::Value::object();
    doc["agents"] = std::move(items);
    doc["next_cursor"] = more ? json::Value(last) : json::Value();
    return json_response(200, doc);
}

// GET /api/v1/agents/{id}
HttpResponse ApiService::get_agent(const Call& call) {
    const std::string& id = call.match.params[0];
    auto found = store_.find_agent(id);
    if (!found) return problem(ProblemType::unavailable, "cannot read agents: " + found.error().detail);
    if (!found.value()) return problem(ProblemType::not_found, "no agent " + id);
    return json_response(200, agent_json(*found.value(), hub_.api_presence(id)));
}

// POST /api/v1/agents {"email", "name", "teams"?, "skills"?, "preferred"?, "max_load"?,
// "supervisor"?} → 201 {"agent": …, "password": "…"} (the password shown once).
HttpResponse ApiService::create_agent(const Call& call) {
    auto body = body_object(call.request);
    if (const auto* refused = std::get_if<HttpResponse>(&body)) return *refused;
    const json::Value& doc = std::get<json::Value>(body);
    if (auto bad = unknown_member(doc, {"email", "name", "teams", "skills", "preferred", "max_load", "supervisor"}))
        return *bad;
    p::AgentAdmin f;
    f.op = "add";
    const auto email = string_member(doc, "email");
    if (!email || email->empty() || email->size() > p::kMaxEmailBytes || email->find('@') == std::string::npos)
        return problem_field(ProblemType::bad_request, "email", "email must be an e-mail address of at most 254 bytes");
    f.email = *email;
    if (auto bad = read_fields(doc, f)) return *bad;
    if (!f.name) return problem_field(ProblemType::bad_request, "name", "name is required (1-80 bytes)");
    return agent_password_answer(call, f, 201);
}

// POST /api/v1/agents/{id}/reset-password → 200 {"agent": …, "password": "…"}; every
// session of the agent ends (their connections closed with 4102).
HttpResponse ApiService::reset_agent_password(const Call& call) {
    p::AgentAdmin f;
    f.op = "reset_password";
    f.agent = call.match.params[0];
    return agent_password_answer(call, f, 200);
}

HttpResponse ApiService::agent_password_answer(const Call& call, const p::AgentAdmin& act, int status) {
    auto ticket = hub_.api_agent_admin_start(actor_of(call), act);
    if (!ticket) return admin_problem(ticket.error());
    Hub& hub = hub_;
    const std::uint64_t t = ticket.value();
    // However the exchange ends (answered, or the client gone first), the Hub forgets
    // the act: a password nobody will read is never set.
    std::shared_ptr<void> forget(nullptr, [&hub, t](void*) { hub.api_agent_admin_drop(t); });
    HttpResponse out;
    out.deferred = [&hub, t, forget, status]() -> std::optional<HttpResponse> {
        auto result = hub.api_agent_admin_result(t);
        if (!result) return std::nullopt;
        if (!*result) return admin_problem(result->error());
        const admin::Done& done = result->value();
        json::Value doc = json::Value::object();
        doc["agent"] = agent_json(done.agent, hub.api_presence(done.agent.id));
        doc["password"] = done.password;
        doc["sessions_revoked"] = static_cast<unsigned long long>(done.sessions);
        return json_response(status, doc);
    };
    return out;
}

// PATCH /api/v1/agents/{id}: any of name, teams, skills, preferred, max_load, supervisor.
HttpResponse ApiService::update_agent(const Call& call) {
    auto body = body_object(call.request);
    if (const auto* refused = std::get_if<HttpResponse>(&body)) return *refused;
    const json::Value& doc = std::get<json::Value>(body);
    if (auto bad = unknown_member(doc, {"name", "teams", "skills", "preferred", "max_load", "supervisor"})) return *bad;
    p::AgentAdmin f;
    f.op = "update";
    f.agent = call.match.params[0];
    if (auto bad = read_fields(doc, f)) return *bad;
    if (!f.name && !f.teams && !f.skills && !f.preferred && !f.max_load && !f.supervisor)
        return problem(ProblemType::bad_request,
                       "name at least one of name, teams, skills, preferred, max_load, supervisor");
    auto done = hub_.api_agent_admin(actor_of(call), f, call.now);
    if (!done) return admin_problem(done.error());
    return json_response(200, agent_json(done.value().agent, hub_.api_presence(f.agent)));
}

// POST …/disable, POST …/enable, DELETE /api/v1/agents/{id}.
HttpResponse ApiService::agent_act(const Call& call) {
    p::AgentAdmin f;
    f.agent = call.match.params[0];
    switch (call.match.route->id) {
    case RouteId::disable_agent: f.op = "disable"; break;
    case RouteId::enable_agent: f.op = "enable"; break;
    default: f.op = "remove"; break;
    }
    auto done = hub_.api_agent_admin(actor_of(call), f, call.now);
    if (!done) return admin_problem(done.error());
    json::Value doc = json::Value::object();
    doc["agent"] = agent_json(done.value().agent, hub_.api_presence(f.agent));
    doc["sessions_revoked"] = static_cast<unsigned long long>(done.value().sessions);
    if (f.op == "remove") doc["removed"] = true;
    return json_response(200, doc);
}

}  // namespace parley::relay::api
