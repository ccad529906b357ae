#include "bot_runner.hpp"

#include <algorithm>
#include <variant>

#include "bot_wire.hpp"
#include "parts.hpp"

namespace parley::bot {

namespace {

// A visitor message as the core reads it: text, the relay's meta, the answer it carries.
Incoming incoming_of(const protocol::Message& m) {
    Incoming in;
    in.text = m.text;
    in.meta = m.meta;
    if (m.reply) {
        VisitorReply r;
        r.option = m.reply->option;
        r.form = m.reply->form;
        for (const auto& [name, value] : m.reply->values) r.values[name] = value;
        if (!r.option.empty() || !r.form.empty()) in.reply = std::move(r);
    }
    return in;
}

}  // namespace

std::size_t BotRunner::active() const {
    std::size_t n = 0;
    for (const auto& [id, c] : convs_) n += c.with_bot ? 1 : 0;
    return n;
}

std::vector<std::string> BotRunner::on_event(const session::Event& event, std::int64_t now_ms, std::int64_t wall_ms) {
    std::vector<std::string> log;
    if (const auto* inbox = std::get_if<protocol::Inbox>(&event)) {
        for (const protocol::ConvSummary& s : inbox->convs) on_conv(s, log);
    } else if (const auto* update = std::get_if<protocol::ConvUpdate>(&event)) {
        on_conv(update->summary, log);
    } else if (const auto* delivered = std::get_if<session::Delivered>(&event)) {
        if (!delivered->mine && delivered->message.from.role == "visitor")
            on_message(delivered->message, now_ms, wall_ms ? wall_ms : now_ms, log);
    } else if (const auto* error = std::get_if<protocol::ErrorFrame>(&event)) {
        ++counts_.errors;
        log.push_back("relay error " + std::to_string(static_cast<int>(error->code)) + ": " + error->message);
        retry_refused(*error, now_ms, log);
    }
    return log;
}

void BotRunner::retry_refused(const protocol::ErrorFrame& error, std::int64_t now_ms, std::vector<std::string>& log) {
    if (error.code != protocol::ErrorCode::rate_limited || error.frame != "handoff") return;
    auto it = convs_.find(error.conv);
    if (it == convs_.end() || !it->second.last_handoff) return;
    Conv& c = it->second;
    for (const Action& pending : c.actions)
        if (pending.handoff) return;  // already on its way again
    Action a;
    a.handoff = c.last_handoff;
    a.next_at = now_ms + std::max<std::int64_t>(error.retry_after_ms.value_or(kHandoffRetryMs), 1);
    c.actions.push_back(std::move(a));
    busy_.insert(error.conv);
    log.push_back(error.conv + ": handoff refused for now (4029); trying again");
}

void BotRunner::on_conv(const protocol::ConvSummary& s, std::vector<std::string>& log) {
    const bool with_bot = s.state == "bot" && s.bot != "paused" && s.status == "open";
    if (!with_bot && s.status != "open") {  // closed (or erased): forget it
        convs_.erase(s.conv);
        busy_.erase(s.conv);
        return;
    }
    Conv& c = convs_[s.conv];
    if (with_bot && !c.with_bot && c.handed_off) {
        core_.on_handback(c.state);  // an agent gave it back: a clean count
        c.handed_off = false;
        c.humans_answered_to = s.last_seq;
        log.push_back(s.conv + ": handed back to the bot");
    }
    if (!with_bot && c.with_bot) c.handed_off = true;
    if (!with_bot) c.last_handoff.reset();  // the relay took it away: nothing to resend
    c.with_bot = with_bot;
}

void BotRunner::on_message(const protocol::Message& m, std::int64_t now_ms, std::int64_t wall_ms,
                           std::vector<std::string>& log) {
    // The relay sends a bot the messages of its conversations only, and a new
    // conversation's first message before its `conv` frame: unknown means new, and ours.
    auto it = convs_.find(m.conv);
    if (it == convs_.end()) it = convs_.emplace(m.conv, Conv{{}, true, false}).first;
    if (!it->second.with_bot) return;  // handed off: not the bot's turn there
    Conv& c = it->second;
    if (m.seq <= c.humans_answered_to) return;  // written while a person had it
    ++counts_.answered;
    const Decision d = core_.on_message(c.state, incoming_of(m), now_ms);
    if (d.gap && gaps_) {
        if (auto recorded = gaps_->record(*d.gap, wall_ms); !recorded)
            log.push_back("cannot record a knowledge gap: " + recorded.error().detail);
    }
    for (const Reply& r : d.replies) {
        Action a;
        a.reply = r;
        if (r.stream) a.pieces = stream_pieces(r.text);
        a.next_at = now_ms;
        c.actions.push_back(std::move(a));
    }
    if (d.handoff) {
        Action a;
        a.handoff = d.handoff;
        c.actions.push_back(std::move(a));
        c.with_bot = false;  // no more turns until it comes back
        c.handed_off = true;
    }
    if (!c.actions.empty()) busy_.insert(m.conv);
}

std::vector<std::string> BotRunner::pump(session::Client& client, std::int64_t now_ms) {
    std::vector<std::string> log;
    for (auto b = busy_.begin(); b != busy_.end();) {
        auto it = convs_.find(*b);
        if (it != convs_.end()) {
            Conv& c = it->second;
            while (!c.actions.empty() && c.actions.front().next_at <= now_ms &&
                   step(it->first, c, c.actions.front(), client, now_ms, log))
                c.actions.pop_front();
            if (!c.actions.empty()) {
                ++b;
                continue;
            }
        }
        b = busy_.erase(b);
    }
    return log;
}

std::optional<std::int64_t> BotRunner::next_deadline() const {
    std::optional<std::int64_t> at;
    for (const std::string& conv : busy_) {
        auto it = convs_.find(conv);
        if (it == convs_.end() || it->second.actions.empty()) continue;
        const std::int64_t next = it->second.actions.front().next_at;
        if (!at || next < *at) at = next;
    }
    return at;
}

bool BotRunner::step(const std::string& conv, Conv& c, Action& a, session::Client& client, std::int64_t now_ms,
                     std::vector<std::string>& log) {
    if (a.handoff) {
        const std::optional<std::string> team =
            a.handoff->team.empty() ? std::nullopt : std::optional<std::string>(a.handoff->team);
        if (Status st = client.handoff(conv, a.handoff->reason, a.handoff->summary, team, now_ms); !st) {
            // Not connected: again once the client is back (it reconnects by itself).
            if (st.error().code == protocol::ErrorCode::not_authenticated && ++a.attempts < kMaxHandoffAttempts) {
                a.next_at = now_ms + kHandoffRetryMs;
                return false;
            }
            ++counts_.errors;
            log.push_back(conv + ": handoff refused: " + st.error().detail);
        } else {
            c.last_handoff = a.handoff;
            ++counts_.handoffs;
            log.push_back(conv + ": handed off (" + a.handoff->reason + ")");
        }
        return true;
    }
    if (!a.pieces.empty()) {  // the next delta of a streamed reply
        auto sent = client.stream(conv, a.cid, a.pieces.front(), now_ms);
        if (sent) {
            a.cid = sent.value();
            a.pieces.erase(a.pieces.begin());
            a.next_at = now_ms + kStreamPaceMs;  // the final message a beat after the last delta
            return false;
        }
        // Not connected: the stream is gone with the transport; the whole reply still goes
        // out (queued, resent after the welcome) under a new cid.
        a.pieces.clear();
        a.cid.clear();
    }
    finish_reply(conv, *a.reply, a.cid, client, now_ms, log);
    return true;
}

void BotRunner::finish_reply(const std::string& conv, const Reply& reply, const std::string& cid,
                             session::Client& client, std::int64_t now_ms, std::vector<std::string>& log) {
    const std::string parts = reply.parts.empty() ? std::string() : to_json(reply.parts).dump();
    auto sent = client.send_rich(conv, reply.text, parts, cid, now_ms);
    if (!sent) {
        ++counts_.errors;
        log.push_back(conv + ": reply refused: " + sent.error().detail);
        return;
    }
    ++counts_.replies;
    if (!cid.empty()) ++counts_.streamed;
    log.push_back(conv + ": replied" + (cid.empty() ? "" : " (streamed)") +
                  (reply.source.empty() ? "" : " from " + reply.source));
}

}  // namespace parley::bot
