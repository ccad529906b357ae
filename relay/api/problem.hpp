// Problem: the API's errors as RFC 9457 problem documents (application/problem+json,
// members type, title, status, detail). Each kind of error has one stable type URI,
// documented in docs/api.md "Errors" and docs/openapi.json: a client branches on `type`
// (or `status`), never on `detail`, which is a sentence for people.
#pragma once

#include <cstdint>
#include <string>

#include "net/http_message.hpp"

namespace parley::relay::api {

enum class ProblemType {
    bad_request,       // 400 a malformed query, body or JSON
    bad_cursor,        // 400 a cursor the relay did not issue (or for another list)
    unauthorized,      // 401 no key, an unknown or revoked key
    forbidden,         // 403 the key's scope does not allow the route
    not_found,         // 404 no such route, conversation or contact
    method_not_allowed,// 405 the path exists, the method does not
    conflict,          // 409 the Hub refused the act (closed conversation, not started…)
    length_required,   // 411 a body without Content-Length
    too_large,         // 413 a body above --api-max-body-bytes
    unsupported_media, // 415 a body that is not application/json
    invalid_config,    // 422 a configuration with problems (each with its line: `problems`)
    config_locked,     // 409 the configuration cannot be written (no file, no previous version, the write failed)
    rate_limited,      // 429 the key's budget is spent (Retry-After says when)
    unavailable,       // 503 the store could not write (retry later)
};

// "https://parley.dev/problems/<name>": the stable URI of a type.
std::string type_uri(ProblemType type);
int status_of(ProblemType type);

// The response: status, application/problem+json, the document.
HttpResponse problem(ProblemType type, std::string detail);
// The same with the extension member `field`: the request member or query argument at
// fault (docs/api.md "Errors"), so a form can show the reason beside its input.
HttpResponse problem_field(ProblemType type, std::string field, std::string detail);
// The exchange's own refusals by status (411, 413, 400) in the same format.
HttpResponse problem_for_status(int status, std::string detail);

}  // namespace parley::relay::api
