// Frame codec for protocol v1.
//
// Decoding runs the rules of docs/protocol.md in a fixed order and reports the first
// one broken: size, nesting depth, JSON syntax, object-ness, `v`, `type`, then the
// fields of that type in the order the spec lists them. Nothing here throws, and every
// value's JSON type is checked before it is read (parley/json/value.hpp).
#include "parley/protocol/codec.hpp"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <limits>
#include <type_traits>
#include <utility>
#include <variant>

#include "parley/core/visitor_only.hpp"
#include "parley/json/parse.hpp"
#include "parley/json/value.hpp"
#include "parley/protocol/json_writer.hpp"
#include "parley/protocol/rules.hpp"

namespace parley::protocol {

namespace {

using json = parley::json::Value;

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
    // Nested objects are read by `read(Fields&)` with a dotted prefix for messages.
    // The reader crosses as a plain function and its context, so the nesting code below
    // exists once rather than once per lambda (issue 6: the widget's Wasm).
    using Read = void (*)(Fields&, void* context);
    template <class F>
    static void call(Fields& f, void* read) {
        (*static_cast<F*>(read))(f);
    }

    template <class F>
    void object(const char* key, F&& read, bool required = true) {
        read_object(key, call<std::remove_reference_t<F>>, &read, required);
    }
    void read_object(const char* key, Read read, void* context, bool required = true) {
        const json* v = find(key, required);
        if (!v) return;
        read_nested(key, *v, read, context);
    }
    template <class F>
    void nested(const std::string& key, const json& v, F&& read) {
        read_nested(key, v, call<std::remove_reference_t<F>>, &read);
    }
    void read_nested(const std::string& key, const json& v, Read read, void* context) {
        if (failed()) return;
        if (!v.is_object()) return fail(ErrorCode::bad_field, key.c_str());
        Fields inner(v, prefix_ + key + ".");
        read(inner, context);
        if (inner.failed()) error_ = std::move(inner.error());
    }
    // A party object (`from`, `me`, `who`, …).
    void party(const char* key, Party& p);
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
    // An array of objects, each read by `read(Fields&)` in order.
    template <class F>
    void array(const char* key, F&& read) {
        read_array(key, call<std::remove_reference_t<F>>, &read);
    }
    void read_array(const char* key, Read read, void* context) {
        const json* v = find(key, true);
        if (!v) return;
        if (!v->is_array()) return fail(ErrorCode::bad_field, key);
        for (std::size_t i = 0; i < v->size() && !failed(); ++i)
            read_nested(std::string(key) + "[" + std::to_string(i) + "]", v->elements()[i], read, context);
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

void Fields::party(const char* key, Party& p) {
    read_object(key, [](Fields& g, void* party) { read_party(g, *static_cast<Party*>(party)); }, &p);
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

// Rich messages (issue 16): `parts`, optional, must be an array; it is kept as compact
// JSON text, and what its parts hold is the relay's to judge (relay/core/rich_parts).
void read_parts(Fields& f, std::string& out) {
    const json* v = f.find("parts", false);
    if (!v) return;
    if (!v->is_array()) return f.fail(ErrorCode::bad_field, "parts");
    out = v->dump();
}

// A visitor's answer (issue 16): {"to":13,"option":"pricing"} or
// {"to":13,"form":"lead","values":{"email":"…"}}; exactly one of option and form.
void read_reply(Fields& f, std::optional<Reply>& out) {
    const json* v = f.find("reply", false);
    if (!v) return;
    f.nested("reply", *v, [&](Fields& g) {
        Reply r;
        g.integer("to", r.to, 1);
        std::optional<std::string> option, form;
        g.opt_string("option", option);
        g.opt_string("form", form);
        if (g.failed()) return;
        if (option.has_value() == form.has_value()) return g.fail(ErrorCode::missing_field, "option");
        if (option && option->empty()) return g.fail(ErrorCode::bad_field, "option");
        if (form && form->empty()) return g.fail(ErrorCode::bad_field, "form");
        if (option) r.option = *option;
        if (form) {
            r.form = *form;
            const json* values = g.find("values", true);
            if (!values) return;
            if (!values->is_object() || values->members().size() > kMaxReplyValues)
                return g.fail(ErrorCode::bad_field, "values");
            for (const auto& [name, value] : values->members()) {
                if (!value.is_string()) return g.fail(ErrorCode::bad_field, "values");
                r.values.emplace_back(name, value.as_string());
            }
        }
        out = std::move(r);
    });
}

void read_message(Fields& f, Message& m) {
    f.conv("conv", m.conv);
    f.integer("seq", m.seq, 1);
    f.cid("cid", m.cid);
    f.integer("ts", m.ts);
    f.party("from", m.from);
    f.text("text", m.text);
    f.boolean("internal", m.internal, /*required=*/false);
    f.opt_integer("prev", m.prev);
    read_meta(f, m.meta);
    read_parts(f, m.parts);
    read_reply(f, m.reply);
}

// Bot fields of a summary (issue 16): `handoff` and `bot`, both optional.
void read_bot_fields(Fields& f, ConvSummary& s) {
    if (const json* v = f.find("handoff", false)) {
        HandoffInfo h;
        f.nested("handoff", *v, [&](Fields& g) {
            g.party("by", h.by);
            g.string("reason", h.reason);
            g.string("summary", h.summary);
            g.integer("ts", h.ts);
        });
        if (!f.failed()) s.handoff = std::move(h);
    }
    std::optional<std::string> bot;
    f.opt_string("bot", bot);
    s.bot = bot.value_or("");
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
    read_bot_fields(f, s);
}

void read_contact(Fields& f, std::optional<Contact>& out);  // issue 17, below

// A summary's customer context (issue 17): `page` {url, title?, ts} and `user_agent`.
void read_visitor_page(Fields& f, ConvSummary& s) {
    if (const json* v = f.find("page", false)) {
        VisitorPage page;
        f.nested("page", *v, [&](Fields& g) {
            g.string("url", page.url);
            std::optional<std::string> title;
            g.opt_string("title", title);
            page.title = title.value_or("");
            g.integer("ts", page.ts);
        });
        if (!f.failed()) s.page = std::move(page);
    }
    std::optional<std::string> ua;
    f.opt_string("user_agent", ua);
    s.user_agent = ua.value_or("");
}

void read_summary(Fields& f, ConvSummary& s) {
    f.conv("conv", s.conv);
    f.party("visitor", s.visitor);
    f.integer("last_seq", s.last_seq);
    f.string("last_text", s.last_text);
    f.integer("updated", s.updated);
    f.string("status", s.status);  // "open" | "closed" today; later states pass through
    read_routing(f, s);
    std::optional<std::string> intent;  // triage (P5), optional
    f.opt_string("intent", intent);
    s.intent = intent.value_or("");
    read_contact(f, s.contact);
    read_visitor_page(f, s);
}

// Identity claims of a visitor's hello (issue 17): bounded, visitors only. Whether the
// proof holds is the relay's to judge (an unverified claim is still a valid frame).
bool is_attribute_key(std::string_view k) { return k.size() <= kMaxAttributeKeyBytes && is_cid(k); }

void read_identity(Fields& f, Hello& h) {
    auto bounded = [&](const char* key, std::optional<std::string>& out, std::size_t max) {
        f.opt_string(key, out);
        if (!f.failed() && out && (out->empty() || out->size() > max)) f.fail(ErrorCode::bad_field, key);
    };
    bounded("user_id", h.user_id, kMaxUserIdBytes);
    bounded("email", h.email, kMaxEmailBytes);
    bounded("user_hash", h.user_hash, kMaxUserHashBytes);
    bounded("identity_token", h.identity_token, kMaxIdentityTokenBytes);
    if (const json* a = f.find("attributes", false)) {
        if (!a->is_object() || a->members().size() > kMaxAttributes) return f.fail(ErrorCode::bad_field, "attributes");
        for (const auto& [k, v] : a->members()) {
            if (!is_attribute_key(k) || !v.is_string() || v.as_string().size() > kMaxAttributeValueBytes)
                return f.fail(ErrorCode::bad_field, "attributes");
            for (const auto& seen : h.attributes)
                if (seen.first == k) return f.fail(ErrorCode::bad_field, "attributes");
            h.attributes.emplace_back(k, v.as_string());
        }
    }
    if (f.failed()) return;
    const bool claims = h.user_id || h.email || !h.attributes.empty() || h.user_hash || h.identity_token;
    if (claims && h.role != "visitor")
        return f.fail(ErrorCode::bad_field, h.user_id ? "user_id" : h.identity_token ? "identity_token" : "user_hash");
    if (h.user_hash && h.identity_token) return f.fail(ErrorCode::bad_field, "identity_token");
    if ((h.user_hash || h.email || !h.attributes.empty()) && !h.user_id && !h.identity_token)
        return f.fail(ErrorCode::missing_field, "user_id");
}

// The welcome's identity state (issue 17), optional.
void read_identity_state(Fields& f, std::optional<IdentityState>& out) {
    const json* v = f.find("identity", false);
    if (!v) return;
    f.nested("identity", *v, [&](Fields& g) {
        IdentityState s;
        g.string("user_id", s.user_id);
        g.boolean("verified", s.verified);
        std::optional<std::string> reason;
        g.opt_string("reason", reason);
        s.reason = reason.value_or("");
        if (!g.failed()) out = std::move(s);
    });
}

// A summary's contact (issue 17), optional.
void read_contact(Fields& f, std::optional<Contact>& out) {
    const json* v = f.find("contact", false);
    if (!v) return;
    f.nested("contact", *v, [&](Fields& g) {
        Contact c;
        g.string("user_id", c.user_id);
        std::optional<std::string> email, name;
        g.opt_string("email", email);
        g.opt_string("name", name);
        c.email = email.value_or("");
        c.name = name.value_or("");
        g.boolean("verified", c.verified);
        g.boolean("email_verified", c.email_verified, /*required=*/false);
        if (const json* a = g.find("attributes", false)) {
            if (!a->is_object()) return g.fail(ErrorCode::bad_field, "attributes");
            for (const auto& [k, val] : a->members()) {
                if (!val.is_string()) return g.fail(ErrorCode::bad_field, "attributes");
                c.attributes.emplace_back(k, val.as_string());
            }
        }
        if (!g.failed()) out = std::move(c);
    });
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
    f.opt_string("key", h.key);
    if (!f.failed() && h.page && (h.role != "visitor" || h.page->size() > kMaxPageBytes))
        f.fail(ErrorCode::bad_field, "page");
    f.opt_string("title", h.title);  // issue 17: with a page only
    if (!f.failed() && h.title && (!h.page || h.title->size() > kMaxPageTitleBytes))
        f.fail(ErrorCode::bad_field, "title");
    if (!f.failed() && h.role == "agent" && !h.token) f.fail(ErrorCode::missing_field, "token");
    // Bots (issue 16): a key and nothing else; a key belongs to no other role.
    if (!f.failed() && h.role == "bot" && !h.key) f.fail(ErrorCode::missing_field, "key");
    if (!f.failed() && h.role == "bot" && h.token) f.fail(ErrorCode::bad_field, "token");
    if (!f.failed() && h.role != "bot" && h.key) f.fail(ErrorCode::bad_field, "key");
    read_identity(f, h);
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
    read_parts(f, s.parts);
    read_reply(f, s.reply);
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
ClientFrame read_logout(Fields& f) {
    Logout l;
    f.boolean("all", l.all, /*required=*/false);
    f.opt_string("session", l.session);
    if (!f.failed() && l.all && l.session) f.fail(ErrorCode::bad_field, "session");
    return l;
}
ClientFrame read_list_sessions(Fields&) { return ListSessions{}; }
ClientFrame read_handoff(Fields& f) {
    Handoff h;
    f.conv("conv", h.conv);
    f.one_of("reason", h.reason, is_handoff_reason);
    std::optional<std::string> summary;
    f.opt_string("summary", summary);
    if (!f.failed() && summary && summary->size() > kMaxSummaryBytes) f.fail(ErrorCode::text_too_long, "summary");
    h.summary = summary.value_or("");
    f.opt_string("team", h.team);
    if (!f.failed() && h.team && (h.team->empty() || h.team->size() > kMaxNameBytes)) f.fail(ErrorCode::bad_field, "team");
    return h;
}
ClientFrame read_handback(Fields& f) {
    Handback h;
    f.conv("conv", h.conv);
    return h;
}
// A stream's delta: 1–2 000 bytes (the whole stream's limit is the relay's to count).
void read_delta(Fields& f, std::string& out) {
    f.string("delta", out);
    if (f.failed()) return;
    if (out.empty()) return f.fail(ErrorCode::bad_field, "delta");
    if (out.size() > kMaxDeltaBytes) return f.fail(ErrorCode::text_too_long, "delta");
}
ClientFrame read_stream(Fields& f) {
    Stream s;
    f.conv("conv", s.conv);
    f.cid("cid", s.cid);
    read_delta(f, s.delta);
    return s;
}
ClientFrame read_stream_cancel(Fields& f) {
    StreamCancel s;
    f.conv("conv", s.conv);
    f.cid("cid", s.cid);
    return s;
}
ClientFrame read_rate(Fields& f) {
    Rate r;
    f.conv("conv", r.conv);
    f.integer("score", r.score, 1, 5);
    std::optional<std::string> comment;
    f.opt_string("comment", comment);
    if (!f.failed() && comment && comment->size() > kMaxRatingCommentBytes) f.fail(ErrorCode::text_too_long, "comment");
    r.comment = comment.value_or("");
    return r;
}
// search (issue 17): q ≤ 100 bytes, status open|closed (default closed), cursor ≤ 200
// bytes of the previous answer's, limit 1..50.
ClientFrame read_search(Fields& f) {
    Search q;
    std::optional<std::string> text, status, cursor;
    f.opt_string("q", text);
    if (!f.failed() && text && text->size() > kMaxSearchQueryBytes) f.fail(ErrorCode::text_too_long, "q");
    f.opt_string("status", status);
    if (!f.failed() && status && *status != "open" && *status != "closed") f.fail(ErrorCode::bad_field, "status");
    f.opt_string("cursor", cursor);
    if (!f.failed() && cursor && cursor->size() > kMaxSearchCursorBytes) f.fail(ErrorCode::bad_field, "cursor");
    f.integer("limit", q.limit, 1, kMaxSearchResults, /*required=*/false);
    q.q = text.value_or("");
    if (status) q.status = *status;
    q.cursor = cursor.value_or("");
    return q;
}
// Customer context (issue 17).
ClientFrame read_navigate(Fields& f) {
    Navigate n;
    f.string("url", n.url);
    std::optional<std::string> title;
    f.opt_string("title", title);
    n.title = title.value_or("");
    if (!f.failed() && (n.url.empty() || n.url.size() > kMaxPageBytes)) f.fail(ErrorCode::bad_field, "url");
    if (!f.failed() && n.title.size() > kMaxPageTitleBytes) f.fail(ErrorCode::bad_field, "title");
    return n;
}
ClientFrame read_context_query(Fields& f) {
    ContextQuery q;
    f.conv("conv", q.conv);
    return q;
}
bool is_canned_op(std::string_view op) { return op == "list" || op == "save" || op == "delete"; }
bool is_canned_scope(std::string_view scope) { return scope == "personal" || scope == "team"; }
// Canned responses (issue 17): the shapes here; limits, rights and ids are the relay's
// (relay/core/canned_responses.hpp).
ClientFrame read_canned_op(Fields& f) {
    CannedOp c;
    f.one_of("op", c.op, is_canned_op);
    std::optional<std::string> v;
    auto opt = [&](const char* key, std::string& out) {
        v.reset();
        f.opt_string(key, v);
        out = v.value_or("");
    };
    opt("id", c.id);
    opt("scope", c.scope);
    opt("team", c.team);
    opt("shortcut", c.shortcut);
    opt("text", c.text);
    if (f.failed()) return c;
    if (c.op == "delete" && c.id.empty()) f.fail(ErrorCode::missing_field, "id");
    if (c.op != "save") return c;
    if (c.scope.empty()) return f.fail(ErrorCode::missing_field, "scope"), c;
    if (!is_canned_scope(c.scope)) return f.fail(ErrorCode::bad_field, "scope"), c;
    if (c.scope == "team" && c.team.empty()) return f.fail(ErrorCode::missing_field, "team"), c;
    if (c.shortcut.empty()) return f.fail(ErrorCode::missing_field, "shortcut"), c;
    if (c.text.empty()) return f.fail(ErrorCode::missing_field, "text"), c;
    return c;
}
bool is_admin_op(std::string_view op) {
    for (const char* known : {"list", "add", "update", "disable", "enable", "reset_password", "remove"})
        if (op == known) return true;
    return false;
}
// agent_admin (issue 17): the envelope's shape; the relay checks the values' rules
// (auth/agent_admin.hpp) and answers 1005 with the field's name.
ClientFrame read_agent_admin(Fields& f) {
    AgentAdmin a;
    f.one_of("op", a.op, is_admin_op);
    std::optional<std::string> cid, agent, email;
    f.opt_string("cid", cid);
    if (!f.failed() && cid && !cid->empty() && !is_cid(*cid)) f.fail(ErrorCode::bad_field, "cid");
    a.cid = cid.value_or("");
    f.opt_string("agent", agent);
    if (!f.failed() && agent && (agent->empty() || agent->size() > 64)) f.fail(ErrorCode::bad_field, "agent");
    a.agent = agent.value_or("");
    f.opt_string("email", email);
    if (!f.failed() && email && email->size() > 254) f.fail(ErrorCode::bad_field, "email");
    a.email = email.value_or("");
    f.opt_string("name", a.name);
    for (auto [key, out] : {std::pair<const char*, std::optional<std::vector<std::string>>*>{"teams", &a.teams},
                            {"skills", &a.skills}}) {
        if (!f.find(key, false)) continue;
        out->emplace();
        f.strings(key, **out);
        if (!f.failed() && (*out)->size() > kMaxAgentLabels) f.fail(ErrorCode::bad_field, key);
    }
    f.opt_integer("preferred", a.preferred, 0);
    f.opt_integer("max_load", a.max_load, 0);
    if (f.find("supervisor", false)) {
        bool b = false;
        f.boolean("supervisor", b);
        a.supervisor = b;
    }
    if (f.failed()) return a;
    const bool names_agent = a.op != "list" && a.op != "add";
    if (names_agent && a.agent.empty()) f.fail(ErrorCode::missing_field, "agent");
    else if (a.op == "add" && a.email.empty()) f.fail(ErrorCode::missing_field, "email");
    else if (a.op == "add" && !a.name) f.fail(ErrorCode::missing_field, "name");
    return a;
}
// prechat (issue 17): values is an object of 1–kMaxPrechatValues strings, each ≤
// kMaxPrechatAnswerBytes; which names and values are acceptable is the relay's to judge.
ClientFrame read_prechat(Fields& f) {
    Prechat r;
    f.conv("conv", r.conv);
    f.boolean("offline", r.offline, /*required=*/false);
    const json* values = f.find("values", true);
    if (!values) return r;
    if (!values->is_object() || values->members().empty() || values->members().size() > kMaxPrechatValues)
        return f.fail(ErrorCode::bad_field, "values"), r;
    for (const auto& [name, value] : values->members()) {
        if (!value.is_string() || name.empty() || name.size() > 32) return f.fail(ErrorCode::bad_field, "values"), r;
        if (value.as_string().size() > kMaxPrechatAnswerBytes) return f.fail(ErrorCode::text_too_long, "values"), r;
        r.values.emplace_back(name, value.as_string());
    }
    return r;
}
ClientFrame read_audit_query(Fields& f) {
    AuditQuery q;
    f.opt_integer("before", q.before, 1);
    f.integer("limit", q.limit, 1, kMaxAuditPage, /*required=*/false);
    return q;
}
// export_visitor / erase_visitor: exactly one of `visitor` (1–64 bytes) and `conv`.
template <class Frame>
ClientFrame read_visitor_target(Fields& f) {
    Frame t;
    std::optional<std::string> visitor, conv;
    f.opt_string("visitor", visitor);
    f.opt_conv("conv", conv);
    if (!f.failed() && visitor && (visitor->empty() || visitor->size() > 64)) f.fail(ErrorCode::bad_field, "visitor");
    if (!f.failed() && !visitor && !conv) f.fail(ErrorCode::missing_field, "visitor");
    if (!f.failed() && visitor && conv) f.fail(ErrorCode::bad_field, "conv");
    t.visitor = visitor.value_or("");
    t.conv = conv.value_or("");
    return t;
}

RelayFrame read_welcome(Fields& f) {
    Welcome w;
    f.one_of("role", w.role, is_client_role);
    f.string("token", w.token);
    f.party("me", w.me);
    f.opt_conv("conv", w.conv);
    f.integer("last_seq", w.last_seq, 0, std::numeric_limits<std::int64_t>::max(), false);
    read_mask(f, w.mask_client);
    read_identity_state(f, w.identity);
    if (f.find("prechat", false))  // issue 17, optional
        f.array("prechat", [&](Fields& g) {
            PrechatField q;
            g.string("name", q.name);
            std::optional<std::string> label;
            g.opt_string("label", label);
            q.label = label.value_or("");
            g.boolean("required", q.required, /*required=*/false);
            if (!g.failed()) w.prechat.push_back(std::move(q));
        });
    if (f.find("past", false))  // issue 17, optional
        f.array("past", [&](Fields& g) {
            PastConv pc;
            g.conv("conv", pc.conv);
            g.integer("updated", pc.updated);
            std::optional<std::string> preview;  // absent from relays before it, and when none
            g.opt_string("preview", preview);
            pc.preview = preview.value_or("");
            if (!g.failed()) w.past.push_back(std::move(pc));
        });
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
    f.party("from", t.from);
    f.boolean("on", t.on);
    return t;
}
RelayFrame read_read_notice(Fields& f) {
    ReadNotice r;
    f.conv("conv", r.conv);
    f.party("from", r.from);
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
    f.array("msgs", [&](Fields& g) {
        p.msgs.emplace_back();
        read_message(g, p.msgs.back());
    });
    f.boolean("more", p.more);
    return p;
}
RelayFrame read_presence_notice(Fields& f) {
    PresenceNotice p;
    f.party("who", p.who);
    f.one_of("status", p.status, is_presence_status);
    return p;
}
RelayFrame read_inbox(Fields& f) {
    Inbox in;
    f.array("convs", [&](Fields& g) {
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
    f.array("agents", [&](Fields& g) {
        b.agents.emplace_back();
        AgentLoad& a = b.agents.back();
        g.party("agent", a.agent);
        g.one_of("status", a.status, is_presence_status);
        g.strings("teams", a.teams);
        g.integer("load", a.load);
        g.integer("inactive", a.inactive);
        g.integer("preferred", a.preferred);
        g.integer("max", a.max_load);
    });
    f.array("queues", [&](Fields& g) {
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
RelayFrame read_logged_out(Fields& f) {
    LoggedOut l;
    f.integer("revoked", l.revoked, 0);
    f.boolean("current", l.current);
    return l;
}
RelayFrame read_session_list(Fields& f) {
    SessionList list;
    f.array("sessions", [&](Fields& g) {
        list.sessions.emplace_back();
        SessionInfo& s = list.sessions.back();
        g.string("id", s.id);
        g.integer("created", s.created, 0);
        g.integer("expires", s.expires, 0);
        g.integer("last_used", s.last_used, 0);
        g.boolean("current", s.current);
    });
    return list;
}
RelayFrame read_audit_page(Fields& f) {
    AuditPage page;
    f.array("entries", [&](Fields& g) {
        page.entries.emplace_back();
        AuditEntry& e = page.entries.back();
        g.integer("id", e.id, 1);
        g.integer("ts", e.ts, 0);
        g.string("actor_role", e.actor_role);
        g.string("action", e.action);
        std::optional<std::string> v;
        for (auto [key, out] : {std::pair<const char*, std::string*>{"actor_id", &e.actor_id},
                                {"actor_name", &e.actor_name}, {"conv", &e.conv}, {"target", &e.target},
                                {"detail", &e.detail}, {"address", &e.address}}) {
            v.reset();
            g.opt_string(key, v);
            *out = v.value_or("");
        }
    });
    f.boolean("more", page.more, /*required=*/false);
    return page;
}
RelayFrame read_found(Fields& f) {
    Found found;
    f.string("q", found.q);
    f.string("status", found.status);
    f.array("convs", [&](Fields& g) {
        found.convs.emplace_back();
        read_summary(g, found.convs.back());
    });
    std::optional<std::string> cursor;
    f.opt_string("cursor", cursor);
    found.cursor = cursor.value_or("");
    return found;
}
RelayFrame read_agent_list(Fields& f) {
    AgentList list;
    f.array("agents", [&](Fields& g) {
        list.agents.emplace_back();
        AgentInfo& a = list.agents.back();
        g.string("id", a.id);
        g.string("email", a.email);
        g.string("name", a.name);
        g.strings("teams", a.teams);
        g.strings("skills", a.skills);
        g.integer("preferred", a.preferred, 0);
        g.integer("max_load", a.max_load, 0);
        g.boolean("supervisor", a.supervisor);
        g.boolean("disabled", a.disabled);
        g.string("status", a.status);
    });
    f.boolean("more", list.more, /*required=*/false);
    std::optional<std::string> v;
    for (auto [key, out] : {std::pair<const char*, std::string*>{"op", &list.op}, {"cid", &list.cid},
                            {"agent", &list.agent}, {"password", &list.password}}) {
        v.reset();
        f.opt_string(key, v);
        *out = v.value_or("");
    }
    f.integer("sessions", list.sessions, 0, std::numeric_limits<std::int64_t>::max(), /*required=*/false);
    return list;
}
RelayFrame read_visitor_export(Fields& f) {
    VisitorExport e;
    f.string("visitor", e.visitor);
    f.string("data", e.data);
    f.boolean("done", e.done);
    return e;
}
RelayFrame read_erased(Fields& f) {
    VisitorErased e;
    f.string("visitor", e.visitor);
    f.strings("convs", e.convs);
    f.integer("messages", e.messages, 0);
    return e;
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
    std::optional<std::string> frame, conv;
    f.opt_string("frame", frame);
    f.opt_string("conv", conv);
    e.frame = frame.value_or("");
    e.conv = conv.value_or("");
    if (const json* fields = f.find("fields", false)) {  // invalid_form: name → reason
        if (!fields->is_object()) {
            f.fail(ErrorCode::bad_field, "fields");
            return e;
        }
        for (const auto& [name, reason] : fields->members()) {
            if (!reason.is_string()) {
                f.fail(ErrorCode::bad_field, "fields");
                return e;
            }
            e.fields.emplace_back(name, reason.as_string());
        }
    }
    return e;
}
RelayFrame read_stream_notice(Fields& f) {
    StreamNotice s;
    f.conv("conv", s.conv);
    f.cid("cid", s.cid);
    f.party("from", s.from);
    read_delta(f, s.delta);
    f.integer("offset", s.offset, 0);
    return s;
}
RelayFrame read_rated(Fields& f) {
    Rated r;
    f.conv("conv", r.conv);
    f.integer("score", r.score, 1, 5);
    return r;
}
RelayFrame read_context_info(Fields& f) {
    ContextInfo c;
    f.conv("conv", c.conv);
    f.array("convs", [&](Fields& g) {
        c.convs.emplace_back();
        PastConversation& p = c.convs.back();
        g.conv("conv", p.conv);
        g.string("status", p.status);
        g.integer("updated", p.updated);
        g.string("last_text", p.last_text);
        std::optional<std::string> intent;
        g.opt_string("intent", intent);
        p.intent = intent.value_or("");
        g.integer("csat", p.csat, 0, 5, /*required=*/false);
    });
    return c;
}
RelayFrame read_canned_list(Fields& f) {
    CannedList l;
    f.array("items", [&](Fields& g) {
        l.items.emplace_back();
        CannedResponse& r = l.items.back();
        g.string("id", r.id);
        g.one_of("scope", r.scope, is_canned_scope);
        std::optional<std::string> team;
        g.opt_string("team", team);
        r.team = team.value_or("");
        g.string("shortcut", r.shortcut);
        g.string("text", r.text);
        g.integer("updated", r.updated);
    });
    return l;
}
RelayFrame read_prechat_saved(Fields& f) {
    PrechatSaved r;
    f.conv("conv", r.conv);
    f.boolean("offline", r.offline, /*required=*/false);
    return r;
}
RelayFrame read_stream_end(Fields& f) {
    StreamEndNotice s;
    f.conv("conv", s.conv);
    f.cid("cid", s.cid);
    f.party("from", s.from);
    f.string("reason", s.reason);
    return s;
}

// The type names, in variant order. frame_type() reads these alone, so encoding does
// not pull the readers below into a program that never decodes that direction (the
// widget's Wasm encodes client frames and decodes relay frames only).
const char* const kClientTypes[] = {"hello", "login",    "send", "typing", "read",
                                    "sync",  "history",  "presence", "ping", "note",
                                    "transfer", "close", "reopen", "logout", "sessions",
                                    "audit", "export_visitor", "erase_visitor", "handoff", "handback", "stream",
                                    "stream_end", "rate", "search", "navigate", "context", "canned", "agent_admin",
                                    "prechat"};
const char* const kRelayTypes[] = {"welcome", "ack",   "msg",  "typing",   "read",
                                   "synced",  "page",  "presence", "inbox", "conv",
                                   "pong",    "error", "queue", "supervisor", "logged_out",
                                   "sessions", "audit", "visitor_export", "erased", "stream", "stream_end", "rated",
                                   "found", "context", "canned", "agents", "prechat_saved"};

// The reader of each type, in the same order.
template <class Frame>
using Reader = Frame (*)(Fields&);

const Reader<ClientFrame> kClientReaders[] = {
    read_hello, read_login,   read_send,     read_typing, read_read,  read_sync,  read_history,
    read_presence, read_ping, read_note, read_transfer, read_close, read_reopen,
    read_logout, read_list_sessions, read_audit_query,
    read_visitor_target<ExportVisitor>, read_visitor_target<EraseVisitor>, read_handoff, read_handback,
    read_stream, read_stream_cancel, read_rate, read_search, read_navigate, read_context_query, read_canned_op,
    read_agent_admin, read_prechat,
};
// The frames the relay sends to agents only (docs/protocol.md §5): the visitor build
// (core/visitor_only.hpp) has no reader for them, so they decode as unknown_type there.
constexpr Reader<RelayFrame> agents_only(Reader<RelayFrame> reader) { return kVisitorOnly ? nullptr : reader; }
const Reader<RelayFrame> kRelayReaders[] = {
    read_welcome, read_ack,  read_msg,  read_typing_notice, read_read_notice, read_synced,
    read_page, read_presence_notice, agents_only(read_inbox), agents_only(read_conv), read_pong, read_error,
    read_queue, agents_only(read_supervisor), agents_only(read_logged_out), agents_only(read_session_list),
    agents_only(read_audit_page), agents_only(read_visitor_export), agents_only(read_erased),
    read_stream_notice, read_stream_end, read_rated, agents_only(read_found), agents_only(read_context_info),
    agents_only(read_canned_list), agents_only(read_agent_list), read_prechat_saved,
};

// The shared steps of both decoders: envelope rules, then the table lookup.
template <class Frame, std::size_t N>
Result<Frame> decode(std::string_view text, const char* const (&types)[N],
                     const Reader<Frame> (&readers)[N]) {
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
    for (std::size_t i = 0; i < N; ++i) {
        if (name != types[i]) continue;
        if (!readers[i]) break;  // not read by this build (agents_only)
        Fields fields(doc);
        Frame frame = readers[i](fields);
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
// Written member by member (json_writer.hpp), in the order below, with "v" and "type"
// first: easier to read in logs and golden transcripts. The bytes are what dumping a
// json::Value of the same members gives (invalid UTF-8 in a string becomes U+FFFD), so
// encode never fails.

void write_meta(JsonWriter& j, const Meta& m) {
    j.open("meta");
    j.str("intent", m.intent);
    j.real("confidence", m.confidence);
    j.strs("signals", m.signals);
    j.end();
}

void write_members(JsonWriter& j, const Hello& f) {
    j.str("role", f.role);
    if (f.token) j.str("token", *f.token);
    if (f.name) j.str("name", *f.name);
    if (f.page) j.str("page", *f.page);
    if (f.title) j.str("title", *f.title);
    if (f.key) j.str("key", *f.key);
    if (f.user_id) j.str("user_id", *f.user_id);
    if (f.email) j.str("email", *f.email);
    if (!f.attributes.empty()) {
        j.open("attributes");
        for (const auto& [k, v] : f.attributes) j.member(k, v);
        j.end();
    }
    if (f.user_hash) j.str("user_hash", *f.user_hash);
    if (f.identity_token) j.str("identity_token", *f.identity_token);
}
void write_members(JsonWriter& j, const Login& f) {
    j.str("email", f.email);
    j.str("password", f.password);
}
void write_members(JsonWriter& j, const Send& f) {
    j.str("conv", f.conv);
    j.str("cid", f.cid);
    j.str("text", f.text);
    if (f.meta) write_meta(j, *f.meta);
    if (!f.parts.empty()) j.raw("parts", f.parts);
    if (f.reply) write_reply(j, *f.reply);
}
void write_members(JsonWriter& j, const Typing& f) {
    j.str("conv", f.conv);
    j.flag("on", f.on);
}
void write_members(JsonWriter& j, const Read& f) {
    j.str("conv", f.conv);
    j.num("seq", f.seq);
}
void write_members(JsonWriter& j, const Sync& f) {
    j.str("conv", f.conv);
    j.num("after", f.after);
}
void write_members(JsonWriter& j, const History& f) {
    j.str("conv", f.conv);
    if (f.before) j.num("before", *f.before);
    j.num("limit", f.limit);
}
void write_members(JsonWriter& j, const SetPresence& f) { j.str("status", f.status); }
void write_members(JsonWriter& j, const Ping& f) { j.num("n", f.n); }
void write_members(JsonWriter& j, const Note& f) {
    j.str("conv", f.conv);
    j.str("cid", f.cid);
    j.str("text", f.text);
}
void write_members(JsonWriter& j, const Transfer& f) {
    j.str("conv", f.conv);
    if (f.to_agent) j.str("to_agent", *f.to_agent);
    if (f.to_team) j.str("to_team", *f.to_team);
    j.str("note", f.note);
}
void write_members(JsonWriter& j, const CloseConv& f) { j.str("conv", f.conv); }
void write_members(JsonWriter& j, const Reopen& f) { j.str("conv", f.conv); }
void write_members(JsonWriter& j, const Logout& f) {
    if (f.all) j.flag("all", true);
    if (f.session) j.str("session", *f.session);
}
void write_members(JsonWriter&, const ListSessions&) {}
void write_members(JsonWriter& j, const Handoff& f) {
    j.str("conv", f.conv);
    j.str("reason", f.reason);
    j.str("summary", f.summary);
    if (f.team) j.str("team", *f.team);
}
void write_members(JsonWriter& j, const Handback& f) { j.str("conv", f.conv); }
void write_members(JsonWriter& j, const Stream& f) {
    j.str("conv", f.conv);
    j.str("cid", f.cid);
    j.str("delta", f.delta);
}
void write_members(JsonWriter& j, const StreamCancel& f) {
    j.str("conv", f.conv);
    j.str("cid", f.cid);
}
void write_members(JsonWriter& j, const Rate& f) {
    j.str("conv", f.conv);
    j.num("score", f.score);
    if (!f.comment.empty()) j.str("comment", f.comment);
}
void write_members(JsonWriter& j, const Search& f) {
    j.str("q", f.q);
    j.str("status", f.status);
    if (!f.cursor.empty()) j.str("cursor", f.cursor);
    j.num("limit", f.limit);
}
void write_members(JsonWriter& j, const Navigate& f) {
    j.str("url", f.url);
    if (!f.title.empty()) j.str("title", f.title);
}
void write_members(JsonWriter& j, const ContextQuery& f) { j.str("conv", f.conv); }
void write_members(JsonWriter& j, const CannedOp& f) {
    j.str("op", f.op);
    for (auto [key, value] : {std::pair<const char*, const std::string*>{"id", &f.id}, {"scope", &f.scope},
                              {"team", &f.team}, {"shortcut", &f.shortcut}, {"text", &f.text}})
        if (!value->empty()) j.str(key, *value);
}
void write_members(JsonWriter& j, const Prechat& f) {
    j.str("conv", f.conv);
    j.open("values");
    for (const auto& [name, value] : f.values) j.member(name, value);
    j.end();
    if (f.offline) j.flag("offline", true);
}
void write_members(JsonWriter& j, const AuditQuery& f) {
    if (f.before) j.num("before", *f.before);
    j.num("limit", f.limit);
}
template <class Frame>
void write_visitor_target(JsonWriter& j, const Frame& f) {
    if (!f.visitor.empty()) j.str("visitor", f.visitor);
    if (!f.conv.empty()) j.str("conv", f.conv);
}
void write_members(JsonWriter& j, const AgentAdmin& f) {
    j.str("op", f.op);
    if (!f.cid.empty()) j.str("cid", f.cid);
    if (!f.agent.empty()) j.str("agent", f.agent);
    if (!f.email.empty()) j.str("email", f.email);
    if (f.name) j.str("name", *f.name);
    if (f.teams) j.strs("teams", *f.teams);
    if (f.skills) j.strs("skills", *f.skills);
    if (f.preferred) j.num("preferred", *f.preferred);
    if (f.max_load) j.num("max_load", *f.max_load);
    if (f.supervisor) j.flag("supervisor", *f.supervisor);
}
void write_members(JsonWriter& j, const ExportVisitor& f) { write_visitor_target(j, f); }
void write_members(JsonWriter& j, const EraseVisitor& f) { write_visitor_target(j, f); }

// The relay frames whose members only the wire has (events carry these differently).
void write_members(JsonWriter& j, const Msg& f) { write_message(j, f.message, Shape::wire); }
void write_members(JsonWriter& j, const Page& f) {
    j.str("conv", f.conv);
    j.open_array("msgs");
    for (const Message& m : f.msgs) {
        j.item();
        write_message(j, m, Shape::wire);
        j.end();
    }
    j.end_array();
    j.flag("more", f.more);
}
void write_members(JsonWriter& j, const Pong& f) { j.num("n", f.n); }

// The client frames only agents and bots send. The visitor build (core/visitor_only.hpp)
// has no writers for them: its client never makes one (their actions are compiled out),
// and a visit over the whole variant would keep every writer in the widget's Wasm.
template <class F>
constexpr bool kAgentSends =
    std::is_same_v<F, Login> || std::is_same_v<F, Note> || std::is_same_v<F, Transfer> ||
    std::is_same_v<F, CloseConv> || std::is_same_v<F, Reopen> || std::is_same_v<F, Logout> ||
    std::is_same_v<F, ListSessions> || std::is_same_v<F, AuditQuery> || std::is_same_v<F, ExportVisitor> ||
    std::is_same_v<F, EraseVisitor> || std::is_same_v<F, Handoff> || std::is_same_v<F, Handback> ||
    std::is_same_v<F, Stream> || std::is_same_v<F, StreamCancel> || std::is_same_v<F, Search> ||
    std::is_same_v<F, ContextQuery> || std::is_same_v<F, CannedOp> || std::is_same_v<F, AgentAdmin>;

// `{"v":1,"type":…,` then the frame's members, `}`.
template <class Frame>
std::string encode_frame(const Frame& frame) {
    std::string out = "{";
    out.reserve(128);
    JsonWriter j(out);
    j.num("v", kVersion);
    j.str("type", frame_type(frame));
    std::visit(
        [&j](const auto& f) {
            if constexpr (!(kVisitorOnly && kAgentSends<std::decay_t<decltype(f)>>)) write_members(j, f);
        },
        frame);
    j.end();
    return out;
}

static_assert(std::size(kClientTypes) == std::variant_size_v<ClientFrame>);
static_assert(std::size(kRelayTypes) == std::variant_size_v<RelayFrame>);
static_assert(std::size(kClientReaders) == std::size(kClientTypes));
static_assert(std::size(kRelayReaders) == std::size(kRelayTypes));

}  // namespace

Result<ClientFrame> decode_client(std::string_view text) {
    return decode(text, kClientTypes, kClientReaders);
}
Result<RelayFrame> decode_relay(std::string_view text) { return decode(text, kRelayTypes, kRelayReaders); }

std::string encode(const ClientFrame& frame) { return encode_frame(frame); }
std::string encode(const RelayFrame& frame) { return encode_frame(frame); }

// ---- the members of relay frames, shared with the session's events ---------------------

void write_reply(JsonWriter& j, const Reply& r) {
    j.open("reply");
    j.num("to", r.to);
    if (!r.form.empty()) {
        j.str("form", r.form);
        j.open("values");
        for (const auto& [name, value] : r.values) j.member(name, value);
        j.end();
    } else {
        j.str("option", r.option);
    }
    j.end();
}


void write_party(JsonWriter& j, const char* key, const Party& p) {
    j.open(key);
    j.str("role", p.role);
    j.str("id", p.id);
    j.str("name", p.name);
    j.end();
}

void write_message(JsonWriter& j, const Message& m, Shape shape, bool mine) {
    j.str("conv", m.conv);
    j.num("seq", m.seq);
    j.str("cid", m.cid);
    j.num("ts", m.ts);
    write_party(j, "from", m.from);
    j.str("text", m.text);
    if (shape == Shape::event) j.flag("mine", mine);
    if (m.internal) j.flag("internal", true);
    if (m.prev && shape == Shape::wire) j.num("prev", *m.prev);
    if (m.meta) write_meta(j, *m.meta);
    if (!m.parts.empty()) j.raw("parts", m.parts);
    if (m.reply) write_reply(j, *m.reply);
}

// Bot fields (issue 16), in both shapes only when set.
void write_bot_fields(JsonWriter& j, const ConvSummary& s) {
    if (s.handoff) {
        j.open("handoff");
        write_party(j, "by", s.handoff->by);
        j.str("reason", s.handoff->reason);
        j.str("summary", s.handoff->summary);
        j.num("ts", s.handoff->ts);
        j.end();
    }
    if (!s.bot.empty()) j.str("bot", s.bot);
}

// A visitor's claims (issue 17): email, name and attributes only when set.
void write_contact(JsonWriter& j, const Contact& c) {
    j.open("contact");
    j.str("user_id", c.user_id);
    if (!c.email.empty()) j.str("email", c.email);
    if (!c.name.empty()) j.str("name", c.name);
    if (!c.attributes.empty()) {
        j.open("attributes");
        for (const auto& [k, v] : c.attributes) j.member(k, v);
        j.end();
    }
    j.flag("verified", c.verified);
    if (!c.email.empty()) j.flag("email_verified", c.email_verified);
    j.end();
}

void write_summary(JsonWriter& j, const ConvSummary& s, Shape shape) {
    j.str("conv", s.conv);
    write_party(j, "visitor", s.visitor);
    j.num("last_seq", s.last_seq);
    j.str("last_text", s.last_text);
    j.num("updated", s.updated);
    j.str("status", s.status);
    if (s.contact) write_contact(j, *s.contact);
    if (s.page) {  // issue 17: customer context, in both shapes only when set
        j.open("page");
        j.str("url", s.page->url);
        if (!s.page->title.empty()) j.str("title", s.page->title);
        j.num("ts", s.page->ts);
        j.end();
    }
    if (!s.user_agent.empty()) j.str("user_agent", s.user_agent);
    if (shape == Shape::event) {
        // Events: the routing fields all or none (only when the relay routes).
        if (s.state.empty()) return;
        j.str("state", s.state);
        j.str("agent", s.agent);
        j.str("team", s.team);
        j.str("previous_agent", s.previous_agent);
        j.num("rank", s.rank);
        j.str("awaiting", s.awaiting);
        j.str("intent", s.intent);
        write_bot_fields(j, s);
        return;
    }
    // The wire: each one only when set.
    if (!s.state.empty()) j.str("state", s.state);
    if (!s.agent.empty()) j.str("agent", s.agent);
    if (!s.team.empty()) j.str("team", s.team);
    if (!s.previous_agent.empty()) j.str("previous_agent", s.previous_agent);
    if (s.rank > 0) j.num("rank", s.rank);
    if (!s.awaiting.empty()) j.str("awaiting", s.awaiting);
    if (!s.intent.empty()) j.str("intent", s.intent);
    write_bot_fields(j, s);
}

void write_members(JsonWriter& j, const Welcome& f, Shape shape) {
    j.str("role", f.role);
    j.str("token", f.token);
    write_party(j, "me", f.me);
    if (!f.conv) return;
    j.str("conv", *f.conv);
    j.num("last_seq", f.last_seq);
    if (f.identity) {  // issue 17
        j.open("identity");
        j.str("user_id", f.identity->user_id);
        j.flag("verified", f.identity->verified);
        if (!f.identity->reason.empty()) j.str("reason", f.identity->reason);
        j.end();
    }
    if (!f.prechat.empty()) {  // issue 17
        j.open_array("prechat");
        for (const PrechatField& q : f.prechat) {
            j.item();
            j.str("name", q.name);
            if (!q.label.empty()) j.str("label", q.label);
            if (q.required) j.flag("required", true);
            j.end();
        }
        j.end_array();
    }
    if (!f.past.empty()) {  // issue 17
        j.open_array("past");
        for (const PastConv& pc : f.past) {
            j.item();
            j.str("conv", pc.conv);
            j.num("updated", pc.updated);
            if (!pc.preview.empty()) j.str("preview", pc.preview);
            j.end();
        }
        j.end_array();
    }
    // The masking policy (P7): on the wire only when there is one; events always
    // carry it with the conversation.
    if (shape == Shape::wire && f.mask_client.empty()) return;
    j.open("mask");
    j.strs("client", f.mask_client);
    j.end();
}
void write_members(JsonWriter& j, const Ack& f) {
    j.str("conv", f.conv);
    j.str("cid", f.cid);
    j.num("seq", f.seq);
    j.num("ts", f.ts);
}
void write_members(JsonWriter& j, const TypingNotice& f) {
    j.str("conv", f.conv);
    write_party(j, "from", f.from);
    j.flag("on", f.on);
}
void write_members(JsonWriter& j, const ReadNotice& f) {
    j.str("conv", f.conv);
    write_party(j, "from", f.from);
    j.num("seq", f.seq);
}
void write_members(JsonWriter& j, const Synced& f) {
    j.str("conv", f.conv);
    j.num("last_seq", f.last_seq);
}
void write_members(JsonWriter& j, const PresenceNotice& f) {
    write_party(j, "who", f.who);
    j.str("status", f.status);
}
void write_members(JsonWriter& j, const Inbox& f, Shape shape) {
    j.open_array("convs");
    for (const ConvSummary& s : f.convs) {
        j.item();
        write_summary(j, s, shape);
        j.end();
    }
    j.end_array();
}
void write_members(JsonWriter& j, const ConvUpdate& f, Shape shape) {
    write_summary(j, f.summary, shape);
}
void write_members(JsonWriter& j, const QueueNotice& f) {
    j.str("conv", f.conv);
    j.str("team", f.team);
    j.num("position", f.position);
    j.num("expected_wait_ms", f.expected_wait_ms);
}
void write_members(JsonWriter& j, const SupervisorBoard& f) {
    j.open_array("agents");
    for (const AgentLoad& a : f.agents) {
        j.item();
        write_party(j, "agent", a.agent);
        j.str("status", a.status);
        j.strs("teams", a.teams);
        j.num("load", a.load);
        j.num("inactive", a.inactive);
        j.num("preferred", a.preferred);
        j.num("max", a.max_load);
        j.end();
    }
    j.end_array();
    j.open_array("queues");
    for (const TeamQueue& q : f.queues) {
        j.item();
        j.str("team", q.team);
        j.strs("convs", q.convs);
        // Never fewer than listed: a queue built without a length is its list.
        j.num("length", std::max<std::int64_t>(q.length, static_cast<std::int64_t>(q.convs.size())));
        j.end();
    }
    j.end_array();
    j.flag("full", f.full);
}
void write_members(JsonWriter& j, const LoggedOut& f) {
    j.num("revoked", f.revoked);
    j.flag("current", f.current);
}
void write_members(JsonWriter& j, const SessionList& f) {
    j.open_array("sessions");
    for (const SessionInfo& s : f.sessions) {
        j.item();
        j.str("id", s.id);
        j.num("created", s.created);
        j.num("expires", s.expires);
        j.num("last_used", s.last_used);
        j.flag("current", s.current);
        j.end();
    }
    j.end_array();
}
void write_audit_entry(JsonWriter& j, const AuditEntry& e) {
    j.num("id", e.id);
    j.num("ts", e.ts);
    j.str("actor_role", e.actor_role);
    if (!e.actor_id.empty()) j.str("actor_id", e.actor_id);
    if (!e.actor_name.empty()) j.str("actor_name", e.actor_name);
    j.str("action", e.action);
    // Empty members are left out: most entries name no target, detail or address.
    if (!e.conv.empty()) j.str("conv", e.conv);
    if (!e.target.empty()) j.str("target", e.target);
    if (!e.detail.empty()) j.str("detail", e.detail);
    if (!e.address.empty()) j.str("address", e.address);
}
void write_members(JsonWriter& j, const AuditPage& f) {
    j.open_array("entries");
    for (const AuditEntry& e : f.entries) {
        j.item();
        write_audit_entry(j, e);
        j.end();
    }
    j.end_array();
    j.flag("more", f.more);
}
void write_members(JsonWriter& j, const AgentList& f) {
    j.open_array("agents");
    for (const AgentInfo& a : f.agents) {
        j.item();
        j.str("id", a.id);
        j.str("email", a.email);
        j.str("name", a.name);
        j.strs("teams", a.teams);
        j.strs("skills", a.skills);
        j.num("preferred", a.preferred);
        j.num("max_load", a.max_load);
        j.flag("supervisor", a.supervisor);
        j.flag("disabled", a.disabled);
        j.str("status", a.status);
        j.end();
    }
    j.end_array();
    if (f.more) j.flag("more", true);
    if (!f.op.empty()) j.str("op", f.op);
    if (!f.cid.empty()) j.str("cid", f.cid);
    if (!f.agent.empty()) j.str("agent", f.agent);
    if (!f.password.empty()) j.str("password", f.password);
    if (!f.op.empty()) j.num("sessions", f.sessions);
}
void write_members(JsonWriter& j, const VisitorExport& f) {
    j.str("visitor", f.visitor);
    j.str("data", f.data);
    j.flag("done", f.done);
}
void write_members(JsonWriter& j, const VisitorErased& f) {
    j.str("visitor", f.visitor);
    j.strs("convs", f.convs);
    j.num("messages", f.messages);
}
void write_members(JsonWriter& j, const ErrorFrame& f, Shape shape) {
    j.num("code", static_cast<int>(f.code));
    j.str("message", f.message);
    if (shape == Shape::event || !f.ref.empty()) j.str("ref", f.ref);  // events: always
    if (f.retry_after_ms) j.num("retry_after_ms", *f.retry_after_ms);
    if (!f.frame.empty()) j.str("frame", f.frame);
    if (!f.conv.empty()) j.str("conv", f.conv);
    if (!f.fields.empty()) {
        j.open("fields");
        for (const auto& [name, reason] : f.fields) j.member(name, reason);
        j.end();
    }
}
void write_members(JsonWriter& j, const StreamNotice& f) {
    j.str("conv", f.conv);
    j.str("cid", f.cid);
    write_party(j, "from", f.from);
    j.str("delta", f.delta);
    j.num("offset", f.offset);
}
void write_members(JsonWriter& j, const StreamEndNotice& f) {
    j.str("conv", f.conv);
    j.str("cid", f.cid);
    write_party(j, "from", f.from);
    j.str("reason", f.reason);
}
void write_members(JsonWriter& j, const Found& f, Shape shape) {
    j.str("q", f.q);
    j.str("status", f.status);
    j.open_array("convs");
    for (const ConvSummary& s : f.convs) {
        j.item();
        write_summary(j, s, shape);
        j.end();
    }
    j.end_array();
    if (!f.cursor.empty()) j.str("cursor", f.cursor);
}
void write_members(JsonWriter& j, const Rated& f) {
    j.str("conv", f.conv);
    j.num("score", f.score);
}
void write_members(JsonWriter& j, const PrechatSaved& f) {
    j.str("conv", f.conv);
    if (f.offline) j.flag("offline", true);
}

void write_members(JsonWriter& j, const ContextInfo& f) {
    j.str("conv", f.conv);
    j.open_array("convs");
    for (const PastConversation& p : f.convs) {
        j.item();
        j.str("conv", p.conv);
        j.str("status", p.status);
        j.num("updated", p.updated);
        j.str("last_text", p.last_text);
        if (!p.intent.empty()) j.str("intent", p.intent);
        if (p.csat > 0) j.num("csat", p.csat);
        j.end();
    }
    j.end_array();
}
void write_members(JsonWriter& j, const CannedList& f) {
    j.open_array("items");
    for (const CannedResponse& r : f.items) {
        j.item();
        j.str("id", r.id);
        j.str("scope", r.scope);
        if (!r.team.empty()) j.str("team", r.team);
        j.str("shortcut", r.shortcut);
        j.str("text", r.text);
        j.num("updated", r.updated);
        j.end();
    }
    j.end_array();
}

const char* frame_type(const ClientFrame& frame) {
    return kClientTypes[frame.index()];  // the table is in variant order
}
const char* frame_type(const RelayFrame& frame) { return kRelayTypes[frame.index()]; }

}  // namespace parley::protocol
