// The webhook routes of ApiService (docs/api.md "Webhooks", docs/webhooks.md): the
// subscriptions, their dead letters and replay, for an integration or the console's
// Integrations page. The same store rows the CLI's --add-webhook, --list-webhooks,
// --remove-webhook and --replay-webhook read and write (webhooks/webhook_commands.cpp);
// the rules (URL, event types, one secret shown once) are the CLI's.
//
// All admin scope: a subscription decides where conversation data goes. A secret is
// returned once, by the create; lists never carry it.
#include <algorithm>

#include "api/api_args.hpp"
#include "api/api_body.hpp"
#include "api/api_service.hpp"
#include "api/problem.hpp"
#include "auth/agent_accounts.hpp"
#include "core/audit_log.hpp"
#include "store/webhook_store.hpp"
#include "webhooks/webhook_payload.hpp"
#include "webhooks/webhook_sender.hpp"
#include "webhooks/webhook_signature.hpp"

namespace parley::relay::api {

namespace {

json::Value subscription_json(const WebhookSubscription& s) {
    json::Value v = json::Value::object();
    v["id"] = s.id;
    v["url"] = s.url;
    json::Value events = json::Value::array();
    for (const std::string& e : s.events) events.push_back(e);
    v["events"] = std::move(events);
    v["enabled"] = s.enabled;
    v["created"] = s.created;
    return v;
}

json::Value dead_letter_json(const WebhookDelivery& d) {
    json::Value v = json::Value::object();
    v["id"] = d.id;
    v["subscription"] = d.subscription;
    v["event_id"] = d.event.event_id;
    v["type"] = d.event.type;
    v["conversation"] = d.event.conv;
    v["ts"] = d.event.ts;
    v["attempts"] = d.attempts;
    v["last_error"] = d.last_error;
    return v;
}

HttpResponse store_problem(const Error& e) {
    return problem(ProblemType::unavailable, "the webhook store failed: " + e.detail + "; retry later");
}

// A subscription id as the path names it: 404 unless one exists.
std::variant<WebhookSubscription, HttpResponse> subscription_named(WebhookStore& webhooks, const std::string& id) {
    auto all = webhooks.list_subscriptions();
    if (!all) return store_problem(all.error());
    for (WebhookSubscription& s : all.value())
        if (s.id == id) return std::move(s);
    return problem(ProblemType::not_found, "no webhook " + id);
}

}  // namespace

HttpResponse ApiService::webhook_route(const Call& call) {
    WebhookStore* webhooks = store_.webhooks();
    if (!webhooks)
        return problem(ProblemType::conflict, "this relay keeps no webhooks (they live in the SQLite store)");
    const std::vector<std::string>& params = call.match.params;
    switch (call.match.route->id) {
    case RouteId::list_webhooks: {
        auto all = webhooks->list_subscriptions();
        if (!all) return store_problem(all.error());
        auto pending = webhooks->queue_length();
        if (!pending) return store_problem(pending.error());
        json::Value items = json::Value::array();
        for (const WebhookSubscription& s : all.value()) items.push_back(subscription_json(s));
        json::Value doc = json::Value::object();
        doc["items"] = std::move(items);
        doc["pending"] = pending.value();
        return json_response(200, doc);
    }
    case RouteId::create_webhook: {
        auto body = body_object(call.request);
        if (auto* refused = std::get_if<HttpResponse>(&body)) return std::move(*refused);
        const json::Value& doc = std::get<json::Value>(body);
        const auto url = string_member(doc, "url");
        if (!url || url->empty()) return problem(ProblemType::bad_request, "url must be the receiver's http:// or https:// URL");
        if (std::string why = webhook_url_problem(*url); !why.empty())
            return problem(ProblemType::bad_request, "url: " + why);
        std::vector<std::string> types;
        if (const json::Value* events = doc.find("events"); events && !events->is_null()) {
            if (!events->is_array()) return problem(ProblemType::bad_request, "events must be an array of event types");
            for (const json::Value& e : events->elements()) {
                if (!e.is_string()) return problem(ProblemType::bad_request, "events must be an array of event types");
                const std::string& t = e.as_string();
                if (t != "*" && !is_webhook_event_type(t))
                    return problem(ProblemType::bad_request,
                                   "events: unknown event type '" + t + "' (docs/webhooks.md lists them)");
                types.push_back(t);
            }
        }
        if (types.empty() || std::find(types.begin(), types.end(), std::string("*")) != types.end()) types = {"*"};
        WebhookSubscription s{random_id(random_, "wh_"), *url, types, new_webhook_secret(random_), true, call.now};
        if (Status st = webhooks->add_subscription(s); !st) return store_problem(st.error());
        audit_entry(call, audit::kWebhookAdd, "", s.id + " " + s.url);
        json::Value made = subscription_json(s);
        made["secret"] = s.secret;  // this once
        return json_response(201, made);
    }
    case RouteId::delete_webhook: {
        auto gone = webhooks->remove_subscription(params[0]);
        if (!gone) return store_problem(gone.error());
        if (!gone.value()) return problem(ProblemType::not_found, "no webhook " + params[0]);
        audit_entry(call, audit::kWebhookRemove, "", params[0]);
        HttpResponse r;
        r.status = 204;
        return r;
    }
    case RouteId::enable_webhook:
    case RouteId::disable_webhook: {
        const bool enable = call.match.route->id == RouteId::enable_webhook;
        auto changed = webhooks->set_subscription_enabled(params[0], enable);
        if (!changed) return store_problem(changed.error());
        if (!changed.value()) return problem(ProblemType::not_found, "no webhook " + params[0]);
        audit_entry(call, enable ? audit::kWebhookEnable : audit::kWebhookDisable, "", params[0]);
        auto now = subscription_named(*webhooks, params[0]);
        if (auto* refused = std::get_if<HttpResponse>(&now)) return std::move(*refused);
        return json_response(200, subscription_json(std::get<WebhookSubscription>(now)));
    }
    case RouteId::list_dead_letters: {
        const auto limit = page_limit(call.request, limits_.default_page, limits_.max_page);
        if (const auto* refused = std::get_if<HttpResponse>(&limit)) return *refused;
        std::string of;
        if (const std::string* s = call.request.arg("subscription")) {
            auto named = subscription_named(*webhooks, *s);
            if (auto* refused = std::get_if<HttpResponse>(&named)) return std::move(*refused);
            of = *s;
        }
        auto dead = webhooks->dead_letters(of, std::get<int>(limit));
        if (!dead) return store_problem(dead.error());
        json::Value items = json::Value::array();
        for (const WebhookDelivery& d : dead.value()) items.push_back(dead_letter_json(d));
        json::Value doc = json::Value::object();
        doc["items"] = std::move(items);
        return json_response(200, doc);
    }
    case RouteId::replay_dead_letter: {
        const auto id = integer(params[0]);
        if (!id) return problem(ProblemType::bad_request, "a dead letter's id is a number (GET /api/v1/webhooks/dead-letters)");
        auto fresh = webhooks->replay(*id, call.now);
        if (!fresh) return store_problem(fresh.error());
        if (!fresh.value()) return problem(ProblemType::not_found, "no dead letter " + params[0]);
        audit_entry(call, audit::kWebhookReplay, "", params[0] + " as " + std::to_string(*fresh.value()));
        json::Value doc = json::Value::object();
        doc["replayed"] = *id;
        doc["delivery"] = *fresh.value();
        return json_response(200, doc);
    }
    case RouteId::replay_dead_letters: {
        auto named = subscription_named(*webhooks, params[0]);
        if (auto* refused = std::get_if<HttpResponse>(&named)) return std::move(*refused);
        auto n = webhooks->replay_dead(params[0], call.now);
        if (!n) return store_problem(n.error());
        audit_entry(call, audit::kWebhookReplay, "", params[0] + " all dead: " + std::to_string(n.value()));
        json::Value doc = json::Value::object();
        doc["replayed"] = n.value();
        return json_response(200, doc);
    }
    default: break;
    }
    return problem(ProblemType::not_found, "no such route");
}

}  // namespace parley::relay::api
