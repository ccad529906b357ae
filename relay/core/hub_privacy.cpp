// A visitor's data on request, from the console while the relay runs (P7, issue 15):
// the data-subject export and the erasure. The CLI (--export-visitor, --erase-visitor)
// does the same to a stopped relay's data directory; these are the live versions.
//
// Theory of operation
// -------------------
// Both frames are for supervisors only (others: 2004, whether or not the visitor
// exists) and name the visitor by id or by one of their conversations (unknown: 3010).
//
// export_visitor: the audit entry is written first (fail closed: no entry, no export:
// storage_failed), then Store::visitor_record is read and turned into the same JSON
// document the CLI prints (privacy/visitor_export.hpp). It is not sent at once: it is
// queued on the connection as a PendingRead and leaves as `visitor_export` frames of at
// most kExportChunkBytes of document each, as the connection drains (hub_reads.cpp's
// pump, kPumpBytes per pump), so an export of any size reaches a supervisor who reads,
// and one who does not read is cut off by the adapter's slow-reader limit like any
// other. What the Hub holds meanwhile is that one document: at most one export is
// pending per connection (a second: 4040, frame "export_visitor").
//
// erase_visitor, in order:
//   1. the open group-commit batch is committed (the store erases in a transaction of
//      its own); if that fails, the batch's connections (this one too) close with 1011
//      and nothing is erased;
//   2. Store::erase_visitor: every row of the visitor, secure_delete, then a TRUNCATE
//      checkpoint that leaves the log empty (SqliteStore holds the background
//      checkpointer off meanwhile). If another process reads the file (a backup) the
//      checkpoint waits only briefly; then the rows are gone but the log still holds a
//      copy, and tick() empties it every kLogRetryMs until it succeeds (retention's
//      purges share this);
//   3. the audit entry (visitor id and counts only; a failure is counted, the erasure
//      stands);
//   4. the Hub forgets each conversation: the router closes it (so an owner's load and
//      the queues are right; decisions about the erased ones are dropped, nothing is
//      stored about them), then forgets it, and every per-conversation map is cleared;
//   5. every agent connection that could list one of the conversations (supervisors,
//      owners, teams, anyone told of it) gets a last `conv` of it with status "erased"
//      (drop it); the supervisor gets `erased`; every connection of the visitor is
//      closed with 4102 ("erased"): their token still verifies but names nobody, so a
//      later hello gets a new identity.
// The loop is held for steps 1–2, which grow with the visitor's data (docs/operations.md
// "Erasure": measured figures).
#include <algorithm>

#include "core/audit_log.hpp"
#include "core/hub.hpp"
#include "parley/protocol/codec.hpp"
#include "privacy/visitor_export.hpp"

