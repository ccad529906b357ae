// Hub: customer context and canned responses (issue 17; docs/protocol.md "Customer
// context", "Canned responses").
//
// Theory of operation
// -------------------
// Where a visitor is travels with their conversation's summary: the widget names the
// host page (origin + path, and its title) in its hello and in `navigate` frames as a
// single-page site moves on; the relay adds the User-Agent of the WebSocket handshake.
// Each change is stored (store.put_conv_context, sealed like names), so an agent who
// reloads the console still sees it, and the conversation's agents get a new `conv`.
// A query or fragment never reaches the store: the relay cuts them whatever the widget
// sent, as for routing rules.
//
//   event                                   outcome
//   --------------------------------------  ------------------------------------------
//   visitor hello with a page               stored if it changed; `conv` to its agents
//   navigate from the visitor               the same (the next hello carries it too)
//   navigate from an agent or a bot         2004, nothing stored
//   context {conv} from an agent who may    `context`: the visitor's conversations the
//     look at conv                          agent may look at, newest first, ≤ 20, each
//                                           with its intent and last CSAT score
//   context from others / conv not theirs   2004 (access_rule.hpp), as for history
//   canned {op}                             core/canned_responses.hpp; answer: the list
//
// The past conversations are filtered by the same rule as `history`, so the list never
// shows an agent the last line of a conversation they could not open. Visitors, bots:
// `context` and `canned` are agents' frames (2004).
#include "core/canned_responses.hpp"
#include "core/hub.hpp"
#include "parley/protocol/codec.hpp"

namespace parley::relay {

using protocol::ErrorCode;
namespace p = protocol;

Result<bool> Hub::store_visit(const Conn& c, std::int64_t now) {
    if (c.page.empty() || c.conv.empty()) return false;
    // An unreadable stored context (sealed under a key since forgotten, see --reseal-data)
    // is replaced like an absent one; a store that cannot write fails the put below.
    auto stored = store_.find_conv_context(c.conv);
    const bool same = stored && stored.value() && stored.value()->page_url == c.page &&
                      stored.value()->page_title == c.title && stored.value()->user_agent == c.user_agent;
    if (same) return false;  // a reload of the same page: nothing new for the agents
    if (Status s = store_.put_conv_context(c.conv, ConvContext{c.page, c.title, c.user_agent, now}); !s)
        return s.error();
    return true;
}

void Hub::add_visit(p::ConvSummary& s) const {
    auto found = store_.find_conv_context(s.conv);
    if (!found || !found.value()) return;  // unreadable (a forgotten key): shown without it
    const ConvContext& v = *found.value();
    s.page = p::VisitorPage{v.page_url, v.page_title, v.updated};
    s.user_agent = v.user_agent;
}

void Hub::handle(ConnId id, Conn& c, const p::Navigate& f, std::int64_t now) {
    if (c.party.role != "visitor") return send_error(id, ErrorCode::forbidden, "navigate is the visitor's");
    c.page = f.url.substr(0, f.url.find_first_of("?#"));
    c.title = f.title;
    auto changed = store_visit(c, now);
    if (!changed) return send_error(id, changed.error());
    if (changed.value()) publish_conv(c.conv);
}

void Hub::handle(ConnId id, Conn& c, const p::ContextQuery& f, std::int64_t) {
    if (c.party.role != "agent") return send_error(id, ErrorCode::forbidden, "context is for agents");
    auto conv = accessible(c, f.conv, ConvAct::history, {});
    if (!conv) return send_error(id, conv.error());
    auto all = store_.conversations_of(conv.value().visitor.id, static_cast<int>(p::kMaxContextConvs) * 2);
    if (!all) return send_error(id, all.error());
    p::ContextInfo out;
    out.conv = f.conv;
    const Viewer viewer = viewer_of(c);
    for (const p::ConvSummary& s : all.value()) {
        if (out.convs.size() >= p::kMaxContextConvs) break;
        const ConvFacts facts{s.conv, true, route_view(s.conv)};
        if (refusal(viewer, facts, ConvAct::history)) continue;  // not theirs to open: not listed
        p::PastConversation past{s.conv, s.status, s.updated, s.last_text, s.intent, 0};
        if (facts.routing) past.status = facts.routing->state == route::ConvState::Closed ? "closed" : "open";
        auto events = store_.events_of_conversation(s.conv);
        if (!events) return send_error(id, events.error());
        for (const ConvEvent& e : events.value())  // the last rating counts, as in reports
            if (e.kind == "csat" && e.detail.size() == 1 && e.detail[0] >= '1' && e.detail[0] <= '5')
                past.csat = e.detail[0] - '0';
        out.convs.push_back(std::move(past));
    }
    send(id, out);
}

void Hub::handle(ConnId id, Conn& c, const p::CannedOp& f, std::int64_t now) {
    if (c.party.role != "agent") return send_error(id, ErrorCode::forbidden, "canned responses are for agents");
    CannedActor actor{c.party.id, {}, false};
    if (auto it = route_agents_.find(c.party.id); it != route_agents_.end()) {
        actor.teams = it->second.teams;
        actor.supervisor = it->second.supervisor;
    }
    if (f.op == "save") {
        auto saved = save_canned(store_, actor, f, now, random_, config_.canned);
        if (!saved) return send_error(id, saved.error());
    } else if (f.op == "delete") {
        if (Status s = delete_canned(store_, actor, f.id); !s) return send_error(id, s.error());
    }
    auto list = list_canned(store_, actor);
    if (!list) return send_error(id, list.error());
    p::CannedList out{std::move(list).value()};
    // Under the frame limit for an agent of many teams: the last teams' ones are cut.
    std::string text = p::encode(out);
    while (text.size() > p::kMaxFrameBytes && !out.items.empty()) {
        out.items.resize(out.items.size() * 3 / 4);
        text = p::encode(out);
    }
    outputs_.push_back(Output::frame(id, std::make_shared<const std::string>(std::move(text))));
}

}  // namespace parley::relay
