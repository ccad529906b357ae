// Bulk answers: sync and history, produced as the connection drains.
//
// Theory of operation
// -------------------
// A sync of a long backlog can be megabytes, and a client can ask for it again and
// again without reading: building the whole answer at once let one visitor grow the
// relay by gigabytes (issue 15, defect 2) and made any answer over the adapter's queue
// limit impossible to receive (defect 3). So a sync or history frame is checked at once
// (permission, bounds: its errors come at once) and then only queued on its connection
// as a PendingRead, a cursor of a few words. The adapter calls pump(conn) when the
// connection has room; each pump emits about kPumpBytes of frames (never more than one
// message past it), reading the store kStoreReadMessages messages at a time, and says
// with a `pull` output whether more is waiting. Reads are answered one after the other,
// in the order they came.
//
//   read     step                                          done when
//   -------  --------------------------------------------  -------------------------------
//   sync     msg × the next messages after the cursor      the store has nothing after the
//            (visitors: internal ones withheld, `prev`     cursor: synced{last_seq = the
//            bridges them)                                 cursor}, i.e. the current last
//   history  one page, read backwards from `before`,      at once: `limit` messages, or
//            until `limit` messages or the frame limit     fewer when one more would make
//            (65 536 bytes; always one message at least)   it exceed 65 536 bytes; `more`
//
// A sync reads on to the conversation's *current* last message, not the one it had when
// asked; while a sync of a conversation is pending on a connection, live msgs of that
// conversation are not sent to it (send_all), because the stream will carry them. So a
// live msg never overtakes the answer, and synced's last_seq is where live delivery
// resumes. A conversation written faster than its reader drains keeps the stream going;
// the adapter's slow-reader limits end that.
//
// Bounds: per connection at most kMaxPendingReads reads (beyond: error 4040
// too_many_reads with retry_after_ms, the frame not processed), and per pump about
// kPumpBytes + one message of output. Everything else waits in the store.
#include <algorithm>

#include "core/hub.hpp"
#include "parley/protocol/codec.hpp"

