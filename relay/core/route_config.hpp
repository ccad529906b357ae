// The routing configuration file (--route-config, docs/routing.md §7): JSON text to a
// route::RouterConfig. Pure; the caller reads the file.
#pragma once

#include <string_view>

#include "parley/core/result.hpp"
#include "route/config.hpp"

namespace parley::relay {

// Fields absent from the JSON keep the values already in `base`. Errors: bad_json
// (not a JSON object), bad_field (a field of the wrong type or range), with the field
// named in the detail.
Result<route::RouterConfig> parse_route_config(std::string_view json_text, route::RouterConfig base);

// The configuration the relay starts from: the engine's defaults plus the demo team
// rules (intent or page "billing" → team billing).
route::RouterConfig default_route_config();

}  // namespace parley::relay
