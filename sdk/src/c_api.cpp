// The C API: a parley::session::Client behind an opaque handle, with JSON in and out
// so one narrow surface serves the Wasm glue and native embedders alike.
#include "parley/c_api.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

#include "parley/core/visitor_only.hpp"
#include "parley/json/parse.hpp"
#include "parley/json/value.hpp"
#include "parley/session/client.hpp"
#include "parley/session/json_actions.hpp"

using json = parley::json::Value;
using parley::Error;
using parley::kVisitorOnly;
using parley::Status;
using parley::protocol::ErrorCode;
using parley::session::Client;
using parley::session::Config;

struct parley_client {
    Client client;
    std::string outgoing;  // the last take_outgoing() answer
    std::string events;    // the last take_events() answer
};

namespace {

constexpr int kOk = 0;
constexpr int kBadField = static_cast<int>(ErrorCode::bad_field);
constexpr int kForbidden = static_cast<int>(ErrorCode::forbidden);

// A `parts` array whose every member is a `file` part (issue 17): the one kind a
// visitor sends (docs/attachments.md). The relay checks the files themselves.
bool only_file_parts(const json* parts) {
    if (!parts || !parts->is_array() || parts->size() == 0) return false;
    for (const json& p : parts->elements()) {
        const json* kind = p.is_object() ? p.find("kind") : nullptr;
        if (!kind || !kind->is_string() || kind->as_string() != "file") return false;
    }
    return true;
}

// The actions of agents and bots only. The visitor build (core/visitor_only.hpp) answers
// each with 2004 forbidden, as the relay answers a visitor's frame of that kind, and
// sends nothing.
const char* const kAgentActions[] = {"stream", "cancel_stream", "note",     "transfer", "close",  "reopen",
                                     "handoff", "handback",     "logout",   "sessions", "audit",
                                     "search", "context", "canned"};

int code_of(const Status& s) { return s ? kOk : static_cast<int>(s.error().code); }

// Host clocks arrive as doubles (JavaScript numbers); NaN and infinities become 0 and
// the extremes, so no cast is undefined.
std::int64_t to_ms(double ms) {
    if (std::isnan(ms)) return 0;
    if (ms >= 9.2e18) return std::numeric_limits<std::int64_t>::max();
    if (ms <= -9.2e18) return std::numeric_limits<std::int64_t>::min();
    return static_cast<std::int64_t>(ms);
}

// The document, or null when there is none or it is not JSON (every caller then wants
// an object, so a null answers "invalid" as well).
json parse(const char* text) {
    if (!text) return json();
    std::optional<json> doc = parley::json::parse(text);
    return doc ? std::move(*doc) : json();
}

// Typed lookups that never throw: false when present with the wrong type.
// A repeated key counts once, with its last value (json::Value::find).
bool get_string(const json& o, const char* key, std::optional<std::string>& out) {
    const json* v = o.find(key);
    if (!v || v->is_null()) return true;
    if (!v->is_string()) return false;
    out = v->as_string();
    return true;
}
bool get_int(const json& o, const char* key, std::optional<std::int64_t>& out) {
    const json* v = o.find(key);
    if (!v || v->is_null()) return true;
    if (v->is_unsigned()) {
        const auto u = v->as_unsigned();
        if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return false;
        out = static_cast<std::int64_t>(u);
        return true;
    }
    if (!v->is_integer()) return false;
    out = v->as_int();
    return true;
}

// Any JSON number is a usable seed: integers as themselves, floats by their bits.
std::uint64_t seed_of(const json& v) {
    if (v.is_integer()) return v.as_unsigned();  // negative ones wrap
    if (v.is_float()) {
        const double d = v.as_double();
        std::uint64_t bits = 0;
        std::memcpy(&bits, &d, sizeof bits);
        return bits;
    }
    return 0;
}

// {"user_id","email","attributes":{k:v},"user_hash","identity_token"} (issue 17).
bool read_identity(const json& j, parley::session::Identity& i) {
    if (!j.is_object() || !get_string(j, "user_id", i.user_id) || !get_string(j, "email", i.email) ||
        !get_string(j, "user_hash", i.user_hash) || !get_string(j, "identity_token", i.identity_token))
        return false;
    if (const json* a = j.find("attributes"); a && !a->is_null()) {
        if (!a->is_object()) return false;
        for (const auto& [k, v] : a->members()) {
            if (!v.is_string()) return false;
            i.attributes.emplace_back(k, v.as_string());
        }
    }
    return true;
}

bool read_config(const json& j, Config& c) {
    if (!j.is_object()) return false;
    std::optional<std::string> role, instance;
    if (!get_string(j, "role", role) || !get_string(j, "instance", instance) || !role || !instance)
        return false;
    c.role = *role;
    c.instance = *instance;
    if (!get_string(j, "token", c.token) || !get_string(j, "name", c.name) ||
        !get_string(j, "page", c.page) || !get_string(j, "title", c.title))
        return false;
    // Agents' and bots' credentials (the visitor build refuses those roles in validate()).
    if (!kVisitorOnly && (!get_string(j, "email", c.email) || !get_string(j, "password", c.password) ||
                          !get_string(j, "key", c.key)))  // bots (issue 16)
        return false;
    if (const json* identity = j.find("identity"); identity && !identity->is_null()) {
        c.identity.emplace();
        if (!read_identity(*identity, *c.identity)) return false;
    }
    if (const json* seed = j.find("seed")) c.seed = seed_of(*seed);
    if (const json* known = j.find("known"); known && !known->is_null()) {
        if (!known->is_object()) return false;
        for (const auto& [conv, seq] : known->members()) {
            if (known->find(conv) != &seq) continue;  // repeated: the last one counts
            if (!seq.is_integer()) return false;
            c.known[conv] = seq.as_int();
        }
    }
    if (const json* outbox = j.find("outbox"); outbox && !outbox->is_null()) {
        if (!outbox->is_array()) return false;
        for (const auto& e : outbox->elements()) {
            if (!e.is_object()) return false;
            std::optional<std::string> conv, cid, text;
            if (!get_string(e, "conv", conv) || !get_string(e, "cid", cid) ||
                !get_string(e, "text", text) || !cid || !text)
                return false;
            parley::session::OutboxEntry entry{conv.value_or(""), *cid, *text};
            // Issue 16: a rich message's parts and a visitor's reply, as `queued` gave them.
            if (const json* parts = e.find("parts"); parts && !parts->is_null()) {
                if (!parts->is_array()) return false;
                entry.parts = parts->dump();
            }
            if (const json* reply = e.find("reply"); reply && !reply->is_null()) {
                std::optional<std::string> option, form;
                std::optional<std::int64_t> to;
                if (!reply->is_object() || !get_int(*reply, "to", to) || !to ||
                    !get_string(*reply, "option", option) || !get_string(*reply, "form", form))
                    return false;
                parley::protocol::Reply r{*to, option.value_or(""), form.value_or(""), {}};
                if (const json* values = reply->find("values"); values && !values->is_null()) {
                    if (!values->is_object()) return false;
                    for (const auto& [name, value] : values->members()) {
                        if (!value.is_string()) return false;
                        r.values.emplace_back(name, value.as_string());
                    }
                }
                entry.reply = std::move(r);
            }
            c.outbox.push_back(std::move(entry));
        }
    }
    const std::pair<const char*, std::int64_t*> durations[] = {
        {"backoff_base_ms", &c.backoff_base_ms},
        {"backoff_cap_ms", &c.backoff_cap_ms},
        {"typing_throttle_ms", &c.typing_throttle_ms},
        {"typing_expiry_ms", &c.typing_expiry_ms},
        {"heartbeat_interval_ms", &c.heartbeat_interval_ms},
        {"heartbeat_timeout_ms", &c.heartbeat_timeout_ms},
    };
    for (const auto& [key, field] : durations) {
        std::optional<std::int64_t> v;
        if (!get_int(j, key, v)) return false;
        if (v) *field = *v;
    }
    return !parley::session::validate(c);
}

int act(Client& client, const json& a, std::int64_t now) {
    if (!a.is_object()) return kBadField;
    std::optional<std::string> what, conv, text, status;
    if (!get_string(a, "do", what) || !what) return kBadField;
    if (!get_string(a, "conv", conv) || !get_string(a, "text", text) ||
        !get_string(a, "status", status))
        return kBadField;
    std::optional<std::int64_t> seq, before, limit;
    if (!get_int(a, "seq", seq) || !get_int(a, "before", before) || !get_int(a, "limit", limit))
        return kBadField;
    const std::string c = conv.value_or("");

    if (*what == "send") {
        if (!text) return static_cast<int>(ErrorCode::missing_field);
        // Rich messages (issue 16): `parts` (a JSON array) and/or the `cid` of the
        // stream this send finalises.
        std::optional<std::string> cid;
        if (!get_string(a, "cid", cid)) return kBadField;
        const json* parts = a.find("parts");
        if ((parts && !parts->is_null()) || cid) {
            if (parts && !parts->is_null() && !parts->is_array()) return kBadField;
            // Parts and streams are agents' and bots', but for a visitor's files (issue 17:
            // `file` parts only, docs/attachments.md).
            if (kVisitorOnly && (cid || !only_file_parts(parts))) return kForbidden;
            auto r = client.send_rich(c, *text, parts && parts->is_array() ? parts->dump() : "", cid.value_or(""), now);
            return r ? kOk : static_cast<int>(r.error().code);
        }
        auto r = client.send(c, *text, now);
        return r ? kOk : static_cast<int>(r.error().code);
    }
    // A visitor's answer (issue 16): reply {conv, text, to, option} or
    // {conv, text, to, form, values: {name: value}}.
    if (*what == "reply") {
        std::optional<std::string> option, form;
        std::optional<std::int64_t> to;
        if (!get_string(a, "option", option) || !get_string(a, "form", form) || !get_int(a, "to", to))
            return kBadField;
        if (!text || !to) return static_cast<int>(ErrorCode::missing_field);
        parley::protocol::Reply reply{*to, option.value_or(""), form.value_or(""), {}};
        if (const json* values = a.find("values"); values && !values->is_null()) {
            if (!values->is_object()) return kBadField;
            for (const auto& [name, value] : values->members()) {
                if (!value.is_string()) return kBadField;
                reply.values.emplace_back(name, value.as_string());
            }
        }
        auto r = client.reply(c, *text, std::move(reply), now);
        return r ? kOk : static_cast<int>(r.error().code);
    }
    if (*what == "typing") {
        const json* on = a.find("on");
        if (!on || !on->is_bool()) return kBadField;
        return code_of(client.typing(c, on->as_bool(), now));
    }
    if (*what == "read") {
        if (!seq) return static_cast<int>(ErrorCode::missing_field);
        return code_of(client.read(c, *seq, now));
    }
    if (*what == "history") {
        const std::int64_t n = limit.value_or(parley::protocol::kDefaultHistoryLimit);
        if (n < 1 || n > parley::protocol::kMaxHistoryLimit) return kBadField;
        return code_of(client.history(c, before, static_cast<int>(n), now));
    }
    if (*what == "presence") {
        if (!status) return static_cast<int>(ErrorCode::missing_field);
        return code_of(client.presence(*status, now));
    }
    if (*what == "connect") {
        client.connect(now);
        return kOk;
    }
    if (*what == "disconnect") {
        client.disconnect(now);
        return kOk;
    }
    // Issue 17, CSAT (visitors): rate {conv, score: 1–5, comment?}.
    if (*what == "rate") {
        std::optional<std::int64_t> score;
        std::optional<std::string> comment;
        if (!get_int(a, "score", score) || !get_string(a, "comment", comment)) return kBadField;
        if (!score) return static_cast<int>(ErrorCode::missing_field);
        if (*score < 1 || *score > 5) return kBadField;
        return code_of(client.rate(c, static_cast<int>(*score), comment.value_or(""), now));
    }
    // Issue 17: navigate {url, title?} (visitors: the host page changed).
    if (*what == "navigate") {
        std::optional<std::string> url, title;
        if (!get_string(a, "url", url) || !get_string(a, "title", title)) return kBadField;
        if (!url) return static_cast<int>(ErrorCode::missing_field);
        return code_of(client.navigate(*url, title.value_or(""), now));
    }
    // Issue 17, pre-chat form and contact capture (visitors): prechat {conv, values:
    // {name: value}, offline?}.
    if (*what == "prechat") {
        const json* values = a.find("values");
        const json* offline = a.find("offline");
        if (!values || !values->is_object() || (offline && !offline->is_null() && !offline->is_bool()))
            return kBadField;
        parley::protocol::Prechat f{c, {}, offline && offline->is_bool() && offline->as_bool()};
        for (const auto& [name, value] : values->members()) {
            if (!value.is_string()) return kBadField;
            f.values.emplace_back(name, value.as_string());
        }
        return code_of(client.prechat(std::move(f), now));
    }
    // Issue 17: identify {identity: {user_id, email, attributes, user_hash | identity_token}}
    // or {identity: null} (nobody).
    if (*what == "identify") {
        const json* given = a.find("identity");
        std::optional<parley::session::Identity> identity;
        if (given && !given->is_null()) {
            identity.emplace();
            if (!read_identity(*given, *identity)) return kBadField;
        }
        return code_of(client.identify(std::move(identity), now));
    }
    // The rest are agents' and bots': not in the visitor build.
    if (kVisitorOnly) {
        for (const char* name : kAgentActions)
            if (*what == name) return kForbidden;
        return kBadField;
    }
    // Streaming (issue 16, agents and bots): stream {conv, cid, delta}, cancel_stream
    // {conv, cid}. The caller names the cid: it finalises with send {conv, cid, text}.
    if (*what == "stream" || *what == "cancel_stream") {
        std::optional<std::string> cid, delta;
        if (!get_string(a, "cid", cid) || !get_string(a, "delta", delta)) return kBadField;
        if (!cid) return static_cast<int>(ErrorCode::missing_field);
        if (*what == "cancel_stream") return code_of(client.cancel_stream(c, *cid, now));
        if (!delta) return static_cast<int>(ErrorCode::missing_field);
        auto r = client.stream(c, *cid, *delta, now);
        return r ? kOk : static_cast<int>(r.error().code);
    }
    // Routing actions (P4, agents): note {conv,text}, transfer {conv, to_agent|to_team,
    // note}, close {conv}, reopen {conv}.
    if (*what == "note") {
        if (!text) return static_cast<int>(ErrorCode::missing_field);
        return code_of(client.note(c, *text, now));
    }
    if (*what == "transfer") {
        std::optional<std::string> to_agent, to_team, note;
        if (!get_string(a, "to_agent", to_agent) || !get_string(a, "to_team", to_team) ||
            !get_string(a, "note", note))
            return kBadField;
        return code_of(client.transfer(c, to_agent, to_team, note.value_or(""), now));
    }
    if (*what == "close" || *what == "reopen")
        return code_of(client.close_conversation(c, *what == "reopen", now));
    // Bots (issue 16): handoff {conv, reason, summary?, team?} (bots), handback {conv}
    // (agents).
    if (*what == "handoff") {
        std::optional<std::string> reason, summary, team;
        if (!get_string(a, "reason", reason) || !get_string(a, "summary", summary) || !get_string(a, "team", team))
            return kBadField;
        if (!reason) return static_cast<int>(ErrorCode::missing_field);
        return code_of(client.handoff(c, *reason, summary.value_or(""), team, now));
    }
    if (*what == "handback") return code_of(client.handback(c, now));
    // Sessions (agents): logout {all?, session?}, sessions {}.
    if (*what == "logout") {
        std::optional<std::string> session;
        if (!get_string(a, "session", session)) return kBadField;
        const json* all = a.find("all");
        if (all && !all->is_null() && !all->is_bool()) return kBadField;
        return code_of(client.logout(all && all->is_bool() && all->as_bool(), session, now));
    }
    if (*what == "sessions") return code_of(client.list_sessions(now));
    // Supervisors: audit {before?, limit?}.
    if (*what == "audit") return code_of(client.audit(before, limit.value_or(50), now));
    // Issue 17, agents: search {q?, status: open|closed, cursor?, limit?}.
    if (*what == "search") {
        std::optional<std::string> q, cursor;
        if (!get_string(a, "q", q) || !get_string(a, "cursor", cursor)) return kBadField;
        return code_of(client.search(q.value_or(""), status.value_or("closed"), cursor.value_or(""),
                                     limit.value_or(20), now));
    }
    // Issue 17 (agents): context {conv}; canned {op, id?, scope?, team?, shortcut?, text?}.
    if (*what == "context") return code_of(client.context(c, now));
    if (*what == "canned") {
        parley::protocol::CannedOp op;
        std::optional<std::string> v[6];
        const char* keys[6] = {"op", "id", "scope", "team", "shortcut", "text"};
        for (int i = 0; i < 6; ++i)
            if (!get_string(a, keys[i], v[i])) return kBadField;
        std::string* out[6] = {&op.op, &op.id, &op.scope, &op.team, &op.shortcut, &op.text};
        for (int i = 0; i < 6; ++i) *out[i] = v[i].value_or("");
        return code_of(client.canned(op, now));
    }
    return kBadField;
}

}  // namespace

