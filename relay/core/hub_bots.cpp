// The Hub's bot half (issue 16): bot connections, handoff and handback, and the relay's
// own handoff rules. The wire shape is docs/protocol.md (hello role bot, `handoff`,
// `handback`, conv.handoff / conv.bot); docs/bots.md tells a bot's author the story.
//
// Theory of operation
// -------------------
// A bot is a client of the protocol like any other, with one party role more:
//
//   hello role bot + key  the key's hash is looked up (auth/bot_keys.hpp); unknown or
//                         revoked → 2003 then close 4100. Else welcome (me = the bot
//                         party "b_<name>"), an inbox of the conversations with the bot,
//                         presence "online". tick()'s session check re-reads each live
//                         bot connection's key: a revoked one is closed with 4102.
//   routing               while ≥ 1 bot connection is ready, a visitor's first message
//                         opens its conversation with_bot (router state Bot): no queue,
//                         no agent. Every bot connection is sent its conv, msg and typing
//                         frames (conversation_audience), supervisors see it too. Bots
//                         share the conversations in state bot: several connections of a
//                         bot are replicas, not rivals (the house bot runs one).
//                         The router is told whether a bot is online (set_bots_online): a
//                         conversation closed while with the bot reopens with the bot when
//                         its visitor writes again (else with the humans, as any other).
//   handoff (bot)         router handoff() (or a transfer to `team`, which must exist:
//                         else 3004), the conversation's BotConv records {by, reason,
//                         summary (masked like notes), ts} and pauses the bot; an internal
//                         line "Handed over by <bot>: <reason> — <summary>"; the visitor
//                         gets `queue` (position 0 when an agent got it at once). The bots
//                         get one last `conv` naming the new state, then nothing of it:
//                         the visibility rule lets a bot name only conversations in state
//                         bot, so its send there gets 2004.
//   handback (agent)      by the owner or a supervisor, while a bot is online (else
//                         3006): router hand_back() frees the seat or the queue place;
//                         internal line "Handed back to the bot by <agent>"; bot unpaused.
//   take-over             an agent's transfer of a conversation in state bot, or their
//                         answer to it (which claims it): handoff {by: agent, reason
//                         agent_took_over}, bot paused.
//
// The relay's rules hand over on their own, `by` the system party:
//   bot_gone     no bot connection for BotRules::grace_ms: every conversation still with
//                the bot goes to humans (once per absence; a bot that comes back gets the
//                new conversations, not those handed over).
//   bot_slow     a visitor's message in state bot without a bot message within reply_ms.
//   bot_looping  more than max_turns_unanswered bot messages without a visitor message
//                between them, or the same bot text same_text_repeats times in a row.
//
// What lasts: the last handoff and the paused flag ride in the conversation's routing
// record (route_record.hpp BotRecord, written by route_save), so after a restart agents
// still see why; a conversation opened with the bot saves its record at once
// (route_message), so a restart leaves it with the bot. The counters of the rules
// (reply due, turns, repeats) are memory only: a restart gives a conversation with the
// bot a fresh start, and bot_gone runs from the relay's first connection. Everything a bot receives is masked per the outbound policy
// (mask_for_bots; --mask-outbound, default all kinds).
#include <algorithm>

#include "auth/bot_keys.hpp"
#include "core/audit_log.hpp"
#include "core/hub.hpp"
#include "core/outbound.hpp"
#include "parley/triage/analysis.hpp"

