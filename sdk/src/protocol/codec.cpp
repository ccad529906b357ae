// Frame codec for protocol v1.
//
// Decoding runs the rules of docs/protocol.md in a fixed order and reports the first
// one broken: size, nesting depth, JSON syntax, object-ness, `v`, `type`, then the
// fields of that type in the order the spec lists them. Nothing here throws, and every
// value's JSON type is checked before it is read (parley/json/value.hpp).
#include "parley/protocol/codec.hpp"

#include <cstdint>
#include <iterator>
#include <limits>
#include <utility>


#include "parley/json/parse.hpp"
#include "parley/json/value.hpp"
#include "parley/protocol/rules.hpp"

namespace parley::protocol {

namespace {

// Objects keep insertion order, so every encoded frame starts with "v" and "type":
// easier to read in logs and golden transcripts.
using json = parley::json::Value;
using ojson = parley::json::Value;

// ---- depth ----------------------------------------------------------------------
// The parser, dump and destructor recurse, so a frame of 64 KiB of '[' must be refused
// before it is parsed (the protocol's own limit is 16). A linear scan that skips string
// contents (and their escapes) counts brackets; malformed input is left to the parser.
bool deeper_than(std::string_view text, int limit) {
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') ++i;  // skip the escaped character, whatever it is
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > limit) return true;
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
    return false;
}

// ---- field reader ---------------------------------------------------------------
// Reads the fields of one JSON object and keeps the first rule broken. Every reader
// is a no-op once an error is recorded, so a decoder reads as the list of its fields.
// `null` counts as absent: JavaScript senders write `undefined` optionals as null.
class Fields {
public:
    Fields(const json& obj, std::string prefix = {}) : obj_(obj), prefix_(std::move(prefix)) {}

    bool failed() const { return error_.has_value(); }
    std::optional<Error>& error() { return error_; }

    void fail(ErrorCode code, const char* key) {
        if (failed()) return;
        const char* what = code == ErrorCode::missing_field ? "missing field: "
                           : code == ErrorCode::text_too_long ? "too long: "
                                                               : "bad field: ";
        error_ = Error{code, what + prefix_ + key, {}};
    }

    // The value at `key`, or null when absent (recording missing_field if required).
    const json* find(const char* key, bool required) {
        if (failed()) return nullptr;
        const json* v = obj_.find(key);
        if (!v || v->is_null()) {
            if (required) fail(ErrorCode::missing_field, key);
            return nullptr;
        }
        return v;
    }

