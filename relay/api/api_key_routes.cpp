// /api/v1/bot-keys and /api/v1/api-keys (docs/api.md "Keys over the API"): what the
// CLI's --create-bot-key / --revoke-bot-key / --list-bot-keys and --create-api-key /
// --revoke-api-key / --list-api-keys do, for the console's settings page and for
// scripts. Admin scope (routes.cpp). A new key is in the creating answer only; the
// store keeps its hash (auth/bot_keys.hpp, api/api_keys.hpp). Lists never hold a hash.
//
// Live effects: a revoked bot key's connections are closed at once (Hub::
// api_bot_keys_changed, 4102), not at the next session check; a revoked API key is
// refused by this relay from the next request (the key ring is re-read).
#include <algorithm>

#include "api/api_admin_json.hpp"
#include "api/api_body.hpp"
#include "api/api_service.hpp"
#include "api/problem.hpp"
#include "auth/bot_keys.hpp"
#include "core/audit_log.hpp"

namespace parley::relay::api {

HttpResponse ApiService::keys_route(const Call& call) {
    switch (call.match.route->id) {
    case RouteId::list_bot_keys: return list_bot_keys(call);
    case RouteId::create_bot_key: return create_bot_key(call);
    case RouteId::revoke_bot_key: return revoke_bot_key(call);
    case RouteId::list_api_keys: return list_api_keys(call);
    case RouteId::create_api_key: return create_api_key(call);
    default: return revoke_api_key(call);
    }
}

// GET /api/v1/bot-keys
HttpResponse ApiService::list_bot_keys(const Call&) {
    auto keys = store_.list_bot_keys();
    if (!keys) return problem(ProblemType::unavailable, "cannot read bot keys: " + keys.error().detail);
    json::Value items = json::Value::array();
    for (const BotKey& k : keys.value()) items.push_back(bot_key_json(k));
    json::Value doc = json::Value::object();
    doc["bot_keys"] = std::move(items);
    return json_response(200, doc);
}

// POST /api/v1/bot-keys {"name", "display_name"?} → 201 {"bot_key": …, "key": "pk_…"}
HttpResponse ApiService::create_bot_key(const Call& call) {
    auto body = body_object(call.request);
    if (const auto* refused = std::get_if<HttpResponse>(&body)) return *refused;
    const json::Value& doc = std::get<json::Value>(body);
    if (auto bad = unknown_member(doc, {"name", "display_name"})) return *bad;
    const auto name = string_member(doc, "name");
    if (!name) return problem_field(ProblemType::bad_request, "name", "name must be a string");
    if (auto why = bot_name_problem(*name)) return problem_field(ProblemType::bad_request, "name", "name: " + *why);
    const auto display = string_member(doc, "display_name");
    if (!display || display->size() > protocol::kMaxNameBytes)
        return problem_field(ProblemType::bad_request, "display_name", "display_name is a string of at most 80 bytes");
    auto keys = store_.list_bot_keys();
    if (!keys) return problem(ProblemType::unavailable, "cannot read bot keys: " + keys.error().detail);
    for (const BotKey& k : keys.value())
        if (k.name == *name)
            return problem_field(ProblemType::conflict, "name", "there is a bot key named " + *name + "; revoke it first");
    const std::string key = new_bot_key(hub_.api_random());
    const BotKey row{*name, display->empty() ? *name : *display, bot_key_hash(key), call.now, 0};
    if (Status s = store_.create_bot_key(row); !s)
        return problem(ProblemType::unavailable, "cannot store the bot key: " + s.error().detail);
    audit_target(call, audit::kBotKeyCreate, bot_party_id(row.name), "");
    json::Value out = json::Value::object();
    out["bot_key"] = bot_key_json(row);
    out["key"] = key;  // shown here only
    return json_response(201, out);
}

// DELETE /api/v1/bot-keys/{name}
HttpResponse ApiService::revoke_bot_key(const Call& call) {
    const std::string& name = call.match.params[0];
    auto gone = store_.delete_bot_key(name);
    if (!gone) return problem(ProblemType::unavailable, "cannot revoke the bot key: " + gone.error().detail);
    if (!gone.value()) return problem(ProblemType::not_found, "no bot key named " + name);
    audit_target(call, audit::kBotKeyRevoke, bot_party_id(name), "");
    hub_.api_bot_keys_changed(call.now);  // its connections closed now (4102)
    json::Value doc = json::Value::object();
    doc["revoked"] = name;
    return json_response(200, doc);
}

// GET /api/v1/api-keys
HttpResponse ApiService::list_api_keys(const Call&) {
    auto keys = load_api_keys(store_);
    if (!keys) return problem(ProblemType::unavailable, "cannot read API keys: " + keys.error().detail);
    json::Value items = json::Value::array();
    for (const ApiKey& k : keys.value()) items.push_back(api_key_json(k));
    json::Value doc = json::Value::object();
    doc["api_keys"] = std::move(items);
    return json_response(200, doc);
}

// POST /api/v1/api-keys {"name", "scope"} → 201 {"api_key": …, "key": "pk_…"}. A caller
// grants at most its own scope: no key (or session) mints a stronger one.
HttpResponse ApiService::create_api_key(const Call& call) {
    auto body = body_object(call.request);
    if (const auto* refused = std::get_if<HttpResponse>(&body)) return *refused;
    const json::Value& doc = std::get<json::Value>(body);
    if (auto bad = unknown_member(doc, {"name", "scope"})) return *bad;
    const auto name = string_member(doc, "name");
    if (!name) return problem_field(ProblemType::bad_request, "name", "name must be a string");
    if (auto why = api_key_name_problem(*name)) return problem_field(ProblemType::bad_request, "name", *why);
    const auto scope_text = string_member(doc, "scope");
    const auto scope = scope_text ? parse_scope(*scope_text) : std::nullopt;
    if (!scope) return problem_field(ProblemType::bad_request, "scope", "scope is read, write or admin");
    if (!may_grant(call.key.scope, *scope))
        return problem_field(ProblemType::forbidden, "scope",
                             std::string("a caller with scope ") + scope_name(call.key.scope) +
                                 " may not create a key with scope " + scope_name(*scope));
    auto made = api::create_api_key(store_, hub_.api_random(), *name, *scope, call.now);
    if (!made) {
        if (made.error().code == protocol::ErrorCode::bad_field)
            return problem_field(ProblemType::bad_request, "name", made.error().detail);
        return problem(ProblemType::unavailable, "cannot create the API key: " + made.error().detail);
    }
    keys_.reload();  // usable from the next request
    audit_target(call, audit::kApiKeyCreate, made.value().row.id, std::string("scope=") + scope_name(*scope));
    json::Value out = json::Value::object();
    out["api_key"] = api_key_json(made.value().row);
    out["key"] = made.value().key;  // shown here only
    return json_response(201, out);
}

// DELETE /api/v1/api-keys/{id}
HttpResponse ApiService::revoke_api_key(const Call& call) {
    const std::string& id = call.match.params[0];
    auto keys = load_api_keys(store_);
    if (!keys) return problem(ProblemType::unavailable, "cannot read API keys: " + keys.error().detail);
    const auto it = std::find_if(keys.value().begin(), keys.value().end(), [&](const ApiKey& k) { return k.id == id; });
    if (it == keys.value().end()) return problem(ProblemType::not_found, "no API key " + id);
    // As for creating: a caller revokes no key stronger than itself.
    if (!may_grant(call.key.scope, it->scope))
        return problem(ProblemType::forbidden, std::string("a caller with scope ") + scope_name(call.key.scope) +
                                                   " may not revoke a key with scope " + scope_name(it->scope));
    auto revoked = api::revoke_api_key(store_, id, call.now);
    if (!revoked) return problem(ProblemType::unavailable, "cannot revoke the API key: " + revoked.error().detail);
    keys_.reload();  // refused from the next request, not a second later
    audit_target(call, audit::kApiKeyRevoke, id, "");
    json::Value out = json::Value::object();
    out["api_key"] = api_key_json(revoked.value());
    return json_response(200, out);
}

}  // namespace parley::relay::api
