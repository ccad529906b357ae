// ApiService: the /api/v1 routes (issue 18, docs/api.md, docs/openapi.json), sans-I/O.
// An HttpRequest and `now` in, an HttpResponse out; net/http_exchange.hpp does the
// socket side, so every route is tested with structs (tests/relay/api/).
//
// Theory of operation
// -------------------
// Each request goes through the same steps, and the first that fails answers with a
// problem document (api/problem.hpp):
//   1. route      the route table (api/routes.hpp): unknown path 404, known path with
//                 another method 405
//   2. caller     Authorization: Bearer pk_… must be a key in use (api/api_keys.hpp),
//                 or the session token of an enabled supervisor signed in to the console
//                 (the console is an API client too: its dashboard and settings call
//                 these routes; a supervisor may do anything, so the session holds the
//                 admin scope, and an agent who is not one gets 403); else 401 with
//                 WWW-Authenticate. The account is read from the store on every call,
//                 so a disabled supervisor or a revoked session is refused at once
//   3. scope      the route's scope (GET read, POST write; the administration routes —
//                 agents, canned responses, keys — admin, which allows all): else 403
//   4. rate       the key's token bucket (ApiLimits::key_rate per second, key_burst at
//                 once): else 429 with Retry-After (seconds)
//   5. handler    reads the store a page at a time, or acts through the Hub
//   6. audit      every POST, PATCH or DELETE that passed 1–4 appends an "api.write"
//                 entry (actor: the key; the method, path and status in detail),
//                 whatever its outcome — a deferred answer's when it is given; the
//                 domain's own entries (conv.close, agent.disable, api_key.create…)
//                 come on top
//
// Agent administration goes through the Hub too (Hub::api_agent_admin, api_agents.cpp):
// the rules are auth/agent_admin.hpp's and the live effects the console's. A new
// password is hashed by the relay's password pool, off the loop: that answer is
// deferred (HttpResponse::deferred) until the hash is done.
//
// Acts go through Hub::api_act, so the WebSocket path's rules, audit entries and live
// fan-out apply unchanged: a posted message is stored, acknowledged and sent to the
// connected visitor and agents like any other. A message is posted as a named agent
// (their own rights on the conversation) or bot; close, reopen, assign and transfer
// are done by the key itself with a supervisor's rights, named "API key NAME" in the
// conversation's lines and the audit log.
//
// Bounded work per request (the loop is shared with every chat connection): lists are
// paged (limit ≤ ApiLimits::max_page, store reads of at most that many rows; a filtered
// list reads at most kMaxScanRows rows and hands back a cursor to go on); a report
// covers at most max_report_days. An export streams (exports/export_stream.hpp): each
// piece is a bounded slice of reads, produced only as the client takes the last one,
// and at most max_exports run at once (max_exports_per_key of one key).
#pragma once

#include <array>
#include <memory>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <variant>

#include "api/api_keys.hpp"
#include "api/routes.hpp"
#include "config/live_config.hpp"
#include "core/hub.hpp"
#include "core/rate_limits.hpp"
#include "net/http_message.hpp"
#include "store/store.hpp"

namespace parley::relay::api {

struct ApiLimits {
    double key_rate = 10;        // requests per second, one key
    double key_burst = 50;       // requests at once, one key
    int default_page = 50;
    int max_page = 200;
    int max_report_days = 366;
    int max_exports = 4;          // exports streaming at once, all keys
    int max_exports_per_key = 2;  // of one key
};

class ApiService {
public:
    // `store` is the Hub's (its summary cache), `hub` the running one; `random` makes
    // ids and secrets; all outlive this.
    ApiService(Store& store, Hub& hub, RandomSource& random, ApiLimits limits);

    HttpResponse handle(const HttpRequest& request, std::int64_t now);
    // The running relay's configuration (api_config.cpp); null: the config routes answer
    // 409. Outlives the service.
    void set_live_config(config::LiveConfig* live) { live_config_ = live; }
    // A config reload: every key's budget counts at the new rate and burst from its next
    // request (tokens it holds stay).
    void set_key_rate(double rate, double burst) {
        limits_.key_rate = rate;
        limits_.key_burst = burst;
    }

