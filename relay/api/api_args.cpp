#include "api/api_args.hpp"

#include "api/problem.hpp"
#include "parley/json/parse.hpp"

namespace parley::relay::api {

std::optional<std::int64_t> integer(const std::string& text) {
    if (text.empty() || text.size() > 18) return std::nullopt;
    std::int64_t n = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + (c - '0');
    }
    return n;
}

HttpResponse json_response(int status, const json::Value& doc) {
    HttpResponse r;
    r.status = status;
    r.content_type = "application/json";
    r.body = doc.dump();
    return r;
}

// ?limit: 1..max, default `fallback`.
std::variant<int, HttpResponse> page_limit(const HttpRequest& r, int fallback, int max) {
    const std::string* text = r.arg("limit");
    if (!text) return fallback;
    const auto n = integer(*text);
    if (!n || *n < 1 || *n > max)
        return problem(ProblemType::bad_request, "limit must be an integer from 1 to " + std::to_string(max));
    return static_cast<int>(*n);
}

// The JSON object of a POST's body. An empty body is an empty object.
std::variant<json::Value, HttpResponse> body_object(const HttpRequest& r) {
    if (r.body.empty()) return json::Value::object();
    const std::string_view type = std::string_view(r.content_type).substr(0, r.content_type.find(';'));
    if (type != "application/json")
        return problem(ProblemType::unsupported_media, "send the body as Content-Type: application/json");
    auto doc = json::parse(r.body, 16);
    if (!doc || !doc->is_object()) return problem(ProblemType::bad_request, "the body is not a JSON object");
    return std::move(*doc);
}

// A string member: absent → "", not a string → nullopt.
std::optional<std::string> string_member(const json::Value& doc, const char* name) {
    const json::Value* v = doc.find(name);
    if (!v || v->is_null()) return std::string();
    if (!v->is_string()) return std::nullopt;
    return v->as_string();
}

}  // namespace parley::relay::api
