// Theory of operation
// -------------------
// The client session is one state machine over six phases. The host drives it with
// transport events (opened, closed, receive), time (tick) and user actions; every
// transition only appends frames to `outgoing_` and events to `events_`.
//
//   phase        input                         next         outputs
//   -----------  ----------------------------  -----------  ------------------------------
//   idle         connect()                     opening      connect
//   stopped      connect()                     opening      connect
//   opening      opened()                      handshaking  hello | login
//   handshaking  welcome                       ready        welcome; sync per known conv,
//                                                           outbox resend, reads, presence
//   handshaking  error 2003, has password      handshaking  login (token dropped)
//   handshaking  error 2002 | 2003             stopped      error, disconnect
//   handshaking  error 4030 (login throttled)  stopped      error (retry_after_ms for the
//                                                           app to show), disconnect
//   handshaking  error 4031 (checks busy),     handshaking  error; the handshake again
//                4050/4051 (quota), other                   after retry_after_ms
//                4xxx/5xxx
//   ready        logged_out, current           ready        logged_out; token dropped (the
//                                                           relay's 4102 close follows)
//   opening..    closed(4100–4199)             stopped      -
//   ready        closed(1000)                  idle         -
//                closed(other)                 backoff      - (deadline: full jitter)
//   backoff      tick() ≥ deadline             opening      connect
//   any          disconnect()                  idle         disconnect (if a transport)
//
// The phase the application sees (State) is coarser: opening and handshaking read as
// "connecting" on the first attempt and "reconnecting" after a drop; backoff reads as
// "reconnecting".
//
// Within ready, delivery follows §8: per conversation the client keeps the last seq it
// delivered. A msg at or below it is a duplicate from the resume seam and is dropped;
// a msg past last+1 reveals a gap: it is dropped, not counted as seen, and one
// sync{after:last} is sent (not repeated while that sync is in flight; the missed
// messages, this one included, come back in order). The relay sends no live msg of a
// conversation while its sync streams; the answer runs on to the conversation's current
// end, and synced.last_seq (which may be past the gap-revealing msg) becomes `last`. The outbox holds every unacknowledged send in order; it is resent
// whole after each welcome with the same cids, which the relay deduplicates.
//
// Timers are deadlines compared against the caller's `now`: the reconnect, the resend
// after a storage failure (or a 4029 rate_limited, after its retry_after_ms; a sync
// refused with 4029, which names it by `frame` and `conv`, is asked again then), each
// peer's typing expiry, and the heartbeat (ping after silence, drop after a longer one;
// heartbeat.hpp). next_deadline() is their
// minimum. Randomness (backoff jitter only) comes from splitmix64 seeded by the config,
// so a test with the same seed sees the same delays.
#include "parley/session/client.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include "parley/core/visitor_only.hpp"
#include "parley/json/parse.hpp"
#include "parley/protocol/codec.hpp"
#include "parley/protocol/rules.hpp"