    static constexpr int kMaxScanRows = 1000;  // store rows one filtered list reads
    // "api.write" entries that could not be written since the start.
    std::uint64_t audit_failures() const { return audit_failures_; }

private:
    // Who calls: an API key, or a supervisor by their console session.
    struct Caller {
        std::string id;    // the key's id (k_…) or the agent's (a_…): rate budget, audit actor
        std::string name;  // the key's label or the agent's name
        Scope scope = Scope::read;
        const char* role = "api_key";  // the audit entry's actor_role: "api_key" or "agent"
        bool is_key() const { return std::string_view(role) == "api_key"; }
        // The name the conversation's lines give an act: "API key NAME", or the supervisor's.
        std::string acting_name() const { return is_key() ? "API key " + name : name; }
    };
    struct Call {
        const HttpRequest& request;
        const RouteMatch& match;
        const Caller& key;
        std::int64_t now;
    };
    // Step 2: the caller the bearer names, or the problem to answer.
    std::variant<Caller, HttpResponse> caller_of(const HttpRequest& request, std::int64_t now);
    HttpResponse dispatch(const Call& call);
    HttpResponse list_conversations(const Call& call);
    HttpResponse get_conversation(const Call& call);
    HttpResponse list_messages(const Call& call);
    HttpResponse post_message(const Call& call);
    HttpResponse conversation_act(const Call& call);  // close, reopen, assign, transfer
    HttpResponse get_contact(const Call& call);
    HttpResponse get_report(const Call& call);
    HttpResponse get_queues(const Call& call);
    HttpResponse start_export(const Call& call);  // api_exports.cpp
    HttpResponse webhook_route(const Call& call);  // api_webhooks.cpp
    HttpResponse list_flags(const Call& call);     // api_flags.cpp
    HttpResponse review_flag(const Call& call);
    HttpResponse config_route(const Call& call);  // api_config.cpp: read, validate, apply, rollback
    // Administration: agents (api_agents.cpp), teams (api_teams.cpp), canned responses
    // (api_canned.cpp), bot and API keys (api_key_routes.cpp).
    HttpResponse agents_route(const Call& call);
    HttpResponse list_agents(const Call& call);
    HttpResponse get_agent(const Call& call);
    HttpResponse create_agent(const Call& call);
    HttpResponse update_agent(const Call& call);
    HttpResponse agent_act(const Call& call);  // disable, enable, remove
    HttpResponse reset_agent_password(const Call& call);
    HttpResponse agent_password_answer(const Call& call, const protocol::AgentAdmin& act, int status);
    HttpResponse teams_route(const Call& call);
    HttpResponse canned_route(const Call& call);
    HttpResponse list_canned(const Call& call);
    HttpResponse save_canned(const Call& call);
    HttpResponse delete_canned(const Call& call);
    HttpResponse keys_route(const Call& call);
    HttpResponse list_bot_keys(const Call& call);
    HttpResponse create_bot_key(const Call& call);
    HttpResponse revoke_bot_key(const Call& call);
    HttpResponse list_api_keys(const Call& call);
    HttpResponse create_api_key(const Call& call);
    HttpResponse revoke_api_key(const Call& call);
    // The caller as the actor of an administration rule (auth/agent_admin.hpp).
    protocol::AuditEntry actor_of(const Call& call) const;
    // Step 6 for an answer given later (HttpResponse::deferred): its api.write entry is
    // written with the status it ends with.
    void audit_when_answered(const Call& call, HttpResponse& response);
    void audit_write(const Call& call, int status);
    // One audit entry by the call's key (actor_role "api_key").
    void audit_entry(const Call& call, const char* action, const std::string& conv, std::string detail);
    // The same for an administration act on `target` (a key id, a bot, a canned response).
    void audit_target(const Call& call, const char* action, const std::string& target, std::string detail);

    Store& store_;
    Hub& hub_;
    RandomSource& random_;
    ApiLimits limits_;
    ApiKeyRing keys_;
    std::unordered_map<std::string, TokenBucket> buckets_;  // key id → its budget
    std::uint64_t audit_failures_ = 0;
    std::uint64_t posted_ = 0;  // numbers the cids of messages posted without one
    // Exports streaming now, in all and by key; a stream's slot is given back when its
    // connection ends, however it ends (the slot is owned by the stream's producer).
    int exports_ = 0;
    std::unordered_map<std::string, int> exports_by_key_;
    config::LiveConfig* live_config_ = nullptr;
};

}  // namespace parley::relay::api