extern "C" {

parley_client* parley_client_new(const char* config_json) {
    Config config;
    if (!read_config(parse(config_json), config)) return nullptr;
    return new parley_client{Client(std::move(config)), {}, {}};
}

void parley_client_free(parley_client* client) { delete client; }

int parley_client_opened(parley_client* client, double now_ms) {
    if (!client) return kBadField;
    client->client.opened(to_ms(now_ms));
    return kOk;
}

int parley_client_closed(parley_client* client, int close_code, double now_ms) {
    if (!client) return kBadField;
    client->client.closed(close_code, to_ms(now_ms));
    return kOk;
}

int parley_client_receive(parley_client* client, const char* frame, double now_ms) {
    if (!client || !frame) return kBadField;
    return code_of(client->client.receive(frame, to_ms(now_ms)));
}

int parley_client_tick(parley_client* client, double now_ms) {
    if (!client) return kBadField;
    client->client.tick(to_ms(now_ms));
    return kOk;
}

int parley_client_act(parley_client* client, const char* action_json, double now_ms) {
    if (!client) return kBadField;
    return act(client->client, parse(action_json), to_ms(now_ms));
}

const char* parley_client_take_outgoing(parley_client* client) {
    if (!client) return "[]";
    std::string out = "[";
    for (const auto& f : client->client.take_outgoing()) {
        if (out.size() > 1) out += ',';
        parley::json::write_string(out, f);  // invalid UTF-8 → U+FFFD
    }
    out += ']';
    client->outgoing = std::move(out);
    return client->outgoing.c_str();
}

const char* parley_client_take_events(parley_client* client) {
    if (!client) return "[]";
    client->events = parley::session::events_json(client->client.take_events());
    return client->events.c_str();
}

double parley_client_next_deadline(parley_client* client) {
    if (!client) return -1;
    auto at = client->client.next_deadline();
    return at ? static_cast<double>(*at) : -1.0;
}

}  // extern "C"

// The same JSON surface for the native transport's C API (json_actions.hpp).
namespace parley::session {

bool config_from_json(const char* config_json, Config& out) { return ::read_config(::parse(config_json), out); }

int act_from_json(Client& client, const char* action_json, std::int64_t now_ms) {
    return ::act(client, ::parse(action_json), now_ms);
}

std::string events_json(const std::vector<Event>& events) {
    std::string out = "[";
    for (const auto& e : events) {
        if (out.size() > 1) out += ',';
        out += event_json(e);
    }
    out += ']';
    return out;
}

}  // namespace parley::session
