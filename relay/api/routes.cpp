#include "api/routes.hpp"

namespace parley::relay::api {

const std::vector<Route>& route_table() {
    static const std::vector<Route> kRoutes = {
        {"GET", "/api/v1/conversations", Scope::read, RouteId::list_conversations},
        {"GET", "/api/v1/conversations/{id}", Scope::read, RouteId::get_conversation},
        {"GET", "/api/v1/conversations/{id}/messages", Scope::read, RouteId::list_messages},
        {"POST", "/api/v1/conversations/{id}/messages", Scope::write, RouteId::post_message},
        {"POST", "/api/v1/conversations/{id}/close", Scope::write, RouteId::close_conversation},
        {"POST", "/api/v1/conversations/{id}/reopen", Scope::write, RouteId::reopen_conversation},
        {"POST", "/api/v1/conversations/{id}/assign", Scope::write, RouteId::assign_conversation},
        {"POST", "/api/v1/conversations/{id}/transfer", Scope::write, RouteId::transfer_conversation},
        {"GET", "/api/v1/contacts/{id}", Scope::read, RouteId::get_contact},
        {"GET", "/api/v1/reports", Scope::read, RouteId::get_report},
        {"GET", "/api/v1/queues", Scope::read, RouteId::get_queues},
        {"GET", "/api/v1/exports/conversations", Scope::read, RouteId::export_conversations},
        {"GET", "/api/v1/exports/messages", Scope::read, RouteId::export_messages},
        {"GET", "/api/v1/webhooks", Scope::admin, RouteId::list_webhooks},
        {"POST", "/api/v1/webhooks", Scope::admin, RouteId::create_webhook},
        {"GET", "/api/v1/webhooks/dead-letters", Scope::admin, RouteId::list_dead_letters},
        {"POST", "/api/v1/webhooks/dead-letters/{id}/replay", Scope::admin, RouteId::replay_dead_letter},
        {"DELETE", "/api/v1/webhooks/{id}", Scope::admin, RouteId::delete_webhook},
        {"POST", "/api/v1/webhooks/{id}/enable", Scope::admin, RouteId::enable_webhook},
        {"POST", "/api/v1/webhooks/{id}/disable", Scope::admin, RouteId::disable_webhook},
        {"POST", "/api/v1/webhooks/{id}/replay-dead", Scope::admin, RouteId::replay_dead_letters},
        {"GET", "/api/v1/flags", Scope::read, RouteId::list_flags},
        {"POST", "/api/v1/flags/{id}/review", Scope::write, RouteId::review_flag},
        {"GET", "/api/v1/config", Scope::admin, RouteId::get_config},
        {"POST", "/api/v1/config/validate", Scope::admin, RouteId::validate_config},
        {"PUT", "/api/v1/config", Scope::admin, RouteId::apply_config},
        {"POST", "/api/v1/config/rollback", Scope::admin, RouteId::rollback_config},
        {"GET", "/api/v1/agents", Scope::admin, RouteId::list_agents},
        {"POST", "/api/v1/agents", Scope::admin, RouteId::create_agent},
        {"GET", "/api/v1/agents/{id}", Scope::admin, RouteId::get_agent},
        {"PATCH", "/api/v1/agents/{id}", Scope::admin, RouteId::update_agent},
        {"DELETE", "/api/v1/agents/{id}", Scope::admin, RouteId::remove_agent},
        {"POST", "/api/v1/agents/{id}/disable", Scope::admin, RouteId::disable_agent},
        {"POST", "/api/v1/agents/{id}/enable", Scope::admin, RouteId::enable_agent},
        {"POST", "/api/v1/agents/{id}/reset-password", Scope::admin, RouteId::reset_agent_password},
        {"GET", "/api/v1/teams", Scope::read, RouteId::list_teams},
        {"GET", "/api/v1/teams/{name}", Scope::read, RouteId::get_team},
        {"GET", "/api/v1/canned", Scope::admin, RouteId::list_canned},
        {"POST", "/api/v1/canned", Scope::admin, RouteId::create_canned},
        {"PATCH", "/api/v1/canned/{id}", Scope::admin, RouteId::update_canned},
        {"DELETE", "/api/v1/canned/{id}", Scope::admin, RouteId::delete_canned},
        {"GET", "/api/v1/bot-keys", Scope::admin, RouteId::list_bot_keys},
        {"POST", "/api/v1/bot-keys", Scope::admin, RouteId::create_bot_key},
        {"DELETE", "/api/v1/bot-keys/{name}", Scope::admin, RouteId::revoke_bot_key},
        {"GET", "/api/v1/api-keys", Scope::admin, RouteId::list_api_keys},
        {"POST", "/api/v1/api-keys", Scope::admin, RouteId::create_api_key},
        {"DELETE", "/api/v1/api-keys/{id}", Scope::admin, RouteId::revoke_api_key},
    };
    return kRoutes;
}

namespace {

std::vector<std::string_view> segments(std::string_view path) {
    std::vector<std::string_view> out;
    std::size_t at = 0;
    while (at <= path.size()) {
        const std::size_t slash = path.find('/', at);
        const std::size_t end = slash == std::string_view::npos ? path.size() : slash;
        out.push_back(path.substr(at, end - at));
        if (slash == std::string_view::npos) break;
        at = slash + 1;
    }
    return out;
}

bool matches(std::string_view pattern, std::string_view path, std::vector<std::string>& params) {
    const auto want = segments(pattern);
    const auto got = segments(path);
    if (want.size() != got.size()) return false;
    params.clear();
    for (std::size_t i = 0; i < want.size(); ++i) {
        if (!want[i].empty() && want[i].front() == '{') {
            if (got[i].empty()) return false;
            params.emplace_back(got[i]);
        } else if (want[i] != got[i]) {
            return false;
        }
    }
    return true;
}

}  // namespace

RouteMatch match_route(std::string_view method, std::string_view path) {
    RouteMatch m;
    std::vector<std::string> params;
    for (const Route& r : route_table()) {
        if (!matches(r.pattern, path, params)) continue;
        if (method == r.method) {
            m.route = &r;
            m.params = std::move(params);
            return m;
        }
        m.path_known = true;
    }
    return m;
}

std::string route_table_text() {
    std::string out;
    for (const Route& r : route_table())
        out += std::string(r.method) + " " + r.pattern + " " + scope_name(r.scope) + "\n";
    return out;
}

}  // namespace parley::relay::api
