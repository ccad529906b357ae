// The settings a running relay can take on reload (OptionSpec::reloadable), turned from
// Options into what each component holds. main.cpp uses the same functions at start
// and on every reload (SIGHUP, PUT /api/v1/config), so the two cannot drift apart.
// Pure: no I/O.
#pragma once

#include <vector>

#include "core/hub.hpp"
#include "core/rate_limits.hpp"
#include "net/client_address.hpp"
#include "options.hpp"
#include "webhooks/webhook_retry.hpp"

namespace parley::relay {

// The Hub's live parts: quotas, retention windows, bot handoff rules, pre-chat form.
void set_hub_live_settings(HubConfig& config, const Options& o);

RateLimitConfig rate_limits_of(const Options& o);
// Addresses and networks the option table has checked (a bad one is skipped).
TrustedProxies networks_of(const std::vector<std::string>& specs);
WebhookRetryPolicy webhook_retry_of(const Options& o);

}  // namespace parley::relay
