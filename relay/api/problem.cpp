#include "api/problem.hpp"

#include "parley/json/value.hpp"

namespace parley::relay::api {

namespace {

struct Row {
    ProblemType type;
    const char* name;
    int status;
    const char* title;
};

constexpr Row kRows[] = {
    {ProblemType::bad_request, "bad-request", 400, "Bad request"},
    {ProblemType::bad_cursor, "bad-cursor", 400, "Bad cursor"},
    {ProblemType::unauthorized, "unauthorized", 401, "Missing or invalid API key"},
    {ProblemType::forbidden, "forbidden", 403, "Scope does not allow this"},
    {ProblemType::not_found, "not-found", 404, "Not found"},
    {ProblemType::method_not_allowed, "method-not-allowed", 405, "Method not allowed"},
    {ProblemType::conflict, "conflict", 409, "Refused by the conversation's state"},
    {ProblemType::length_required, "length-required", 411, "Content-Length required"},
    {ProblemType::too_large, "too-large", 413, "Request body too large"},
    {ProblemType::unsupported_media, "unsupported-media-type", 415, "Body must be application/json"},
    {ProblemType::invalid_config, "invalid-config", 422, "The configuration has problems"},
    {ProblemType::config_locked, "config-not-writable", 409, "The configuration cannot be changed here"},
    {ProblemType::rate_limited, "rate-limited", 429, "Too many requests"},
    {ProblemType::unavailable, "unavailable", 503, "Temporarily unavailable"},
};

const Row& row(ProblemType type) {
    for (const Row& r : kRows)
        if (r.type == type) return r;
    return kRows[0];
}

}  // namespace

std::string type_uri(ProblemType type) { return std::string("https://parley.dev/problems/") + row(type).name; }
int status_of(ProblemType type) { return row(type).status; }

namespace {

HttpResponse document(ProblemType type, std::string detail, const std::string* field) {
    const Row& r = row(type);
    json::Value doc = json::Value::object();
    doc["type"] = type_uri(type);
    doc["title"] = r.title;
    doc["status"] = r.status;
    doc["detail"] = std::move(detail);
    if (field) doc["field"] = *field;
    HttpResponse out;
    out.status = r.status;
    out.content_type = "application/problem+json";
    out.body = doc.dump();
    return out;
}

}  // namespace

HttpResponse problem(ProblemType type, std::string detail) { return document(type, std::move(detail), nullptr); }

HttpResponse problem_field(ProblemType type, std::string field, std::string detail) {
    return document(type, std::move(detail), &field);
}

HttpResponse problem_for_status(int status, std::string detail) {
    for (const Row& r : kRows)
        if (r.status == status && r.type != ProblemType::bad_cursor) return problem(r.type, std::move(detail));
    return problem(ProblemType::bad_request, std::move(detail));
}

}  // namespace parley::relay::api
