#include "parley/session/event.hpp"

#include <iterator>

#include "parley/json/value.hpp"

namespace parley::session {

namespace {

using ojson = parley::json::Value;  // objects keep insertion order: "event" first

ojson party(const protocol::Party& p) {
    ojson j = ojson::object();
    j["role"] = p.role;
    j["id"] = p.id;
    j["name"] = p.name;
    return j;
}

ojson message(const Delivered& d) {
    const protocol::Message& m = d.message;
    ojson j = ojson::object();
    j["conv"] = m.conv;
    j["seq"] = m.seq;
    j["cid"] = m.cid;
    j["ts"] = m.ts;
    j["from"] = party(m.from);
    j["text"] = m.text;
    j["mine"] = d.mine;
    if (m.internal) j["internal"] = true;  // routing (P4): an agents-only note
    // Triage (P5): the relay's reading of a visitor message, when it sent one.
    if (m.meta) {
        ojson meta = ojson::object();
        meta["intent"] = m.meta->intent;
        meta["confidence"] = m.meta->confidence;
        meta["signals"] = m.meta->signals;
        j["meta"] = std::move(meta);
    }
    return j;
}

void put_summary(ojson& j, const protocol::ConvSummary& s) {
    j["conv"] = s.conv;
    j["visitor"] = party(s.visitor);
    j["last_seq"] = s.last_seq;
    j["last_text"] = s.last_text;
    j["updated"] = s.updated;
    j["status"] = s.status;
    // Routing (P4): only when the relay routes.
    if (s.state.empty()) return;
    j["state"] = s.state;
    j["agent"] = s.agent;
    j["team"] = s.team;
    j["previous_agent"] = s.previous_agent;
    j["rank"] = s.rank;
    j["awaiting"] = s.awaiting;
    j["intent"] = s.intent;  // triage (P5): "" when none
}

// Fills the fields after "event" for each kind.
struct Fields {
    ojson& j;
    void operator()(const ConnectRequest&) const {}
    void operator()(const DisconnectRequest&) const {}
    void operator()(const StateChanged& e) const { j["state"] = state_name(e.state); }
    void operator()(const protocol::Welcome& e) const {
        j["role"] = e.role;
        j["token"] = e.token;
        j["me"] = party(e.me);
        if (e.conv) {
            j["conv"] = *e.conv;
            j["last_seq"] = e.last_seq;
            ojson mask = ojson::object();  // P7: kinds to mask before sending
            mask["client"] = e.mask_client;
            j["mask"] = std::move(mask);
        }
    }
    void operator()(const Queued& e) const {
        j["conv"] = e.conv;
        j["cid"] = e.cid;
        j["text"] = e.text;
    }
    void operator()(const protocol::Ack& e) const {
        j["conv"] = e.conv;
        j["cid"] = e.cid;
        j["seq"] = e.seq;
        j["ts"] = e.ts;
    }
    void operator()(const Delivered& e) const {
        const ojson m = message(e);
        for (const auto& [k, v] : m.members()) j[k] = v;
    }
    void operator()(const protocol::TypingNotice& e) const {
        j["conv"] = e.conv;
        j["from"] = party(e.from);
        j["on"] = e.on;
    }
    void operator()(const protocol::ReadNotice& e) const {
        j["conv"] = e.conv;
        j["from"] = party(e.from);
        j["seq"] = e.seq;
    }
    void operator()(const protocol::PresenceNotice& e) const {
        j["who"] = party(e.who);
        j["status"] = e.status;
    }
    void operator()(const HistoryPage& e) const {
        j["conv"] = e.conv;
        ojson msgs = ojson::array();
        for (const auto& m : e.msgs) msgs.push_back(message(m));
        j["msgs"] = std::move(msgs);
        j["more"] = e.more;
    }
    void operator()(const protocol::Inbox& e) const {
        ojson convs = ojson::array();
        for (const auto& s : e.convs) {
            ojson o = ojson::object();
            put_summary(o, s);
            convs.push_back(std::move(o));
        }
        j["convs"] = std::move(convs);
    }
    void operator()(const protocol::ConvUpdate& e) const { put_summary(j, e.summary); }
    void operator()(const protocol::Synced& e) const {
        j["conv"] = e.conv;
        j["last_seq"] = e.last_seq;
    }
    void operator()(const protocol::QueueNotice& e) const {
        j["conv"] = e.conv;
        j["team"] = e.team;
        j["position"] = e.position;
        j["expected_wait_ms"] = e.expected_wait_ms;
    }
    void operator()(const protocol::SupervisorBoard& e) const {
        ojson agents = ojson::array();
        for (const auto& a : e.agents) {
            ojson o = ojson::object();
            o["agent"] = party(a.agent);
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
        for (const auto& q : e.queues) {
            ojson o = ojson::object();
            o["team"] = q.team;
            o["convs"] = q.convs;
            queues.push_back(std::move(o));
        }
        j["queues"] = std::move(queues);
        j["full"] = e.full;
    }
    void operator()(const protocol::ErrorFrame& e) const {
        j["code"] = static_cast<int>(e.code);
        j["message"] = e.message;
        j["ref"] = e.ref;
        if (e.retry_after_ms) j["retry_after_ms"] = *e.retry_after_ms;
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

static ojson event_object(const Event& event) {
    ojson j = ojson::object();
    j["event"] = event_name(event);
    std::visit(Fields{j}, event);
    return j;
}

std::string event_json(const Event& event) {
    return event_object(event).dump();  // invalid UTF-8 → U+FFFD
}

}  // namespace parley::session
