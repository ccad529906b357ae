// The administration routes' JSON shapes (docs/openapi.json components/schemas Agent,
// Team, CannedResponse, BotKey, ApiKey): one function per schema, as api_json.hpp does
// for conversations. None of them carries a secret: a password or key is added to the
// one answer that shows it, by the handler that made it.
#pragma once

#include <string>

#include "api/api_keys.hpp"
#include "core/hub.hpp"
#include "parley/json/value.hpp"
#include "store/store.hpp"

namespace parley::relay::api {

// `status`: available, away or offline (the relay's presence now).
json::Value agent_json(const Agent& a, const std::string& status);
json::Value team_json(const Hub::TeamView& t);
json::Value canned_json(const protocol::CannedResponse& c);
json::Value bot_key_json(const BotKey& k);
json::Value api_key_json(const ApiKey& k);

}  // namespace parley::relay::api
