#include "api/api_admin_json.hpp"

#include "auth/bot_keys.hpp"

namespace parley::relay::api {

namespace {
json::Value strings(const std::vector<std::string>& v) {
    json::Value out = json::Value::array();
    for (const std::string& s : v) out.push_back(s);
    return out;
}
json::Value num(std::int64_t n) { return json::Value(static_cast<long long>(n)); }
}  // namespace

json::Value agent_json(const Agent& a, const std::string& status) {
    json::Value v = json::Value::object();
    v["id"] = a.id;
    v["email"] = a.email;
    v["name"] = a.name;
    v["teams"] = strings(a.teams);
    v["skills"] = strings(a.skills);
    v["preferred"] = a.preferred;
    v["max_load"] = a.max_load;
    v["supervisor"] = a.supervisor;
    v["disabled"] = a.disabled;
    v["status"] = status;
    v["created"] = num(a.created);
    return v;
}

json::Value team_json(const Hub::TeamView& t) {
    json::Value v = json::Value::object();
    v["name"] = t.name;
    json::Value members = json::Value::array();
    for (const Hub::TeamMember& m : t.members) {
        json::Value one = json::Value::object();
        one["id"] = m.id;
        one["name"] = m.name;
        one["status"] = m.status;
        one["load"] = m.load;
        members.push_back(std::move(one));
    }
    v["members"] = std::move(members);
    v["online"] = t.online;
    v["queue_length"] = t.queue_length;
    v["queued"] = strings(t.queued);
    return v;
}

json::Value canned_json(const protocol::CannedResponse& c) {
    json::Value v = json::Value::object();
    v["id"] = c.id;
    v["scope"] = c.scope;
    v["team"] = c.team;
    v["shortcut"] = c.shortcut;
    v["text"] = c.text;
    v["updated"] = num(c.updated);
    return v;
}

json::Value bot_key_json(const BotKey& k) {
    json::Value v = json::Value::object();
    v["name"] = k.name;
    v["display_name"] = k.display_name;
    v["party_id"] = bot_party_id(k.name);
    v["created"] = num(k.created);
    v["last_used"] = k.last_used ? num(k.last_used) : json::Value();
    return v;
}

json::Value api_key_json(const ApiKey& k) {
    json::Value v = json::Value::object();
    v["id"] = k.id;
    v["name"] = k.name;
    v["scope"] = scope_name(k.scope);
    v["created"] = num(k.created);
    v["revoked"] = k.revoked ? num(k.revoked) : json::Value();
    return v;
}

}  // namespace parley::relay::api
