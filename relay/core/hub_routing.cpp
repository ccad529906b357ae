// The Hub's routing half (PRODUCT.md P4): the bridge between protocol frames and the
// pure routing engine (route/router.hpp).
//
// Theory of operation
// -------------------
// The Hub owns one route::Router. It feeds it what happens, always with `now`:
//
//   visitor send          → open() on the conversation's first message, then
//                           customer_message()
//   agent send            → agent_message() (a queued conversation is claimed first)
//   agent presence        → set_status(); an agent's welcome upserts its spec first
//   note / transfer / close / reopen frames → the matching router call
//   tick(now)             → tick(); the adapter calls it at next_deadline()
//
// and applies each Outcome in order (route_apply): transcript events become messages
// from the party {"system","system","Parley"} stored with a seq like any other (masked
// per the storage policy, like the notes and transfer notes they carry), so their
// order is kept; Closed/Reopened set the stored status; Queued/Assigned tell the
// visitor their place (`queue`); InternalNote is stored with internal = true and only
// ever sent to agent connections. Afterwards the affected conversations' summaries
// (with state, owner, team, rank, awaiting) go to the agents who see them now and to
// those who saw them before (so a transferred conversation leaves the old owner's
// list), and the supervisor board is refreshed.
//
// Who sees a conversation (agents_seeing, the `listed` rule of access_rule.hpp): its
// owner (active or inactive), every supervisor, and, while it is queued, the agents of
// its team; before its first message, supervisors only. Who may name it in a frame is
// the same file's `refusal`. A visitor never receives an internal message: live
// fan-out, sync and history all skip them.
//
// The router's state lives in memory, and every routing decision also stores the
// conversation's snapshot (route_record.hpp). At the first connection after a start the
// Hub loads every agent (offline) and restores every started open conversation from its
// record: back to its agent (whose offline grace period then runs, so an agent who
// does not come back has their conversations re-routed), into its queue in the old
// order, or closed with its window. Conversations without a record are routed afresh.
#include <algorithm>
#include <tuple>

#include "auth/agent_accounts.hpp"
#include "core/hub.hpp"
#include "core/audit_log.hpp"
#include "core/route_record.hpp"
#include "parley/protocol/codec.hpp"

