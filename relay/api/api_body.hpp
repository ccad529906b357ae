// Reading a request and writing its JSON answer: what every handler file of the API
// needs (api_handlers.cpp, api_agents.cpp, api_canned.cpp, api_key_routes.cpp …).
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "net/http_message.hpp"
#include "parley/json/value.hpp"

namespace parley::relay::api {

HttpResponse json_response(int status, const json::Value& doc);

// ?limit: 1..max, default `fallback`; else 400 naming `limit`.
std::variant<int, HttpResponse> page_limit(const HttpRequest& r, int fallback, int max);

// The JSON object of a request's body (POST, PATCH). An empty body is an empty object;
// else 415 when it is not application/json, 400 when it is not a JSON object.
std::variant<json::Value, HttpResponse> body_object(const HttpRequest& r);

// A string member: absent or null → "", not a string → nullopt.
std::optional<std::string> string_member(const json::Value& doc, const char* name);

// Optional members of an update (absent or null: unchanged). Each answers a 400 naming
// the member (`field`) when it is there with the wrong type.
std::variant<std::optional<std::string>, HttpResponse> optional_string(const json::Value& doc, const char* name);
std::variant<std::optional<bool>, HttpResponse> optional_bool(const json::Value& doc, const char* name);
std::variant<std::optional<std::int64_t>, HttpResponse> optional_integer(const json::Value& doc, const char* name);
// An array of strings (the rules check their number and length).
std::variant<std::optional<std::vector<std::string>>, HttpResponse> optional_strings(const json::Value& doc,
                                                                                     const char* name);

// The members of `doc` that are not in `known`: a typo ("team" for "teams") is refused
// (400 naming it) rather than silently ignored.
std::optional<HttpResponse> unknown_member(const json::Value& doc, const std::vector<const char*>& known);

}  // namespace parley::relay::api
