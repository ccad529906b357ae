#include "bot_runner.hpp"

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

std::vector<std::string> BotRunner::on_event(const session::Event& event, session::Client& client,
                                             std::int64_t now_ms) {
    std::vector<std::string> log;
    if (const auto* inbox = std::get_if<protocol::Inbox>(&event)) {
        for (const protocol::ConvSummary& s : inbox->convs) on_conv(s, log);
    } else if (const auto* update = std::get_if<protocol::ConvUpdate>(&event)) {
        on_conv(update->conv, log);
    } else if (const auto* delivered = std::get_if<session::Delivered>(&event)) {
        if (!delivered->mine && delivered->message.from.role == "visitor")
            on_message(delivered->message, client, now_ms, log);
    } else if (const auto* error = std::get_if<protocol::ErrorFrame>(&event)) {
        ++counts_.errors;
        log.push_back("relay error " + std::to_string(static_cast<int>(error->code)) + ": " + error->message);
    }
    return log;
}

void BotRunner::on_conv(const protocol::ConvSummary& s, std::vector<std::string>& log) {
    const bool with_bot = s.state == "bot" && s.bot != "paused" && s.status == "open";
    if (!with_bot && s.status != "open") {  // closed (or erased): forget it
        convs_.erase(s.conv);
        return;
    }
    Conv& c = convs_[s.conv];
    if (with_bot && !c.with_bot && c.handed_off) {
        core_.on_handback(c.state);  // an agent gave it back: a clean count
        c.handed_off = false;
        log.push_back(s.conv + ": handed back to the bot");
    }
    if (!with_bot && c.with_bot) c.handed_off = true;
    c.with_bot = with_bot;
}

void BotRunner::on_message(const protocol::Message& m, session::Client& client, std::int64_t now_ms,
                           std::vector<std::string>& log) {
    auto it = convs_.find(m.conv);
    if (it == convs_.end() || !it->second.with_bot) return;  // not the bot's turn there
    Conv& c = it->second;
    ++counts_.answered;
    const Decision d = core_.on_message(c.state, incoming_of(m), now_ms);
    for (const Reply& r : d.replies) send_reply(m.conv, r, client, now_ms, log);
    if (d.gap && gaps_) {
        if (auto recorded = gaps_->record(*d.gap, now_ms); !recorded)
            log.push_back("cannot record a knowledge gap: " + recorded.error().detail);
    }
    if (d.handoff) {
        const std::optional<std::string> team =
            d.handoff->team.empty() ? std::nullopt : std::optional<std::string>(d.handoff->team);
        if (Status st = client.handoff(m.conv, d.handoff->reason, d.handoff->summary, team, now_ms); !st) {
            ++counts_.errors;
            log.push_back(m.conv + ": handoff refused: " + st.error().detail);
        } else {
            ++counts_.handoffs;
            c.with_bot = false;  // no more turns until it comes back
            c.handed_off = true;
            log.push_back(m.conv + ": handed off (" + d.handoff->reason + ")");
        }
    }
}

void BotRunner::send_reply(const std::string& conv, const Reply& reply, session::Client& client,
                           std::int64_t now_ms, std::vector<std::string>& log) {
    const std::string parts = reply.parts.empty() ? std::string() : to_json(reply.parts).dump();
    std::string cid;
    if (reply.stream) {
        // The deltas bot_wire cuts (at spaces, never inside a UTF-8 sequence); the first
        // opens the stream and names its cid.
        for (const nlohmann::json& frame : stream_frames(conv, "", reply)) {
            auto sent = client.stream(conv, cid, frame.value("delta", ""), now_ms);
            if (!sent) {  // not connected: the whole reply still goes out below
                cid.clear();
                break;
            }
            cid = sent.value();
        }
        if (!cid.empty()) ++counts_.streamed;
    }
    auto sent = client.send_rich(conv, reply.text, parts, cid, now_ms);
    if (!sent) {
        ++counts_.errors;
        log.push_back(conv + ": reply refused: " + sent.error().detail);
        return;
    }
    ++counts_.replies;
    log.push_back(conv + ": replied" + (cid.empty() ? "" : " (streamed)") +
                  (reply.source.empty() ? "" : " from " + reply.source));
}

}  // namespace parley::bot