namespace parley::relay {

namespace p = protocol;
using protocol::ErrorCode;

namespace {

const p::Party kSystem{"system", "system", "Parley"};

bool with_bot(const std::optional<route::ConvView>& v) { return v && v->state == route::ConvState::Bot; }

}  // namespace

// ---- connections -----------------------------------------------------------------------

void Hub::hello_bot(ConnId id, Conn& c, const p::Hello& f, std::int64_t now) {
    const std::string key = f.key.value_or("");
    // One answer for a malformed, unknown or revoked key; the connection is closed (a
    // guess costs a connection, and those are limited per address).
    auto refuse = [&] {
        send_error(id, ErrorCode::bad_token, "unknown or revoked bot key");
        c.closing = true;
        outputs_.push_back(Output::close(id, "bad bot key", p::close_code::auth_refused));
    };
    if (!is_bot_key_text(key)) return refuse();
    const std::string hash = bot_key_hash(key);
    auto found = store_.find_bot_key(hash);
    if (!found) return send_error(id, found.error());
    if (!found.value()) return refuse();
    const BotKey& row = *found.value();
    (void)store_.touch_bot_key(hash, now);  // shown by --list-bot-keys; no reason to refuse
    route_load(now);

    c.ready = true;
    c.party = p::Party{"bot", bot_party_id(row.name), row.display_name};
    c.session = hash;
    bot_conns_.insert(id);
    bots_gone_at_ = 0;
    router_.set_bots_online(true);  // a conversation the bot closed reopens with it

    p::Welcome w;
    w.role = "bot";
    w.me = c.party;
    send(id, w);
    p::Inbox inbox;
    if (auto convs = store_.open_conversations(config_.inbox_limit)) {
        for (auto& s : convs.value()) {
            if (!with_bot(router_.conversation(s.conv))) continue;
            route_summary(s);
            mask_for_bots(s);
            bots_told_.insert(s.conv);
            inbox.convs.push_back(std::move(s));
        }
    }
    send(id, inbox);
    party_joined(id, c.party, "online");
}

const std::string* Hub::bot_party(ConnId conn) const {
    auto it = conns_.find(conn);
    if (it == conns_.end() || !it->second.ready || it->second.party.role != "bot") return nullptr;
    return &it->second.party.id;
}

void Hub::bot_closed(ConnId id, std::int64_t now) {
    bot_conns_.erase(id);
    if (bot_conns_.empty()) bots_gone_at_ = now;  // bot_gone runs from here
    router_.set_bots_online(!bot_conns_.empty());
}

void Hub::check_bot_keys() {
    for (ConnId id : bot_conns_) {
        Conn& c = conns_.at(id);
        if (c.closing) continue;
        auto found = store_.find_bot_key(c.session);
        if (!found || found.value()) continue;  // the store failed (check again later), or still valid
        c.closing = true;
        outputs_.push_back(Output::close(id, "bot key revoked", p::close_code::session_ended));
    }
}

// ---- who sees what ---------------------------------------------------------------------------

std::set<ConnId> Hub::bots_seeing(const std::string& conv) const {
    return with_bot(router_.conversation(conv)) ? bot_conns_ : std::set<ConnId>{};
}

void Hub::add_bot_fields(p::ConvSummary& s) const {
    auto it = bot_convs_.find(s.conv);
    if (it == bot_convs_.end()) return;
    s.handoff = it->second.handoff;
    if (it->second.paused && s.state != "bot") s.bot = "paused";
}

void Hub::mask_for_bots(p::Message& m) const {
    if (config_.triage) m = for_outbound(std::move(m), config_.triage->policy().outbound);
}

void Hub::mask_for_bots(p::ConvSummary& s) const {
    s.contact.reset();  // issue 17: a visitor's claims are for agents only
    s.page.reset();     // and so is where they are
    s.user_agent.clear();
    if (!config_.triage) return;
    const triage::MaskOptions& policy = config_.triage->policy().outbound;
    if (!triage::masks_anything(policy)) return;
    s.last_text = triage::mask_pii(s.last_text, policy);
    if (s.handoff) s.handoff->summary = triage::mask_pii(s.handoff->summary, policy);
}

void Hub::publish_to_bots(const p::ConvSummary& summary) {
    if (bot_conns_.empty() && bots_told_.empty()) return;
    p::ConvSummary s = summary;
    route_summary(s);
    mask_for_bots(s);
    // In state bot: every bot connection. Left the bot: one last frame naming the new
    // state to those told of it, then nothing more.
    if (s.state == "bot") bots_told_.insert(s.conv);
    else if (!bots_told_.erase(s.conv)) return;
    send_all(bot_conns_, p::ConvUpdate{s});
}

bool Hub::team_known(const std::string& team) const {
    if (team == config_.routing.default_team) return true;
    for (const auto& r : config_.routing.rules)
        if (r.team == team) return true;
    for (const auto& [id, a] : route_agents_)
        if (std::find(a.teams.begin(), a.teams.end(), team) != a.teams.end()) return true;
    return false;
}

// ---- frames --------------------------------------------------------------------------------

void Hub::handle(ConnId id, Conn& c, const p::Handoff& f, std::int64_t now) {
    auto conv = accessible(c, f.conv, ConvAct::handoff, {});  // bots only, and only their own
    if (!conv) return send_error(id, conv.error());
    if (f.team && !team_known(*f.team)) return send_error(id, ErrorCode::unknown_agent, "no such team: " + *f.team);
    bot_handoff(f.conv, c.party, f.reason, f.summary, f.team.value_or(""), now);
    p::AuditEntry e = audit_by(c, audit::kHandoff);  // the summary is not logged (it quotes the visitor)
    e.conv = f.conv;
    e.detail = "reason=" + f.reason;
    if (f.team) e.target = "team:" + *f.team;
    audit(std::move(e));
}

void Hub::handle(ConnId id, Conn& c, const p::Handback& f, std::int64_t now) {
    auto conv = accessible(c, f.conv, ConvAct::handback, {});
    if (!conv) return send_error(id, conv.error());
    route_load(now);
    const auto view = router_.conversation(f.conv);
    if (viewer_of(c).role != Viewer::Role::supervisor && (!view || view->agent != c.party.id))
        return send_error(id, ErrorCode::forbidden, "only its agent or a supervisor may hand it back");
    if (!view || view->state == route::ConvState::Bot || view->state == route::ConvState::Closed)
        return send_error(id, ErrorCode::not_allowed, "the conversation is not with a human (closed, or with the bot)");
    if (bot_conns_.empty()) return send_error(id, ErrorCode::not_allowed, "no bot is connected");
    // The line first, while the agents who hold it still see its internal messages.
    post_system(f.conv, "Handed back to the bot by " + c.party.name, true, now);
    const route::Outcome o = router_.hand_back(f.conv, now);
    if (!o.ok()) return route_error(id, o, {});
    BotConv& b = bot_convs_[f.conv];
    b.paused = false;
    b.turns = b.same = 0;
    b.last_text.clear();
    told_queued_.erase(f.conv);
    route_apply(o, now);  // a freed seat may pull from the queue
    route_save(f.conv);
    publish_conv(f.conv);  // the bots get it; the agent who held it, its last frame
    if (!view->agent.empty()) publish_agent(view->agent);
    publish_board();
    p::AuditEntry e = audit_by(c, audit::kHandback);
    e.conv = f.conv;
    audit(std::move(e));
}

// ---- handoff --------------------------------------------------------------------------------

void Hub::bot_taken_over(const Conn& c, const std::string& conv, std::int64_t now) {
    BotConv& b = bot_convs_[conv];
    b.handoff = p::HandoffInfo{c.party, "agent_took_over", "", now};
    b.paused = true;
    set_reply_due(conv, b, 0);
    b.turns = b.same = 0;
    b.last_text.clear();
}

void Hub::bot_handoff(const std::string& conv, const p::Party& by, const std::string& reason,
                      const std::string& summary, const std::string& team, std::int64_t now) {
    counters_.handoffs.add(reason);  // /metrics: handoffs by reason
    if (!with_bot(router_.conversation(conv))) return;
    record_event({0, now, conv, "handoff", team, "", reason, ""});
    const std::string masked = config_.triage ? config_.triage->mask(summary) : summary;
    BotConv& b = bot_convs_[conv];
    b.handoff = p::HandoffInfo{by, reason, masked, now};
    b.paused = true;
    set_reply_due(conv, b, 0);
    b.turns = b.same = 0;
    b.last_text.clear();
    route::Outcome o;
    if (team.empty()) {
        o = router_.handoff(conv, now);
    } else {
        // To another team: routed like a transfer, but it is a handoff, not a transfer
        // line in the transcript.
        o = router_.transfer_to_team(conv, team, "", now);
        auto& d = o.decisions;
        d.erase(std::remove_if(d.begin(), d.end(),
                               [](const route::Decision& x) {
                                   return std::holds_alternative<route::Transferred>(x) ||
                                          std::holds_alternative<route::InternalNote>(x);
                               }),
                d.end());
    }
    route_apply(o, now);
    // The visitor hears that a human comes: their place, or 0 when an agent has it now.
    const auto view = router_.conversation(conv);
    if (view && view->state == route::ConvState::Assigned) {
        auto v = conv_visitors_.find(conv);
        if (v != conv_visitors_.end()) send_all(v->second, p::QueueNotice{conv, view->team, 0, 0});
    }
    std::string line = "Handed over by " + (by.name.empty() ? by.id : by.name) + ": " + reason;
    if (!masked.empty()) line += " \u2014 " + masked;
    post_system(conv, line, true, now);  // after routing: its new agents see it live
    publish_conv(conv);
}

void Hub::bot_after_message(const Conn& c, const std::string& conv, const std::string& text, std::int64_t now) {
    if (!with_bot(router_.conversation(conv))) return;
    BotConv& b = bot_convs_[conv];
    if (c.party.role == "visitor") {
        b.turns = b.same = 0;
        b.last_text.clear();
        if (config_.bots.reply_ms > 0 && !b.reply_due) set_reply_due(conv, b, now + config_.bots.reply_ms);
        return;
    }
    if (c.party.role != "bot") return;
    set_reply_due(conv, b, 0);
    ++b.turns;
    b.same = text == b.last_text ? b.same + 1 : 1;
    b.last_text = text;
    const BotRules& r = config_.bots;
    const bool too_many = r.max_turns_unanswered > 0 && b.turns > r.max_turns_unanswered;
    const bool repeating = r.same_text_repeats > 0 && b.same >= r.same_text_repeats;
    if (too_many || repeating)
        bot_handoff(conv, kSystem, "bot_looping",
                    repeating ? "The bot sent the same message " + std::to_string(b.same) + " times in a row."
                              : "The bot sent " + std::to_string(b.turns) + " messages without an answer.",
                    "", now);
}

// ---- the relay's rules ----------------------------------------------------------------------

void Hub::bot_tick(std::int64_t now) {
    std::vector<std::pair<std::string, const char*>> due;
    if (bot_conns_.empty() && bots_gone_at_ && now >= bots_gone_at_ + config_.bots.grace_ms) {
        bots_gone_at_ = 0;  // once per absence
        for (const auto& [conv, b] : bot_convs_)
            if (with_bot(router_.conversation(conv))) due.emplace_back(conv, "bot_gone");
    }
    for (auto it = bot_due_.begin(); it != bot_due_.end() && it->first <= now; ++it)
        due.emplace_back(it->second, "bot_slow");
    for (const auto& [conv, reason] : due) {
        const bool gone = std::string_view(reason) == "bot_gone";
        const std::int64_t secs = (gone ? config_.bots.grace_ms : config_.bots.reply_ms) / 1000;
        bot_handoff(conv, kSystem, reason,
                    gone ? "No bot was connected for " + std::to_string(secs) + " s."
                         : "The bot did not answer within " + std::to_string(secs) + " s.",
                    "", now);
    }
}

std::optional<std::int64_t> Hub::bot_deadline() const {
    std::optional<std::int64_t> at;
    if (bot_conns_.empty() && bots_gone_at_ && !bot_convs_.empty()) at = bots_gone_at_ + config_.bots.grace_ms;
    if (!bot_due_.empty()) at = at ? std::min(*at, bot_due_.begin()->first) : bot_due_.begin()->first;
    return at;
}

void Hub::set_reply_due(const std::string& conv, BotConv& b, std::int64_t due) {
    if (b.reply_due) bot_due_.erase({b.reply_due, conv});
    b.reply_due = due;
    if (due) bot_due_.insert({due, conv});
}

}  // namespace parley::relay
