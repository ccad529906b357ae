// The quality-flag routes of ApiService (docs/api.md "Quality flags", docs/quality.md):
// the list a supervisor works through (open ones, newest first) and marking one
// reviewed. The console's Flags view calls them with the supervisor's session.
#include "api/api_args.hpp"
#include "api/api_body.hpp"
#include "api/api_service.hpp"
#include "api/problem.hpp"
#include "core/audit_log.hpp"

namespace parley::relay::api {

namespace {

json::Value flag_json(const QualityFlag& f) {
    json::Value v = json::Value::object();
    v["id"] = f.id;
    v["ts"] = f.ts;
    v["conversation"] = f.conv;
    v["kind"] = f.kind;
    v["detail"] = f.detail;
    v["seq"] = f.seq;
    v["reviewed_by"] = f.reviewed_by.empty() ? json::Value() : json::Value(f.reviewed_by);
    v["reviewed_at"] = f.reviewed_at == 0 ? json::Value() : json::Value(f.reviewed_at);
    return v;
}

HttpResponse store_problem(const Error& e) {
    return problem(ProblemType::unavailable, "the flags could not be read or written: " + e.detail + "; retry later");
}

}  // namespace

// GET /api/v1/flags?status=open|all&limit&cursor: newest first; the cursor is the last
// id of the previous page (flags only ever get newer ids, so none is skipped).
HttpResponse ApiService::list_flags(const Call& call) {
    const HttpRequest& r = call.request;
    const auto limit = page_limit(r, limits_.default_page, limits_.max_page);
    if (const auto* refused = std::get_if<HttpResponse>(&limit)) return *refused;
    bool open_only = true;
    if (const std::string* s = r.arg("status")) {
        if (*s != "open" && *s != "all") return problem(ProblemType::bad_request, "status must be open or all");
        open_only = *s == "open";
    }
    std::int64_t before = 0;
    if (const std::string* c = r.arg("cursor")) {
        const auto id = integer(*c);
        if (!id || *id < 1) return problem(ProblemType::bad_cursor, "cursor must be a next_cursor this list gave");
        before = *id;
    }
    const int n = std::get<int>(limit);
    auto flags = store_.flags_before(before, open_only, n);
    if (!flags) return store_problem(flags.error());
    auto open = store_.open_flag_count();
    if (!open) return store_problem(open.error());
    json::Value items = json::Value::array();
    for (const QualityFlag& f : flags.value()) items.push_back(flag_json(f));
    json::Value doc = json::Value::object();
    doc["items"] = std::move(items);
    doc["open"] = open.value();
    doc["next_cursor"] = static_cast<int>(flags.value().size()) == n && !flags.value().empty()
                             ? json::Value(std::to_string(flags.value().back().id))
                             : json::Value();
    return json_response(200, doc);
}

// POST /api/v1/flags/{id}/review: the first review stands; reviewing again is 409.
HttpResponse ApiService::review_flag(const Call& call) {
    const auto id = integer(call.match.params[0]);
    if (!id) return problem(ProblemType::bad_request, "a flag's id is a number (GET /api/v1/flags)");
    auto reviewed = store_.review_flag(*id, call.key.id, call.now);
    if (!reviewed) return store_problem(reviewed.error());
    auto found = store_.find_flag(*id);
    if (!found) return store_problem(found.error());
    if (!found.value()) return problem(ProblemType::not_found, "no flag " + call.match.params[0]);
    if (!reviewed.value())
        return problem(ProblemType::conflict, "flag " + call.match.params[0] + " was reviewed already by " +
                                                  found.value()->reviewed_by);
    audit_entry(call, audit::kFlagReview, found.value()->conv, found.value()->kind + " " + call.match.params[0]);
    return json_response(200, flag_json(*found.value()));
}

}  // namespace parley::relay::api
