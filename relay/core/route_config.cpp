#include "core/route_config.hpp"

#include <nlohmann/json.hpp>

namespace parley::relay {

namespace {

using json = nlohmann::json;

// Reads optional fields of one object, keeping the first problem (no exceptions: every
// JSON type is checked before it is read).
struct Reader {
    const json& obj;
    std::string error;

    const json* at(const char* key) {
        auto it = obj.find(key);
        return it == obj.end() || it->is_null() ? nullptr : &*it;
    }
    void millis(const char* key, route::Millis& out) {
        const json* v = at(key);
        if (!v) return;
        if (!v->is_number_integer() || v->get<long long>() < 0) return fail(key);
        out = v->get<long long>();
    }
    void number(const char* key, double& out) {
        const json* v = at(key);
        if (!v) return;
        if (!v->is_number() || v->get<double>() < 0) return fail(key);
        out = v->get<double>();
    }
    void text(const char* key, std::string& out) {
        const json* v = at(key);
        if (!v) return;
        if (!v->is_string()) return fail(key);
        out = v->get<std::string>();
    }
    void words(const char* key, std::vector<std::string>& out) {
        const json* v = at(key);
        if (!v) return;
        if (!v->is_array()) return fail(key);
        std::vector<std::string> list;
        for (const auto& e : *v) {
            if (!e.is_string()) return fail(key);
            list.push_back(e.get<std::string>());
        }
        out = std::move(list);
    }
    void fail(const char* key) {
        if (error.empty()) error = std::string("bad field: ") + key;
    }
};

}  // namespace

route::RouterConfig default_route_config() {
    route::RouterConfig c;
    c.default_team = "general";
    c.rules.push_back(route::TeamRule{"billing", "", "billing", {}});
    c.rules.push_back(route::TeamRule{"refund", "", "billing", {}});
    c.rules.push_back(route::TeamRule{"", "/billing", "billing", {}});
    return c;
}

Result<route::RouterConfig> parse_route_config(std::string_view text, route::RouterConfig c) {
    const json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded() || !doc.is_object())
        return Error{protocol::ErrorCode::bad_json, "the routing configuration is not a JSON object", {}};
    Reader r{doc, {}};
    r.millis("inactive_after_ms", c.inactive_after_ms);
    r.millis("away_grace_ms", c.away_grace_ms);
    r.millis("offline_grace_ms", c.offline_grace_ms);
    r.millis("initial_hold_ms", c.initial_hold_ms);
    r.text("default_team", c.default_team);
    if (const json* p = r.at("priority")) {
        if (!p->is_object()) {
            r.fail("priority");
        } else {
            Reader w{*p, {}};
            w.number("w_wait", c.priority.wait_per_minute);
            w.number("w_engaged", c.priority.engaged);
            w.millis("gap_floor_ms", c.priority.gap_floor_ms);
            w.millis("default_gap_ms", c.priority.default_gap_ms);
            w.number("gap_alpha", c.priority.gap_alpha);
            if (!w.error.empty()) r.fail(("priority." + w.error.substr(11)).c_str());
        }
    }
    r.words("closing_prompts", c.workflow.closing_prompts);
    r.words("closing_replies", c.workflow.closing_replies);
    r.words("acknowledgements", c.workflow.acknowledgements);
    r.millis("ack_window_ms", c.workflow.ack_window_ms);
    if (const json* rules = r.at("rules")) {
        if (!rules->is_array()) {
            r.fail("rules");
        } else {
            c.rules.clear();
            for (const auto& e : *rules) {
                if (!e.is_object()) {
                    r.fail("rules");
                    break;
                }
                Reader one{e, {}};
                route::TeamRule rule;
                one.text("intent", rule.intent);
                one.text("page_contains", rule.page_contains);
                one.text("team", rule.team);
                one.words("skills", rule.skills);
                if (!one.error.empty() || rule.team.empty()) {
                    r.fail("rules");
                    break;
                }
                c.rules.push_back(std::move(rule));
            }
        }
    }
    if (!r.error.empty()) return Error{protocol::ErrorCode::bad_field, r.error, {}};
    return c;
}

}  // namespace parley::relay
