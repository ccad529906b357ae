// Routes: the /api/v1 route table — method, path pattern, the scope it needs, and which
// handler answers it. This table is the API: api_service.cpp dispatches through it,
// `parley-relay --print-api-routes` prints it, and a test checks that docs/openapi.json
// lists exactly these routes (tests/relay/api/openapi_test.cpp).
//
// Patterns are literal segments and `{name}` segments (one non-empty path segment);
// match() fills the `{name}` values in order. A path that matches a pattern under
// another method is "known": the answer is 405, not 404.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api/api_keys.hpp"

namespace parley::relay::api {

enum class RouteId {
    list_conversations,
    get_conversation,
    list_messages,
    post_message,
    close_conversation,
    reopen_conversation,
    assign_conversation,
    transfer_conversation,
    get_contact,
    get_report,
    get_queues,
    export_conversations,
    export_messages,
    list_webhooks,
    create_webhook,
    delete_webhook,
    enable_webhook,
    disable_webhook,
    list_dead_letters,
    replay_dead_letter,
    replay_dead_letters,
    list_flags,
    review_flag,
    get_config,       // api_config.cpp
    validate_config,
    apply_config,
    rollback_config,
    // Administration (api_agents.cpp, api_teams.cpp, api_canned.cpp, api_key_routes.cpp)
    list_agents,
    create_agent,
    get_agent,
    update_agent,
    remove_agent,
    disable_agent,
    enable_agent,
    reset_agent_password,
    list_teams,
    get_team,
    list_canned,
    create_canned,
    update_canned,
    delete_canned,
    list_bot_keys,
    create_bot_key,
    revoke_bot_key,
    list_api_keys,
    create_api_key,
    revoke_api_key,
};

struct Route {
    const char* method;
    const char* pattern;
    Scope scope;
    RouteId id;
};

const std::vector<Route>& route_table();

struct RouteMatch {
    const Route* route = nullptr;     // null: no route for this method and path
    bool path_known = false;          // the path matches a route of another method (405)
    std::vector<std::string> params;  // the {name} segments, in order
};
RouteMatch match_route(std::string_view method, std::string_view path);

// "GET /api/v1/conversations read\n…": one line per route, in table order.
std::string route_table_text();

}  // namespace parley::relay::api
