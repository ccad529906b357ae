#include "webhooks/webhook_payload.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>

#include "parley/protocol/json_writer.hpp"

namespace parley::relay {

namespace {

using nlohmann::json;

json party(const protocol::Party& p) { return json{{"role", p.role}, {"id", p.id}, {"name", p.name}}; }

WebhookNotice notice(const char* type, const json& data) { return {type, data.dump()}; }

}  // namespace

const std::vector<std::string>& webhook_event_types() {
    static const std::vector<std::string> types{
        "conversation.created", "message.created", "conversation.assigned", "conversation.transferred",
        "conversation.closed",  "csat.given",      "bot.handoff",           "bot.knowledge_gap"};
    return types;
}

bool is_webhook_event_type(std::string_view type) {
    const auto& t = webhook_event_types();
    return std::find(t.begin(), t.end(), type) != t.end();
}

bool is_knowledge_gap_reason(std::string_view reason) {
    // The house bot's (tools/parley-bot): no answer in the help centre, or not sure.
    return reason == "kb_miss" || reason == "low_confidence" || reason == "knowledge_gap";
}

WebhookNotice conversation_created(const std::string& conv, const protocol::Party& first_sender, std::int64_t ts) {
    json data{{"conversation_id", conv}, {"created_at", iso_timestamp(ts)}};
    if (first_sender.role == "visitor") data["visitor_id"] = first_sender.id;
    return notice("conversation.created", data);
}

// The one event per message, so written straight into its string (JsonWriter) rather
// than built as an nlohmann tree and dumped: the tree cost an allocation per member and
// was ~20 µs of the loop thread's time per webhook (bench/README, issue 18). The bytes
// are the same as the tree's dump(): members in the order nlohmann's std::map keeps them
// (sorted by key), strings escaped by json::write_string, dump()'s own rules — except
// that ill-formed UTF-8 becomes U+FFFD where dump() would have thrown.
WebhookNotice message_created(const protocol::Message& m) {
    std::string data = "{";
    protocol::JsonWriter w(data);
    w.str("conversation_id", m.conv);
    w.open("message");
    w.str("cid", m.cid);
    w.str("created_at", iso_timestamp(m.ts));
    w.open("from");
    w.str("id", m.from.id);
    w.str("name", m.from.name);
    w.str("role", m.from.role);
    w.end();
    if (m.meta) w.str("intent", m.meta->intent);
    w.flag("internal", m.internal);
    w.num("seq", static_cast<std::int64_t>(m.seq));
    w.str("text", m.text);
    w.end();
    w.end();
    return {"message.created", std::move(data)};
}

std::vector<WebhookNotice> notices_of_event(const ConvEvent& e) {
    const json conv{{"conversation_id", e.conv}};
    auto with = [&](json extra) {
        json d = conv;
        d.update(extra);
        return d;
    };
    if (e.kind == "assigned")
        return {notice("conversation.assigned", with({{"agent_id", e.agent}, {"team", e.team}, {"reason", e.detail}}))};
    if (e.kind == "transferred")
        return {notice("conversation.transferred",
                       with({{"to_agent_id", e.agent}, {"to_team", e.team}, {"from_agent_id", e.detail}}))};
    if (e.kind == "closed")
        return {notice("conversation.closed", with({{"agent_id", e.agent}, {"closed_by", e.detail}}))};
    if (e.kind == "csat") {
        int score = 0;  // the Hub writes the score it checked (1-5)
        std::from_chars(e.detail.data(), e.detail.data() + e.detail.size(), score);
        return {notice("csat.given", with({{"score", score}, {"agent_id", e.agent}, {"team", e.team}}))};
    }
    if (e.kind == "handoff") {
        std::vector<WebhookNotice> out{notice("bot.handoff", with({{"reason", e.detail}, {"team", e.team}}))};
        if (is_knowledge_gap_reason(e.detail)) out.push_back(notice("bot.knowledge_gap", with({{"reason", e.detail}})));
        return out;
    }
    return {};
}

std::string iso_timestamp(std::int64_t ms) {
    const std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
    return buf;
}

std::string webhook_body(const WebhookNotice& n, std::int64_t ts_ms) {
    return "{\"type\":" + json(n.type).dump() + ",\"timestamp\":\"" + iso_timestamp(ts_ms) + "\",\"data\":" + n.data +
           "}";
}

}  // namespace parley::relay
