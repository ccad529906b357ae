// Reading the API's arguments and writing its plain answers: what more than one handler
// file needs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "net/http_message.hpp"
#include "parley/json/value.hpp"

namespace parley::relay::api {

// A decimal integer, the whole text (at most 18 digits, so it never overflows);
// nullopt otherwise.
std::optional<std::int64_t> integer(const std::string& text);

// A JSON answer with this status.
HttpResponse json_response(int status, const json::Value& doc);

// ?limit: 1..max, default `fallback`; else the 400 to answer.
std::variant<int, HttpResponse> page_limit(const HttpRequest& r, int fallback, int max);

// The JSON object of a POST's body (an empty body is an empty object); else the 415 or
// 400 to answer.
std::variant<json::Value, HttpResponse> body_object(const HttpRequest& r);

// A string member: absent or null → "", not a string → nullopt.
std::optional<std::string> string_member(const json::Value& doc, const char* name);

}  // namespace parley::relay::api