namespace parley::relay {

using protocol::ErrorCode;
namespace p = protocol;

namespace {

bool is_supervisor(const Viewer& v) { return v.role == Viewer::Role::supervisor; }

// The longest prefix of `text` from `from`, at most `max` bytes, that ends on a UTF-8
// character boundary (never splits a character: each chunk is valid JSON text).
std::size_t chunk_end(const std::string& text, std::size_t from, std::size_t max) {
    std::size_t end = std::min(text.size(), from + max);
    while (end < text.size() && end > from && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    return end;
}

}  // namespace

Result<std::string> Hub::visitor_named(const std::string& visitor, const std::string& conv) {
    const Error unknown{ErrorCode::unknown_visitor, "no such visitor", {}};
    if (!conv.empty()) {
        auto found = store_.find_conversation(conv);
        if (!found) return found.error();
        if (!found.value()) return unknown;
        return found.value()->visitor.id;
    }
    auto found = store_.find_visitor(visitor);
    if (!found) return found.error();
    if (!found.value()) return unknown;
    return visitor;
}

void Hub::handle(ConnId id, Conn& c, const p::ExportVisitor& f, std::int64_t now) {
    if (c.party.role != "agent" || !is_supervisor(viewer_of(c)))
        return send_error(id, ErrorCode::forbidden, "only supervisors may export a visitor's data");
    for (const PendingRead& r : c.reads)
        if (r.export_doc) {
            p::ErrorFrame busy{ErrorCode::too_many_reads, "an export is being sent; retry later", {},
                               kReadsRetryAfterMs};
            busy.frame = "export_visitor";
            return send(id, busy);
        }
    auto visitor = visitor_named(f.visitor, f.conv);
    if (!visitor) return send_error(id, visitor.error());
    auto record = store_.visitor_record(visitor.value());
    if (!record) return send_error(id, record.error());
    if (!record.value()) return send_error(id, ErrorCode::unknown_visitor, "no such visitor");
    p::AuditEntry e = audit_by(c, audit::kVisitorExport);
    e.target = visitor.value();
    e.detail = "conversations=" + std::to_string(record.value()->conversations.size()) +
               " messages=" + std::to_string(record.value()->messages.size());
    if (!audit(std::move(e)))
        return send_error(id, ErrorCode::storage_failed, "the relay could not access its storage; retry later");
    PendingRead r;
    r.sync = false;
    r.visitor = visitor.value();
    r.export_doc = std::make_shared<const std::string>(visitor_export_json(*record.value(), now));
    queue_read(id, c, std::move(r));
}

bool Hub::export_step(ConnId id, PendingRead& r, std::size_t& budget) {
    const std::string& doc = *r.export_doc;
    while (budget > 0) {
        const std::size_t end = chunk_end(doc, r.offset, p::kExportChunkBytes);
        p::VisitorExport chunk{r.visitor, doc.substr(r.offset, end - r.offset), end >= doc.size()};
        r.offset = end;
        auto text = std::make_shared<const std::string>(p::encode(chunk));
        budget -= std::min(budget, text->size());
        outputs_.push_back(Output::frame(id, std::move(text)));
        if (chunk.done) return true;
    }
    return false;
}

void Hub::erased_rows(const Erased& erased, std::int64_t now) {
    if (erased.log_emptied) return;
    log_dirty_ = true;
    next_log_retry_ = now + kLogRetryMs;
}

void Hub::retry_empty_log(std::int64_t now) {
    if (store_.empty_log()) log_dirty_ = false;
    else next_log_retry_ = now + kLogRetryMs;
}

void Hub::handle(ConnId id, Conn& c, const p::EraseVisitor& f, std::int64_t now) {
    if (c.party.role != "agent" || !is_supervisor(viewer_of(c)))
        return send_error(id, ErrorCode::forbidden, "only supervisors may erase a visitor");
    auto visitor = visitor_named(f.visitor, f.conv);
    if (!visitor) return send_error(id, visitor.error());
    // 1–2. Outside any batch: the store's own transaction, then the emptied log.
    if (!commit_batch_now()) return;
    auto erased = store_.erase_visitor(visitor.value());
    if (!erased) return send_error(id, erased.error());
    if (erased.value().visitors == 0) return send_error(id, ErrorCode::unknown_visitor, "no such visitor");
    erased_rows(erased.value(), now);
    const std::vector<std::string>& convs = erased.value().convs;

    // 3. Audit: ids and counts, never the visitor's data.
    p::AuditEntry e = audit_by(c, audit::kVisitorErase);
    e.target = visitor.value();
    e.detail = "conversations=" + std::to_string(erased.value().conversations) +
               " messages=" + std::to_string(erased.value().messages);
    audit(std::move(e));

    // 4. Who could list them (before the router forgets), then forget them.
    route_load(now);
    std::set<std::string> told;  // agent ids
    std::set<std::string> owners;
    for (const std::string& conv : convs) {
        for (const std::string& a : agents_seeing_ids(conv)) told.insert(a);
        if (auto seen = conv_seen_by_.find(conv); seen != conv_seen_by_.end())
            told.insert(seen->second.begin(), seen->second.end());
        if (auto v = router_.conversation(conv); v && !v->agent.empty()) owners.insert(v->agent);
    }
    for (const auto& [agent_id, a] : route_agents_)
        if (a.supervisor) told.insert(agent_id);
    route::Outcome freed;  // what closing them does to the other conversations
    for (const std::string& conv : convs) {
        if (auto v = router_.conversation(conv); v && v->state != route::ConvState::Closed) {
            route::Outcome o = router_.close(conv, route::CloseReason::Agent, now);
            for (route::Decision& d : o.decisions) freed.decisions.push_back(std::move(d));
        }
        forget_conversation(conv);
    }
    std::set<ConnId> visitors;
    for (ConnId v : visitor_conns_)
        if (conns_.at(v).party.id == visitor.value()) visitors.insert(v);

    // 5. The news, then the visitor's connections end.
    for (const std::string& conv : convs) {
        p::ConvSummary gone{};
        gone.conv = conv;
        gone.visitor = p::Party{"visitor", visitor.value(), ""};
        gone.updated = now;
        gone.status = "erased";
        send_all(conns_of_agents(told), p::ConvUpdate{gone});
    }
    send(id, p::VisitorErased{visitor.value(), convs, erased.value().messages});
    for (ConnId v : visitors) {
        conns_.at(v).closing = true;
        conns_.at(v).reads.clear();
        outputs_.push_back(Output::close(v, "erased", p::close_code::session_ended));
    }
    // Decisions about the erased conversations are dropped: nothing about them is stored
    // or told again. The rest (a queued conversation assigned to a freed agent) apply.
    const std::set<std::string> gone(convs.begin(), convs.end());
    freed.decisions.erase(std::remove_if(freed.decisions.begin(), freed.decisions.end(),
                                         [&](const route::Decision& d) {
                                             return gone.count(std::visit([](const auto& x) { return x.conv; }, d)) > 0;
                                         }),
                          freed.decisions.end());
    route_apply(freed, now);
    for (const std::string& owner : owners) publish_agent(owner);
    publish_board();
}

}  // namespace parley::relay
