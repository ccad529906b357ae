// The webhook commands of the CLI (issue 18, docs/webhooks.md "Managing subscriptions"):
// --add-webhook URL [--webhook-events a,b], --list-webhooks, --remove-webhook ID,
// --replay-webhook DELIVERY_ID, --replay-dead-webhooks ID. Each is a row or two in the
// database a running relay uses, so they run beside it: the relay reads subscriptions
// and the queue from the database at every enqueue and poll.
#pragma once

#include <cstdint>
#include <iosfwd>

#include "core/random_source.hpp"
#include "options.hpp"
#include "store/webhook_store.hpp"

namespace parley::relay {

// True when `o` asks for one of these commands.
bool is_webhook_command(const Options& o);
// Runs it: 0 on success, else 1 with the reason on `err`. `now`: wall clock, ms.
int webhook_command(WebhookStore& store, RandomSource& random, const Options& o, std::int64_t now,
                    std::ostream& out, std::ostream& err);

}  // namespace parley::relay
