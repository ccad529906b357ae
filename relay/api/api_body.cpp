#include "api/api_body.hpp"

#include <algorithm>
#include <cstring>

#include "api/api_args.hpp"
#include "api/problem.hpp"
#include "parley/json/parse.hpp"

namespace parley::relay::api {

HttpResponse json_response(int status, const json::Value& doc) {
    HttpResponse r;
    r.status = status;
    r.content_type = "application/json";
    r.body = doc.dump();
    return r;
}

std::variant<int, HttpResponse> page_limit(const HttpRequest& r, int fallback, int max) {
    const std::string* text = r.arg("limit");
    if (!text) return fallback;
    const auto n = integer(*text);
    if (!n || *n < 1 || *n > max)
        return problem_field(ProblemType::bad_request, "limit", "limit must be an integer from 1 to " + std::to_string(max));
    return static_cast<int>(*n);
}

std::variant<json::Value, HttpResponse> body_object(const HttpRequest& r) {
    if (r.body.empty()) return json::Value::object();
    const std::string_view type = std::string_view(r.content_type).substr(0, r.content_type.find(';'));
    if (type != "application/json")
        return problem(ProblemType::unsupported_media, "send the body as Content-Type: application/json");
    auto doc = json::parse(r.body, 16);
    if (!doc || !doc->is_object()) return problem(ProblemType::bad_request, "the body is not a JSON object");
    return std::move(*doc);
}

std::optional<std::string> string_member(const json::Value& doc, const char* name) {
    const json::Value* v = doc.find(name);
    if (!v || v->is_null()) return std::string();
    if (!v->is_string()) return std::nullopt;
    return v->as_string();
}

namespace {
HttpResponse wrong_type(const char* name, const char* what) {
    return problem_field(ProblemType::bad_request, name, std::string(name) + " must be " + what);
}
}  // namespace

std::variant<std::optional<std::string>, HttpResponse> optional_string(const json::Value& doc, const char* name) {
    const json::Value* v = doc.find(name);
    if (!v || v->is_null()) return std::optional<std::string>();
    if (!v->is_string()) return wrong_type(name, "a string");
    return std::optional<std::string>(v->as_string());
}

std::variant<std::optional<bool>, HttpResponse> optional_bool(const json::Value& doc, const char* name) {
    const json::Value* v = doc.find(name);
    if (!v || v->is_null()) return std::optional<bool>();
    if (!v->is_bool()) return wrong_type(name, "true or false");
    return std::optional<bool>(v->as_bool());
}

std::variant<std::optional<std::int64_t>, HttpResponse> optional_integer(const json::Value& doc, const char* name) {
    const json::Value* v = doc.find(name);
    if (!v || v->is_null()) return std::optional<std::int64_t>();
    if (!v->is_integer()) return wrong_type(name, "an integer");
    return std::optional<std::int64_t>(v->as_int());
}

std::variant<std::optional<std::vector<std::string>>, HttpResponse> optional_strings(const json::Value& doc,
                                                                                     const char* name) {
    const json::Value* v = doc.find(name);
    if (!v || v->is_null()) return std::optional<std::vector<std::string>>();
    if (!v->is_array()) return wrong_type(name, "an array of strings");
    std::vector<std::string> out;
    for (const json::Value& e : v->elements()) {
        if (!e.is_string()) return wrong_type(name, "an array of strings");
        out.push_back(e.as_string());
    }
    return std::optional<std::vector<std::string>>(std::move(out));
}

std::optional<HttpResponse> unknown_member(const json::Value& doc, const std::vector<const char*>& known) {
    for (const json::Member& m : doc.members()) {
        const bool ok = std::any_of(known.begin(), known.end(), [&](const char* k) { return m.key == k; });
        if (!ok) {
            std::string list;
            for (const char* k : known) list += (list.empty() ? "" : ", ") + std::string(k);
            return problem_field(ProblemType::bad_request, m.key, "unknown member " + m.key + " (known: " + list + ")");
        }
    }
    return std::nullopt;
}

}  // namespace parley::relay::api