namespace parley::relay {

using protocol::ErrorCode;
namespace p = protocol;

namespace {

// What one store read costs against a pump's byte budget, so that a stream of withheld
// messages (a visitor's view of a run of internal notes) or of empty syncs still yields.
constexpr std::size_t kStoreReadCost = 1024;

}  // namespace

void Hub::handle(ConnId id, Conn& c, const p::Sync& f, std::int64_t) {
    auto conv = accessible(c, f.conv, ConvAct::sync, {});
    if (!conv) return send_error(id, conv.error());
    if (!audit_read(id, c, f.conv, "sync")) return;
    if (f.after > conv.value().last_seq)
        return send_error(id, ErrorCode::seq_out_of_range, "after is beyond the last message");
    PendingRead r;
    r.sync = true;
    r.conv = f.conv;
    r.after = f.after;
    r.prev = f.after;
    queue_read(id, c, std::move(r));
}

void Hub::handle(ConnId id, Conn& c, const p::History& f, std::int64_t) {
    auto conv = accessible(c, f.conv, ConvAct::history, {});
    if (!conv) return send_error(id, conv.error());
    if (!audit_read(id, c, f.conv, "history")) return;
    const std::int64_t end = conv.value().last_seq + 1;  // "after the last message"
    const std::int64_t before = f.before.value_or(end);
    if (before > end) return send_error(id, ErrorCode::seq_out_of_range, "before is beyond the last message");
    PendingRead r;
    r.sync = false;
    r.conv = f.conv;
    r.before = before;
    r.limit = f.limit;
    queue_read(id, c, std::move(r));
}

void Hub::queue_read(ConnId id, Conn& c, PendingRead read) {
    if (c.reads.size() >= kMaxPendingReads) {
        // Not processed: the client resends it once its answers have drained. Neither
        // frame has a cid, so the error names it (as 4029 does) for exactly that resend.
        p::ErrorFrame refused{ErrorCode::too_many_reads, "too many sync/history answers pending; retry later", {},
                              kReadsRetryAfterMs};
        refused.frame = read.export_doc ? "export_visitor" : read.sync ? "sync" : "history";
        refused.conv = read.conv;
        send(id, refused);
        return;
    }
    c.reads.push_back(std::move(read));
    if (c.reads.size() == 1) outputs_.push_back(Output::pull(id));
}

bool Hub::syncing(ConnId id, const std::string& conv) const {
    auto it = conns_.find(id);
    if (it == conns_.end()) return false;
    for (const PendingRead& r : it->second.reads)
        if (r.sync && r.conv == conv) return true;
    return false;
}

bool Hub::pump(ConnId conn, std::int64_t now) {
    auto it = conns_.find(conn);
    if (it == conns_.end() || stopping_) return false;
    Conn& c = it->second;
    now_ = std::max(now_, now);
    // Reads inside an open store batch see its uncommitted messages: if that batch fails,
    // this connection is closed with the others (take_outputs), so nothing it was sent
    // outlives a failed commit.
    if (batch_open_) batch_conns_.insert(conn);
    std::size_t budget = kPumpBytes;
    while (!c.reads.empty() && budget > 0) {
        PendingRead& r = c.reads.front();
        const bool done = r.export_doc ? export_step(conn, r, budget)
                          : r.sync     ? sync_step(conn, c, r, budget)
                                       : history_step(conn, c, r, budget);
        if (done) c.reads.pop_front();
    }
    if (c.reads.empty()) {
        std::deque<PendingRead>().swap(c.reads);  // an idle connection holds no block
        return false;
    }
    outputs_.push_back(Output::pull(conn));
    return true;
}

bool Hub::sync_step(ConnId id, Conn& c, PendingRead& r, std::size_t& budget) {
    // P4: a visitor never receives an internal message; `prev` bridges the seqs skipped.
    const bool visitor = c.party.role != "agent";  // visitors and bots (issue 16)
    while (budget > 0) {
        auto chunk = store_.messages_after(r.conv, r.after, kStoreReadMessages);
        budget -= std::min(budget, kStoreReadCost);
        if (!chunk) {
            send_error(id, chunk.error());
            return true;
        }
        if (chunk.value().empty()) {  // caught up with the conversation as it is now
            send(id, p::Synced{r.conv, r.after});
            return true;
        }
        for (auto& m : chunk.value()) {
            if (m.seq <= r.after) continue;  // a store that ignores `after` must not loop us
            r.after = m.seq;
            if (visitor && m.internal) continue;
            if (visitor && m.seq != r.prev + 1) m.prev = r.prev;
            r.prev = m.seq;
            if (c.party.role == "bot") mask_for_bots(m);  // issue 16: the outbound policy
            auto text = std::make_shared<const std::string>(p::encode(p::Msg{std::move(m)}));
            budget -= std::min(budget, text->size());
            outputs_.push_back(Output::frame(id, std::move(text)));
            if (budget == 0) break;  // the rest of this store read is read again next time
        }
    }
    return false;
}

bool Hub::history_step(ConnId id, Conn& c, PendingRead& r, std::size_t& budget) {
    const bool visitor = c.party.role != "agent";  // P4: internal notes never reach a visitor (nor a bot)
    std::vector<p::Message> newest_first;
    // A page is one frame, and a frame over kMaxFrameBytes is one no client decodes: the
    // page stops before that, however large `limit` times 8 000 bytes would be. Each
    // entry is counted as its msg frame (a few bytes more than the entry) plus a comma.
    p::Page empty;
    empty.conv = r.conv;
    empty.more = true;
    std::size_t bytes = p::encode(empty).size();
    std::int64_t oldest = r.before;  // the oldest seq looked at
    bool full = false;
    while (!full && newest_first.size() < static_cast<std::size_t>(r.limit)) {
        const int want = std::min<int>(kStoreReadMessages, r.limit - static_cast<int>(newest_first.size()));
        auto slice = store_.messages_before(r.conv, oldest, want);
        if (!slice) {
            send_error(id, slice.error());
            return true;
        }
        if (slice.value().empty()) break;
        auto& msgs = slice.value();
        for (auto m = msgs.rbegin(); m != msgs.rend(); ++m) {
            if (m->seq >= oldest) continue;  // a store that ignores `before` must not loop us
            oldest = m->seq;
            if (visitor && m->internal) continue;
            if (c.party.role == "bot") mask_for_bots(*m);  // issue 16: before it is measured
            const std::size_t entry = p::encode(p::Msg{*m}).size() + 1;
            if (!newest_first.empty() && bytes + entry > p::kMaxFrameBytes) {
                oldest = m->seq + 1;  // not in this page: the next one starts with it
                full = true;
                break;
            }
            bytes += entry;
            newest_first.push_back(std::move(*m));
            if (newest_first.size() >= static_cast<std::size_t>(r.limit)) {
                full = true;
                break;
            }
        }
        if (oldest <= 1) break;
    }
    p::Page page;
    page.conv = r.conv;
    page.msgs.assign(std::make_move_iterator(newest_first.rbegin()), std::make_move_iterator(newest_first.rend()));
    page.more = oldest > 1;  // seqs start at 1, no gaps
    auto text = std::make_shared<const std::string>(p::encode(page));
    budget -= std::min(budget, text->size());
    outputs_.push_back(Output::frame(id, std::move(text)));
    return true;
}

}  // namespace parley::relay