namespace parley::relay {

namespace p = protocol;
using protocol::ErrorCode;

namespace {

const p::Party kSystem{"system", "system", "Parley"};

// What a client wrote, or the relay built from it, as it may be stored and fanned out:
// masked per the storage policy like a message (issue 15: notes leaked what masking hid).
std::string masked(const MessageTriage* triage, std::string_view text) {
    return triage ? triage->mask(text) : std::string(text);
}

const char* state_name(route::ConvState s) {
    switch (s) {
        case route::ConvState::Bot: return "bot";
        case route::ConvState::Queued: return "queued";
        case route::ConvState::Assigned: return "active";
        case route::ConvState::Inactive: return "inactive";
        case route::ConvState::Closed: return "closed";
    }
    return "";
}

ErrorCode protocol_code(route::ErrorCode e) {
    switch (e) {
        case route::ErrorCode::UnknownConversation: return ErrorCode::unknown_conversation;
        case route::ErrorCode::UnknownAgent:
        case route::ErrorCode::UnknownTeam: return ErrorCode::unknown_agent;
        case route::ErrorCode::AgentUnavailable:
        case route::ErrorCode::AgentAtMaxLoad: return ErrorCode::agent_unavailable;
        default: return ErrorCode::not_allowed;
    }
}

route::AgentStatus route_status(const std::string& s) {
    if (s == "available") return route::AgentStatus::Available;
    if (s == "away") return route::AgentStatus::Away;
    return route::AgentStatus::Offline;
}

}  // namespace

// ---- loading and agents ----------------------------------------------------------------

void Hub::route_load(std::int64_t now) {
    if (route_loaded_) return;
    route_loaded_ = true;
    availability_restart(now);  // before restored conversations give agents their load back
    if (auto agents = store_.list_agents())
        for (const Agent& a : agents.value()) route_agent_spec(a, now);
    auto convs = store_.open_conversations(100000);
    if (!convs) return;
    // Oldest state first, so queues come back in their order.
    struct Restored {
        route::ConvSnapshot snapshot;
        std::string conv;
        std::int64_t last_seq;
        BotRecord bot;  // issue 16
    };
    std::vector<Restored> restored;
    for (const auto& s : convs.value()) {
        auto record = store_.route_of(s.conv);
        std::optional<route::ConvSnapshot> snapshot;
        if (record && record.value()) snapshot = decode_route_record(*record.value());
        if (snapshot) restored.push_back({*snapshot, s.conv, s.last_seq, decode_bot_record(*record.value())});
        else route_apply(router_.open({s.conv, {}, {}, {}, {}, false}, now), now);  // no record: afresh
    }
    std::stable_sort(restored.begin(), restored.end(), [](const Restored& a, const Restored& b) {
        return std::tie(a.snapshot.since, a.snapshot.order) < std::tie(b.snapshot.since, b.snapshot.order);
    });
    for (Restored& r : restored) route_apply(route_restore(r.conv, r.snapshot, r.last_seq, now), now);
    // Issue 16: conversations left with the bot wait for one; bot_gone runs from now.
    for (const Restored& r : restored) {
        if (r.snapshot.state != route::ConvState::Bot && !r.bot.handoff && !r.bot.paused) continue;
        BotConv& b = bot_convs_[r.conv];
        b.handoff = r.bot.handoff;
        b.paused = r.bot.paused;
    }
    if (bot_conns_.empty()) bots_gone_at_ = now;
}

std::optional<route::ConvSnapshot> Hub::stored_route(const std::string& conv) {
    auto record = store_.route_of(conv);
    return record && record.value() ? decode_route_record(*record.value()) : std::nullopt;
}

// Puts a conversation back from its stored snapshot. Who wrote last (up to seq
// `last_seq`) is read from the transcript rather than the snapshot, which is only
// rewritten on routing decisions.
route::Outcome Hub::route_restore(const std::string& conv, route::ConvSnapshot snapshot,
                                  std::int64_t last_seq, std::int64_t now) {
    if (auto recent = store_.messages_before(conv, last_seq + 1, 50)) {
        for (const auto& m : recent.value()) {
            if (m.internal) continue;
            if (m.from.role == "visitor") snapshot.last_customer = m.ts;
            if (m.from.role == "agent") snapshot.last_staff = m.ts;
        }
        snapshot.turn = snapshot.last_customer >= snapshot.last_staff ? route::Turn::Agent : route::Turn::Customer;
    }
    return router_.restore(conv, snapshot, now);
}

void Hub::route_save(const std::string& conv) {
    auto s = router_.snapshot(conv);
    if (!s) return;
    std::string record = encode_route_record(*s);
    // Issue 16: why the bot was paused there, for agents after a restart.
    if (auto b = bot_convs_.find(conv); b != bot_convs_.end() && (b->second.handoff || b->second.paused))
        record = with_bot_record(record, BotRecord{b->second.handoff, b->second.paused});
    store_.set_route(conv, record);
}

void Hub::route_agent_spec(const Agent& a, std::int64_t now) {
    const std::vector<std::string> teams =
        a.teams.empty() ? std::vector<std::string>{config_.routing.default_team} : a.teams;
    route_agents_[a.id] = RouteAgent{p::Party{"agent", a.id, a.name}, a.supervisor, teams, a.skills};
    route::AgentSpec spec{a.id, teams, a.skills, a.preferred, a.max_load};
    route_apply(router_.upsert_agent(spec, now), now);
}

void Hub::route_agent_joined(const Agent& a, std::int64_t now) {
    route_load(now);
    route_agent_spec(a, now);  // the stored spec may have changed since the start
}

void Hub::route_agent_changed(const Agent& a, std::int64_t now) {
    auto known = route_agents_.find(a.id);
    auto view = router_.agent(a.id);
    const std::vector<std::string> teams =
        a.teams.empty() ? std::vector<std::string>{config_.routing.default_team} : a.teams;
    if (known != route_agents_.end() && view && known->second.teams == teams && known->second.skills == a.skills &&
        known->second.supervisor == a.supervisor && known->second.party.name == a.name &&
        view->preferred == a.preferred && view->max_load == a.max_load)
        return;
    route_agent_spec(a, now);
    publish_agent(a.id);
    publish_board();
}

void Hub::route_presence(const std::string& party_id, const std::string& status, const char* reason) {
    if (!route_agents_.count(party_id)) return;
    const route::Outcome moved = router_.set_status(party_id, route_status(status), now_);
    record_availability(party_id, reason, now_);  // the change itself, before what it moved
    route_apply(moved, now_);
    publish_agent(party_id);
    publish_board();
}

// ---- time ---------------------------------------------------------------------------------

void Hub::tick(std::int64_t now) {
    now_ = std::max(now_, now);
    if (stopping_) return;
    // Retention first: a purge is its own transaction, never inside a batch (a batch
    // still open from frames handled in this loop pass waits for take_outputs()).
    if (config_.retention.on() && now >= next_retention_ && !batch_open_) retention_step(now);
    if (log_dirty_ && now >= next_log_retry_ && !batch_open_) retry_empty_log(now);  // hub_privacy.cpp
    batch_begin(0);
    // Sessions (issue 15, hub.cpp): revoked or expired ones end; expired ones are purged.
    if (config_.session_check_every_ms > 0 && now >= next_session_check_) {
        next_session_check_ = now + config_.session_check_every_ms;
        check_sessions(now);
        check_bot_keys();  // issue 16: revoked keys
    }
    if (config_.session_purge_every_ms > 0 && now >= next_session_purge_) {
        next_session_purge_ = now + config_.session_purge_every_ms;
        (void)store_.purge_sessions(now);  // a failure is retried at the next purge
    }
    // The audit log's window (hub_retention.cpp): inside the batch, like session purges.
    if (config_.retention.audit_ms > 0 && now >= next_audit_purge_) audit_retention_step(now);
    route_apply(router_.tick(now), now);
    bot_tick(now);  // issue 16: bot_gone, bot_slow
    streams_tick(now);  // issue 16 (hub_streams.cpp)
    quality_tick(now);  // issue 18 (hub_quality.cpp): long waits
    if (config_.rerank_every_ms > 0 && now >= next_rerank_) {
        next_rerank_ = now + config_.rerank_every_ms;
        std::set<std::string> online;
        for (ConnId cid : agent_conns_) online.insert(conns_.at(cid).party.id);
        // Only conversations whose place moved are read from the store and re-sent.
        for (const auto& id : online) {
            const auto inbox = router_.inbox(id, now_);
            for (std::size_t i = 0; i < inbox.size(); ++i) {
                auto it = published_rank_.find(inbox[i].conv);
                if (it == published_rank_.end() || it->second != static_cast<std::int64_t>(i) + 1)
                    publish_conv(inbox[i].conv);
            }
        }
    }
}

std::optional<std::int64_t> Hub::next_deadline() const {
    std::optional<std::int64_t> at = router_.next_deadline();
    if (config_.rerank_every_ms > 0 && !agent_conns_.empty())
        at = at ? std::min(*at, next_rerank_) : next_rerank_;
    auto consider = [&](std::int64_t t) { at = at ? std::min(*at, t) : t; };
    if (config_.session_check_every_ms > 0 && (!agent_conns_.empty() || !bot_conns_.empty()))
        consider(next_session_check_);
    if (auto bots = bot_deadline()) consider(*bots);
    if (config_.session_purge_every_ms > 0) consider(next_session_purge_);
    if (config_.retention.on()) consider(next_retention_);
    if (config_.retention.audit_ms > 0) consider(next_audit_purge_);
    if (log_dirty_) consider(next_log_retry_);
    if (auto streams = streams_deadline()) consider(*streams);  // issue 16: stream timeouts
    if (config_.quality.long_wait_ms > 0) consider(next_quality_check_);  // issue 18: long waits
    return at;
}

// ---- messages -----------------------------------------------------------------------------

route::Outcome Hub::route_message(const Conn& c, const p::ConvSummary& before, const std::string& text,
                                  const std::string& intent, std::int64_t now) {
    route_load(now);
    const std::string& conv = before.conv;
    if (c.party.role == "visitor") {
        route::Outcome opened;
        // Unknown to the router (route_load restored every open one): a closed
        // conversation from before a restart, whose snapshot keeps the "thanks" window
        // and the previous agent, or a new one.
        if (!router_.conversation(conv) && before.status == "closed")
            if (auto snapshot = stored_route(conv)) opened = route_restore(conv, *snapshot, before.last_seq, now);
        // Issue 16: while a bot is online, a new conversation opens with the bot.
        if (!router_.conversation(conv)) {
            opened = router_.open({conv, intent, c.page, {}, {}, !bot_conns_.empty()}, now);
            if (opened.ok())
                record_event({0, now, conv, "opened", "", "", bot_conns_.empty() ? "humans" : "bot", intent});
            // Opening with the bot decides nothing to apply, so nothing would save the
            // snapshot: save it here, or a restart would route it afresh to humans.
            if (!bot_conns_.empty()) route_save(conv);
        }
        route::Outcome said = router_.customer_message(conv, text, now);
        opened.decisions.insert(opened.decisions.end(), said.decisions.begin(), said.decisions.end());
        return opened;
    }
    if (c.party.role == "bot") return router_.bot_message(conv, text, now);  // issue 16
    if (c.party.role != "agent" || !router_.conversation(conv)) return {};
    const bool from_bot = router_.conversation(conv)->state == route::ConvState::Bot;
    route::Outcome said = router_.agent_message(conv, c.party.id, text, now);
    if (said.error && said.error->code == route::ErrorCode::NotAllowed) {
        // A queued conversation answered from the queue view: the agent claims it.
        route::Outcome claimed = router_.transfer_to_agent(conv, c.party.id, "", now, /*beyond_max_load=*/true);
        if (!claimed.ok()) return {};
        // Answering is not a transfer: no transcript line for it, only the assignment,
        // taken as from the queue (the answer itself tells the visitor who is there).
        auto& d = claimed.decisions;
        d.erase(std::remove_if(d.begin(), d.end(),
                               [](const route::Decision& x) {
                                   return std::holds_alternative<route::Transferred>(x) ||
                                          std::holds_alternative<route::InternalNote>(x);
                               }),
                d.end());
        for (route::Decision& x : d)
            if (auto* assigned = std::get_if<route::Assigned>(&x)) assigned->reason = route::AssignReason::FromQueue;
        if (from_bot) bot_taken_over(c, conv, now);  // issue 16: answering pauses the bot
        route::Outcome again = router_.agent_message(conv, c.party.id, text, now);
        claimed.decisions.insert(claimed.decisions.end(), again.decisions.begin(), again.decisions.end());
        return claimed;
    }
    return said;
}

Result<Appended> Hub::post_system(const std::string& conv, const std::string& text, bool internal,
                                  std::int64_t now, const std::set<ConnId>& also) {
    NewMessage m{conv, random_id(random_, "s_"), kSystem, masked(config_.triage, text), now};
    m.internal = internal;
    auto stored = append(m);
    if (!stored) return stored;
    p::Message msg{conv, stored.value().seq, m.cid, stored.value().ts, kSystem, m.text};
    msg.internal = internal;
    std::set<ConnId> audience = internal ? agents_seeing(conv) : conversation_audience(conv);
    audience.insert(also.begin(), also.end());
    send_all(audience, p::Msg{msg});
    return stored;
}

// The agent's name for transcript lines ("Sam"), or the id when unknown.
std::string Hub::agent_name(const std::string& id) const {
    auto it = route_agents_.find(id);
    return it == route_agents_.end() || it->second.party.name.empty() ? id : it->second.party.name;
}

// Reports (issue 18, reports/report.hpp) read these. A step that cannot be written is
// counted (/metrics) and never holds up the conversation: a report then misses it.
void Hub::record_event(const ConvEvent& event) {
    if (!store_.append_event(event)) ++counters_.event_failures;
    webhooks_of_event(event);  // issue 18: the routing events webhooks report
    quality_of_event(event);   // issue 18: knowledge gaps
}

namespace {
const char* assign_reason_name(route::AssignReason r) {
    switch (r) {
    case route::AssignReason::New: return "new";
    case route::AssignReason::FromQueue: return "queue";
    case route::AssignReason::Returning: return "returning";
    case route::AssignReason::Transfer: return "transfer";
    case route::AssignReason::Reroute: return "reroute";
    }
    return "new";
}
const char* close_reason_name(route::CloseReason r) {
    switch (r) {
    case route::CloseReason::Agent: return "agent";
    case route::CloseReason::CustomerDeclined: return "customer";
    case route::CloseReason::Bot: return "bot";
    case route::CloseReason::System: return "system";
    }
    return "agent";
}
}  // namespace

void Hub::route_apply(const route::Outcome& o, std::int64_t now) {
    if (o.decisions.empty()) return;
    std::set<std::string> convs;
    auto tell_visitor = [&](const std::string& conv, const p::QueueNotice& q) {
        auto v = conv_visitors_.find(conv);
        if (v != conv_visitors_.end()) send_all(v->second, q);
    };
    for (const route::Decision& d : o.decisions) {
        std::visit(
            [&](const auto& x) {
                using T = std::decay_t<decltype(x)>;
                convs.insert(x.conv);
                if constexpr (std::is_same_v<T, route::Assigned>) {
                    record_event({0, now, x.conv, "assigned", x.team, x.agent, assign_reason_name(x.reason), ""});
                    // Only a visitor who was told to wait hears that the wait is over.
                    if (told_queued_.erase(x.conv)) tell_visitor(x.conv, p::QueueNotice{x.conv, x.team, 0, 0});
                    // A new person took over a conversation already being served: the
                    // visitor is told who, in words meant for them (issue 17).
                    if (x.reason == route::AssignReason::Transfer || x.reason == route::AssignReason::Reroute)
                        post_system(x.conv, agent_name(x.agent) + " joined the conversation", false, now);
                } else if constexpr (std::is_same_v<T, route::Queued>) {
                    if (told_queued_.insert(x.conv).second)  // a new wait, not a new place in it
                        record_event({0, now, x.conv, "queued", x.team, "", "", ""});
                    tell_visitor(x.conv, p::QueueNotice{x.conv, x.team, x.position, x.expected_wait_ms});
                } else if constexpr (std::is_same_v<T, route::Closed>) {
                    // A visitor told to wait stops waiting: their widget drops the place.
                    if (told_queued_.erase(x.conv)) tell_visitor(x.conv, p::QueueNotice{x.conv, "", 0, 0});
                    store_.set_conversation_status(x.conv, "closed");
                    record_event({0, now, x.conv, "closed", "", x.agent, close_reason_name(x.reason), ""});
                    post_system(x.conv, "Conversation closed", false, now);
                } else if constexpr (std::is_same_v<T, route::Reopened>) {
                    store_.set_conversation_status(x.conv, "open");
                    record_event({0, now, x.conv, "reopened", "", x.previous_agent, "", ""});
                    post_system(x.conv, "Conversation reopened", false, now);
                } else if constexpr (std::is_same_v<T, route::Transferred>) {
                    record_event({0, now, x.conv, "transferred", x.to_team, x.to_agent, x.from_agent, ""});
                    // Agents see where it went and who sent it; team ids are internal
                    // labels, so the visitor hears only who joins (Assigned, above). The
                    // note travels as an InternalNote.
                    std::string text = "Transferred to " +
                                       (x.to_agent.empty() ? x.to_team : agent_name(x.to_agent));
                    if (!transfer_by_.empty()) text += " by " + agent_name(transfer_by_);
                    post_system(x.conv, text, true, now);
                } else if constexpr (std::is_same_v<T, route::InternalNote>) {
                    std::string text = x.text;  // the router names agents by id
                    for (const auto& [id, a] : route_agents_)
                        for (std::size_t at; (at = text.find(id)) != std::string::npos;)
                            text.replace(at, id.size(), agent_name(id));
                    post_system(x.conv, text, true, now);
                }
            },
            d);
    }
    for (const auto& conv : convs) route_save(conv);
    for (const auto& conv : convs) publish_conv(conv);
    std::set<std::string> owners;
    for (const auto& conv : convs)
        if (auto v = router_.conversation(conv); v && !v->agent.empty()) owners.insert(v->agent);
    for (const auto& a : owners) publish_agent(a);
    record_loads(now);  // issue 18: in the batch of the decisions that moved them
    publish_board();
}

// Answering a queued conversation, or one with the bot, claims it (route_message), even
// beyond the agent's maximum load. An agent who is away or offline cannot claim (the
// router would move it on after the grace period): their message is refused before it
// is stored, or the visitor would read an answer while still told to wait in line.
std::optional<Error> Hub::claim_refusal(const Conn& c, const std::string& conv, const std::string& cid) {
    if (c.party.role != "agent") return std::nullopt;
    const auto view = router_.conversation(conv);
    if (!view || (view->state != route::ConvState::Queued && view->state != route::ConvState::Bot)) return std::nullopt;
    const auto me = router_.agent(c.party.id);
    if (!me) return std::nullopt;
    if (me->status != route::AgentStatus::Available)
        return Error{ErrorCode::agent_unavailable,
                     "you are not available: set yourself available to take a conversation from the queue", cid};
    // Maximum load bounds what the router hands out; an agent may choose to take more.
    return std::nullopt;
}

// ---- routing frames ------------------------------------------------------------------------

void Hub::route_error(ConnId id, const route::Outcome& o, const std::string& ref) {
    send_error(id, protocol_code(o.error->code), o.error->detail, ref);
}

void Hub::handle(ConnId id, Conn& c, const p::Note& f, std::int64_t now) {
    if (held_back(id, c, f.conv, f.cid, "note", now)) return;
    auto conv = accessible(c, f.conv, ConvAct::note, f.cid);
    if (!conv) return send_error(id, conv.error());
    NewMessage m{f.conv, f.cid, c.party, masked(config_.triage, f.text), now};
    m.internal = true;
    auto stored = append(m);
    if (!stored) return send_error(id, ErrorCode::storage_failed, "could not store the note; resend later", f.cid);
    const Appended& a = stored.value();
    send(id, p::Ack{f.conv, f.cid, a.seq, a.ts});
    if (!a.inserted) return;
    p::Message msg{f.conv, a.seq, f.cid, a.ts, c.party, m.text};
    msg.internal = true;
    std::set<ConnId> audience = agents_seeing(f.conv);
    audience.insert(id);
    send_all(audience, p::Msg{msg});  // agents only: never a visitor connection
}

void Hub::handle(ConnId id, Conn& c, const p::Transfer& f, std::int64_t now) {
    auto conv = accessible(c, f.conv, ConvAct::transfer, {});
    if (!conv) return send_error(id, conv.error());
    route_load(now);
    if (!router_.conversation(f.conv))
        return send_error(id, ErrorCode::not_allowed, "the conversation has not started");
    // Masked before the router keeps it; post_system masks the lines built from it too.
    const std::string note = masked(config_.triage, f.note);
    const bool from_bot = router_.conversation(f.conv)->state == route::ConvState::Bot;
    route::Outcome o = f.to_agent ? router_.transfer_to_agent(f.conv, *f.to_agent, note, now)
                                  : router_.transfer_to_team(f.conv, *f.to_team, note, now);
    if (!o.ok()) return route_error(id, o, {});
    transfer_by_ = c.party.id;
    if (from_bot) bot_taken_over(c, f.conv, now);  // issue 16: take-over pauses the bot
    route_apply(o, now);
    transfer_by_.clear();
    // Logged once done; the note is not (it may hold what the visitor wrote).
    p::AuditEntry e = audit_by(c, audit::kTransfer);
    e.conv = f.conv;
    e.target = f.to_agent ? "agent:" + *f.to_agent : "team:" + *f.to_team;
    audit(std::move(e));
}

void Hub::handle(ConnId id, Conn& c, const p::CloseConv& f, std::int64_t now) {
    auto conv = accessible(c, f.conv, ConvAct::close, {});
    if (!conv) return send_error(id, conv.error());
    route_load(now);
    p::AuditEntry e = audit_by(c, audit::kClose);
    e.conv = f.conv;
    if (!router_.conversation(f.conv)) {  // never started: nothing to route, just close
        store_.set_conversation_status(f.conv, "closed");
        audit(std::move(e));
        return publish_conv(f.conv);
    }
    route::Outcome o = router_.close(f.conv, route::CloseReason::Agent, now);
    if (!o.ok()) return route_error(id, o, {});
    route_apply(o, now);
    audit(std::move(e));
}

void Hub::handle(ConnId id, Conn& c, const p::Reopen& f, std::int64_t now) {
    auto conv = accessible(c, f.conv, ConvAct::reopen, {});
    if (!conv) return send_error(id, conv.error());
    route_load(now);
    if (!router_.conversation(f.conv)) return send_error(id, ErrorCode::not_allowed, "not closed");
    route::Outcome o = router_.reopen(f.conv, now);
    if (!o.ok()) return route_error(id, o, {});
    route_apply(o, now);
    p::AuditEntry e = audit_by(c, audit::kReopen);
    e.conv = f.conv;
    audit(std::move(e));
}

// ---- who sees what --------------------------------------------------------------------------

std::set<ConnId> Hub::conns_of_agents(const std::set<std::string>& ids) const {
    std::set<ConnId> out;
    for (ConnId cid : agent_conns_)
        if (ids.count(conns_.at(cid).party.id)) out.insert(cid);
    return out;
}

std::set<std::string> Hub::agents_seeing_ids(const std::string& conv) const {
    // The rule is access_rule.hpp's `listed`: supervisors, the owner, the team while
    // queued; nobody else before the first message (typing then reaches no agent).
    const auto routing = router_.conversation(conv);
    std::set<std::string> ids;
    for (const auto& [id, a] : route_agents_) {
        const Viewer v{a.supervisor ? Viewer::Role::supervisor : Viewer::Role::agent, id, {}, &a.teams};
        if (listed(v, routing)) ids.insert(id);
    }
    return ids;
}

std::optional<route::ConvView> Hub::route_view(const std::string& conv) {
    if (auto v = router_.conversation(conv)) return v;
    if (auto s = stored_route(conv)) return route::ConvView{s->state, s->turn, s->team, s->agent, s->previous_agent};
    return std::nullopt;
}

std::set<ConnId> Hub::agents_seeing(const std::string& conv) const {
    // An agent unknown to routing (an account created after start that has not logged
    // in) has no connection either, so this is complete.
    return conns_of_agents(agents_seeing_ids(conv));
}

void Hub::route_summary(p::ConvSummary& s) const {
    add_contact(s);  // issue 17
    add_visit(s);    // issue 17: page and device
    auto v = router_.conversation(s.conv);
    if (!v) return;
    s.state = state_name(v->state);
    s.status = v->state == route::ConvState::Closed ? "closed" : "open";  // the router is ahead of a stale copy
    s.agent = v->agent;
    s.team = v->team;
    s.previous_agent = v->previous_agent;
    s.awaiting = v->turn == route::Turn::Agent ? "agent" : "customer";
    add_bot_fields(s);  // issue 16
    s.rank = 0;
    if (!v->agent.empty()) {
        const auto inbox = router_.inbox(v->agent, now_);
        for (std::size_t i = 0; i < inbox.size(); ++i)
            if (inbox[i].conv == s.conv) s.rank = static_cast<std::int64_t>(i) + 1;
    }
}

std::vector<p::ConvSummary> Hub::route_inbox(const std::string& agent_id, std::vector<p::ConvSummary> all) {
    std::vector<p::ConvSummary> out;
    for (auto& s : all) {
        if (!agents_seeing_ids(s.conv).count(agent_id)) continue;
        route_summary(s);
        conv_seen_by_[s.conv].insert(agent_id);
        out.push_back(std::move(s));
    }
    return out;
}

void Hub::publish_summary(p::ConvSummary summary) {
    publish_to_bots(summary);  // issue 16
    std::set<std::string> ids = agents_seeing_ids(summary.conv);
    // Nobody sees it and nobody was told of it (no agent is known): nothing to build.
    if (ids.empty()) {
        auto told = conv_seen_by_.find(summary.conv);
        if (told == conv_seen_by_.end() || told->second.empty()) return;
    }
    route_summary(summary);
    std::set<std::string>& seen = conv_seen_by_[summary.conv];
    // Nothing new for the same people (a re-rank that did not move it): stay quiet.
    std::string text = p::encode(p::ConvUpdate{summary});
    std::string& last = last_summary_[summary.conv];
    if (text == last && seen == ids) return;
    last = std::move(text);
    published_rank_[summary.conv] = summary.rank;
    std::set<std::string> all = ids;
    all.insert(seen.begin(), seen.end());
    seen = ids;
    send_all(conns_of_agents(all), p::ConvUpdate{summary});
}

void Hub::publish_conv(const std::string& conv) {
    auto found = store_.find_conversation(conv);
    if (found && found.value()) publish_summary(*found.value());
}

void Hub::publish_agent(const std::string& agent_id) {
    // Ranks move together: re-send every conversation of the agent's inbox.
    for (const auto& e : router_.inbox(agent_id, now_)) publish_conv(e.conv);
}

void Hub::publish_board() {
    p::SupervisorBoard full;
    full.full = true;
    std::set<std::string> teams;
    for (const auto& [id, a] : route_agents_) {
        auto v = router_.agent(id);
        if (!v) continue;
        full.agents.push_back(p::AgentLoad{a.party, route::status_name(v->status), a.teams, v->load,
                                           v->inactive, v->preferred, v->max_load});
        teams.insert(a.teams.begin(), a.teams.end());
    }
    teams.insert(config_.routing.default_team);
    // Queue contents in order, one pass over each queue (not a place query per
    // conversation, which made every routing decision quadratic in the queue length).
    for (const auto& t : teams) {
        std::vector<std::string> convs = router_.queued(t);
        const auto length = static_cast<std::int64_t>(convs.size());
        if (convs.size() > config_.board_queue_convs) convs.resize(config_.board_queue_convs);
        full.queues.push_back(p::TeamQueue{t, std::move(convs), length});
    }
    // Supervisors get everything; other agents the roster and their own teams' queues.
    // Each connection hears only a board that differs from the last one it got.
    for (auto it = last_board_.begin(); it != last_board_.end();)
        it = agent_conns_.count(it->first) ? std::next(it) : last_board_.erase(it);
    const std::string full_text = p::encode(full);
    for (ConnId cid : agent_conns_) {
        const auto it = route_agents_.find(conns_.at(cid).party.id);
        if (it == route_agents_.end()) continue;
        std::string text = full_text;
        if (!it->second.supervisor) {
            p::SupervisorBoard mine{full.agents, {}, false};
            for (const auto& q : full.queues)
                if (std::find(it->second.teams.begin(), it->second.teams.end(), q.team) != it->second.teams.end())
                    mine.queues.push_back(q);
            text = p::encode(mine);
        }
        std::string& last = last_board_[cid];
        if (text == last) continue;
        last = text;
        outputs_.push_back(Output::frame(cid, std::make_shared<const std::string>(text)));
    }
}

}  // namespace parley::relay