    void string(const char* key, std::string& out) {
        if (const json* v = find(key, true)) take_string(key, *v, out);
    }
    void opt_string(const char* key, std::optional<std::string>& out) {
        if (const json* v = find(key, false)) {
            std::string s;
            if (take_string(key, *v, s)) out = std::move(s);
        }
    }
    void conv(const char* key, std::string& out) {
        string(key, out);
        if (!failed() && !is_conv_id(out)) fail(ErrorCode::bad_field, key);
    }
    void opt_conv(const char* key, std::optional<std::string>& out) {
        opt_string(key, out);
        if (!failed() && out && !is_conv_id(*out)) fail(ErrorCode::bad_field, key);
    }
    void cid(const char* key, std::string& out) {
        string(key, out);
        if (!failed() && !is_cid(out)) fail(ErrorCode::bad_field, key);
    }
    void text(const char* key, std::string& out) {
        string(key, out);
        if (failed()) return;
        if (auto problem = text_problem(out)) fail(*problem, key);
    }
    void name(const char* key, std::optional<std::string>& out) {
        opt_string(key, out);
        if (failed() || !out) return;
        if (auto problem = name_problem(*out)) fail(*problem, key);
    }
    void one_of(const char* key, std::string& out, bool (*valid)(std::string_view)) {
        string(key, out);
        if (!failed() && !valid(out)) fail(ErrorCode::bad_field, key);
    }
    void boolean(const char* key, bool& out, bool required = true) {
        const json* v = find(key, required);
        if (!v) return;
        if (!v->is_bool()) return fail(ErrorCode::bad_field, key);
        out = v->as_bool();
    }
    // An integer in [min, max]. Floats (even 1.0), and numbers beyond int64, are
    // refused: the parser reads those as a double or an unsigned beyond int64.
    void integer(const char* key, std::int64_t& out, std::int64_t min = 0,
                 std::int64_t max = std::numeric_limits<std::int64_t>::max(),
                 bool required = true) {
        const json* v = find(key, required);
        if (!v) return;
        std::int64_t n = 0;
        if (v->is_unsigned()) {
            const auto u = v->as_unsigned();
            if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
                return fail(ErrorCode::bad_field, key);
            n = static_cast<std::int64_t>(u);
        } else if (v->is_integer()) {
            n = v->as_int();
        } else {
            return fail(ErrorCode::bad_field, key);
        }
        if (n < min || n > max) return fail(ErrorCode::bad_field, key);
        out = n;
    }
    void opt_integer(const char* key, std::optional<std::int64_t>& out, std::int64_t min = 0) {
        if (!find(key, false)) return;
        std::int64_t n = 0;
        integer(key, n, min);
        if (!failed()) out = n;
    }
    // A nested object, read by `read(Fields&)` with a dotted prefix for messages.
    template <class F>
    void object(const char* key, F&& read, bool required = true) {
        const json* v = find(key, required);
        if (!v) return;
        nested(key, *v, std::forward<F>(read));
    }
    template <class F>
    void nested(const std::string& key, const json& v, F&& read) {
        if (failed()) return;
        if (!v.is_object()) return fail(ErrorCode::bad_field, key.c_str());
        Fields inner(v, prefix_ + key + ".");
        read(inner);
        if (inner.failed()) error_ = std::move(inner.error());
    }
    // An array of strings (routing: teams, queued conversations).
    void strings(const char* key, std::vector<std::string>& out) {
        const json* v = find(key, true);
        if (!v) return;
        if (!v->is_array()) return fail(ErrorCode::bad_field, key);
        for (const auto& e : v->elements()) {
            if (!e.is_string()) return fail(ErrorCode::bad_field, key);
            out.push_back(e.as_string());
        }
    }
    // An array of objects, each read by `read(Fields&, index)`.
    template <class F>
    void array(const char* key, F&& read) {
        const json* v = find(key, true);
        if (!v) return;
        if (!v->is_array()) return fail(ErrorCode::bad_field, key);
        for (std::size_t i = 0; i < v->size() && !failed(); ++i)
            nested(std::string(key) + "[" + std::to_string(i) + "]", v->elements()[i],
                   [&](Fields& f) { read(f, i); });
    }

private:
    bool take_string(const char* key, const json& v, std::string& out) {
        if (!v.is_string()) {
            fail(ErrorCode::bad_field, key);
            return false;
        }
        out = v.as_string();
        return true;
    }