namespace parley::session {

using namespace parley::protocol;

namespace {

// splitmix64 (Steele, Lea, Flood 2014): tiny, fast, good enough for jitter.
std::uint64_t splitmix64(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

Error bad(ErrorCode code, std::string detail) { return Error{code, std::move(detail), {}}; }

bool is_instance(std::string_view s) { return !s.empty() && s.size() <= 40 && is_cid(s); }

// The small string sets of the session (conversations, cids), as vectors.
bool contains(const std::vector<std::string>& set, const std::string& s) {
    return std::find(set.begin(), set.end(), s) != set.end();
}
void remove(std::vector<std::string>& set, const std::string& s) {
    auto it = std::find(set.begin(), set.end(), s);  // each is there at most once
    if (it != set.end()) set.erase(it);
}

}  // namespace

std::optional<Error> identity_problem(const Identity& i) {
    auto bounded = [](const std::optional<std::string>& v, std::size_t max) { return v && (v->empty() || v->size() > max); };
    if (bounded(i.user_id, kMaxUserIdBytes)) return bad(ErrorCode::bad_field, "user_id: 1-128 bytes");
    if (bounded(i.email, kMaxEmailBytes)) return bad(ErrorCode::bad_field, "email: 1-254 bytes");
    if (bounded(i.user_hash, kMaxUserHashBytes)) return bad(ErrorCode::bad_field, "user_hash: 1-128 bytes");
    if (bounded(i.identity_token, kMaxIdentityTokenBytes)) return bad(ErrorCode::bad_field, "identity_token: 1-2048 bytes");
    if (i.attributes.size() > kMaxAttributes) return bad(ErrorCode::bad_field, "attributes: at most 20");
    for (std::size_t k = 0; k < i.attributes.size(); ++k) {
        const auto& [key, value] = i.attributes[k];
        if (key.size() > kMaxAttributeKeyBytes || !is_cid(key) || value.size() > kMaxAttributeValueBytes)
            return bad(ErrorCode::bad_field, "attributes: keys 1-40 of [A-Za-z0-9_.:-], values at most 256 bytes");
        for (std::size_t m = 0; m < k; ++m)
            if (i.attributes[m].first == key) return bad(ErrorCode::bad_field, "attributes: a key given twice");
    }
    if (i.user_hash && i.identity_token) return bad(ErrorCode::bad_field, "user_hash or identity_token, not both");
    if (!i.user_id && !i.identity_token) return bad(ErrorCode::missing_field, "user_id (or identity_token)");
    return std::nullopt;
}

std::optional<Error> validate(const Config& c) {
    if (!is_client_role(c.role)) return bad(ErrorCode::bad_field, "role must be visitor, agent or bot");
    if (kVisitorOnly && c.role != "visitor")
        return bad(ErrorCode::bad_field, "this build of the client core is for visitors only");
    if (!is_instance(c.instance))
        return bad(ErrorCode::bad_field, "instance must be 1-40 of [A-Za-z0-9_.:-]");
    if (c.name)
        if (auto p = name_problem(*c.name)) return bad(*p, "name longer than 80 bytes");
    if (c.page && (c.role != "visitor" || c.page->size() > kMaxPageBytes))
        return bad(ErrorCode::bad_field, "page is for visitors, at most 512 bytes");
    if (c.title && (!c.page || c.title->size() > kMaxPageTitleBytes))
        return bad(ErrorCode::bad_field, "title goes with a page, at most 200 bytes");
    if (c.role == "agent" && !c.token && !(c.email && c.password))
        return bad(ErrorCode::missing_field, "an agent needs a token or email and password");
    if (c.role == "bot" && !c.key) return bad(ErrorCode::missing_field, "a bot needs its key");
    if (c.identity && c.role != "visitor") return bad(ErrorCode::bad_field, "an identity is for visitors");
    if (c.identity)
        if (auto problem = identity_problem(*c.identity)) return problem;
    if (c.key && c.role != "bot") return bad(ErrorCode::bad_field, "a key is for bots");
    for (const auto& [conv, seq] : c.known)
        if (!is_conv_id(conv) || seq < 0) return bad(ErrorCode::bad_field, "bad known entry: " + conv);
    for (const auto& e : c.outbox) {
        if ((!e.conv.empty() && !is_conv_id(e.conv)) || (e.conv.empty() && c.role != "visitor") ||
            !is_cid(e.cid) || text_problem(e.text))
            return bad(ErrorCode::bad_field, "bad outbox entry: " + e.cid);
        if (!e.parts.empty()) {  // written to the wire as it is: it must be a JSON array
            auto parsed = parley::json::parse(e.parts);
            if (!parsed || !parsed->is_array()) return bad(ErrorCode::bad_field, "bad outbox parts: " + e.cid);
        }
        if (e.reply && (e.reply->to < 1 || e.reply->option.empty() == e.reply->form.empty()))
            return bad(ErrorCode::bad_field, "bad outbox reply: " + e.cid);
    }
    if (c.backoff_base_ms < 0 || c.backoff_cap_ms < 0 || c.typing_throttle_ms < 0 ||
        c.typing_expiry_ms < 0)
        return bad(ErrorCode::bad_field, "durations must not be negative");
    return std::nullopt;
}

Client::Client(Config config)
    : config_(std::move(config)),
      rng_(config_.seed),
      token_(config_.token),
      known_(std::move(config_.known)),  // the live copies are the only ones read
      outbox_(std::move(config_.outbox)) {}

// ---- phase and visible state ----------------------------------------------------------

State Client::state() const {
    switch (phase_) {
        case Phase::idle: return State::offline;
        case Phase::stopped: return State::stopped;
        case Phase::ready: return State::connected;
        case Phase::backoff: return State::reconnecting;
        case Phase::opening:
        case Phase::handshaking: return dropped_ ? State::reconnecting : State::connecting;
    }
    return State::offline;
}

void Client::set_phase(Phase phase) {
    const State before = state();
    phase_ = phase;
    if (state() != before) events_.push_back(StateChanged{state()});
}

// What a connection leaves behind when it ends, whichever way: syncs in flight are
// answered on no other connection, the relay forgets our typing, and peers' typing
// indicators can no longer be refreshed or cleared.
void Client::lose_transport() {
    heartbeat_.stop();
    syncing_.clear();
    typing_out_.clear();
    retry_at_.reset();
    retry_cids_.clear();
    resync_.clear();
    expire_typing(0, /*all=*/true);
    // Streams die with the transport: their final messages (if any) come by sync.
    for (StreamIn& s : streams_in_)
        events_.push_back(StreamEndNotice{std::move(s.conv), std::move(s.cid), std::move(s.from), "disconnected"});
    streams_in_.clear();
}

// ---- transport inputs ---------------------------------------------------------------

void Client::opened(std::int64_t now) {
    switch (phase_) {
        case Phase::opening:
            heartbeat_.alive(now);
            set_phase(Phase::handshaking);
            send_handshake();
            return;
        case Phase::idle:
        case Phase::stopped:
        case Phase::backoff:
            events_.push_back(DisconnectRequest{});  // nobody asked for this transport
            return;
        case Phase::handshaking:
        case Phase::ready:
            return;  // a duplicate report; the handshake is already under way
    }
}

void Client::closed(int close_code, std::int64_t now) {
    if (phase_ != Phase::opening && phase_ != Phase::handshaking && phase_ != Phase::ready)
        return;  // no transport was wanted: this confirms our own disconnect
    lose_transport();
    if (close_is_final(close_code)) {
        set_phase(Phase::stopped);
    } else if (close_code == close_code::normal) {
        set_phase(Phase::idle);  // §7: reconnect only on user action
    } else {
        schedule_reconnect(now);
    }
}

void Client::schedule_reconnect(std::int64_t now) {
    reconnect_at_ = now + jitter(attempt_);
    if (attempt_ < 62) ++attempt_;
    dropped_ = true;
    set_phase(Phase::backoff);
}

// min(cap, base · 2^attempt) · r, r uniform in [0, 1). The shift is taken only when it
// cannot overflow or pass the cap.
std::int64_t Client::jitter(int attempt) {
    const std::int64_t base = config_.backoff_base_ms, cap = config_.backoff_cap_ms;
    const std::int64_t window = attempt < 62 && base <= (cap >> attempt) ? base << attempt : cap;
    const double r = static_cast<double>(splitmix64(rng_) >> 11) * 0x1.0p-53;
    return static_cast<std::int64_t>(static_cast<double>(window) * r);
}

Status Client::receive(std::string_view text, std::int64_t now) {
    // Any frame, even a bad one, shows the transport is alive.
    if (phase_ == Phase::handshaking || phase_ == Phase::ready) heartbeat_.alive(now);
    auto decoded = decode_relay(text);
    if (!decoded) {
        const Error& e = decoded.error();
        events_.push_back(ErrorFrame{e.code, "bad frame from relay: " + e.detail, e.ref});
        return e;
    }
    on_frame(std::move(decoded).value(), now);
    return Unit{};
}

void Client::tick(std::int64_t now) {
    if (phase_ == Phase::backoff && now >= reconnect_at_) {
        set_phase(Phase::opening);
        events_.push_back(ConnectRequest{});
    }
    if (phase_ == Phase::handshaking && retry_at_ && now >= *retry_at_) {  // after a 4031
        retry_at_.reset();
        send_handshake();
    }
    if (ready() && retry_at_ && now >= *retry_at_) {
        retry_at_.reset();
        for (const auto& conv : std::exchange(resync_, {})) request_sync(conv);
        for (auto& entry : outbox_)
            if (contains(retry_cids_, entry.cid)) send_outbox_entry(entry);
        retry_cids_.clear();
    }
    expire_typing(now, /*all=*/false);
    switch (heartbeat_.due(now)) {
        case Heartbeat::Due::ping:
            send_frame(Ping{next_ping_++});
            break;
        case Heartbeat::Due::dead:
            // Silent past the timeout: treat it as a drop (the host closes the socket).
            lose_transport();
            events_.push_back(DisconnectRequest{});
            schedule_reconnect(now);
            break;
        case Heartbeat::Due::nothing:
            break;
    }
}

std::optional<std::int64_t> Client::next_deadline() const {
    std::optional<std::int64_t> at;
    auto consider = [&](std::int64_t t) { at = at ? std::min(*at, t) : t; };
    if (phase_ == Phase::backoff) consider(reconnect_at_);
    if ((ready() || phase_ == Phase::handshaking) && retry_at_) consider(*retry_at_);
    for (const TypingIn& t : typing_in_) consider(t.expires_at);
    if (auto hb = heartbeat_.deadline()) consider(*hb);
    return at;
}

// ---- received frames ------------------------------------------------------------------

void Client::on_frame(RelayFrame frame, std::int64_t now) {
    if (phase_ == Phase::handshaking) {
        // Before welcome the relay sends only welcome, error or pong (§3.1).
        if (auto* w = std::get_if<Welcome>(&frame)) on_welcome(*w, now);
        else if (auto* e = std::get_if<ErrorFrame>(&frame)) on_error(*e, now);
        return;
    }
    if (!ready()) return;  // a late frame from a transport we have given up on

    struct Visitor {
        Client& c;
        std::int64_t now;
        void operator()(Welcome&) {}  // already welcomed; relay answers 2005 to us
        void operator()(Ack& a) { c.on_ack(a); }
        void operator()(Msg& m) { c.on_msg(m.message, now); }
        void operator()(TypingNotice& t) { c.on_typing(t, now); }
        void operator()(ReadNotice& r) { c.events_.push_back(std::move(r)); }
        void operator()(Synced& s) {
            remove(c.syncing_, s.conv);
            // Everything up to last_seq that this party may see has arrived; seqs the
            // relay withheld (internal notes, for a visitor) are not missing.
            auto k = c.known_.find(s.conv);
            if (k != c.known_.end() && k->second < s.last_seq) k->second = s.last_seq;
            c.events_.push_back(std::move(s));
        }
        void operator()(Page& p) {
            HistoryPage page{std::move(p.conv), {}, p.more};
            for (auto& m : p.msgs) {
                const bool mine = c.mine(m.from);
                page.msgs.push_back(Delivered{std::move(m), mine});
            }
            c.events_.push_back(std::move(page));
        }
        void operator()(PresenceNotice& p) { c.events_.push_back(std::move(p)); }
        // The frames only agents are sent: the visitor build does not decode them
        // (core/visitor_only.hpp), so it has no code for them here either.
        void operator()(Inbox& in) {
            if (kVisitorOnly) return;
            // The inbox is the agent's starting point: later msgs continue from each
            // conversation's last_seq; older ones are fetched with history().
            for (const auto& s : in.convs) c.known_.emplace(s.conv, s.last_seq);
            c.events_.push_back(std::move(in));
        }
        // A conv update may precede the msg it announces, so it must not move
        // known_ forward (that msg would be dropped as a duplicate).
        void operator()(ConvUpdate& u) {
            if (!kVisitorOnly) c.events_.push_back(std::move(u));
        }
        void operator()(Pong&) {}
        void operator()(ErrorFrame& e) { c.on_error(e, now); }
        void operator()(QueueNotice& q) { c.events_.push_back(std::move(q)); }
        void operator()(SupervisorBoard& b) {
            if (!kVisitorOnly) c.events_.push_back(std::move(b));
        }
        void operator()(LoggedOut& l) {
            if (kVisitorOnly) return;
            // Our session is revoked: its token is worthless, and the relay's 4102
            // close that follows stops the session.
            if (l.current) c.token_.reset();
            c.events_.push_back(std::move(l));
        }
        void operator()(SessionList& s) {
            if (!kVisitorOnly) c.events_.push_back(std::move(s));
        }
        void operator()(AuditPage& a) {
            if (!kVisitorOnly) c.events_.push_back(std::move(a));
        }
        // Answers to export_visitor / erase_visitor, which this client never sends (the
        // console asks on a connection of its own: docs/sdk.md). Other agents hear of an
        // erasure as a `conv` event with status "erased".
        void operator()(VisitorExport&) {}
        void operator()(VisitorErased&) {}
        void operator()(StreamNotice& s) { c.on_stream(s); }
        void operator()(StreamEndNotice& s) { c.on_stream_end(s); }
        void operator()(Rated& r) { c.events_.push_back(std::move(r)); }
        void operator()(Found& f) {
            if (!kVisitorOnly) c.events_.push_back(std::move(f));
        }
        void operator()(ContextInfo& i) {
            if (!kVisitorOnly) c.events_.push_back(std::move(i));
        }
        void operator()(CannedList& l) {
            if (!kVisitorOnly) c.events_.push_back(std::move(l));
        }
        // Agent administration (issue 17): the console's Agents view asks on a
        // connection of its own, like export_visitor; this client never sends it.
        void operator()(AgentList&) {}
        void operator()(PrechatSaved& r) { c.events_.push_back(std::move(r)); }
    };
    std::visit(Visitor{*this, now}, frame);
}

void Client::on_welcome(Welcome& w, std::int64_t) {
    token_ = w.token;
    my_id_ = w.me.id;
    if (w.conv) {
        my_conv_ = *w.conv;
        // A conversation new to this client starts at the relay's last_seq; what is
        // older is history, not something missed.
        known_.emplace(my_conv_, w.last_seq);
        for (auto& entry : outbox_)
            if (entry.conv.empty()) entry.conv = my_conv_;
    }
    attempt_ = 0;
    dropped_ = false;
    set_phase(Phase::ready);
    events_.push_back(std::move(w));  // not read below

    // §3.2: sync every known conversation, then the outbox in order, then the rest.
    // The visitor's conversation, when new to us, is included at its welcome last_seq:
    // a sync answered with an immediate `synced` is cheaper than a special case.
    for (const auto& [conv, last] : known_) request_sync(conv);
    for (auto& entry : outbox_) send_outbox_entry(entry);
    for (const auto& [conv, seq] : read_wanted_) {
        send_frame(Read{conv, seq});
        read_sent_[conv] = seq;
    }
    read_wanted_.clear();
    if (presence_) send_frame(SetPresence{*presence_});
}

void Client::on_msg(Message& m, std::int64_t) {
    // The final message of a stream replaces it (matched by from.id + cid).
    auto stream = stream_in(m.conv, m.from.id, m.cid);
    if (stream != streams_in_.end()) streams_in_.erase(stream);
    auto it = known_.find(m.conv);
    if (it != known_.end()) {
        if (m.seq <= it->second) return;  // duplicate across the resume seam
        // `prev` (when present) names the previous message this party may see.
        if (m.prev.value_or(m.seq - 1) > it->second) {
            request_sync(m.conv);  // gap: this one comes again, in order
            return;
        }
        it->second = m.seq;
    } else {
        known_.emplace(m.conv, m.seq);  // first sight of this conversation
    }
    // A message ends its author's typing indicator.
    auto typing = typing_in_at(m.conv, m.from.id);
    if (typing != typing_in_.end() && typing->conv == m.conv && typing->from.id == m.from.id) {
        events_.push_back(TypingNotice{m.conv, typing->from, false});
        typing_in_.erase(typing);
    }
    const bool own = mine(m.from);
    events_.push_back(Delivered{std::move(m), own});
}

void Client::on_ack(Ack& a) {
    auto it = std::find_if(outbox_.begin(), outbox_.end(),
                           [&](const OutboxEntry& e) { return e.cid == a.cid; });
    if (it == outbox_.end()) return;  // a repeated ack for a resend we already saw
    outbox_.erase(it);
    remove(retry_cids_, a.cid);
    storage_failures_ = 0;
    events_.push_back(std::move(a));
}

void Client::on_error(const ErrorFrame& e, std::int64_t now) {
    if (phase_ == Phase::handshaking) {
        // A throttled login (4030) stops too: resending the same password by ourselves
        // could only add failures; the application says "try again in retry_after_ms"
        // and connects again when its user does. Any other retryable refusal (4031 busy,
        // 4050/4051 a quota on new visitors, 4029, 5001) created and counted nothing:
        // the same handshake goes again after retry_after_ms (else a backoff).
        const bool auth = e.code == ErrorCode::bad_credentials || e.code == ErrorCode::bad_token ||
                          e.code == ErrorCode::login_throttled;
        if (!kVisitorOnly && e.code == ErrorCode::bad_token && config_.email && config_.password) {
            token_.reset();  // the session expired: fall back to the password
            send_handshake();
            return;
        }
        events_.push_back(e);
        if (!auth && is_retryable(e.code)) {
            retry_at_ = now + (e.retry_after_ms ? *e.retry_after_ms : jitter(attempt_));
            return;
        }
        if (auth) {
            lose_transport();
            set_phase(Phase::stopped);
            events_.push_back(DisconnectRequest{});
        }
        return;
    }
    events_.push_back(e);
    // A sync refused for being too fast (4029) or for too many answers pending (4040)
    // has no cid: the error names it (§6), and without a new one the conversation would
    // wait for a `synced` that never comes.
    const bool sync_refused = e.code == ErrorCode::rate_limited || e.code == ErrorCode::too_many_reads;
    if (sync_refused && e.frame == "sync" && contains(syncing_, e.conv)) {
        remove(syncing_, e.conv);
        if (!contains(resync_, e.conv)) resync_.push_back(e.conv);
        const std::int64_t wait = e.retry_after_ms.value_or(1000);
        if (!retry_at_ || *retry_at_ < now + wait) retry_at_ = now + wait;
        return;
    }
    if (e.ref.empty()) return;
    auto it = std::find_if(outbox_.begin(), outbox_.end(),
                           [&](const OutboxEntry& x) { return x.cid == e.ref; });
    if (it == outbox_.end()) return;
    if (is_retryable(e.code)) {
        // 4xxx: too fast, resend after the relay's retry_after_ms; 5xxx: the relay
        // failed, resend after a backoff. Either way with the same cid.
        if (!contains(retry_cids_, it->cid)) retry_cids_.push_back(it->cid);
        const std::int64_t wait = e.retry_after_ms ? *e.retry_after_ms : jitter(storage_failures_);
        if (!retry_at_ || *retry_at_ < now + wait) retry_at_ = now + wait;
        if (storage_failures_ < 62) ++storage_failures_;
    } else {
        outbox_.erase(it);  // 1xxx–3xxx: resending as is cannot succeed
    }
}

void Client::on_typing(TypingNotice& t, std::int64_t now) {
    if (mine(t.from)) return;  // our own indicator echoed from another tab
    auto it = typing_in_at(t.conv, t.from.id);
    const bool found = it != typing_in_.end() && it->conv == t.conv && it->from.id == t.from.id;
    if (t.on) {
        TypingIn in{t.conv, t.from, now + config_.typing_expiry_ms};
        if (found) {
            *it = std::move(in);
        } else {
            // Appended, then moved down to its place (smaller code than insert()).
            const std::size_t at = static_cast<std::size_t>(it - typing_in_.begin());
            typing_in_.push_back(std::move(in));
            for (std::size_t i = typing_in_.size() - 1; i > at; --i) std::swap(typing_in_[i], typing_in_[i - 1]);
        }
    } else if (found) {
        typing_in_.erase(it);
    }
    events_.push_back(std::move(t));
}

// A delta continues its stream only at the offset expected; one missed means the text
// is wrong from there, so the stream is dropped and the final message awaited. A stream
// first seen past its start (this client arrived mid-stream) is not shown at all.
void Client::on_stream(StreamNotice& s) {
    auto it = stream_in(s.conv, s.from.id, s.cid);
    if (it == streams_in_.end()) {
        if (s.offset != 0 || streams_in_.size() >= kMaxStreamsIn) return;
        streams_in_.push_back(StreamIn{s.conv, s.from, s.cid, 0});
        it = streams_in_.end() - 1;
    } else if (it->next != s.offset) {
        events_.push_back(StreamEndNotice{s.conv, s.cid, s.from, "dropped"});
        streams_in_.erase(it);
        return;
    }
    it->next = s.offset + static_cast<std::int64_t>(s.delta.size());
    events_.push_back(std::move(s));
}

void Client::on_stream_end(StreamEndNotice& s) {
    auto it = stream_in(s.conv, s.from.id, s.cid);
    if (it == streams_in_.end()) return;  // never shown (or dropped already)
    streams_in_.erase(it);
    events_.push_back(std::move(s));
}

std::vector<Client::StreamIn>::iterator Client::stream_in(const std::string& conv, const std::string& from_id,
                                                          const std::string& cid) {
    return std::find_if(streams_in_.begin(), streams_in_.end(), [&](const StreamIn& s) {
        return s.conv == conv && s.from.id == from_id && s.cid == cid;
    });
}

// The first entry not ordered before (conv, id): where it is, or where it goes.
std::vector<Client::TypingIn>::iterator Client::typing_in_at(const std::string& conv,
                                                              const std::string& id) {
    auto it = typing_in_.begin();
    while (it != typing_in_.end() && (it->conv < conv || (it->conv == conv && it->from.id < id))) ++it;
    return it;
}

void Client::expire_typing(std::int64_t now, bool all) {
    for (auto it = typing_in_.begin(); it != typing_in_.end();) {
        if (all || it->expires_at <= now) {
            events_.push_back(TypingNotice{it->conv, it->from, false});
            it = typing_in_.erase(it);
        } else {
            ++it;
        }
    }
}

// ---- user actions ---------------------------------------------------------------------

void Client::connect(std::int64_t) {
    if (phase_ != Phase::idle && phase_ != Phase::stopped) return;  // already trying
    attempt_ = 0;
    dropped_ = false;
    set_phase(Phase::opening);
    events_.push_back(ConnectRequest{});
}

void Client::disconnect(std::int64_t) {
    const bool transport = phase_ == Phase::opening || phase_ == Phase::handshaking || ready();
    if (phase_ == Phase::idle) return;
    lose_transport();
    set_phase(Phase::idle);
    if (transport) events_.push_back(DisconnectRequest{});
}

Status Client::identify(std::optional<Identity> identity, std::int64_t now) {
    if (config_.role != "visitor") return Error{ErrorCode::forbidden, "only visitors identify", {}};
    if (identity)
        if (auto problem = identity_problem(*identity)) return *problem;
    config_.identity = std::move(identity);
    // Only a hello carries it: an open (or opening) session starts again.
    if (phase_ == Phase::opening || phase_ == Phase::handshaking || ready()) {
        disconnect(now);
        connect(now);
    }
    return Unit{};
}

Result<std::string> Client::send(const std::string& conv, const std::string& text,
                                 std::int64_t now) {
    if (conv.empty() ? config_.role != "visitor" : !is_conv_id(conv))
        return bad(ErrorCode::bad_field, "bad conversation id");
    if (auto p = text_problem(text))
        return bad(*p, *p == ErrorCode::text_too_long ? "text longer than 8000 bytes"
                                                      : "text is empty");
    return queue(OutboxEntry{resolve(conv), config_.instance + "." + std::to_string(next_cid_++), text}, now);
}

Result<std::string> Client::send_rich(const std::string& conv, const std::string& text, const std::string& parts,
                                      const std::string& cid, std::int64_t now) {
    if (conv.empty() ? config_.role != "visitor" : !is_conv_id(conv))
        return bad(ErrorCode::bad_field, "bad conversation id");
    if (auto p = text_problem(text)) return bad(*p, "bad text");
    if (!cid.empty() && !is_cid(cid)) return bad(ErrorCode::bad_field, "bad cid");
    OutboxEntry entry{resolve(conv), cid.empty() ? config_.instance + "." + std::to_string(next_cid_++) : cid, text};
    if (!parts.empty()) {
        // Re-dumped: what goes on the wire (JsonWriter::raw) is JSON whatever was given.
        auto parsed = parley::json::parse(parts);
        if (!parsed || !parsed->is_array()) return bad(ErrorCode::bad_field, "parts must be a JSON array");
        entry.parts = parsed->dump();
    }
    return queue(std::move(entry), now);
}

Result<std::string> Client::reply(const std::string& conv, const std::string& text, Reply reply,
                                  std::int64_t now) {
    if (conv.empty() ? config_.role != "visitor" : !is_conv_id(conv))
        return bad(ErrorCode::bad_field, "bad conversation id");
    if (auto p = text_problem(text)) return bad(*p, "bad text");
    if (reply.to < 1 || reply.option.empty() == reply.form.empty() || reply.values.size() > kMaxReplyValues)
        return bad(ErrorCode::bad_field, "a reply names a message and one option or form");
    OutboxEntry entry{resolve(conv), config_.instance + "." + std::to_string(next_cid_++), text};
    entry.reply = std::move(reply);
    return queue(std::move(entry), now);
}

Result<std::string> Client::stream(const std::string& conv, const std::string& cid_in, const std::string& delta,
                                   std::int64_t) {
    if (!is_conv_id(conv)) return bad(ErrorCode::bad_field, "bad conversation id");
    if (!cid_in.empty() && !is_cid(cid_in)) return bad(ErrorCode::bad_field, "bad cid");
    if (delta.empty()) return bad(ErrorCode::bad_field, "delta is empty");
    if (delta.size() > kMaxDeltaBytes) return bad(ErrorCode::text_too_long, "delta longer than 2000 bytes");
    if (!ready()) return bad(ErrorCode::not_authenticated, "not connected");
    std::string cid = cid_in.empty() ? config_.instance + "." + std::to_string(next_cid_++) : cid_in;
    send_frame(Stream{conv, cid, delta});
    return cid;
}

Status Client::cancel_stream(const std::string& conv, const std::string& cid, std::int64_t) {
    if (!is_conv_id(conv) || !is_cid(cid)) return bad(ErrorCode::bad_field, "bad conversation id or cid");
    if (!ready()) return bad(ErrorCode::not_authenticated, "not connected");
    send_frame(StreamCancel{conv, cid});
    return Unit{};
}

// The outbox entry goes out now, or after the next welcome, in order.
Result<std::string> Client::queue(OutboxEntry entry, std::int64_t now) {
    // Sending a message ends our typing indicator (§4 typing): typing() sends on:false
    // only after an on:true, and only when connected.
    if (ready() && !entry.conv.empty()) typing(entry.conv, false, now);
    outbox_.push_back(entry);
    events_.push_back(Queued{entry.conv, entry.cid, entry.text, entry.parts, entry.reply});
    if (ready() && retry_at_) {
        // A refused message waits for its resend: this one goes out behind it, never
        // before it, so the relay stores our messages in the order they were written.
        retry_cids_.push_back(entry.cid);  // a new cid: not there yet
    } else if (ready()) {
        send_outbox_entry(outbox_.back());
    }
    return entry.cid;
}

Status Client::typing(const std::string& conv_in, bool on, std::int64_t now) {
    const std::string conv = resolve(conv_in);
    if (!is_conv_id(conv)) {
        if (conv.empty() && config_.role == "visitor") return Unit{};  // no conv yet
        return bad(ErrorCode::bad_field, "bad conversation id");
    }
    if (!ready()) return Unit{};
    auto it = std::find_if(typing_out_.begin(), typing_out_.end(),
                           [&](const TypingOut& x) { return x.conv == conv; });
    if (it == typing_out_.end()) {
        typing_out_.push_back(TypingOut{conv});
        it = typing_out_.end() - 1;
    }
    TypingOut& t = *it;
    if (on) {
        if (t.on && now - t.sent_at < config_.typing_throttle_ms) return Unit{};
        t.sent_at = now;
    } else if (!t.on) {
        return Unit{};
    }
    t.on = on;
    send_frame(Typing{conv, on});
    return Unit{};
}

Status Client::read(const std::string& conv_in, std::int64_t seq, std::int64_t) {
    const std::string conv = resolve(conv_in);
    if (!is_conv_id(conv)) return bad(ErrorCode::bad_field, "bad conversation id");
    if (seq < 0) return bad(ErrorCode::bad_field, "seq must not be negative");
    auto sent = read_sent_.find(conv);
    if (sent != read_sent_.end() && seq <= sent->second) return Unit{};  // relay keeps the max
    if (!ready()) {
        std::int64_t& wanted = read_wanted_[conv];
        wanted = std::max(wanted, seq);
        return Unit{};
    }
    send_frame(Read{conv, seq});
    read_sent_[conv] = seq;
    return Unit{};
}

Status Client::history(const std::string& conv_in, std::optional<std::int64_t> before,
                       int limit, std::int64_t) {
    const std::string conv = resolve(conv_in);
    if (!is_conv_id(conv)) return bad(ErrorCode::bad_field, "bad conversation id");
    if (limit < 1 || limit > kMaxHistoryLimit) return bad(ErrorCode::bad_field, "limit must be 1-200");
    if (before && *before < 0) return bad(ErrorCode::bad_field, "before must not be negative");
    if (!ready()) return bad(ErrorCode::not_authenticated, "not connected");
    send_frame(History{conv, before, limit});
    return Unit{};
}

Status Client::presence(const std::string& status, std::int64_t) {
    const bool ok = config_.role == "visitor" || config_.role == "bot"  // bots: like visitors (issue 16)
                        ? (status == "online" || status == "away")
                        : (status == "available" || status == "away" || status == "offline");
    if (!ok) return bad(ErrorCode::bad_field, "status not allowed for this role: " + status);
    presence_ = status;
    if (ready()) send_frame(SetPresence{status});
    return Unit{};
}

// ---- routing actions (agents; P4) -----------------------------------------------------
// Sent at once when connected, refused otherwise: they are decisions taken while
// looking at the conversation, not messages to deliver later.

Status Client::note(const std::string& conv, const std::string& text, std::int64_t now) {
    if (!is_conv_id(conv)) return bad(ErrorCode::bad_field, "bad conversation id");
    if (auto problem = text_problem(text)) return bad(*problem, "bad note text");
    if (!ready()) return bad(ErrorCode::not_authenticated, "not connected");
    // The cid is unique per sender across restarts of this client: time plus a counter.
    send_frame(Note{conv, "n." + std::to_string(now) + "." + std::to_string(++note_counter_), text});
    return Unit{};
}

Status Client::transfer(const std::string& conv, std::optional<std::string> to_agent,
                        std::optional<std::string> to_team, const std::string& note,
                        std::int64_t) {
    if (!is_conv_id(conv)) return bad(ErrorCode::bad_field, "bad conversation id");
    if (to_agent.has_value() == to_team.has_value())
        return bad(ErrorCode::bad_field, "name exactly one of to_agent and to_team");
    if (note.size() > kMaxTextBytes) return bad(ErrorCode::text_too_long, "note too long");
    if (!ready()) return bad(ErrorCode::not_authenticated, "not connected");
    send_frame(Transfer{conv, std::move(to_agent), std::move(to_team), note});
    return Unit{};
}

Status Client::close_conversation(const std::string& conv, bool reopen, std::int64_t) {
    if (!is_conv_id(conv)) return bad(ErrorCode::bad_field, "bad conversation id");
    if (!ready()) return bad(ErrorCode::not_authenticated, "not connected");
    if (reopen) send_frame(Reopen{conv});
    else send_frame(CloseConv{conv});
    return Unit{};
}

Status Client::rate(const std::string& conv, int score, const std::string& comment, std::int64_t) {
    if (!is_conv_id(conv)) return bad(ErrorCode::bad_field, "bad conversation id");
    if (score < 1 || score > 5) return bad(ErrorCode::bad_field, "score is 1 to 5");
    if (comment.size() > kMaxRatingCommentBytes) return bad(ErrorCode::text_too_long, "comment longer than 1000 bytes");
    if (!ready()) return bad(ErrorCode::not_authenticated, "not connected");
    send_frame(Rate{conv, score, comment});
    return Unit{};
}

Status Client::prechat(Prechat f, std::int64_t) {
    if (!is_conv_id(f.conv)) return bad(ErrorCode::bad_field, "bad conversation id");
    if (f.values.empty() || f.values.size() > kMaxPrechatValues) return bad(ErrorCode::bad_field, "1 to 8 values");
    for (const auto& v : f.values)
        if (v.second.size() > kMaxPrechatAnswerBytes) return bad(ErrorCode::text_too_long, "an answer longer than 256 bytes");
    if (!ready()) return bad(ErrorCode::not_authenticated, "not connected");
    send_frame(std::move(f));
    return Unit{};
}

Status Client::handoff(const std::string& conv, const std::string& reason, const std::string& summary,
                       std::optional<std::string> team, std::int64_t) {
    if (!is_conv_id(conv)) return bad(ErrorCode::bad_field, "bad conversation id");
    if (!is_handoff_reason(reason)) return bad(ErrorCode::bad_field, "reason is 1-40 of [a-z0-9_]");
    if (summary.size() > kMaxSummaryBytes) return bad(ErrorCode::text_too_long, "summary longer than 1000 bytes");
    if (team && (team->empty() || team->size() > kMaxNameBytes)) return bad(ErrorCode::bad_field, "bad team");
    if (!ready()) return bad(ErrorCode::not_authenticated, "not connected");
    send_frame(Handoff{conv, reason, summary, std::move(team)});
    return Unit{};
}

Status Client::handback(const std::string& conv, std::int64_t) {
    if (!is_conv_id(conv)) return bad(ErrorCode::bad_field, "bad conversation id");
    if (!ready()) return bad(ErrorCode::not_authenticated, "not connected");
    send_frame(Handback{conv});
    return Unit{};
}

Status Client::logout(bool all, std::optional<std::string> session, std::int64_t) {
    if (all && session) return bad(ErrorCode::bad_field, "name at most one of all and session");
    if (!ready()) return bad(ErrorCode::not_authenticated, "not connected");
    send_frame(Logout{all, std::move(session)});
    return Unit{};
}

Status Client::list_sessions(std::int64_t) {
    if (!ready()) return bad(ErrorCode::not_authenticated, "not connected");
    send_frame(ListSessions{});
    return Unit{};
}

Status Client::search(const std::string& q, const std::string& status, const std::string& cursor,
                      std::int64_t limit, std::int64_t) {
    if (q.size() > kMaxSearchQueryBytes) return bad(ErrorCode::text_too_long, "q is at most 100 bytes");
    if (status != "open" && status != "closed") return bad(ErrorCode::bad_field, "status is open or closed");
    if (cursor.size() > kMaxSearchCursorBytes) return bad(ErrorCode::bad_field, "cursor is at most 200 bytes");
    if (limit < 1 || limit > kMaxSearchResults) return bad(ErrorCode::bad_field, "limit is 1..50");
    if (!ready()) return bad(ErrorCode::not_authenticated, "not connected");
    send_frame(Search{q, status, cursor, limit});
    return Unit{};
}

Status Client::audit(std::optional<std::int64_t> before, std::int64_t limit, std::int64_t) {
    if (limit < 1 || limit > kMaxAuditPage) return bad(ErrorCode::bad_field, "limit is 1..200");
    if (before && *before < 1) return bad(ErrorCode::bad_field, "before is at least 1");
    if (!ready()) return bad(ErrorCode::not_authenticated, "not connected");
    send_frame(AuditQuery{before, limit});
    return Unit{};
}

Status Client::navigate(const std::string& url, const std::string& title, std::int64_t) {
    if (config_.role != "visitor") return bad(ErrorCode::bad_field, "navigate is for visitors");
    if (url.empty() || url.size() > kMaxPageBytes) return bad(ErrorCode::bad_field, "url is 1-512 bytes");
    if (title.size() > kMaxPageTitleBytes) return bad(ErrorCode::bad_field, "title is at most 200 bytes");
    config_.page = url;  // a reconnect's hello tells where the visitor is now
    config_.title = title.empty() ? std::nullopt : std::optional<std::string>(title);
    if (ready()) send_frame(Navigate{url, title});
    return Unit{};
}

Status Client::context(const std::string& conv, std::int64_t) {
    if (kVisitorOnly) return bad(ErrorCode::forbidden, "agents only");
    if (!is_conv_id(conv)) return bad(ErrorCode::bad_field, "bad conversation id");
    if (!ready()) return bad(ErrorCode::not_authenticated, "not connected");
    send_frame(ContextQuery{conv});
    return Unit{};
}

Status Client::canned(const CannedOp& op, std::int64_t) {
    if (kVisitorOnly) return bad(ErrorCode::forbidden, "agents only");
    if (op.op != "list" && op.op != "save" && op.op != "delete")
        return bad(ErrorCode::bad_field, "op is list, save or delete");
    if (!ready()) return bad(ErrorCode::not_authenticated, "not connected");
    send_frame(op);
    return Unit{};
}

// ---- outputs --------------------------------------------------------------------------

std::vector<std::string> Client::take_outgoing() { return std::exchange(outgoing_, {}); }
std::vector<Event> Client::take_events() { return std::exchange(events_, {}); }

// ---- helpers --------------------------------------------------------------------------

void Client::send_handshake() {
    if (!kVisitorOnly && config_.role == "agent" && !token_ && config_.email && config_.password) {
        send_frame(Login{*config_.email, *config_.password});
        return;
    }
    Hello hello{config_.role, token_, std::nullopt, std::nullopt};
    if (!kVisitorOnly && config_.role == "bot") {  // issue 16: the key alone
        hello.token.reset();
        hello.key = config_.key;
    }
    if (config_.role == "visitor") {
        hello.name = config_.name;
        hello.page = config_.page;
        hello.title = config_.title;
        if (config_.identity) {  // issue 17
            hello.user_id = config_.identity->user_id;
            hello.email = config_.identity->email;
            hello.attributes = config_.identity->attributes;
            hello.user_hash = config_.identity->user_hash;
            hello.identity_token = config_.identity->identity_token;
        }
    }
    send_frame(hello);
}

void Client::send_frame(const ClientFrame& frame) { outgoing_.push_back(encode(frame)); }

void Client::send_outbox_entry(OutboxEntry& entry) {
    if (entry.conv.empty()) entry.conv = my_conv_;
    if (entry.conv.empty()) return;  // a visitor whose welcome named no conversation
    send_frame(Send{entry.conv, entry.cid, entry.text, std::nullopt, entry.parts, entry.reply});
}

void Client::request_sync(const std::string& conv) {
    if (contains(syncing_, conv)) return;  // one sync in flight per conversation
    syncing_.push_back(conv);
    send_frame(Sync{conv, known_[conv]});
}

std::string Client::resolve(const std::string& conv) const {
    return conv.empty() && config_.role == "visitor" ? my_conv_ : conv;
}

}  // namespace parley::session
