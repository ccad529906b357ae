// GET /api/v1/exports/conversations and /api/v1/exports/messages (docs/api.md
// "Exports"): the arguments, the export's slot, and a streamed answer whose producer
// is an ExportStream (exports/export_stream.hpp).
#include <limits>
#include <memory>

#include "api/api_args.hpp"
#include "api/api_service.hpp"
#include "api/problem.hpp"
#include "core/audit_log.hpp"
#include "exports/export_stream.hpp"
#include "reports/report.hpp"

namespace parley::relay::api {

namespace {

constexpr std::int64_t kDay = 24 * 60 * 60 * 1000;

// `from` or `to`: a UTC date (YYYY-MM-DD: the day's first millisecond; for `to`, the
// day is included, so the range ends at the next day's first) or milliseconds since
// the epoch (`from` inclusive, `to` exclusive).
std::optional<std::int64_t> instant(const std::string& text, bool end_of_day) {
    if (auto ms = integer(text)) return *ms;
    if (auto day = reports::parse_utc_date(text)) return *day + (end_of_day ? kDay : 0);
    return std::nullopt;
}

}  // namespace

HttpResponse ApiService::start_export(const Call& call) {
    const HttpRequest& r = call.request;
    using exports::ExportFormat;
    using exports::ExportKind;
    const ExportKind kind =
        call.match.route->id == RouteId::export_messages ? ExportKind::messages : ExportKind::conversations;
    exports::ExportRange range{0, std::numeric_limits<std::int64_t>::max()};
    if (const std::string* from = r.arg("from")) {
        const auto t = instant(*from, false);
        if (!t) return problem(ProblemType::bad_request, "from is a date (YYYY-MM-DD, UTC) or milliseconds since the epoch");
        range.from = *t;
    }
    if (const std::string* to = r.arg("to")) {
        const auto t = instant(*to, true);
        if (!t) return problem(ProblemType::bad_request, "to is a date (YYYY-MM-DD, UTC) or milliseconds since the epoch");
        range.to = *t;
    }
    if (range.from >= range.to) return problem(ProblemType::bad_request, "from must be before to");
    ExportFormat format = r.accept.find("text/csv") != std::string::npos ? ExportFormat::csv : ExportFormat::jsonl;
    if (const std::string* f = r.arg("format")) {
        if (*f != "csv" && *f != "jsonl") return problem(ProblemType::bad_request, "format is jsonl or csv");
        format = *f == "csv" ? ExportFormat::csv : ExportFormat::jsonl;
    }

    // The slot: an export costs a stream of reads for as long as its client reads, so
    // few run at once; the slot goes back when the stream's producer is dropped (the
    // connection ended, whole, cut or closed by the client).
    int& of_key = exports_by_key_[call.key.id];
    if (exports_ >= limits_.max_exports || of_key >= limits_.max_exports_per_key) {
        HttpResponse refused = problem(
            ProblemType::rate_limited,
            exports_ >= limits_.max_exports
                ? "the relay streams " + std::to_string(limits_.max_exports) + " exports already; retry when one ends"
                : "key " + call.key.id + " streams " + std::to_string(limits_.max_exports_per_key) +
                      " exports already; retry when one ends");
        refused.headers.emplace_back("retry-after", "10");
        if (of_key == 0) exports_by_key_.erase(call.key.id);
        return refused;
    }
    ++exports_;
    ++of_key;
    const std::string key_id = call.key.id;
    std::shared_ptr<void> slot(nullptr, [this, key_id](void*) {
        --exports_;
        if (--exports_by_key_[key_id] <= 0) exports_by_key_.erase(key_id);
    });

    // A bulk read of personal data: the audit log says who took what.
    const char* kind_name = kind == ExportKind::messages ? "messages" : "conversations";
    const char* format_name = format == ExportFormat::csv ? "csv" : "jsonl";
    const std::string from_text = r.arg("from") ? *r.arg("from") : "start";
    const std::string to_text = r.arg("to") ? *r.arg("to") : "now";
    audit_entry(call, audit::kApiExport, "", std::string(kind_name) + " " + format_name + " " + from_text + ".." + to_text);

    Hub& hub = hub_;
    const std::int64_t now = call.now;
    auto stream = std::make_shared<exports::ExportStream>(
        store_, [&hub, now](const protocol::ConvSummary& s) { return hub.api_describe(s, now); }, kind, format, range,
        now);
    HttpResponse out;
    out.content_type = format == ExportFormat::csv ? "text/csv; charset=utf-8" : "application/x-ndjson";
    // The name says what and which range; from and to are digits or dates here.
    out.headers.emplace_back("content-disposition", std::string("attachment; filename=\"parley-") + kind_name + "-" +
                                                        from_text + "-" + to_text + "." + format_name + "\"");
    out.stream = [stream, slot](std::string& piece) { return stream->next(piece); };
    return out;
}

}  // namespace parley::relay::api
