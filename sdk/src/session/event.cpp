#include "parley/session/event.hpp"

#include <algorithm>

#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "parley/json/value.hpp"

namespace parley::session {

namespace {

namespace json = parley::json;

// Events are written straight into the answer, member by member, rather than built as
// a json::Value and dumped: the same bytes (json's writers, members in the order
// below, "event" first), without the DOM's copies in the widget's Wasm (issue 6).
struct Obj {
    std::string& out;

    // `"k":` after a comma unless the object (or array) has just been opened.
    std::string& key(const char* k) {
        if (out.back() != '{') out += ',';
        out += '"';
        out += k;  // our own ASCII names: nothing to escape
        out += "\":";
        return out;
    }
    void str(const char* k, std::string_view v) { json::write_string(key(k), v); }
    void num(const char* k, std::int64_t v) { json::write_integer(key(k), v); }
    void flag(const char* k, bool v) { key(k) += v ? "true" : "false"; }
    void strs(const char* k, const std::vector<std::string>& v) {
        key(k) += '[';
        for (const std::string& s : v) {
            if (out.back() != '[') out += ',';
            json::write_string(out, s);
        }
        out += ']';
    }
    // `"k":{` … `}` around `fill(Obj&)`.
    template <class Fill>
    void object(const char* k, Fill fill) {
        key(k) += '{';
        fill(*this);
        out += '}';
    }
    // `"k":[{…},{…}]`, one object per item filled by `fill(Obj&, item)`.
    template <class List, class Fill>
    void objects(const char* k, const List& list, Fill fill) {
        key(k) += '[';
        for (const auto& item : list) {
            if (out.back() != '[') out += ',';
            out += '{';
            fill(*this, item);
            out += '}';
        }
        out += ']';
    }
    void party(const char* k, const protocol::Party& p) {
        object(k, [&](Obj& o) {
            o.str("role", p.role);
            o.str("id", p.id);
            o.str("name", p.name);
        });
    }
};

void message(Obj& j, const Delivered& d) {
    const protocol::Message& m = d.message;
    j.str("conv", m.conv);
    j.num("seq", m.seq);
    j.str("cid", m.cid);
    j.num("ts", m.ts);
    j.party("from", m.from);
    j.str("text", m.text);
    j.flag("mine", d.mine);
    if (m.internal) j.flag("internal", true);  // routing (P4): an agents-only note
    // Triage (P5): the relay's reading of a visitor message, when it sent one.
    if (m.meta) {
        j.object("meta", [&](Obj& meta) {
            meta.str("intent", m.meta->intent);
            json::write_double(meta.key("confidence"), m.meta->confidence);
            meta.strs("signals", m.meta->signals);
        });
    }
}

void put_summary(Obj& j, const protocol::ConvSummary& s) {
    j.str("conv", s.conv);
    j.party("visitor", s.visitor);
    j.num("last_seq", s.last_seq);
    j.str("last_text", s.last_text);
    j.num("updated", s.updated);
    j.str("status", s.status);
    // Routing (P4): only when the relay routes.
    if (s.state.empty()) return;
    j.str("state", s.state);
    j.str("agent", s.agent);
    j.str("team", s.team);
    j.str("previous_agent", s.previous_agent);
    j.num("rank", s.rank);
    j.str("awaiting", s.awaiting);
    j.str("intent", s.intent);  // triage (P5): "" when none
}

// Writes the members after "event" for each kind.
struct Fields {
    Obj& j;
    void operator()(const ConnectRequest&) const {}
    void operator()(const DisconnectRequest&) const {}
    void operator()(const StateChanged& e) const { j.str("state", state_name(e.state)); }
    void operator()(const protocol::Welcome& e) const {
        j.str("role", e.role);
        j.str("token", e.token);
        j.party("me", e.me);
        if (e.conv) {
            j.str("conv", *e.conv);
            j.num("last_seq", e.last_seq);
            // P7: kinds to mask before sending
            j.object("mask", [&](Obj& mask) { mask.strs("client", e.mask_client); });
        }
    }
    void operator()(const Queued& e) const {
        j.str("conv", e.conv);
        j.str("cid", e.cid);
        j.str("text", e.text);
    }
    void operator()(const protocol::Ack& e) const {
        j.str("conv", e.conv);
        j.str("cid", e.cid);
        j.num("seq", e.seq);
        j.num("ts", e.ts);
    }
    void operator()(const Delivered& e) const { message(j, e); }
    void operator()(const protocol::TypingNotice& e) const {
        j.str("conv", e.conv);
        j.party("from", e.from);
        j.flag("on", e.on);
    }
    void operator()(const protocol::ReadNotice& e) const {
        j.str("conv", e.conv);
        j.party("from", e.from);
        j.num("seq", e.seq);
    }
    void operator()(const protocol::PresenceNotice& e) const {
        j.party("who", e.who);
        j.str("status", e.status);
    }
    void operator()(const HistoryPage& e) const {
        j.str("conv", e.conv);
        j.objects("msgs", e.msgs, message);
        j.flag("more", e.more);
    }
    void operator()(const protocol::Inbox& e) const { j.objects("convs", e.convs, put_summary); }
    void operator()(const protocol::ConvUpdate& e) const { put_summary(j, e.summary); }
    void operator()(const protocol::Synced& e) const {
        j.str("conv", e.conv);
        j.num("last_seq", e.last_seq);
    }
    void operator()(const protocol::QueueNotice& e) const {
        j.str("conv", e.conv);
        j.str("team", e.team);
        j.num("position", e.position);
        j.num("expected_wait_ms", e.expected_wait_ms);
    }
    void operator()(const protocol::SupervisorBoard& e) const {
        j.objects("agents", e.agents, [](Obj& o, const protocol::AgentLoad& a) {
            o.party("agent", a.agent);
            o.str("status", a.status);
            o.strs("teams", a.teams);
            o.num("load", a.load);
            o.num("inactive", a.inactive);
            o.num("preferred", a.preferred);
            o.num("max", a.max_load);
        });
        j.objects("queues", e.queues, [](Obj& o, const protocol::TeamQueue& q) {
            o.str("team", q.team);
            o.strs("convs", q.convs);
            o.num("length", std::max<std::int64_t>(q.length, static_cast<std::int64_t>(q.convs.size())));
        });
        j.flag("full", e.full);
    }
    void operator()(const protocol::ErrorFrame& e) const {
        j.num("code", static_cast<int>(e.code));
        j.str("message", e.message);
        j.str("ref", e.ref);
        if (e.retry_after_ms) j.num("retry_after_ms", *e.retry_after_ms);
    }
};

// In variant order.
const char* const kNames[] = {"connect", "disconnect", "state",   "welcome", "queued",
                              "ack",     "message",    "typing",  "read",    "presence",
                              "history", "inbox",      "conv",    "synced",  "error",
                              "queue",   "supervisor"};
static_assert(std::size(kNames) == std::variant_size_v<Event>);

}  // namespace

const char* state_name(State state) {
    switch (state) {
        case State::offline: return "offline";
        case State::connecting: return "connecting";
        case State::connected: return "connected";
        case State::reconnecting: return "reconnecting";
        case State::stopped: return "stopped";
    }
    return "offline";
}

const char* event_name(const Event& event) { return kNames[event.index()]; }

std::string event_json(const Event& event) {
    std::string out = "{";
    Obj j{out};
    j.str("event", event_name(event));
    std::visit(Fields{j}, event);
    out += '}';
    return out;  // invalid UTF-8 in a text → U+FFFD (json::write_string)
}

}  // namespace parley::session
