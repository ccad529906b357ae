#include "api/api_json.hpp"

#include "parley/json/parse.hpp"

namespace parley::relay::api {

namespace {
json::Value party_json(const protocol::Party& p) {
    json::Value v = json::Value::object();
    v["role"] = p.role;
    v["id"] = p.id;
    v["name"] = p.name;
    return v;
}
json::Value num(std::int64_t n) { return json::Value(static_cast<long long>(n)); }
json::Value durations_json(const reports::Durations& d) {
    json::Value v = json::Value::object();
    v["count"] = static_cast<unsigned long long>(d.count);
    v["median_s"] = d.median_s;
    v["p90_s"] = d.p90_s;
    return v;
}
}  // namespace

json::Value conversation_json(const protocol::ConvSummary& s) {
    json::Value v = json::Value::object();
    v["id"] = s.conv;
    v["visitor"] = party_json(s.visitor);
    v["status"] = s.status;
    v["state"] = s.state;  // "" when the relay does not route it (yet)
    v["agent"] = s.agent;
    v["team"] = s.team;
    v["previous_agent"] = s.previous_agent;
    v["awaiting"] = s.awaiting;
    v["intent"] = s.intent;
    v["last_seq"] = num(s.last_seq);
    v["last_text"] = s.last_text;
    v["updated"] = num(s.updated);
    return v;
}

json::Value message_json(const protocol::Message& m) {
    json::Value v = json::Value::object();
    v["seq"] = num(m.seq);
    v["cid"] = m.cid;
    v["ts"] = num(m.ts);
    v["from"] = party_json(m.from);
    v["text"] = m.text;
    v["internal"] = m.internal;
    if (m.meta) v["intent"] = m.meta->intent;
    if (!m.parts.empty())
        if (auto parts = json::parse(m.parts)) v["parts"] = std::move(*parts);
    return v;
}

json::Value contact_json(const Visitor& visitor, const std::optional<protocol::Contact>& contact) {
    json::Value v = json::Value::object();
    v["id"] = visitor.id;
    v["name"] = visitor.name;
    v["created"] = num(visitor.created);
    if (!contact) {
        v["contact"] = nullptr;
        return v;
    }
    json::Value c = json::Value::object();
    c["user_id"] = contact->user_id;
    c["email"] = contact->email;
    c["name"] = contact->name;
    c["verified"] = contact->verified;
    c["email_verified"] = contact->email_verified;
    json::Value attributes = json::Value::object();
    for (const auto& [name, value] : contact->attributes) attributes[name] = value;
    c["attributes"] = std::move(attributes);
    v["contact"] = std::move(c);
    return v;
}

json::Value report_row_json(const reports::ReportRow& r) {
    json::Value v = json::Value::object();
    v["key"] = r.key;
    v["conversations"] = static_cast<unsigned long long>(r.conversations);
    v["with_bot"] = static_cast<unsigned long long>(r.with_bot);
    v["contained"] = static_cast<unsigned long long>(r.contained);
    v["escalated"] = static_cast<unsigned long long>(r.escalated);
    v["reached_humans"] = static_cast<unsigned long long>(r.reached_humans);
    v["closed"] = static_cast<unsigned long long>(r.closed);
    v["reopened"] = static_cast<unsigned long long>(r.reopened);
    v["abandoned"] = static_cast<unsigned long long>(r.abandoned);
    v["bot_containment"] = r.containment();
    v["escalation_rate"] = r.escalation();
    v["reopen_rate"] = r.reopen_rate();
    v["first_bot_reply"] = durations_json(r.first_bot_reply);
    v["first_response"] = durations_json(r.first_response);
    v["queue_wait"] = durations_json(r.queue_wait);
    v["resolution"] = durations_json(r.resolution);
    v["csat_responses"] = static_cast<unsigned long long>(r.csat_responses);
    v["csat_average"] = r.csat_average();
    v["csat_satisfied"] = r.csat_satisfied_share();
    if (r.agents) {  // only where the grouping has agents' time (reports/agent_time.hpp)
        v["agents_online_s"] = static_cast<double>(r.agents->online_ms) / 1000.0;
        v["agents_handling_s"] = static_cast<double>(r.agents->handling_ms) / 1000.0;
        v["agents_idle_s"] = static_cast<double>(r.agents->idle_ms) / 1000.0;
        v["conversations_handled"] = static_cast<unsigned long long>(r.agents->handled);
        v["conversations_per_agent_hour"] = r.agents->per_agent_hour();
        v["occupancy"] = r.agents->occupancy();
    }
    return v;
}

}  // namespace parley::relay::api
