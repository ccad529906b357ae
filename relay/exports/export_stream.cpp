#include "exports/export_stream.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "api/api_json.hpp"
#include "exports/csv.hpp"

namespace parley::relay::exports {

namespace p = protocol;

std::string utc_time(std::int64_t ms) {
    const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char out[64];  // room for any int the compiler cannot rule out
    std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
    return out;
}

std::string csv_header(ExportKind kind) {
    if (kind == ExportKind::conversations)
        return "id,created,created_at,updated,updated_at,status,state,agent,team,intent,visitor_id,visitor_name,"
               "messages\r\n";
    return "conversation,seq,ts,time,from_role,from_id,from_name,internal,intent,text\r\n";
}

ExportStream::ExportStream(Store& store, Describe describe, ExportKind kind, ExportFormat format,
                           ExportRange range, std::int64_t now)
    : store_(store), describe_(std::move(describe)), kind_(kind), format_(format), range_(range) {
    // What was stored when the export began, and nothing later.
    range_.to = std::min(range_.to, now + 1);
}

void ExportStream::conversation_row(const Store::StoredConversation& c, std::string& out) {
    const p::ConvSummary s = describe_(c.summary);
    ++rows_;
    if (format_ == ExportFormat::jsonl) {
        json::Value v = api::conversation_json(s);
        v["created"] = static_cast<long long>(c.created);
        v.dump_to(out);
        out += '\n';
        return;
    }
    out += csv::field(s.conv) + ',' + std::to_string(c.created) + ',' + utc_time(c.created) + ',' +
           std::to_string(s.updated) + ',' + utc_time(s.updated) + ',' + csv::field(s.status) + ',' +
           csv::field(s.state) + ',' + csv::field(s.agent) + ',' + csv::text(s.team) + ',' +
           csv::text(s.intent) + ',' + csv::field(s.visitor.id) + ',' + csv::text(s.visitor.name) + ',' +
           std::to_string(s.last_seq) + "\r\n";
}

void ExportStream::message_row(const p::Message& m, std::string& out) {
    ++rows_;
    if (format_ == ExportFormat::jsonl) {
        json::Value v = api::message_json(m);
        v["conversation"] = m.conv;
        v.dump_to(out);
        out += '\n';
        return;
    }
    out += csv::field(m.conv) + ',' + std::to_string(m.seq) + ',' + std::to_string(m.ts) + ',' + utc_time(m.ts) +
           ',' + csv::field(m.from.role) + ',' + csv::field(m.from.id) + ',' + csv::text(m.from.name) + ',' +
           (m.internal ? "true" : "false") + ',' + csv::text(m.meta ? m.meta->intent : std::string()) + ',' +
           csv::text(m.text) + "\r\n";
}

StreamStep ExportStream::next(std::string& out) {
    if (!header_sent_) {
        header_sent_ = true;
        if (format_ == ExportFormat::csv) out += csv_header(kind_);
    }
    int rows = 0, reads = 0;
    while (rows < kRowsPerPiece && reads < kReadsPerPiece && out.size() < kPieceBytes) {
        if (in_batch_ == batch_.size()) {
            if (scan_done_) return StreamStep::done;
            // Conversations: created in [from, to) implies updated >= from.
            auto scan = store_.scan_conversations(position_, range_.to, range_.from, kScanRows);
            if (!scan) {
                out = "cannot read conversations: " + scan.error().detail;
                return StreamStep::failed;
            }
            reads += kScanRows;  // the window's rows are read to filter them, matching or not
            position_ = scan.value().next;
            scan_done_ = scan.value().done;
            batch_ = std::move(scan.value().rows);
            in_batch_ = 0;
            after_seq_ = 0;
            continue;
        }
        const Store::StoredConversation& c = batch_[in_batch_];
        if (kind_ == ExportKind::conversations) {
            ++in_batch_;
            if (c.created >= range_.from && c.summary.last_seq > 0) {
                conversation_row(c, out);
                ++rows;
            }
            continue;
        }
        const int want = std::min(kMessagePage, kReadsPerPiece - reads);
        auto page = store_.messages_after(c.summary.conv, after_seq_, want);
        if (!page) {
            out = "cannot read the messages of " + c.summary.conv + ": " + page.error().detail;
            return StreamStep::failed;
        }
        reads += static_cast<int>(page.value().size()) + 1;
        for (const p::Message& m : page.value()) {
            after_seq_ = m.seq;
            if (m.ts < range_.from || m.ts >= range_.to) continue;
            message_row(m, out);
            ++rows;
        }
        // A short page is the conversation's end (one erased meanwhile reads as empty).
        if (static_cast<int>(page.value().size()) < want) {
            ++in_batch_;
            after_seq_ = 0;
        }
    }
    return StreamStep::more;
}

}  // namespace parley::relay::exports
