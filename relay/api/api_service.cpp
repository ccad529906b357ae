#include "api/api_service.hpp"

#include "api/problem.hpp"
#include "auth/session_token.hpp"
#include "core/audit_log.hpp"

namespace parley::relay::api {

namespace p = protocol;

ApiService::ApiService(Store& store, Hub& hub, RandomSource& random, ApiLimits limits)
    : store_(store), hub_(hub), random_(random), limits_(limits), keys_(store) {}

HttpResponse ApiService::handle(const HttpRequest& request, std::int64_t now) {
    // 1. the route
    const RouteMatch match = match_route(request.method, request.path);
    if (!match.route) {
        if (match.path_known) {
            HttpResponse r = problem(ProblemType::method_not_allowed, request.method + " is not served at " + request.path);
            std::string allow;
            for (const Route& route : route_table()) {
                if (match_route(route.method, request.path).route == &route)
                    allow += (allow.empty() ? "" : ", ") + std::string(route.method);
            }
            r.headers.emplace_back("allow", allow);
            return r;
        }
        return problem(ProblemType::not_found, "no API route " + request.path + " (docs/api.md lists them)");
    }
    // 2. the caller
    auto who = caller_of(request, now);
    if (auto* refused = std::get_if<HttpResponse>(&who)) return std::move(*refused);
    const Caller& key = std::get<Caller>(who);
    // 3. the scope
    if (!allows(key.scope, match.route->scope))
        return problem(ProblemType::forbidden, std::string("this route needs scope ") + scope_name(match.route->scope) +
                                                   "; " + key.id + " has " + scope_name(key.scope));
    // 4. the key's rate
    if (const std::int64_t wait = buckets_[key.id].take(now, limits_.key_rate, limits_.key_burst)) {
        HttpResponse r = problem(ProblemType::rate_limited, key.id + " is over its request rate; retry in " +
                                                                std::to_string(wait) + " ms");
        r.headers.emplace_back("retry-after", std::to_string((wait + 999) / 1000));
        return r;
    }
    // 5. the handler, 6. the audit entry of a write
    const Call call{request, match, key, now};
    HttpResponse response = dispatch(call);
    if (request.method != "GET") {
        if (response.deferred) audit_when_answered(call, response);
        else audit_write(call, response.status);
    }
    return response;
}

std::variant<ApiService::Caller, HttpResponse> ApiService::caller_of(const HttpRequest& request, std::int64_t now) {
    constexpr std::string_view kBearer = "Bearer ";
    auto unauthorized = [](std::string detail) {
        HttpResponse r = problem(ProblemType::unauthorized, std::move(detail));
        r.headers.emplace_back("www-authenticate", "Bearer realm=\"parley\"");
        return r;
    };
    if (request.authorization.compare(0, kBearer.size(), kBearer) != 0)
        return unauthorized("send Authorization: Bearer pk_… (create a key with --create-api-key)");
    const std::string_view token = std::string_view(request.authorization).substr(kBearer.size());
    if (is_api_key_text(token)) {
        const std::optional<ApiKey> key = keys_.lookup(token, now);
        if (!key) return unauthorized("the key is not one in use (unknown or revoked)");
        return Caller{key->id, key->name, key->scope, "api_key"};
    }
    // A console session: as the WebSocket's hello checks it, against the store now.
    auto session = store_.find_session(session_token_hash(std::string(token)));
    if (!session) return problem(ProblemType::unavailable, "the store could not be read; retry later");
    if (!session.value() || session.value()->expires <= now)
        return unauthorized("the token is neither an API key in use nor a console session (expired or signed out)");
    auto agent = store_.find_agent(session.value()->agent_id);
    if (!agent) return problem(ProblemType::unavailable, "the store could not be read; retry later");
    if (!agent.value() || agent.value()->disabled)
        return unauthorized("the token is neither an API key in use nor a console session (expired or signed out)");
    if (!agent.value()->supervisor)
        return problem(ProblemType::forbidden, "the API is open to supervisors' console sessions; " +
                                                   agent.value()->id + " is not a supervisor");
    return Caller{agent.value()->id, agent.value()->name, Scope::admin, "agent"};
}

HttpResponse ApiService::dispatch(const Call& call) {
    switch (call.match.route->id) {
    case RouteId::list_conversations: return list_conversations(call);
    case RouteId::get_conversation: return get_conversation(call);
    case RouteId::list_messages: return list_messages(call);
    case RouteId::post_message: return post_message(call);
    case RouteId::close_conversation:
    case RouteId::reopen_conversation:
    case RouteId::assign_conversation:
    case RouteId::transfer_conversation: return conversation_act(call);
    case RouteId::get_contact: return get_contact(call);
    case RouteId::get_report: return get_report(call);
    case RouteId::get_queues: return get_queues(call);
    case RouteId::export_conversations:
    case RouteId::export_messages: return start_export(call);
    case RouteId::list_webhooks:
    case RouteId::create_webhook:
    case RouteId::delete_webhook:
    case RouteId::enable_webhook:
    case RouteId::disable_webhook:
    case RouteId::list_dead_letters:
    case RouteId::replay_dead_letter:
    case RouteId::replay_dead_letters: return webhook_route(call);
    case RouteId::list_flags: return list_flags(call);
    case RouteId::review_flag: return review_flag(call);
    case RouteId::get_config:
    case RouteId::validate_config:
    case RouteId::apply_config:
    case RouteId::rollback_config: return config_route(call);
    case RouteId::list_agents:
    case RouteId::create_agent:
    case RouteId::get_agent:
    case RouteId::update_agent:
    case RouteId::remove_agent:
    case RouteId::disable_agent:
    case RouteId::enable_agent:
    case RouteId::reset_agent_password: return agents_route(call);
    case RouteId::list_teams:
    case RouteId::get_team: return teams_route(call);
    case RouteId::list_canned:
    case RouteId::create_canned:
    case RouteId::update_canned:
    case RouteId::delete_canned: return canned_route(call);
    case RouteId::list_bot_keys:
    case RouteId::create_bot_key:
    case RouteId::revoke_bot_key:
    case RouteId::list_api_keys:
    case RouteId::create_api_key:
    case RouteId::revoke_api_key: return keys_route(call);
    }
    return problem(ProblemType::not_found, "no such route");
}

void ApiService::audit_write(const Call& call, int status) {
    std::string conv;
    if (!call.match.params.empty() && std::string_view(call.match.route->pattern).rfind("/api/v1/conversations/", 0) == 0)
        conv = call.match.params[0];
    audit_entry(call, audit::kApiWrite, conv,
          call.request.method + " " + call.match.route->pattern + " " + std::to_string(status));
}

void ApiService::audit_when_answered(const Call& call, HttpResponse& response) {
    // The Call refers to the request, which is gone by then: what the entry needs is copied.
    auto later = std::make_shared<std::pair<Caller, std::string>>(
        call.key, call.request.method + " " + call.match.route->pattern + " ");
    const std::int64_t now = call.now;
    auto inner = std::move(response.deferred);
    response.deferred = [this, later, now, inner]() -> std::optional<HttpResponse> {
        std::optional<HttpResponse> ready = inner();
        if (ready) {
            const HttpRequest none;
            const RouteMatch match;
            const Call done{none, match, later->first, now};
            audit_entry(done, audit::kApiWrite, "", later->second + std::to_string(ready->status));
        }
        return ready;
    };
}

protocol::AuditEntry ApiService::actor_of(const Call& call) const {
    p::AuditEntry actor;
    actor.actor_role = call.key.role;
    actor.actor_id = call.key.id;
    actor.actor_name = call.key.name;
    return actor;
}

void ApiService::audit_target(const Call& call, const char* action, const std::string& target, std::string detail) {
    p::AuditEntry e = actor_of(call);
    e.ts = call.now;
    e.action = action;
    e.target = target;
    e.detail = std::move(detail);
    if (!store_.append_audit(audit::clipped(std::move(e)))) ++audit_failures_;
}

void ApiService::audit_entry(const Call& call, const char* action, const std::string& conv, std::string detail) {
    p::AuditEntry e;
    e.ts = call.now;
    e.actor_role = call.key.role;
    e.actor_id = call.key.id;
    e.actor_name = call.key.name;
    e.action = action;
    e.conv = conv;
    e.detail = std::move(detail);
    // The act is done (or refused) already: it stands, as the Hub's transfers and closes
    // do, and the failure is counted for the adapter to log.
    if (!store_.append_audit(e)) ++audit_failures_;
}

}  // namespace parley::relay::api
