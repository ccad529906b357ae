// Hub: streaming replies and the checks of rich messages (issue 16; docs/protocol.md
// "Streaming", "Rich messages").
//
// Theory of operation
// -------------------
// A stream is a reply that grows before it is stored. Nothing of it is ever written:
// the Hub keeps, per (conversation, sender id, cid), the bytes relayed so far and the
// time of the latest delta, and relays each delta to the conversation's other
// participants (conversation_audience: the visibility rule of access_rule.hpp, the
// visitor included) with its `offset`, the byte length of the text before it.
//
//   event                                   outcome
//   --------------------------------------  ------------------------------------------
//   stream, visitor                         2004, nothing kept
//   stream, conversation not theirs/closed  2004 / 3001 (the send rule), nothing kept
//   stream, new cid, sender has 8 open      3007 too_many_streams (a bot: 256)
//   stream, total past 8 000 bytes          1009 text_too_long; the stream stays as it was
//   stream                                  delta + offset to the others; last = now
//   send with the stream's cid              stored, acked, msg fanned out; forgotten
//                                           (a resend the store already had: stream_end
//                                           cancelled, since no msg follows it)
//   stream_end from its sender              stream_end cancelled to the others; forgotten
//   the sender's last connection closes     stream_end sender_gone for each of its streams
//   tick, kStreamTimeoutMs without a delta  stream_end timeout
//
// A stream_end for a stream that is not open (ended already, never opened, another
// sender's) is ignored: the key holds the sender's id, so only a stream's sender can
// end it. Deltas pass the adapter's frame rate limit like every other frame. The
// memory held is bounded by kMaxStreamsPerParty per agent and kMaxStreamsPerBot per bot
// (both are made by operators), each a few dozen bytes: the deltas' text is never kept.
#include <algorithm>

#include "core/hub.hpp"
#include "core/rich_parts.hpp"

namespace parley::relay {

using protocol::ErrorCode;
namespace p = protocol;

void Hub::handle(ConnId id, Conn& c, const p::Stream& f, std::int64_t now) {
    if (c.party.role == "visitor") return send_error(id, ErrorCode::forbidden, "visitors do not stream", f.cid);
    auto conv = accessible(c, f.conv, ConvAct::send, f.cid);
    if (!conv) return send_error(id, conv.error());
    if (conv.value().status != "open")
        return send_error(id, ErrorCode::unknown_conversation, "the conversation is closed", f.cid);

    const StreamKey key{f.conv, c.party.id, f.cid};
    auto it = streams_.find(key);
    if (it == streams_.end()) {
        std::size_t& open = streams_of_party_[c.party.id];
        const std::size_t most = c.party.role == "bot" ? kMaxStreamsPerBot : kMaxStreamsPerParty;
        if (open >= most)
            return send_error(id, ErrorCode::too_many_streams,
                              std::to_string(most) + " streams are open already; finalise or cancel one first", f.cid);
        ++open;
        it = streams_.emplace(key, OpenStream{c.party, 0, now}).first;
    }
    OpenStream& s = it->second;
    if (static_cast<std::size_t>(s.bytes) + f.delta.size() > p::kMaxTextBytes)
        return send_error(id, ErrorCode::text_too_long, "a stream holds at most 8000 bytes", f.cid);
    p::StreamNotice delta{f.conv, f.cid, c.party, f.delta, s.bytes};
    s.bytes += static_cast<std::int64_t>(f.delta.size());
    s.last = now;
    send_all(others_in(f.conv, c.party.id), delta);
}

void Hub::handle(ConnId id, Conn& c, const p::StreamCancel& f, std::int64_t) {
    if (c.party.role == "visitor") return send_error(id, ErrorCode::forbidden, "visitors do not stream", f.cid);
    end_stream(StreamKey{f.conv, c.party.id, f.cid}, "cancelled");
}

void Hub::end_stream(const StreamKey& key, const char* reason) {
    auto it = streams_.find(key);
    if (it == streams_.end()) return;
    const auto& [conv, sender, cid] = key;
    if (*reason) send_all(others_in(conv, sender), p::StreamEndNotice{conv, cid, it->second.from, reason});
    auto count = streams_of_party_.find(sender);
    if (count != streams_of_party_.end() && --count->second == 0) streams_of_party_.erase(count);
    streams_.erase(it);
}

void Hub::streams_of_gone(const std::string& party_id) {
    std::vector<StreamKey> gone;
    for (const auto& [key, s] : streams_)
        if (std::get<1>(key) == party_id) gone.push_back(key);
    for (const StreamKey& key : gone) end_stream(key, "sender_gone");
}

// O(open streams) per call, like streams_deadline(): a few per agent or bot, so a
// deadline index would cost more than it saves.
void Hub::streams_tick(std::int64_t now) {
    std::vector<StreamKey> stale;
    for (const auto& [key, s] : streams_)
        if (now - s.last >= kStreamTimeoutMs) stale.push_back(key);
    for (const StreamKey& key : stale) end_stream(key, "timeout");
}

std::optional<std::int64_t> Hub::streams_deadline() const {
    std::optional<std::int64_t> at;
    for (const auto& [key, s] : streams_) at = std::min(at.value_or(s.last + kStreamTimeoutMs), s.last + kStreamTimeoutMs);
    return at;
}

std::set<ConnId> Hub::others_in(const std::string& conv, const std::string& party_id) const {
    std::set<ConnId> out;
    for (ConnId other : conversation_audience(conv))
        if (conns_.at(other).party.id != party_id) out.insert(other);
    return out;
}

// ---- rich messages ----------------------------------------------------------------------

bool Hub::rich_send_ok(ConnId id, const Conn& c, const p::Send& f) {
    const bool visitor = c.party.role == "visitor";
    if (!f.parts.empty()) {
        if (visitor && !rich::only_files(f.parts)) {  // a visitor's files (issue 17): nothing else
            send_error(id, ErrorCode::forbidden, "visitors send no parts but files", f.cid);
            return false;
        }
        if (auto problem = rich::check_parts(f.parts)) {
            problem->ref = f.cid;
            send_error(id, *problem);
            return false;
        }
    }
    if (!f.reply) return true;
    if (!visitor) {
        send_error(id, ErrorCode::forbidden, "only a visitor answers a rich message", f.cid);
        return false;
    }
    // The message answered: of this conversation, not an internal note (which the
    // visitor never saw), with the parts the answer names.
    auto target = store_.messages_after(f.conv, f.reply->to - 1, 1);
    if (!target) {
        send_error(id, ErrorCode::storage_failed, "could not read the message answered; resend later", f.cid);
        return false;
    }
    std::string parts;
    if (!target.value().empty() && target.value().front().seq == f.reply->to && !target.value().front().internal)
        parts = target.value().front().parts;
    if (auto problem = rich::check_reply(*f.reply, parts, f.cid)) {
        send(id, *problem);
        return false;
    }
    return true;
}

}  // namespace parley::relay
