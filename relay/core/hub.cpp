#include "core/hub.hpp"

#include <algorithm>
#include <utility>

#include "auth/agent_accounts.hpp"
#include "auth/password.hpp"
#include "auth/session_token.hpp"
#include "auth/visitor_token.hpp"
#include "parley/protocol/codec.hpp"

namespace parley::relay {

using protocol::ErrorCode;
namespace p = protocol;

namespace {

template <class... F>
struct overloaded : F... {
    using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

bool valid_status(const std::string& role, const std::string& status) {
    if (role == "visitor") return status == "online" || status == "away";
    return status == "available" || status == "away" || status == "offline";
}

}  // namespace

Hub::Hub(Store& store, RandomSource& random, HubConfig config)
    : store_(store), random_(random), config_(std::move(config)) {
    router_.reconfigure(config_.routing);
}

void Hub::batch_begin(ConnId conn) {
    if (!config_.group_commit) return;
    if (conn) batch_conns_.insert(conn);
    if (batch_open_) return;
    // A batch that cannot begin leaves each write to commit alone: slower, still safe.
    batch_open_ = static_cast<bool>(store_.begin_batch());
}

std::vector<Output> Hub::take_outputs() {
    if (batch_open_) {
        batch_open_ = false;
        if (Status s = store_.commit_batch(); !s) {
            // Nothing of the batch is stored: no ack or message may go out. Their
            // senders reconnect and resend (same cid); everyone else never saw it.
            outputs_.clear();
            for (ConnId id : batch_conns_)
                if (conns_.count(id))
                    outputs_.push_back(Output::close(id, "storage failed, resend", p::close_code::internal_error));
        }
    }
    batch_conns_.clear();
    return std::exchange(outputs_, {});
}

// ---- connection events ---------------------------------------------------------------

void Hub::on_open(ConnId conn, std::int64_t now) {
    batch_begin(0);
    conns_[conn] = Conn{};
    // The router's state comes back from the store before anyone can act on it: a first
    // message after a restart must find its conversation where it was.
    route_load(now);
}

void Hub::on_text(ConnId conn, std::string_view text, std::int64_t now) {
    auto it = conns_.find(conn);
    if (it == conns_.end() || stopping_) return;  // closed, or closing: nothing to answer
    Conn& c = it->second;
    now_ = std::max(now_, now);
    batch_begin(conn);

    auto decoded = p::decode_client(text);
    if (!decoded) return send_error(conn, decoded.error());
    const p::ClientFrame& frame = decoded.value();

    // The handshake gate: before welcome only hello, login and ping are processed;
    // after it, hello and login are refused.
    const bool opens = std::holds_alternative<p::Hello>(frame) || std::holds_alternative<p::Login>(frame);
    if (!c.ready && !opens && !std::holds_alternative<p::Ping>(frame)) {
        const auto* s = std::get_if<p::Send>(&frame);
        return send_error(conn, ErrorCode::not_authenticated, "send hello or login first",
                          s ? s->cid : std::string());
    }
    if (c.ready && opens)
        return send_error(conn, ErrorCode::already_authenticated, "this connection has a session");

    std::visit([&](const auto& f) { handle(conn, c, f, now); }, frame);
}

void Hub::on_binary(ConnId conn, std::int64_t) {
    if (conns_.count(conn))
        send_error(conn, ErrorCode::binary_frame, "binary messages are not accepted");
}

void Hub::on_rate_limited(ConnId conn, std::string_view text, std::int64_t retry_after_ms, std::int64_t) {
    if (!conns_.count(conn) || stopping_) return;
    // The cid (when the frame has one) lets the client resend exactly that frame.
    std::string ref;
    if (auto decoded = p::decode_client(text)) {
        if (const auto* s = std::get_if<p::Send>(&decoded.value())) ref = s->cid;
        if (const auto* n = std::get_if<p::Note>(&decoded.value())) ref = n->cid;
    }
    send(conn, p::ErrorFrame{ErrorCode::rate_limited, "too many frames; retry later", std::move(ref), retry_after_ms});
}

void Hub::on_too_large(ConnId conn, std::int64_t) {
    if (conns_.count(conn))
        send_error(conn, ErrorCode::too_large, "the frame exceeds 65536 bytes");
}

void Hub::on_close(ConnId conn, std::int64_t now) {
    now_ = std::max(now_, now);
    auto it = conns_.find(conn);
    if (it == conns_.end()) return;
    batch_begin(0);
    const Conn c = std::move(it->second);
    conns_.erase(it);
    if (!c.ready) return;
    agent_conns_.erase(conn);
    visitor_conns_.erase(conn);
    if (!c.conv.empty()) {
        auto v = conv_visitors_.find(c.conv);
        if (v != conv_visitors_.end() && v->second.erase(conn) && v->second.empty())
            conv_visitors_.erase(v);
    }
    // The party's last connection going makes it offline.
    auto pr = presence_.find(c.party.id);
    if (pr != presence_.end() && --pr->second.connections <= 0) {
        set_presence(0, c.party.id, "offline");
        presence_.erase(c.party.id);
    }
}

void Hub::shutdown(std::int64_t) {
    stopping_ = true;
    for (const auto& entry : conns_)
        outputs_.push_back(Output::close(entry.first, "relay shutting down", p::close_code::going_away));
}

// ---- handshake --------------------------------------------------------------------

void Hub::handle(ConnId id, Conn& c, const p::Hello& f, std::int64_t now) {
    if (f.role == "agent") return hello_agent(id, c, f, now);
    hello_visitor(id, c, f, now);
}

void Hub::hello_visitor(ConnId id, Conn& c, const p::Hello& f, std::int64_t now) {
    // 1. Identity: the token's visitor when the token is genuine, unexpired and names a
    //    visitor we still know; otherwise a new one (never an error: §4 hello).
    std::optional<Visitor> visitor;
    if (f.token) {
        if (auto claims = verify_visitor_token(config_.visitor_secret, *f.token, now)) {
            auto found = store_.find_visitor(claims->visitor_id);
            if (!found) return send_error(id, found.error());
            visitor = found.value();
        }
    }
    if (!visitor) {
        Visitor fresh{random_id(random_, "v_"), f.name.value_or(""), now};
        if (Status s = store_.create_visitor(fresh); !s) return send_error(id, s.error());
        visitor = fresh;
    } else if (f.name && *f.name != visitor->name) {
        if (Status s = store_.rename_visitor(visitor->id, *f.name); !s) return send_error(id, s.error());
        visitor->name = *f.name;
    }

    // 2. Their conversation, created on first hello.
    auto existing = store_.conversation_of_visitor(visitor->id);
    if (!existing) return send_error(id, existing.error());
    if (!existing.value()) {
        const std::string conv = random_id(random_, "c_");
        if (Status s = store_.create_conversation(conv, visitor->id, now); !s)
            return send_error(id, s.error());
        existing = store_.find_conversation(conv);
        if (!existing || !existing.value())
            return send_error(id, existing ? storage_error("conversation vanished") : existing.error());
    }
    const p::ConvSummary summary = *existing.value();

    // 3. The connection is ready.
    c.ready = true;
    c.party = p::Party{"visitor", visitor->id, visitor->name};
    c.conv = summary.conv;
    // Only origin + path may reach the rules (and the store): a query or fragment can
    // hold a visitor's tokens, whatever the widget was meant to send.
    if (f.page) c.page = f.page->substr(0, f.page->find_first_of("?#"));
    visitor_conns_.insert(id);
    conv_visitors_[c.conv].insert(id);

    p::Welcome w;
    w.role = "visitor";
    w.token = issue_visitor_token(config_.visitor_secret,
                                  VisitorClaims{visitor->id, now + config_.visitor_token_ttl_ms});
    w.me = c.party;
    w.conv = summary.conv;
    w.last_seq = summary.last_seq;
    if (config_.triage) w.mask_client = config_.triage->browser_kinds();  // P7
    send(id, w);

    // 4. Presence: the visitor learns which agents are around; agents learn of the visitor.
    for (const auto& entry : presence_)
        if (entry.second.party.role == "agent") send(id, p::PresenceNotice{entry.second.party, entry.second.status});
    party_joined(id, c.party, "online");
}

void Hub::hello_agent(ConnId id, Conn& c, const p::Hello& f, std::int64_t now) {
    const std::string token = f.token.value_or("");
    auto session = store_.find_session(session_token_hash(token));
    if (!session) return send_error(id, session.error());
    if (!session.value() || session.value()->expires <= now)
        return send_error(id, ErrorCode::bad_token, "unknown or expired session token");
    auto agent = store_.find_agent(session.value()->agent_id);
    if (!agent) return send_error(id, agent.error());
    if (!agent.value()) return send_error(id, ErrorCode::bad_token, "unknown or expired session token");
    welcome_agent(id, c, *agent.value(), token);
}

void Hub::handle(ConnId id, Conn& c, const p::Login& f, std::int64_t now) {
    auto agent = store_.find_agent_by_email(f.email);
    if (!agent) return send_error(id, agent.error());
    if (!agent.value()) {
        // Spend the same time as a real check so response time does not reveal which
        // e-mail addresses exist. The dummy hash is made once, on first need.
        if (dummy_hash_.empty()) dummy_hash_ = hash_password("parley-dummy-password").value_or("");
        verify_password(f.password, dummy_hash_);
        return send_error(id, ErrorCode::bad_credentials, "wrong e-mail or password");
    }
    if (!verify_password(f.password, agent.value()->password_hash))
        return send_error(id, ErrorCode::bad_credentials, "wrong e-mail or password");

    const std::string token = new_session_token(random_);
    AgentSession session{session_token_hash(token), agent.value()->id, now + config_.session_ttl_ms};
    if (Status s = store_.create_session(session); !s) return send_error(id, s.error());
    welcome_agent(id, c, *agent.value(), token);
}

void Hub::welcome_agent(ConnId id, Conn& c, const Agent& agent, const std::string& token) {
    auto convs = store_.open_conversations(config_.inbox_limit);
    if (!convs) return send_error(id, convs.error());
    route_agent_joined(agent, now_);  // P4: the router learns the agent's spec

    c.ready = true;
    c.party = p::Party{"agent", agent.id, agent.name};
    agent_conns_.insert(id);

    p::Welcome w;
    w.role = "agent";
    w.token = token;
    w.me = c.party;
    send(id, w);
    send(id, p::Inbox{route_inbox(agent.id, std::move(convs).value())});  // P4: only theirs
    // Agents see everyone's presence: first the current picture, then changes.
    for (const auto& entry : presence_)
        if (entry.first != agent.id) send(id, p::PresenceNotice{entry.second.party, entry.second.status});
    party_joined(id, c.party, "available");
    publish_board();  // P4: this connection's first board (others only if it changed)
}

// ---- conversation frames ----------------------------------------------------------

Result<p::ConvSummary> Hub::accessible(const Conn& c, const std::string& conv,
                                       const std::string& ref) {
    if (c.party.role == "visitor" && conv != c.conv)
        return Error{ErrorCode::forbidden, "not your conversation", ref};
    auto found = store_.find_conversation(conv);
    if (!found) {
        Error e = found.error();
        e.ref = ref;
        return e;
    }
    if (!found.value()) {
        if (c.party.role == "visitor")  // their own conversation vanished: still not theirs
            return Error{ErrorCode::forbidden, "not your conversation", ref};
        return Error{ErrorCode::unknown_conversation, "no such conversation", ref};
    }
    return *found.value();
}

void Hub::handle(ConnId id, Conn& c, const p::Send& f, std::int64_t now) {
    auto conv = accessible(c, f.conv, f.cid);
    if (!conv) return send_error(id, conv.error());
    // A visitor may write to their closed conversation: routing reopens it (P4).
    if (conv.value().status != "open" && c.party.role != "visitor")
        return send_error(id, ErrorCode::unknown_conversation, "the conversation is closed", f.cid);

    // Triage (P5, P7): the relay masks per the storage policy and computes the meta of a
    // visitor's message itself; a `meta` the client sent is never read.
    TriagedMessage t{f.text, std::nullopt};
    if (config_.triage) t = config_.triage->read(f.text, c.party.role == "visitor");

    // Durable first: the ack goes out only once the store has committed.
    NewMessage message{f.conv, f.cid, c.party, t.text, now};
    message.meta = t.meta;
    auto stored = store_.append_message(message);
    if (!stored) return send_error(id, ErrorCode::storage_failed, "could not store the message; resend later", f.cid);
    const Appended& a = stored.value();
    send(id, p::Ack{f.conv, f.cid, a.seq, a.ts});
    if (!a.inserted) return;  // a resend: acknowledged again, never broadcast again

    p::Message out{f.conv, a.seq, f.cid, a.ts, c.party, t.text};
    out.meta = t.meta;
    // Routing first (P4): the owner it decides is among the audience of this message.
    const route::Outcome routed = route_message(c, conv.value(), f.text, t.meta ? t.meta->intent : "", now);
    send_all(conversation_audience(f.conv), p::Msg{out});
    p::ConvSummary summary = conv.value();
    summary.last_seq = a.seq;
    summary.last_text = t.text;
    summary.updated = a.ts;
    if (t.meta) summary.intent = t.meta->intent;
    to_agents(summary);
    route_apply(routed, now);
}

void Hub::handle(ConnId id, Conn& c, const p::Typing& f, std::int64_t) {
    auto conv = accessible(c, f.conv, {});
    if (!conv) return send_error(id, conv.error());
    // To the other parties only: a visitor's typing reaches agents, an agent's reaches
    // the visitor and the other agents. Never stored.
    std::set<ConnId> audience;
    for (ConnId other : conversation_audience(f.conv))
        if (conns_.at(other).party.id != c.party.id) audience.insert(other);
    send_all(audience, p::TypingNotice{f.conv, c.party, f.on});
}

void Hub::handle(ConnId id, Conn& c, const p::Read& f, std::int64_t) {
    auto conv = accessible(c, f.conv, {});
    if (!conv) return send_error(id, conv.error());
    if (f.seq > conv.value().last_seq)
        return send_error(id, ErrorCode::seq_out_of_range, "seq is beyond the last message");
    auto before = store_.read_mark(f.conv, c.party.id);
    if (!before) return send_error(id, before.error());
    if (f.seq <= before.value()) return;  // marks only grow; a lower one is ignored
    auto mark = store_.mark_read(f.conv, c.party.id, f.seq);
    if (!mark) return send_error(id, mark.error());
    std::set<ConnId> audience = conversation_audience(f.conv);
    audience.erase(id);
    send_all(audience, p::ReadNotice{f.conv, c.party, mark.value()});
}

// sync and history: hub_reads.cpp

void Hub::handle(ConnId id, Conn& c, const p::SetPresence& f, std::int64_t) {
    if (!valid_status(c.party.role, f.status))
        return send_error(id, ErrorCode::bad_field, "status " + f.status + " is not valid for a " + c.party.role);
    set_presence(id, c.party.id, f.status);
}

void Hub::handle(ConnId id, Conn&, const p::Ping& f, std::int64_t) { send(id, p::Pong{f.n}); }

// ---- presence ---------------------------------------------------------------------

void Hub::party_joined(ConnId id, const p::Party& party, const std::string& status) {
    auto [it, first] = presence_.try_emplace(party.id, Presence{party, "offline", 0});
    it->second.party = party;  // the latest name wins
    ++it->second.connections;
    if (first) set_presence(id, party.id, status);
}

void Hub::set_presence(ConnId origin, const std::string& party_id, const std::string& status) {
    auto it = presence_.find(party_id);
    if (it == presence_.end() || it->second.status == status) return;
    it->second.status = status;
    std::set<ConnId> audience = presence_audience(it->second.party);
    audience.erase(origin);
    send_all(audience, p::PresenceNotice{it->second.party, status});
    if (it->second.party.role == "agent") route_presence(party_id, status);  // P4
}

std::set<ConnId> Hub::presence_audience(const p::Party& party) const {
    std::set<ConnId> out = agent_conns_;
    if (party.role == "agent") out.insert(visitor_conns_.begin(), visitor_conns_.end());
    return out;
}

std::set<ConnId> Hub::conversation_audience(const std::string& conv) const {
    std::set<ConnId> out = agents_seeing(conv);  // P4: owner, supervisors, team while queued
    if (auto it = conv_visitors_.find(conv); it != conv_visitors_.end())
        out.insert(it->second.begin(), it->second.end());
    return out;
}

// ---- output -----------------------------------------------------------------------

void Hub::send(ConnId id, const p::RelayFrame& frame) {
    outputs_.push_back(Output::frame(id, std::make_shared<const std::string>(p::encode(frame))));
}

void Hub::send_all(const std::set<ConnId>& ids, const p::RelayFrame& frame) {
    if (ids.empty()) return;
    auto text = std::make_shared<const std::string>(p::encode(frame));  // encoded once, shared
    // A connection streaming a sync of this conversation gets its msgs from the stream,
    // in order (hub_reads.cpp), never a live one ahead of it.
    const auto* msg = std::get_if<p::Msg>(&frame);
    for (ConnId id : ids)
        if (!msg || !syncing(id, msg->message.conv)) outputs_.push_back(Output::frame(id, text));
}

void Hub::send_error(ConnId id, ErrorCode code, std::string message, std::string ref) {
    send(id, p::ErrorFrame{code, std::move(message), std::move(ref)});
}

void Hub::send_error(ConnId id, const Error& e) {
    // A store's detail (file names, SQLite's words) is for the operator, not the client.
    if (e.code == ErrorCode::storage_failed)
        return send_error(id, e.code, "the relay could not access its storage; retry later", e.ref);
    send_error(id, e.code, e.detail, e.ref);
}

void Hub::to_agents(const p::ConvSummary& summary) { publish_summary(summary); }  // P4: who sees it

}  // namespace parley::relay
