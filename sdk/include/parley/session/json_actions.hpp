// The C API's JSON surface on a session::Client, shared by the two C APIs: the
// sans-I/O one (parley/c_api.h, whose parley_client owns a Client) and the native
// transport's (parley/native_c_api.h, whose Connection owns one). Not a public header
// of the installed library: C++ embedders call session::Client directly.
#pragma once

#include <cstdint>

#include "parley/session/client.hpp"

namespace parley::session {

// parley_client_new's config_json read into `out`; false when it is not valid JSON,
// lacks role or instance, or breaks a rule of validate().
bool config_from_json(const char* config_json, Config& out);

// parley_client_act's action JSON applied to `client` at now_ms: 0, or the protocol
// error code (1005 bad_field for a malformed action).
int act_from_json(Client& client, const char* action_json, std::int64_t now_ms);

// Every event as one JSON array, as parley_client_take_events answers.
std::string events_json(const std::vector<Event>& events);

}  // namespace parley::session
