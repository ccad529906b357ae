// The handlers of ApiService (api_service.hpp): one per route, each reading its
// arguments, the store a page at a time, or acting through the Hub.
#include <algorithm>
#include <cstdlib>
#include <map>
#include <tuple>
#include <variant>

#include "api/api_args.hpp"
#include "api/api_body.hpp"
#include "api/api_json.hpp"
#include "api/api_service.hpp"
#include "api/problem.hpp"
#include "auth/base64url.hpp"
#include "auth/bot_keys.hpp"
#include "parley/json/parse.hpp"
#include "reports/report_source.hpp"

namespace parley::relay::api {

namespace p = protocol;

namespace {

// The conversations list's cursor: base64url of "<updated>|<conversation id>", the
// last row the previous page read. Opaque to clients (docs/api.md).
std::string conv_cursor(std::int64_t updated, const std::string& conv) {
    return base64url_encode(std::to_string(updated) + "|" + conv);
}
std::optional<std::pair<std::int64_t, std::string>> read_conv_cursor(const std::string& text) {
    const auto raw = base64url_decode(text);
    if (!raw) return std::nullopt;
    const std::size_t bar = raw->find('|');
    if (bar == std::string::npos || bar + 1 >= raw->size()) return std::nullopt;
    const auto updated = integer(raw->substr(0, bar));
    if (!updated) return std::nullopt;
    return std::make_pair(*updated, raw->substr(bar + 1));
}

// What the Hub answered an act with, as a problem (docs/api.md "Errors"). The handlers
// check that the conversation exists first, so the Hub's 3001 then means its state
// (closed) refuses the act.
HttpResponse problem_of(const p::ErrorFrame& e) {
    const std::string detail = e.message + " (relay error " + std::to_string(static_cast<int>(e.code)) + ")";
    switch (e.code) {
    case p::ErrorCode::unknown_conversation: return problem(ProblemType::conflict, detail);
    case p::ErrorCode::forbidden: return problem(ProblemType::forbidden, detail);
    case p::ErrorCode::storage_failed: return problem(ProblemType::unavailable, detail);
    case p::ErrorCode::rate_limited:
    case p::ErrorCode::too_many_streams: return problem(ProblemType::rate_limited, detail);
    case p::ErrorCode::unknown_agent:
    case p::ErrorCode::agent_unavailable:
    case p::ErrorCode::not_allowed: return problem(ProblemType::conflict, detail);
    default: return problem(ProblemType::bad_request, detail);
    }
}

}  // namespace

// GET /api/v1/conversations?status&team&agent&updated_since&limit&cursor
HttpResponse ApiService::list_conversations(const Call& call) {
    const HttpRequest& r = call.request;
    const auto limit = page_limit(r, limits_.default_page, limits_.max_page);
    if (const auto* refused = std::get_if<HttpResponse>(&limit)) return *refused;
    const int n = std::get<int>(limit);
    std::string status;
    if (const std::string* s = r.arg("status")) {
        if (*s != "open" && *s != "closed") return problem(ProblemType::bad_request, "status must be open or closed");
        status = *s;
    }
    std::int64_t since = 0;
    if (const std::string* s = r.arg("updated_since")) {
        const auto t = integer(*s);
        if (!t) return problem(ProblemType::bad_request, "updated_since must be milliseconds since the epoch");
        since = *t;
    }
    std::int64_t after_updated = -1;
    std::string after_conv;
    if (const std::string* c = r.arg("cursor")) {
        const auto cursor = read_conv_cursor(*c);
        if (!cursor) return problem(ProblemType::bad_cursor, "the cursor is not one this list handed out");
        std::tie(after_updated, after_conv) = *cursor;
    }
    const std::string* team = r.arg("team");
    const std::string* agent = r.arg("agent");

    // Pages of n rows until n match or kMaxScanRows were read: the cursor then says
    // where the next request goes on, so no request reads the whole table.
    json::Value items = json::Value::array();
    std::size_t matched = 0;
    int scanned = 0;
    bool more = false;
    while (true) {
        auto page = store_.conversations_page(status, since, after_updated, after_conv, n);
        if (!page) return problem(ProblemType::unavailable, "cannot read conversations: " + page.error().detail);
        for (const p::ConvSummary& row : page.value()) {
            after_updated = row.updated;
            after_conv = row.conv;
            ++scanned;
            const p::ConvSummary s = hub_.api_describe(row, call.now);
            if ((team && s.team != *team) || (agent && s.agent != *agent)) continue;
            items.push_back(conversation_json(s));
            if (++matched == static_cast<std::size_t>(n)) break;
        }
        more = static_cast<int>(page.value().size()) == n;
        if (!more || matched == static_cast<std::size_t>(n) || scanned >= kMaxScanRows) break;
    }
    json::Value doc = json::Value::object();
    doc["conversations"] = std::move(items);
    doc["next_cursor"] = more ? json::Value(conv_cursor(after_updated, after_conv)) : json::Value();
    return json_response(200, doc);
}

// GET /api/v1/conversations/{id}
HttpResponse ApiService::get_conversation(const Call& call) {
    const std::string& id = call.match.params[0];
    auto found = store_.find_conversation(id);
    if (!found) return problem(ProblemType::unavailable, "cannot read the conversation: " + found.error().detail);
    if (!found.value()) return problem(ProblemType::not_found, "no conversation " + id);
    return json_response(200, conversation_json(hub_.api_describe(*found.value(), call.now)));
}

// GET /api/v1/conversations/{id}/messages?cursor&limit — the transcript, oldest first,
// internal notes included (the API speaks for staff).
HttpResponse ApiService::list_messages(const Call& call) {
    const std::string& id = call.match.params[0];
    const auto limit = page_limit(call.request, limits_.default_page, limits_.max_page);
    if (const auto* refused = std::get_if<HttpResponse>(&limit)) return *refused;
    const int n = std::get<int>(limit);
    std::int64_t after = 0;
    if (const std::string* c = call.request.arg("cursor")) {
        const auto seq = integer(*c);
        if (!seq) return problem(ProblemType::bad_cursor, "the cursor is not one this list handed out");
        after = *seq;
    }
    auto found = store_.find_conversation(id);
    if (!found) return problem(ProblemType::unavailable, "cannot read the conversation: " + found.error().detail);
    if (!found.value()) return problem(ProblemType::not_found, "no conversation " + id);
    auto page = store_.messages_after(id, after, n);
    if (!page) return problem(ProblemType::unavailable, "cannot read messages: " + page.error().detail);
    json::Value items = json::Value::array();
    for (const p::Message& m : page.value()) items.push_back(message_json(m));
    json::Value doc = json::Value::object();
    doc["messages"] = std::move(items);
    const bool more = static_cast<int>(page.value().size()) == n && page.value().back().seq < found.value()->last_seq;
    doc["next_cursor"] = more ? json::Value(std::to_string(page.value().back().seq)) : json::Value();
    return json_response(200, doc);
}

// POST /api/v1/conversations/{id}/messages {"text", "agent" | "bot", "cid"?}
HttpResponse ApiService::post_message(const Call& call) {
    const std::string& conv = call.match.params[0];
    auto body = body_object(call.request);
    if (const auto* refused = std::get_if<HttpResponse>(&body)) return *refused;
    const json::Value& doc = std::get<json::Value>(body);
    const auto text = string_member(doc, "text");
    const auto agent = string_member(doc, "agent");
    const auto bot = string_member(doc, "bot");
    const auto cid = string_member(doc, "cid");
    if (!text || text->empty()) return problem(ProblemType::bad_request, "text must be a non-empty string");
    if (!agent || !bot || !cid) return problem(ProblemType::bad_request, "agent, bot and cid are strings");
    if (agent->empty() == bot->empty())
        return problem(ProblemType::bad_request, "name exactly one sender: \"agent\" (an agent id) or \"bot\" (a bot name)");
    if (cid->size() > 64) return problem(ProblemType::bad_request, "cid has at most 64 characters");

    auto found = store_.find_conversation(conv);
    if (!found) return problem(ProblemType::unavailable, "cannot read the conversation: " + found.error().detail);
    if (!found.value()) return problem(ProblemType::not_found, "no conversation " + conv);
    p::Party as;
    if (!agent->empty()) {
        auto a = store_.find_agent(*agent);
        if (!a) return problem(ProblemType::unavailable, "cannot read agents: " + a.error().detail);
        if (!a.value() || a.value()->disabled)
            return problem(ProblemType::bad_request, "no agent " + *agent + " in service");
        as = p::Party{"agent", a.value()->id, a.value()->name};
    } else {
        auto keys = store_.list_bot_keys();
        if (!keys) return problem(ProblemType::unavailable, "cannot read bots: " + keys.error().detail);
        const auto k = std::find_if(keys.value().begin(), keys.value().end(),
                                    [&](const BotKey& b) { return b.name == *bot; });
        if (k == keys.value().end()) return problem(ProblemType::bad_request, "no bot " + *bot);
        as = p::Party{"bot", bot_party_id(k->name), k->display_name};
    }
    p::Send send;
    send.conv = conv;
    send.cid = cid->empty() ? "api_" + call.key.id + "_" + std::to_string(call.now) + "_" + std::to_string(++posted_)
                            : *cid;
    send.text = *text;
    const Hub::ApiOutcome out = hub_.api_act(as, false, send, call.now);
    if (out.error) return problem_of(*out.error);
    if (!out.ack) return problem(ProblemType::unavailable, "the relay did not acknowledge the message");
    json::Value ack = json::Value::object();
    ack["conversation"] = out.ack->conv;
    ack["cid"] = out.ack->cid;
    ack["seq"] = static_cast<long long>(out.ack->seq);
    ack["ts"] = static_cast<long long>(out.ack->ts);
    return json_response(201, ack);
}

// POST …/close, …/reopen, …/assign {"agent"}, …/transfer {"team", "note"?}: the key
// acts with a supervisor's rights, through the Hub's own handlers.
HttpResponse ApiService::conversation_act(const Call& call) {
    const std::string& conv = call.match.params[0];
    auto body = body_object(call.request);
    if (const auto* refused = std::get_if<HttpResponse>(&body)) return *refused;
    const json::Value& doc = std::get<json::Value>(body);
    auto found = store_.find_conversation(conv);
    if (!found) return problem(ProblemType::unavailable, "cannot read the conversation: " + found.error().detail);
    if (!found.value()) return problem(ProblemType::not_found, "no conversation " + conv);

    p::ClientFrame frame;
    switch (call.match.route->id) {
    case RouteId::close_conversation: frame = p::CloseConv{conv}; break;
    case RouteId::reopen_conversation: frame = p::Reopen{conv}; break;
    case RouteId::assign_conversation: {
        const auto agent = string_member(doc, "agent");
        if (!agent || agent->empty()) return problem(ProblemType::bad_request, "agent must be an agent id");
        p::Transfer t;
        t.conv = conv;
        t.to_agent = *agent;
        frame = t;
        break;
    }
    default: {
        const auto team = string_member(doc, "team");
        const auto note = string_member(doc, "note");
        if (!team || team->empty()) return problem(ProblemType::bad_request, "team must be a team name");
        if (!note) return problem(ProblemType::bad_request, "note must be a string");
        p::Transfer t;
        t.conv = conv;
        t.to_team = *team;
        t.note = *note;
        frame = t;
        break;
    }
    }
    const p::Party as{"agent", call.key.id, call.key.acting_name()};
    const Hub::ApiOutcome out = hub_.api_act(as, true, frame, call.now);
    if (out.error) return problem_of(*out.error);
    auto after = store_.find_conversation(conv);
    if (!after || !after.value()) return problem(ProblemType::unavailable, "cannot read the conversation back");
    return json_response(200, conversation_json(hub_.api_describe(*after.value(), call.now)));
}

// GET /api/v1/contacts/{id}: a visitor (by id) and the identity their site vouched for.
HttpResponse ApiService::get_contact(const Call& call) {
    const std::string& id = call.match.params[0];
    auto visitor = store_.find_visitor(id);
    if (!visitor) return problem(ProblemType::unavailable, "cannot read the visitor: " + visitor.error().detail);
    if (!visitor.value()) return problem(ProblemType::not_found, "no contact " + id);
    auto contact = store_.find_contact(id);
    if (!contact) return problem(ProblemType::unavailable, "cannot read the contact: " + contact.error().detail);
    return json_response(200, contact_json(*visitor.value(), contact.value()));
}

// GET /api/v1/reports?from&to&by — reports/report.hpp, JSON or (Accept: text/csv) CSV.
HttpResponse ApiService::get_report(const Call& call) {
    const HttpRequest& r = call.request;
    constexpr std::int64_t kDay = 24 * 60 * 60 * 1000;
    const std::string* from_text = r.arg("from");
    const std::string* to_text = r.arg("to");
    if (!from_text || !to_text) return problem(ProblemType::bad_request, "from and to are required (YYYY-MM-DD, UTC)");
    const auto from = reports::parse_utc_date(*from_text);
    const auto to = reports::parse_utc_date(*to_text);
    if (!from || !to) return problem(ProblemType::bad_request, "from and to are dates as YYYY-MM-DD (UTC)");
    if (*from > *to) return problem(ProblemType::bad_request, "from is after to");
    if ((*to - *from) / kDay + 1 > limits_.max_report_days)
        return problem(ProblemType::bad_request,
                       "a report covers at most " + std::to_string(limits_.max_report_days) + " days");
    const std::string by_text = r.arg("by") ? *r.arg("by") : "all";
    const auto by = reports::parse_group_by(by_text);
    if (!by) return problem(ProblemType::bad_request, "by is all, day, team, agent or intent");
    auto histories = reports::load_histories(store_, *from, *to + kDay);
    if (!histories) return problem(ProblemType::unavailable, "cannot read the report: " + histories.error().detail);
    auto agents = reports::load_agent_time(store_, *from, *to + kDay, call.now, *by);
    if (!agents) return problem(ProblemType::unavailable, "cannot read the agents' time: " + agents.error().detail);
    const auto rows = reports::compute_report(histories.value(), *by, agents.value());
    std::map<std::string, std::string> names;
    if (*by == reports::GroupBy::agent)
        if (auto agents = store_.list_agents())
            for (const auto& a : agents.value()) names[a.id] = a.name;
    if (r.accept.find("text/csv") != std::string::npos) {
        HttpResponse csv;
        csv.content_type = "text/csv; charset=utf-8";
        csv.body = reports::report_csv(rows, *by, names);
        return csv;
    }
    json::Value items = json::Value::array();
    for (const auto& row : rows) {
        json::Value item = report_row_json(row);
        if (auto name = names.find(row.key); name != names.end()) item["agent_name"] = name->second;
        items.push_back(std::move(item));
    }
    json::Value doc = json::Value::object();
    doc["from"] = *from_text;
    doc["to"] = *to_text;
    doc["by"] = by_text;
    doc["rows"] = std::move(items);
    return json_response(200, doc);
}

// GET /api/v1/queues — Hub::api_queues: the live queues, with the relay's clock so a
// client measures waits against it rather than its own.
HttpResponse ApiService::get_queues(const Call& call) {
    json::Value queues = json::Value::array();
    for (const Hub::QueueNow& q : hub_.api_queues(call.now)) {
        json::Value item = json::Value::object();
        item["team"] = q.team;
        item["length"] = static_cast<long long>(q.length);
        item["waiting_since"] = static_cast<long long>(q.waiting_since);
        item["longest_wait_s"] = q.waiting_since ? static_cast<double>(call.now - q.waiting_since) / 1000.0 : 0.0;
        queues.push_back(std::move(item));
    }
    json::Value doc = json::Value::object();
    doc["now"] = static_cast<long long>(call.now);
    doc["queues"] = std::move(queues);
    return json_response(200, doc);
}

}  // namespace parley::relay::api
