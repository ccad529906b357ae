// A request header's value as lws parsed it (HTTP requests and WebSocket handshakes).
#pragma once

#include <libwebsockets.h>

#include <optional>
#include <string>

namespace parley::relay {

// nullopt when the request has none (or lws cannot copy it whole).
std::optional<std::string> request_header(lws* wsi, lws_token_indexes token);

}  // namespace parley::relay