    const json& obj_;
    std::string prefix_;
    std::optional<Error> error_;
};

void read_party(Fields& f, Party& p) {
    f.one_of("role", p.role, is_party_role);
    f.string("id", p.id);
    std::optional<std::string> name;
    f.name("name", name);
    p.name = name.value_or("");
}

// Triage metadata (P5): optional, but well-formed when present.
void read_meta(Fields& f, std::optional<Meta>& out) {
    const json* v = f.find("meta", false);
    if (!v) return;
    f.nested("meta", *v, [&](Fields& g) {
        Meta m;
        g.string("intent", m.intent);
        if (const json* c = g.find("confidence", true)) {
            if (!c->is_number() || c->as_double() < 0 || c->as_double() > 1)
                return g.fail(ErrorCode::bad_field, "confidence");
            m.confidence = c->as_double();
        }
        if (const json* sig = g.find("signals", false)) {
            if (!sig->is_array() || sig->size() > kMaxMetaSignals) return g.fail(ErrorCode::bad_field, "signals");
            for (const json& e : sig->elements()) {
                if (!e.is_string()) return g.fail(ErrorCode::bad_field, "signals");
                m.signals.push_back(e.as_string());
            }
        }
        if (!g.failed()) out = std::move(m);
    });
}

// The welcome's masking policy (P7): {"client":["card",…]}, optional.
void read_mask(Fields& f, std::vector<std::string>& out) {
    const json* v = f.find("mask", false);
    if (!v) return;
    f.nested("mask", *v, [&](Fields& g) {
        const json* kinds = g.find("client", false);
        if (!kinds) return;
        if (!kinds->is_array()) return g.fail(ErrorCode::bad_field, "client");
        for (const json& e : kinds->elements()) {
            if (!e.is_string()) return g.fail(ErrorCode::bad_field, "client");
            out.push_back(e.as_string());
        }
    });
}

void read_message(Fields& f, Message& m) {
    f.conv("conv", m.conv);
    f.integer("seq", m.seq, 1);
    f.cid("cid", m.cid);
    f.integer("ts", m.ts);
    f.object("from", [&](Fields& g) { read_party(g, m.from); });
    f.text("text", m.text);
    f.boolean("internal", m.internal, /*required=*/false);
    f.opt_integer("prev", m.prev);
    read_meta(f, m.meta);
}

// Routing fields of a summary (P4): all optional.
void read_routing(Fields& f, ConvSummary& s) {
    std::optional<std::string> v;
    auto opt = [&](const char* key, std::string& out) {
        v.reset();
        f.opt_string(key, v);
        if (v) out = *v;
    };
    opt("state", s.state);
    opt("agent", s.agent);
    opt("team", s.team);
    opt("previous_agent", s.previous_agent);
    f.integer("rank", s.rank, 0, std::numeric_limits<std::int64_t>::max(), /*required=*/false);
    opt("awaiting", s.awaiting);
}

void read_summary(Fields& f, ConvSummary& s) {
    f.conv("conv", s.conv);
    f.object("visitor", [&](Fields& g) { read_party(g, s.visitor); });
    f.integer("last_seq", s.last_seq);
    f.string("last_text", s.last_text);
    f.integer("updated", s.updated);
    f.string("status", s.status);  // "open" | "closed" today; later states pass through
    read_routing(f, s);
    std::optional<std::string> intent;  // triage (P5), optional
    f.opt_string("intent", intent);
    s.intent = intent.value_or("");
}

// ---- per-type decoders ----------------------------------------------------------
// Each reads the fields of its frame in spec order. The frame is complete only if
// `f` recorded no error.

ClientFrame read_hello(Fields& f) {
    Hello h;
    f.one_of("role", h.role, is_client_role);
    f.opt_string("token", h.token);
    f.name("name", h.name);
    f.opt_string("page", h.page);
    if (!f.failed() && h.page && (h.role != "visitor" || h.page->size() > kMaxPageBytes))
        f.fail(ErrorCode::bad_field, "page");
    if (!f.failed() && h.role == "agent" && !h.token) f.fail(ErrorCode::missing_field, "token");
    return h;
}
ClientFrame read_login(Fields& f) {
    Login l;
    f.string("email", l.email);
    f.string("password", l.password);
    return l;
}
ClientFrame read_send(Fields& f) {
    Send s;
    f.conv("conv", s.conv);
    f.cid("cid", s.cid);
    f.text("text", s.text);
    return s;
}
ClientFrame read_typing(Fields& f) {
    Typing t;
    f.conv("conv", t.conv);
    f.boolean("on", t.on);
    return t;
}
ClientFrame read_read(Fields& f) {
    Read r;
    f.conv("conv", r.conv);
    f.integer("seq", r.seq);
    return r;
}
ClientFrame read_sync(Fields& f) {
    Sync s;
    f.conv("conv", s.conv);
    f.integer("after", s.after);
    return s;
}
ClientFrame read_history(Fields& f) {
    History h;
    f.conv("conv", h.conv);
    f.opt_integer("before", h.before);
    std::int64_t limit = kDefaultHistoryLimit;
    f.integer("limit", limit, 1, kMaxHistoryLimit, /*required=*/false);
    h.limit = static_cast<int>(limit);
    return h;
}
ClientFrame read_presence(Fields& f) {
    SetPresence p;
    f.one_of("status", p.status, is_presence_status);
    return p;
}
ClientFrame read_ping(Fields& f) {
    Ping p;
    f.integer("n", p.n, std::numeric_limits<std::int64_t>::min(),
              std::numeric_limits<std::int64_t>::max(), /*required=*/false);
    return p;
}

ClientFrame read_note(Fields& f) {
    Note n;
    f.conv("conv", n.conv);
    f.cid("cid", n.cid);
    f.text("text", n.text);
    return n;
}
ClientFrame read_transfer(Fields& f) {
    Transfer t;
    f.conv("conv", t.conv);
    f.opt_string("to_agent", t.to_agent);
    f.opt_string("to_team", t.to_team);
    std::optional<std::string> note;
    f.opt_string("note", note);
    if (!f.failed() && note) {
        if (note->size() > kMaxTextBytes) f.fail(ErrorCode::text_too_long, "note");
        t.note = *note;
    }
    // Exactly one target.
    if (!f.failed() && !t.to_agent && !t.to_team) f.fail(ErrorCode::missing_field, "to_agent");
    if (!f.failed() && t.to_agent && t.to_team) f.fail(ErrorCode::bad_field, "to_team");
    return t;
}
ClientFrame read_close(Fields& f) {
    CloseConv c;
    f.conv("conv", c.conv);
    return c;
}
ClientFrame read_reopen(Fields& f) {
    Reopen r;
    f.conv("conv", r.conv);
    return r;
}

RelayFrame read_welcome(Fields& f) {
    Welcome w;
    f.one_of("role", w.role, is_client_role);
    f.string("token", w.token);
    f.object("me", [&](Fields& g) { read_party(g, w.me); });
    f.opt_conv("conv", w.conv);
    f.integer("last_seq", w.last_seq, 0, std::numeric_limits<std::int64_t>::max(), false);
    read_mask(f, w.mask_client);
    return w;
}
RelayFrame read_ack(Fields& f) {
    Ack a;
    f.conv("conv", a.conv);
    f.cid("cid", a.cid);
    f.integer("seq", a.seq, 1);
    f.integer("ts", a.ts);
    return a;
}
RelayFrame read_msg(Fields& f) {
    Msg m;
    read_message(f, m.message);
    return m;
}
RelayFrame read_typing_notice(Fields& f) {
    TypingNotice t;
    f.conv("conv", t.conv);
    f.object("from", [&](Fields& g) { read_party(g, t.from); });
    f.boolean("on", t.on);
    return t;
}
RelayFrame read_read_notice(Fields& f) {
    ReadNotice r;
    f.conv("conv", r.conv);
    f.object("from", [&](Fields& g) { read_party(g, r.from); });
    f.integer("seq", r.seq);
    return r;
}
RelayFrame read_synced(Fields& f) {
    Synced s;
    f.conv("conv", s.conv);
    f.integer("last_seq", s.last_seq);
    return s;
}
RelayFrame read_page(Fields& f) {
    Page p;
    f.conv("conv", p.conv);
    f.array("msgs", [&](Fields& g, std::size_t) {
        p.msgs.emplace_back();
        read_message(g, p.msgs.back());
    });
    f.boolean("more", p.more);
    return p;
}
RelayFrame read_presence_notice(Fields& f) {
    PresenceNotice p;
    f.object("who", [&](Fields& g) { read_party(g, p.who); });
    f.one_of("status", p.status, is_presence_status);
    return p;
}
RelayFrame read_inbox(Fields& f) {
    Inbox in;
    f.array("convs", [&](Fields& g, std::size_t) {
        in.convs.emplace_back();
        read_summary(g, in.convs.back());
    });
    return in;
}
RelayFrame read_conv(Fields& f) {
    ConvUpdate c;
    read_summary(f, c.summary);
    return c;
}
RelayFrame read_pong(Fields& f) {
    Pong p;
    f.integer("n", p.n, std::numeric_limits<std::int64_t>::min(),
              std::numeric_limits<std::int64_t>::max(), /*required=*/false);
    return p;
}
RelayFrame read_queue(Fields& f) {
    QueueNotice q;
    f.conv("conv", q.conv);
    f.string("team", q.team);
    f.integer("position", q.position);
    f.integer("expected_wait_ms", q.expected_wait_ms, -1);
    return q;
}
RelayFrame read_supervisor(Fields& f) {
    SupervisorBoard b;
    f.array("agents", [&](Fields& g, std::size_t) {
        b.agents.emplace_back();
        AgentLoad& a = b.agents.back();
        g.object("agent", [&](Fields& h) { read_party(h, a.agent); });
        g.one_of("status", a.status, is_presence_status);
        g.strings("teams", a.teams);
        g.integer("load", a.load);
        g.integer("inactive", a.inactive);
        g.integer("preferred", a.preferred);
        g.integer("max", a.max_load);
    });
    f.array("queues", [&](Fields& g, std::size_t) {
        b.queues.emplace_back();
        TeamQueue& q = b.queues.back();
        g.string("team", q.team);
        g.strings("convs", q.convs);
        q.length = -1;
        g.integer("length", q.length, 0, std::numeric_limits<std::int64_t>::max(), /*required=*/false);
        if (q.length == -1) q.length = static_cast<std::int64_t>(q.convs.size());  // absent: the list is whole
        else if (q.length < static_cast<std::int64_t>(q.convs.size())) g.fail(ErrorCode::bad_field, "length");
    });
    f.boolean("full", b.full, /*required=*/false);
    return b;
}
RelayFrame read_error(Fields& f) {
    ErrorFrame e{};
    std::int64_t code = 0;
    // Any code in the documented thousands ranges; a newer relay may add codes.
    f.integer("code", code, 1000, 9999);
    e.code = static_cast<ErrorCode>(code);
    f.string("message", e.message);
    std::optional<std::string> ref;
    f.opt_string("ref", ref);
    e.ref = ref.value_or("");
    f.opt_integer("retry_after_ms", e.retry_after_ms, 0);
    return e;
}

template <class Frame>
struct TypeEntry {
    const char* type;
    Frame (*read)(Fields&);
};

const TypeEntry<ClientFrame> kClientTypes[] = {
    {"hello", read_hello},       {"login", read_login}, {"send", read_send},
    {"typing", read_typing},     {"read", read_read},   {"sync", read_sync},
    {"history", read_history},   {"presence", read_presence}, {"ping", read_ping},
    {"note", read_note},         {"transfer", read_transfer}, {"close", read_close},
    {"reopen", read_reopen},
};

const TypeEntry<RelayFrame> kRelayTypes[] = {
    {"welcome", read_welcome},   {"ack", read_ack},           {"msg", read_msg},
    {"typing", read_typing_notice}, {"read", read_read_notice}, {"synced", read_synced},
    {"page", read_page},         {"presence", read_presence_notice}, {"inbox", read_inbox},
    {"conv", read_conv},         {"pong", read_pong},         {"error", read_error},
    {"queue", read_queue},       {"supervisor", read_supervisor},
};

// The shared steps of both decoders: envelope rules, then the table lookup.
template <class Frame, std::size_t N>
Result<Frame> decode(std::string_view text, const TypeEntry<Frame> (&types)[N]) {
    if (text.size() > kMaxFrameBytes)
        return Error{ErrorCode::too_large, "frame exceeds 65536 bytes", {}};
    if (deeper_than(text, kMaxDepth))
        return Error{ErrorCode::too_deep, "JSON nested deeper than 16 levels", {}};

    const std::optional<json> parsed = parley::json::parse(text);
    if (!parsed) return Error{ErrorCode::bad_json, "not valid JSON", {}};
    const json& doc = *parsed;
    if (!doc.is_object()) return Error{ErrorCode::bad_json, "not a JSON object", {}};

    // The ref travels with every later error so the sender can match it to its frame.
    std::string ref;
    if (const json* cid = doc.find("cid"); cid && cid->is_string()) ref = cid->as_string();
    auto fail = [&](ErrorCode code, std::string detail) {
        return Error{code, std::move(detail), ref};
    };

    const json* v = doc.find("v");
    if (!v || !v->is_integer() || v->as_int() != kVersion)
        return fail(ErrorCode::bad_version, "unsupported version, expected v:1");

    const json* type = doc.find("type");
    if (!type || !type->is_string()) return fail(ErrorCode::unknown_type, "missing frame type");
    const std::string& name = type->as_string();
    for (const auto& entry : types) {
        if (name != entry.type) continue;
        Fields fields(doc);
        Frame frame = entry.read(fields);
        if (fields.failed()) {
            Error e = std::move(*fields.error());
            e.ref = ref;
            return e;
        }
        return frame;
    }
    return fail(ErrorCode::unknown_type, "unknown frame type: " + name);
}

// ---- encoding ---------------------------------------------------------------------

ojson envelope(const char* type) {
    ojson j = ojson::object();
    j["v"] = kVersion;
    j["type"] = type;
    return j;
}

ojson party_json(const Party& p) {
    ojson j = ojson::object();
    j["role"] = p.role;
    j["id"] = p.id;
    j["name"] = p.name;
    return j;
}

ojson meta_json(const Meta& m) {
    ojson j = ojson::object();
    j["intent"] = m.intent;
    j["confidence"] = m.confidence;
    j["signals"] = m.signals;
    return j;
}

void put_message(ojson& j, const Message& m) {
    j["conv"] = m.conv;
    j["seq"] = m.seq;
    j["cid"] = m.cid;
    j["ts"] = m.ts;
    j["from"] = party_json(m.from);
    j["text"] = m.text;
    if (m.internal) j["internal"] = true;
    if (m.prev) j["prev"] = *m.prev;
    if (m.meta) j["meta"] = meta_json(*m.meta);
}

void put_summary(ojson& j, const ConvSummary& s) {
    j["conv"] = s.conv;
    j["visitor"] = party_json(s.visitor);
    j["last_seq"] = s.last_seq;
    j["last_text"] = s.last_text;
    j["updated"] = s.updated;
    j["status"] = s.status;
    if (!s.state.empty()) j["state"] = s.state;
    if (!s.agent.empty()) j["agent"] = s.agent;
    if (!s.team.empty()) j["team"] = s.team;
    if (!s.previous_agent.empty()) j["previous_agent"] = s.previous_agent;
    if (s.rank > 0) j["rank"] = s.rank;
    if (!s.awaiting.empty()) j["awaiting"] = s.awaiting;
    if (!s.intent.empty()) j["intent"] = s.intent;
}

// Invalid UTF-8 in a string is replaced (U+FFFD): encode never fails, and the relay
// would close the connection on invalid UTF-8 anyway.
std::string dump(const ojson& j) { return j.dump(); }

struct ClientEncoder {
    ojson operator()(const Hello& f) const {
        ojson j = envelope("hello");
        j["role"] = f.role;
        if (f.token) j["token"] = *f.token;
        if (f.name) j["name"] = *f.name;
        if (f.page) j["page"] = *f.page;
        return j;
    }
    ojson operator()(const Login& f) const {
        ojson j = envelope("login");
        j["email"] = f.email;
        j["password"] = f.password;
        return j;
    }
    ojson operator()(const Send& f) const {
        ojson j = envelope("send");
        j["conv"] = f.conv;
        j["cid"] = f.cid;
        j["text"] = f.text;
        if (f.meta) j["meta"] = meta_json(*f.meta);
        return j;
    }
    ojson operator()(const Typing& f) const {
        ojson j = envelope("typing");
        j["conv"] = f.conv;
        j["on"] = f.on;
        return j;
    }
    ojson operator()(const Read& f) const {
        ojson j = envelope("read");
        j["conv"] = f.conv;
        j["seq"] = f.seq;
        return j;
    }
    ojson operator()(const Sync& f) const {
        ojson j = envelope("sync");
        j["conv"] = f.conv;
        j["after"] = f.after;
        return j;
    }
    ojson operator()(const History& f) const {
        ojson j = envelope("history");
        j["conv"] = f.conv;
        if (f.before) j["before"] = *f.before;
        j["limit"] = f.limit;
        return j;
    }
    ojson operator()(const SetPresence& f) const {
        ojson j = envelope("presence");
        j["status"] = f.status;
        return j;
    }
    ojson operator()(const Ping& f) const {
        ojson j = envelope("ping");
        j["n"] = f.n;
        return j;
    }
    ojson operator()(const Note& f) const {
        ojson j = envelope("note");
        j["conv"] = f.conv;
        j["cid"] = f.cid;
        j["text"] = f.text;
        return j;
    }
    ojson operator()(const Transfer& f) const {
        ojson j = envelope("transfer");
        j["conv"] = f.conv;
        if (f.to_agent) j["to_agent"] = *f.to_agent;
        if (f.to_team) j["to_team"] = *f.to_team;
        j["note"] = f.note;
        return j;
    }
    ojson operator()(const CloseConv& f) const {
        ojson j = envelope("close");
        j["conv"] = f.conv;
        return j;
    }
    ojson operator()(const Reopen& f) const {
        ojson j = envelope("reopen");
        j["conv"] = f.conv;
        return j;
    }
};

struct RelayEncoder {
    ojson operator()(const Welcome& f) const {
        ojson j = envelope("welcome");
        j["role"] = f.role;
        j["token"] = f.token;
        j["me"] = party_json(f.me);
        if (f.conv) {
            j["conv"] = *f.conv;
            j["last_seq"] = f.last_seq;
        }
        if (!f.mask_client.empty()) {
            ojson mask = ojson::object();
            mask["client"] = f.mask_client;
            j["mask"] = std::move(mask);
        }
        return j;
    }
    ojson operator()(const Ack& f) const {
        ojson j = envelope("ack");
        j["conv"] = f.conv;
        j["cid"] = f.cid;
        j["seq"] = f.seq;
        j["ts"] = f.ts;
        return j;
    }
    ojson operator()(const Msg& f) const {
        ojson j = envelope("msg");
        put_message(j, f.message);
        return j;
    }
    ojson operator()(const TypingNotice& f) const {
        ojson j = envelope("typing");
        j["conv"] = f.conv;
        j["from"] = party_json(f.from);
        j["on"] = f.on;
        return j;
    }
    ojson operator()(const ReadNotice& f) const {
        ojson j = envelope("read");
        j["conv"] = f.conv;
        j["from"] = party_json(f.from);
        j["seq"] = f.seq;
        return j;
    }
    ojson operator()(const Synced& f) const {
        ojson j = envelope("synced");
        j["conv"] = f.conv;
        j["last_seq"] = f.last_seq;
        return j;
    }
    ojson operator()(const Page& f) const {
        ojson j = envelope("page");
        j["conv"] = f.conv;
        ojson msgs = ojson::array();
        for (const auto& m : f.msgs) {
            ojson o = ojson::object();
            put_message(o, m);
            msgs.push_back(std::move(o));
        }
        j["msgs"] = std::move(msgs);
        j["more"] = f.more;
        return j;
    }
    ojson operator()(const PresenceNotice& f) const {
        ojson j = envelope("presence");
        j["who"] = party_json(f.who);
        j["status"] = f.status;
        return j;
    }
    ojson operator()(const Inbox& f) const {
        ojson j = envelope("inbox");
        ojson convs = ojson::array();
        for (const auto& s : f.convs) {
            ojson o = ojson::object();
            put_summary(o, s);
            convs.push_back(std::move(o));
        }
        j["convs"] = std::move(convs);
        return j;
    }
    ojson operator()(const ConvUpdate& f) const {
        ojson j = envelope("conv");
        put_summary(j, f.summary);
        return j;
    }
    ojson operator()(const Pong& f) const {
        ojson j = envelope("pong");
        j["n"] = f.n;
        return j;
    }
    ojson operator()(const QueueNotice& f) const {
        ojson j = envelope("queue");
        j["conv"] = f.conv;
        j["team"] = f.team;
        j["position"] = f.position;
        j["expected_wait_ms"] = f.expected_wait_ms;
        return j;
    }
    ojson operator()(const SupervisorBoard& f) const {
        ojson j = envelope("supervisor");
        ojson agents = ojson::array();
        for (const auto& a : f.agents) {
            ojson o = ojson::object();
            o["agent"] = party_json(a.agent);
            o["status"] = a.status;
            o["teams"] = a.teams;
            o["load"] = a.load;
            o["inactive"] = a.inactive;
            o["preferred"] = a.preferred;
            o["max"] = a.max_load;
            agents.push_back(std::move(o));
        }
        j["agents"] = std::move(agents);
        ojson queues = ojson::array();
        for (const auto& q : f.queues) {
            ojson o = ojson::object();
            o["team"] = q.team;
            o["convs"] = q.convs;
            // Never fewer than listed: a queue built without a length is its list.
            o["length"] = std::max<std::int64_t>(q.length, static_cast<std::int64_t>(q.convs.size()));
            queues.push_back(std::move(o));
        }
        j["queues"] = std::move(queues);
        j["full"] = f.full;
        return j;
    }
    ojson operator()(const ErrorFrame& f) const {
        ojson j = envelope("error");
        j["code"] = static_cast<int>(f.code);
        j["message"] = f.message;
        if (!f.ref.empty()) j["ref"] = f.ref;
        if (f.retry_after_ms) j["retry_after_ms"] = *f.retry_after_ms;
        return j;
    }
};

static_assert(std::size(kClientTypes) == std::variant_size_v<ClientFrame>);
static_assert(std::size(kRelayTypes) == std::variant_size_v<RelayFrame>);

}  // namespace

Result<ClientFrame> decode_client(std::string_view text) { return decode(text, kClientTypes); }
Result<RelayFrame> decode_relay(std::string_view text) { return decode(text, kRelayTypes); }

std::string encode(const ClientFrame& frame) { return dump(std::visit(ClientEncoder{}, frame)); }
std::string encode(const RelayFrame& frame) { return dump(std::visit(RelayEncoder{}, frame)); }

const char* frame_type(const ClientFrame& frame) {
    return kClientTypes[frame.index()].type;  // the table is in variant order
}
const char* frame_type(const RelayFrame& frame) { return kRelayTypes[frame.index()].type; }

}  // namespace parley::protocol
