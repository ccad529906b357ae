#include "core/hub.hpp"

#include <algorithm>
#include <type_traits>
#include <utility>

#include "auth/agent_accounts.hpp"
#include "auth/session_token.hpp"
#include "auth/visitor_token.hpp"
#include "core/audit_log.hpp"
#include "parley/protocol/codec.hpp"

namespace parley::relay {

using protocol::ErrorCode;
namespace p = protocol;

namespace {

// An unknown e-mail's password is verified against this, so the answer takes as long
// as for a real agent and e-mail addresses cannot be probed by timing. The Argon2id
// hash (the "interactive" limits agents' hashes use) of random bytes nobody kept.
constexpr const char* kDummyHash =
    "$argon2id$v=19$m=65536,t=2,p=1$vyMn824/znrO4P8pQ033zA$epHmcXWWzbw1VbrQbc0cL0CxA9BXjUzdn4i2AunBmsQ";

template <class... F>
struct overloaded : F... {
    using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

// Whether a client frame names a conversation (a `conv` member).
template <class F, class = void>
struct has_conv : std::false_type {};
template <class F>
struct has_conv<F, std::void_t<decltype(std::declval<const F&>().conv)>> : std::true_type {};

// A past conversation's preview (issue 17, the welcome's `past`): the text's first
// kPastPreviewBytes, cut on a character boundary, then "…" when cut.
std::string past_preview(const std::string& text) {
    if (text.size() <= p::kPastPreviewBytes) return text;
    std::size_t end = p::kPastPreviewBytes;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;  // not mid-character
    return text.substr(0, end) + "\xe2\x80\xa6";  // U+2026 "…"
}

bool valid_status(const std::string& role, const std::string& status) {
    if (role == "visitor" || role == "bot") return status == "online" || status == "away";  // bots: issue 16
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
    commit_batch_now();
    return std::exchange(outputs_, {});
}

bool Hub::commit_batch_now() {
    bool ok = true;
    if (batch_open_) {
        batch_open_ = false;
        const std::uint64_t messages = std::exchange(batch_messages_, 0);
        Status committed = store_.commit_batch();
        if (committed) {
            ++counters_.commits;
            if (messages) counters_.commit_batch_messages.observe(static_cast<double>(messages));
        } else {
            ++counters_.commit_failures;
        }
        if (Status s = committed; !s) {
            // Nothing of the batch is stored: no ack or message may go out. Their
            // senders reconnect and resend (same cid); everyone else never saw it.
            ok = false;
            outputs_.clear();
            for (ConnId id : batch_conns_)
                if (conns_.count(id))
                    outputs_.push_back(Output::close(id, "storage failed, resend", p::close_code::internal_error));
        }
    }
    batch_conns_.clear();
    return ok;
}

std::vector<PasswordCheck> Hub::take_password_checks() { return std::exchange(password_checks_, {}); }

// ---- connection events ---------------------------------------------------------------

void Hub::on_open(ConnId conn, std::int64_t now, std::string_view address, std::string_view user_agent) {
    batch_begin(0);
    conns_[conn] = Conn{};
    conns_[conn].address = login_address_key(address);
    // Issue 17: the browser, for the agents' context; cut on a character boundary.
    std::string_view ua = user_agent.substr(0, p::kMaxUserAgentBytes);
    while (ua.size() < user_agent.size() && !ua.empty() && (static_cast<unsigned char>(user_agent[ua.size()]) & 0xC0) == 0x80)
        ua.remove_suffix(1);
    conns_[conn].user_agent = std::string(ua);
    // The router's state comes back from the store before anyone can act on it: a first
    // message after a restart must find its conversation where it was.
    route_load(now);
}

void Hub::on_text(ConnId conn, std::string_view text, std::int64_t now) {
    auto it = conns_.find(conn);
    if (it == conns_.end() || stopping_ || it->second.closing) return;  // closed, or closing: nothing to answer
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
    if (c.login_ticket && opens)  // the pending login answers first (welcome or an error)
        return send(conn, p::ErrorFrame{ErrorCode::login_busy, "a login is being checked on this connection",
                                        {}, config_.login.busy_retry_ms});

    std::visit([&](const auto& f) { handle(conn, c, f, now); }, frame);
}

void Hub::on_binary(ConnId conn, std::int64_t) {
    if (conns_.count(conn))
        send_error(conn, ErrorCode::binary_frame, "binary messages are not accepted");
}

void Hub::on_rate_limited(ConnId conn, std::string_view text, std::int64_t retry_after_ms, std::int64_t now) {
    if (!conns_.count(conn) || stopping_) return;
    // Which frame was refused — its cid when it has one, its type and conversation
    // always — lets the client resend exactly that frame (sync, read… have no cid).
    p::ErrorFrame e{ErrorCode::rate_limited, "too many frames; retry later", {}, retry_after_ms};
    if (auto decoded = p::decode_client(text)) {
        const p::ClientFrame& f = decoded.value();
        e.frame = p::frame_type(f);
        if (const auto* s = std::get_if<p::Send>(&f)) e.ref = s->cid;
        if (const auto* n = std::get_if<p::Note>(&f)) e.ref = n->cid;
        if (const auto* st = std::get_if<p::Stream>(&f)) e.ref = st->cid;
        e.conv = std::visit([](const auto& x) -> std::string {
            if constexpr (has_conv<std::decay_t<decltype(x)>>::value) return x.conv;
            else return {};
        }, f);
        // A refused message holds the later ones of its conversation back (held_back).
        const bool stored_kind = std::holds_alternative<p::Send>(f) || std::holds_alternative<p::Note>(f);
        if (stored_kind && !e.ref.empty() && !e.conv.empty()) {
            Conn& c = conns_.at(conn);
            if (!c.held.count(e.conv) && c.held.size() < kMaxHeldConvs)
                c.held[e.conv] = Conn::HeldSend{e.ref, now + kHoldSendMs};
        }
    }
    send(conn, e);
}

bool Hub::held_back(ConnId id, Conn& c, const std::string& conv, const std::string& cid, const char* frame,
                    std::int64_t now) {
    auto it = c.held.find(conv);
    if (it == c.held.end()) return false;
    if (it->second.cid == cid || now >= it->second.until) {  // the refused one is back (or gave up)
        c.held.erase(it);
        return false;
    }
    p::ErrorFrame e{ErrorCode::rate_limited, "an earlier message of this conversation was refused: resend it first",
                    cid, kHeldRetryMs};
    e.frame = frame;
    e.conv = conv;
    send(id, e);
    return true;
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
    if (c.party.role == "bot") bot_closed(conn, now);
    if (!c.conv.empty()) {
        auto v = conv_visitors_.find(c.conv);
        if (v != conv_visitors_.end() && v->second.erase(conn) && v->second.empty())
            conv_visitors_.erase(v);
    }
    // The party's last connection going makes it offline.
    auto pr = presence_.find(c.party.id);
    if (pr != presence_.end() && --pr->second.connections <= 0) {
        streams_of_gone(c.party.id);  // issue 16: its open streams end (sender_gone)
        set_presence(0, c.party.id, "offline", "disconnect");
        presence_.erase(c.party.id);
    }
}

void Hub::shutdown(std::int64_t now) {
    stopping_ = true;
    availability_stop(now);  // issue 18: agents go offline with the relay
    for (const auto& entry : conns_)
        outputs_.push_back(Output::close(entry.first, "relay shutting down", p::close_code::going_away));
}

// ---- handshake --------------------------------------------------------------------

void Hub::handle(ConnId id, Conn& c, const p::Hello& f, std::int64_t now) {
    if (f.role == "agent") return hello_agent(id, c, f, now);
    if (f.role == "bot") return hello_bot(id, c, f, now);  // issue 16, hub_bots.cpp
    hello_visitor(id, c, f, now);
}

void Hub::hello_visitor(ConnId id, Conn& c, const p::Hello& f, std::int64_t now) {
    // 1. Identity: the token's visitor when the token is genuine, unexpired and names a
    //    visitor we still know; otherwise a new one (never an error: §4 hello).
    std::optional<Visitor> visitor;
    if (f.token) {
        if (auto claims = verify_visitor_token(config_.visitor_keys, *f.token, now)) {
            auto found = store_.find_visitor(claims->visitor_id);
            if (!found) return send_error(id, found.error());
            visitor = found.value();
        }
    }
    // Identity (issue 17, hub_identity.cpp): a verified claim names the user's own
    // visitor, whatever device (token) this is; an unverified one changes nothing here.
    const std::optional<IdentityClaim> claim = identity_claim(f, config_.identity_secrets, now, config_.identity_proofs);
    if (claim)
        if (Status s = adopt_identity(c, *claim, visitor); !s) return send_error(id, s.error());
    // The name is masked before it is stored or shown (issue 15): every kind, always.
    std::optional<std::string> name;
    if (f.name) name = mask_name(*f.name);
    else if (claim && claim->name) name = mask_name(*claim->name);
    if (!visitor) {
        // Quotas (core/quotas.hpp): a new identity brings a new conversation, so both
        // are checked before either is created; a refused hello creates nothing.
        if (auto refused = over_quota(c, true, now)) return send(id, *refused);
        Visitor fresh{random_id(random_, "v_"), name.value_or(""), now};
        if (Status s = store_.create_visitor(fresh); !s) return send_error(id, s.error());
        quotas_.new_visitors.add(c.address, 1, now);
        visitor = fresh;
    } else if (name && *name != visitor->name) {
        if (Status s = store_.rename_visitor(visitor->id, *name); !s) return send_error(id, s.error());
        visitor->name = *name;
    }

    bool claim_stored = false;
    if (claim) {
        auto stored = store_claim(*claim, *visitor, now);
        if (!stored) return send_error(id, stored.error());
        claim_stored = stored.value();
    }

    // 2. Their conversation, created on first hello.
    auto existing = store_.conversation_of_visitor(visitor->id);
    if (!existing) return send_error(id, existing.error());
    if (!existing.value()) {
        // A known visitor without a conversation (its creation failed once) needs one.
        if (auto refused = over_quota(c, false, now)) return send(id, *refused);
        const std::string conv = random_id(random_, "c_");
        if (Status s = store_.create_conversation(conv, visitor->id, now); !s)
            return send_error(id, s.error());
        quotas_.new_conversations.add(c.address, 1, now);
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
    c.title = f.title.value_or("");  // issue 17
    visitor_conns_.insert(id);
    conv_visitors_[c.conv].insert(id);

    p::Welcome w;
    w.role = "visitor";
    w.token = issue_visitor_token(config_.visitor_keys,
                                  VisitorClaims{visitor->id, now + config_.visitor_token_ttl_ms});
    w.me = c.party;
    w.conv = summary.conv;
    w.last_seq = summary.last_seq;
    if (config_.triage) w.mask_client = config_.triage->browser_kinds();  // P7
    if (claim) w.identity = claim->state;  // issue 17
    // The pre-chat form (issue 17) comes before the first message, without what we know:
    // the contact's answers and claims, and the display name the site's page gave.
    if (!config_.prechat.empty() && summary.last_seq == 0) {
        auto contact = store_.find_contact(visitor->id);
        if (!contact) return send_error(id, contact.error());
        p::Contact known = contact.value().value_or(p::Contact{});
        if (known.name.empty()) known.name = visitor->name;
        w.prechat = fields_to_ask(config_.prechat, &known);
    }
    // A verified user's earlier chats (issue 17): listed, to read on any device, each
    // with the last words a party said to the visitor there. Not the summary's last_text:
    // that may be an agents' internal note, or the relay's "Conversation closed".
    if (claim && claim->state.verified) {
        auto past = store_.closed_conversations_of_visitor(visitor->id, static_cast<int>(p::kMaxPastConvs));
        if (!past) return send_error(id, past.error());
        for (const p::ConvSummary& s : past.value()) {
            if (s.conv == summary.conv) continue;
            auto said = store_.last_visible_said(s.conv);
            if (!said) return send_error(id, said.error());
            w.past.push_back(p::PastConv{s.conv, s.updated, said.value() ? past_preview(said.value()->text) : ""});
        }
    }
    send(id, w);
    auto visit = store_visit(c, now);  // issue 17: where they are, for the agents
    if (claim_stored || (visit && visit.value())) publish_conv(summary.conv);  // agents see it at once

    // 4. Presence: the visitor learns which agents are around; agents learn of the visitor.
    for (const auto& entry : presence_)
        if (entry.second.party.role == "agent") send(id, p::PresenceNotice{entry.second.party, entry.second.status});
    // A visitor still waiting in a queue learns their place again on every connection:
    // a reload or a reconnect must not leave the widget without it.
    if (auto place = router_.queue_place(summary.conv, now))
        send(id, p::QueueNotice{summary.conv, place->team, place->position, place->expected_wait_ms});
    party_joined(id, c.party, "online");
}

std::optional<p::ErrorFrame> Hub::over_quota(const Conn& c, bool identity, std::int64_t now) {
    // The longer wait is told: only after it would both fit.
    const std::int64_t visitors = identity ? quotas_.new_visitors.wait(c.address, 1, now) : 0;
    const std::int64_t convs = quotas_.new_conversations.wait(c.address, 1, now);
    if (!visitors && !convs) return std::nullopt;
    p::ErrorFrame e = visitors >= convs
        ? p::ErrorFrame{ErrorCode::new_visitor_quota, "too many new visitors from this address; retry later", {},
                        visitors}
        : p::ErrorFrame{ErrorCode::new_conversation_quota,
                        "too many new conversations from this address; retry later", {}, convs};
    e.frame = "hello";
    return e;
}

void Hub::hello_agent(ConnId id, Conn& c, const p::Hello& f, std::int64_t now) {
    const std::string token = f.token.value_or("");
    auto session = store_.find_session(session_token_hash(token));
    if (!session) return send_error(id, session.error());
    if (!session.value() || session.value()->expires <= now)
        return send_error(id, ErrorCode::bad_token, "unknown or expired session token");
    auto agent = store_.find_agent(session.value()->agent_id);
    if (!agent) return send_error(id, agent.error());
    if (!agent.value() || agent.value()->disabled)
        return send_error(id, ErrorCode::bad_token, "unknown or expired session token");
    // Shown in the session list; a failure to note it is no reason to refuse the agent.
    (void)store_.touch_session(session.value()->token_hash, now);
    welcome_agent(id, c, *agent.value(), token);
}

void Hub::handle(ConnId id, Conn& c, const p::Login& f, std::int64_t now) {
    // 1. Refused before any Argon2 is spent: a full pool, or too many failures of this
    //    account or this address (core/login_throttle.hpp). Unknown e-mails are
    //    throttled the same, so refusals do not tell which e-mails exist.
    // The pool is shared with agent administration's new passwords (hub_admin.cpp).
    if (pending_logins_.size() + pending_admin_hashes_.size() >= config_.login.max_checks)
        return send(id, p::ErrorFrame{ErrorCode::login_busy, "too many logins are being checked; retry later", {},
                                      config_.login.busy_retry_ms});
    const std::string account = login_account_key(f.email);
    const LoginThrottle::Decision d = throttle_.admit(account, c.address, now);
    if (d.verdict == LoginThrottle::Verdict::throttled) {
        // Logged once per account and address until the refusal period ends.
        const std::string key = account + '\n' + c.address;
        auto logged = throttle_audited_.find(key);
        if (logged == throttle_audited_.end() || logged->second <= now) {
            if (throttle_audited_.size() >= kMaxThrottleAudited) throttle_audited_.clear();
            throttle_audited_[key] = now + d.retry_after_ms;
            p::AuditEntry e{0, 0, "anonymous", "", "", audit::kLoginThrottled};
            auto agent = store_.find_agent_by_email(f.email);
            e.target = agent && agent.value() ? agent.value()->id : audit::email_digest(audit_digest_key(), f.email);
            e.detail = "retry_after_ms=" + std::to_string(d.retry_after_ms);
            e.address = c.address;
            audit(std::move(e));  // refused anyway: a failed entry changes nothing
        }
        return send(id, p::ErrorFrame{ErrorCode::login_throttled, "too many failed logins; retry later", {},
                                      d.retry_after_ms});
    }
    if (d.verdict == LoginThrottle::Verdict::busy)
        return send(id, p::ErrorFrame{ErrorCode::login_busy, "too many logins from this address at once; retry later",
                                      {}, d.retry_after_ms});

    // 2. The check itself runs off the loop; on_password_checked() answers.
    auto agent = store_.find_agent_by_email(f.email);
    if (!agent) {
        throttle_.cancel(account, c.address);
        return send_error(id, agent.error());
    }
    const std::uint64_t ticket = next_ticket_++;
    c.login_ticket = ticket;
    password_checks_.push_back(PasswordCheck{ticket, id, f.password,
                                             agent.value() ? agent.value()->password_hash : kDummyHash});
    pending_logins_.emplace(ticket, PendingLogin{id, account, c.address, agent.value()});
    if (!agent.value()) pending_logins_[ticket].unknown = audit::email_digest(audit_digest_key(), f.email);
}

void Hub::on_password_checked(std::uint64_t ticket, PasswordOutcome outcome, std::int64_t now) {
    auto it = pending_logins_.find(ticket);
    if (it == pending_logins_.end()) return;  // reported twice, or never asked for
    const PendingLogin login = std::move(it->second);
    pending_logins_.erase(it);
    now_ = std::max(now_, now);

    // The throttle counts the outcome even if the connection has gone: closing it must
    // not hide a failure. An unknown e-mail fails whatever the dummy hash said.
    // A disabled agent is told what a wrong password is told, after the same work.
    const bool ok = outcome == PasswordOutcome::match && login.agent && !login.agent->disabled;
    if (outcome == PasswordOutcome::not_checked)
        throttle_.cancel(login.account, login.address);
    else
        throttle_.record(login.account, login.address, ok, now);

    // A failure is logged even when its connection has gone (like the throttle's count).
    // The entry names the agent, or a digest of an unknown e-mail (core/audit_log.hpp).
    batch_begin(0);
    if (outcome != PasswordOutcome::not_checked && !ok) {
        p::AuditEntry e{0, 0, "anonymous", "", "", audit::kLoginFailed};
        e.target = login.agent ? login.agent->id : login.unknown;
        e.detail = !login.agent ? "unknown_email" : login.agent->disabled ? "agent_disabled" : "wrong_password";
        e.address = login.address;
        audit(std::move(e));
    }

    auto conn = conns_.find(login.conn);
    if (conn == conns_.end() || stopping_) return;  // closed meanwhile: nobody to answer
    Conn& c = conn->second;
    c.login_ticket = 0;
    batch_begin(login.conn);
    if (outcome == PasswordOutcome::not_checked)
        return send(login.conn, p::ErrorFrame{ErrorCode::login_busy, "too many logins are being checked; retry later",
                                              {}, config_.login.busy_retry_ms});
    if (!ok) return send_error(login.conn, ErrorCode::bad_credentials, "wrong e-mail or password");

    const std::string token = new_session_token(random_);
    AgentSession session{session_token_hash(token), login.agent->id, now + config_.session_ttl_ms, now, now};
    if (Status s = store_.create_session(session); !s) return send_error(login.conn, s.error());
    // Fail closed: no session is granted that the log does not show.
    p::AuditEntry e{0, 0, "agent", login.agent->id, login.agent->name, audit::kLoginOk};
    e.target = session_public_id(session.token_hash);
    e.address = login.address;
    if (!audit(std::move(e))) {
        (void)store_.delete_session(session.token_hash);
        return send_error(login.conn, ErrorCode::storage_failed, "the relay could not access its storage; retry later");
    }
    cap_sessions(login.agent->id);
    welcome_agent(login.conn, c, *login.agent, token);
}

void Hub::welcome_agent(ConnId id, Conn& c, const Agent& agent, const std::string& token) {
    auto convs = store_.open_conversations(config_.inbox_limit);
    if (!convs) return send_error(id, convs.error());
    route_agent_joined(agent, now_);  // P4: the router learns the agent's spec

    c.ready = true;
    c.party = p::Party{"agent", agent.id, agent.name};
    c.session = session_token_hash(token);
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

// ---- sessions (issue 15) ------------------------------------------------------------

void Hub::handle(ConnId id, Conn& c, const p::Logout& f, std::int64_t) {
    if (c.party.role != "agent")
        return send_error(id, ErrorCode::forbidden, "only agents have sessions to sign out of");
    if (f.all) {
        auto n = store_.delete_sessions_of_agent(c.party.id);
        if (!n) return send_error(id, n.error());
        p::AuditEntry e = audit_by(c, audit::kLogoutAll);
        e.detail = "revoked=" + std::to_string(n.value());
        audit(std::move(e));  // signed out whatever the log says: the act only takes access away
        send(id, p::LoggedOut{n.value(), true});
        return end_sessions({}, c.party.id, "signed out everywhere");
    }
    std::string hash = c.session;
    if (f.session) {  // one of the agent's sessions, by its public id
        auto mine = store_.sessions_of_agent(c.party.id);
        if (!mine) return send_error(id, mine.error());
        hash.clear();
        for (const AgentSession& s : mine.value())
            if (session_public_id(s.token_hash) == *f.session) hash = s.token_hash;
        if (hash.empty()) return send_error(id, ErrorCode::bad_field, "you have no session with that id");
    }
    auto gone = store_.delete_session(hash);
    if (!gone) return send_error(id, gone.error());
    p::AuditEntry e = audit_by(c, hash == c.session ? audit::kLogout : audit::kSessionRevoked);
    e.target = session_public_id(hash);
    audit(std::move(e));
    send(id, p::LoggedOut{gone.value() ? 1 : 0, hash == c.session});
    end_sessions({hash}, {}, "signed out");
}

void Hub::handle(ConnId id, Conn& c, const p::ListSessions&, std::int64_t now) {
    if (c.party.role != "agent")
        return send_error(id, ErrorCode::forbidden, "only agents have sessions");
    auto mine = store_.sessions_of_agent(c.party.id);
    if (!mine) return send_error(id, mine.error());
    // Newest first, at most kMaxSessionsListed (the frame stays far below 64 KiB).
    p::SessionList list;
    const auto& all = mine.value();
    for (auto it = all.rbegin(); it != all.rend() && list.sessions.size() < p::kMaxSessionsListed; ++it) {
        if (it->expires <= now) continue;  // dead already; purged soon
        list.sessions.push_back(p::SessionInfo{session_public_id(it->token_hash), it->created, it->expires,
                                               it->last_used, it->token_hash == c.session});
    }
    send(id, list);
}

// ---- audit log (P7) ------------------------------------------------------------------

void Hub::handle(ConnId id, Conn& c, const p::AuditQuery& f, std::int64_t) {
    if (c.party.role != "agent" || viewer_of(c).role != Viewer::Role::supervisor)
        return send_error(id, ErrorCode::forbidden, "only supervisors may read the audit log");
    auto page = store_.audit_before(f.before.value_or(0), static_cast<int>(f.limit) + 1);
    if (!page) return send_error(id, page.error());
    p::AuditPage out;
    out.entries = std::move(page).value();
    out.more = out.entries.size() > static_cast<std::size_t>(f.limit);
    if (out.more) out.entries.pop_back();
    // Under the frame limit whatever the entries hold: drop the oldest of the page (the
    // client asks again from the last one it got), about as many as the excess needs.
    std::string text = p::encode(out);
    while (text.size() > p::kMaxFrameBytes && !out.entries.empty()) {
        const std::size_t each = text.size() / out.entries.size() + 1;
        const std::size_t drop = std::min(out.entries.size(), (text.size() - p::kMaxFrameBytes) / each + 1);
        out.entries.resize(out.entries.size() - drop);
        out.more = true;
        text = p::encode(out);
    }
    outputs_.push_back(Output::frame(id, std::make_shared<const std::string>(std::move(text))));
}

// The key of unknown e-mails' digests in the audit log: the oldest visitor-token key the
// relay holds, the same on every start until a rotated-out key is pruned (30 days
// after its rotation); then the digests of one address change once.
std::string_view Hub::audit_digest_key() const {
    return config_.visitor_keys.empty() ? std::string_view() : std::string_view(config_.visitor_keys.keys().front().secret);
}

bool Hub::audit(p::AuditEntry entry) {
    entry.ts = now_;
    if (store_.append_audit(audit::clipped(std::move(entry)))) return true;
    ++audit_failures_;
    return false;
}

p::AuditEntry Hub::audit_by(const Conn& c, const char* action) const {
    p::AuditEntry e;
    e.actor_role = c.party.role;
    e.actor_id = c.party.id;
    if (c.party.role == "agent") e.actor_name = c.party.name;  // never a visitor's name
    e.action = action;
    e.address = c.address;
    return e;
}

bool Hub::audit_read(ConnId id, Conn& c, const std::string& conv, const char* frame) {
    if (c.party.role != "agent" || c.audited_reads.count(conv)) return true;
    Viewer v = viewer_of(c);
    if (v.role != Viewer::Role::supervisor) return true;
    // Outside their teams: what they could not see as an agent of their teams.
    v.role = Viewer::Role::agent;
    const std::optional<route::ConvView> routing = route_view(conv);
    if (access_level(v, ConvFacts{conv, true, routing}) != AccessLevel::none) return true;
    p::AuditEntry e = audit_by(c, audit::kReadOutsideTeam);
    e.conv = conv;
    if (routing) e.target = "team:" + routing->team;
    e.detail = std::string("frame=") + frame;
    if (!audit(std::move(e))) {
        send_error(id, ErrorCode::storage_failed, "the relay could not access its storage; retry later");
        return false;
    }
    c.audited_reads.insert(conv);
    return true;
}

void Hub::cap_sessions(const std::string& agent_id) {
    // Each login adds a session; an agent (or whoever has their password) logging in
    // over and over must not grow the table, or the work of listing it, without bound.
    auto mine = store_.sessions_of_agent(agent_id);  // oldest first
    if (!mine || mine.value().size() <= kMaxSessionsPerAgent) return;
    std::set<std::string> dropped;
    for (std::size_t i = 0; i + kMaxSessionsPerAgent < mine.value().size(); ++i) {
        const std::string& hash = mine.value()[i].token_hash;
        if (store_.delete_session(hash)) dropped.insert(hash);
    }
    end_sessions(dropped, {}, "session ended");
}

void Hub::end_sessions(const std::set<std::string>& hashes, const std::string& agent_id,
                       const std::string& reason) {
    for (ConnId other : agent_conns_) {
        Conn& o = conns_.at(other);
        if (o.closing) continue;
        if (agent_id.empty() ? !hashes.count(o.session) : o.party.id != agent_id) continue;
        o.closing = true;
        outputs_.push_back(Output::close(other, reason, p::close_code::session_ended));
    }
}

void Hub::check_sessions(std::int64_t now) {
    // Each session and agent of a live connection is read once per check.
    std::map<std::string, std::string> sessions;  // hash → agent id
    for (ConnId id : agent_conns_) {
        const Conn& c = conns_.at(id);
        if (!c.closing) sessions.emplace(c.session, c.party.id);
    }
    std::map<std::string, bool> agent_ok;
    std::set<std::string> ended;
    for (const auto& [hash, agent_id] : sessions) {
        auto found = store_.find_session(hash);
        if (!found) continue;  // the store failed: check again next time, keep the agent
        if (!found.value() || found.value()->expires <= now) {
            ended.insert(hash);
            continue;
        }
        auto ok = agent_ok.find(agent_id);
        if (ok == agent_ok.end()) {
            auto agent = store_.find_agent(agent_id);
            if (!agent) continue;
            ok = agent_ok.emplace(agent_id, agent.value() && !agent.value()->disabled).first;
            if (ok->second) route_agent_changed(*agent.value(), now);  // issue 17: a CLI --update-agent
        }
        if (!ok->second) ended.insert(hash);
    }
    if (!ended.empty()) end_sessions(ended, {}, "session ended");
}

// ---- conversation frames ----------------------------------------------------------

Result<p::ConvSummary> Hub::accessible(const Conn& c, const std::string& conv, ConvAct act,
                                       const std::string& ref) {
    auto found = store_.find_conversation(conv);
    if (!found) {
        Error e = found.error();
        e.ref = ref;
        return e;
    }
    ConvFacts facts{conv, found.value().has_value(), std::nullopt};
    if (facts.exists && c.party.role != "visitor") facts.routing = route_view(conv);
    if (facts.exists) facts.visitor = found.value()->visitor.id;
    if (auto refused = refusal(viewer_of(c), facts, act)) return Error{refused->code, refused->message, ref};
    return *found.value();
}

Viewer Hub::viewer_of(const Conn& c) const {
    Viewer v;
    if (c.party.role == "bot") {
        v.role = Viewer::Role::bot;
        v.id = c.party.id;
        return v;
    }
    if (c.api_supervisor) {  // the HTTP API's key (hub_api.cpp)
        v.role = Viewer::Role::supervisor;
        v.id = c.party.id;
        return v;
    }
    if (c.party.role != "agent") {
        v.role = Viewer::Role::visitor;
        v.id = c.party.id;
        v.own_conv = c.conv;
        return v;
    }
    v.id = c.party.id;
    if (auto it = route_agents_.find(c.party.id); it != route_agents_.end()) {
        v.role = it->second.supervisor ? Viewer::Role::supervisor : Viewer::Role::agent;
        v.teams = &it->second.teams;
    }
    return v;
}

void Hub::handle(ConnId id, Conn& c, const p::Send& f, std::int64_t now) {
    if (held_back(id, c, f.conv, f.cid, "send", now)) return;
    auto conv = accessible(c, f.conv, ConvAct::send, f.cid);
    if (!conv) return send_error(id, conv.error());
    // A visitor may write to their closed conversation: routing reopens it (P4).
    if (conv.value().status != "open" && c.party.role != "visitor")
        return send_error(id, ErrorCode::unknown_conversation, "the conversation is closed", f.cid);
    if (!rich_send_ok(id, c, f)) return;  // issue 16: parts and reply (hub_streams.cpp)
    std::string parts = f.parts;          // issue 17: file parts filled in (hub_attachments.cpp)
    if (!file_parts_ok(id, c, f, parts)) return;
    if (auto refused = claim_refusal(c, f.conv, f.cid)) {
        // A resend of what was stored before is still acknowledged (append, below).
        auto sent = store_.find_sent(f.conv, c.party.id, f.cid);
        if (!(sent && sent.value())) return send_error(id, *refused);
    }

    // Triage (P5, P7): the relay masks per the storage policy and computes the meta of a
    // visitor's message itself; a `meta` the client sent is never read.
    TriagedMessage t{f.text, std::nullopt};
    if (config_.triage) t = config_.triage->read(f.text, c.party.role == "visitor");

    // A visitor's stored text per day (core/quotas.hpp), counted in memory: refused
    // before anything is stored. Agents have no such quota.
    const bool counted = c.party.role == "visitor";
    std::int64_t bytes = static_cast<std::int64_t>(t.text.size());
    if (f.reply)  // form values are stored text too
        for (const auto& [name, value] : f.reply->values) bytes += static_cast<std::int64_t>(value.size());
    if (counted) {
        if (std::int64_t wait = quotas_.visitor_bytes.wait(c.party.id, bytes, now)) {
            // A resend of a message already stored is acknowledged, quota or not: it
            // stores nothing, and refusing it would leave the client retrying for hours.
            auto sent = store_.find_sent(f.conv, c.party.id, f.cid);
            if (sent && sent.value()) {
                const Appended& a = *sent.value();
                return send(id, p::Ack{f.conv, f.cid, a.seq, a.ts});
            }
            p::ErrorFrame e{ErrorCode::byte_quota, "you have sent too much text today; retry later", f.cid, wait};
            e.frame = "send";
            e.conv = f.conv;
            return send(id, e);
        }
    }

    // Durable first: the ack goes out only once the store has committed.
    NewMessage message{f.conv, f.cid, c.party, t.text, now};
    message.meta = t.meta;
    message.parts = parts;
    message.reply = f.reply;
    auto stored = append(message);
    if (!stored) return send_error(id, ErrorCode::storage_failed, "could not store the message; resend later", f.cid);
    const Appended& a = stored.value();
    if (counted && a.inserted) quotas_.visitor_bytes.add(c.party.id, bytes, now);
    send(id, p::Ack{f.conv, f.cid, a.seq, a.ts});
    // A stream of this cid is final now (hub_streams.cpp); a resend brings no msg, so
    // its listeners are told to drop it.
    end_stream(StreamKey{f.conv, c.party.id, f.cid}, a.inserted ? "" : "cancelled");
    if (!a.inserted) return;  // a resend: acknowledged again, never broadcast again

    p::Message out{f.conv, a.seq, f.cid, a.ts, c.party, t.text};
    out.meta = t.meta;
    out.parts = parts;
    out.reply = f.reply;
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
    if (c.party.role != "agent") bot_after_message(c, f.conv, t.text, now);  // issue 16
}

void Hub::handle(ConnId id, Conn& c, const p::Typing& f, std::int64_t) {
    auto conv = accessible(c, f.conv, ConvAct::typing, {});
    if (!conv) return send_error(id, conv.error());
    // To the other parties only: a visitor's typing reaches agents, an agent's reaches
    // the visitor and the other agents. Never stored.
    std::set<ConnId> audience;
    for (ConnId other : conversation_audience(f.conv))
        if (conns_.at(other).party.id != c.party.id) audience.insert(other);
    send_all(audience, p::TypingNotice{f.conv, c.party, f.on});
}

void Hub::handle(ConnId id, Conn& c, const p::Read& f, std::int64_t) {
    auto conv = accessible(c, f.conv, ConvAct::read, {});
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
    set_presence(id, c.party.id, f.status, "set");
}

void Hub::handle(ConnId id, Conn&, const p::Ping& f, std::int64_t) { send(id, p::Pong{f.n}); }

// ---- presence ---------------------------------------------------------------------

void Hub::party_joined(ConnId id, const p::Party& party, const std::string& status) {
    auto [it, first] = presence_.try_emplace(party.id, Presence{party, "offline", 0});
    it->second.party = party;  // the latest name wins
    ++it->second.connections;
    if (first) set_presence(id, party.id, status, "connect");
}

void Hub::set_presence(ConnId origin, const std::string& party_id, const std::string& status, const char* reason) {
    auto it = presence_.find(party_id);
    if (it == presence_.end() || it->second.status == status) return;
    it->second.status = status;
    std::set<ConnId> audience = presence_audience(it->second.party);
    audience.erase(origin);
    send_all(audience, p::PresenceNotice{it->second.party, status});
    if (it->second.party.role == "agent") route_presence(party_id, status, reason);  // P4
}

std::set<ConnId> Hub::presence_audience(const p::Party& party) const {
    std::set<ConnId> out = agent_conns_;
    if (party.role == "agent") out.insert(visitor_conns_.begin(), visitor_conns_.end());
    return out;
}

std::set<ConnId> Hub::conversation_audience(const std::string& conv) const {
    std::set<ConnId> out = agents_seeing(conv);  // P4: owner, supervisors, team while queued
    if (!bot_conns_.empty()) out.merge(bots_seeing(conv));  // issue 16: while with the bot
    if (auto it = conv_visitors_.find(conv); it != conv_visitors_.end())
        out.insert(it->second.begin(), it->second.end());
    return out;
}

// ---- output -----------------------------------------------------------------------

Result<Appended> Hub::append(const NewMessage& message) {
    auto stored = store_.append_message(message);
    if (stored && stored.value().inserted) {
        ++counters_.messages_stored;
        ++counters_.messages_stored_by_role[message.from.role];
        if (batch_open_) ++batch_messages_;
        webhooks_of_message(message, stored.value());  // issue 18: in the same batch
        quality_of_message(message, stored.value());   // issue 18: quality flags
    }
    return stored;
}

RelayGauges Hub::gauges() const {
    RelayGauges g;
    for (const char* role : {"visitor", "agent", "bot", "pending"}) g.connections[role] = 0;
    for (const auto& [id, c] : conns_) ++g.connections[c.ready ? c.party.role : "pending"];
    for (const auto& [id, presence] : presence_)
        if (presence.party.role == "agent" && presence.connections > 0) ++g.agents[presence.status];
    std::set<std::string> teams{config_.routing.default_team};
    for (const auto& [id, a] : route_agents_) teams.insert(a.teams.begin(), a.teams.end());
    for (const auto& team : teams) g.queued[team] = static_cast<std::uint64_t>(router_.queue_length(team));
    for (const auto& [conv, b] : bot_convs_)
        if (auto v = router_.conversation(conv); v && v->state == route::ConvState::Bot) ++g.bot_conversations;
    g.bots_online = bot_conns_.size();
    return g;
}

void Hub::send(ConnId id, const p::RelayFrame& frame) {
    if (const auto* e = std::get_if<p::ErrorFrame>(&frame)) ++counters_.errors[static_cast<int>(e->code)];
    outputs_.push_back(Output::frame(id, std::make_shared<const std::string>(p::encode(frame))));
}

void Hub::send_all(const std::set<ConnId>& ids, const p::RelayFrame& frame) {
    if (ids.empty()) return;
    auto text = std::make_shared<const std::string>(p::encode(frame));  // encoded once, shared
    // A connection streaming a sync of this conversation gets its msgs from the stream,
    // in order (hub_reads.cpp), never a live one ahead of it.
    const auto* msg = std::get_if<p::Msg>(&frame);
    std::shared_ptr<const std::string> for_bots;  // issue 16: bots get the outbound-masked text
    for (ConnId id : ids) {
        if (msg && syncing(id, msg->message.conv)) continue;
        if (msg && bot_conns_.count(id)) {
            if (!for_bots) {
                p::Message masked = msg->message;
                mask_for_bots(masked);
                for_bots = std::make_shared<const std::string>(p::encode(p::Msg{std::move(masked)}));
            }
            outputs_.push_back(Output::frame(id, for_bots));
            continue;
        }
        outputs_.push_back(Output::frame(id, text));
    }
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

void Hub::reconfigure(const HubConfig& next) {
    config_.quotas = next.quotas;
    quotas_.new_visitors.set_limit(next.quotas.new_visitors_per_hour);
    quotas_.new_conversations.set_limit(next.quotas.new_conversations_per_hour);
    quotas_.visitor_bytes.set_limit(next.quotas.visitor_bytes_per_day);
    config_.retention = next.retention;
    config_.bots = next.bots;
    config_.prechat = next.prechat;
    config_.quality = next.quality;  // issue 18: compliance words, long-wait limit
}

}  // namespace parley::relay
