// Standard Webhooks signing (https://www.standardwebhooks.com, issue 18): the secret of a
// subscription and the webhook-signature header of each attempt. Pure but for the
// randomness passed in; libsodium's HMAC-SHA256 and base64.
//
//   secret     "whsec_" + base64(24 random bytes); the key is the decoded bytes
//   signature  "v1," + base64(HMAC-SHA256(key, id + "." + timestamp + "." + body))
//
// The receiver recomputes it from the three headers and the raw body (docs/webhooks.md).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/random_source.hpp"
#include "parley/core/result.hpp"

namespace parley::relay {

inline constexpr std::size_t kWebhookSecretBytes = 24;

// A fresh secret: "whsec_" + standard base64 of kWebhookSecretBytes random bytes.
std::string new_webhook_secret(RandomSource& random);

// The key bytes of a secret ("whsec_" prefix optional, as receivers' libraries accept);
// an invalid one is Error{bad_field, why}.
Result<std::string> webhook_secret_key(std::string_view secret);

// The webhook-signature header value for one attempt ("v1,<base64>"), given the key
// bytes (webhook_secret_key), the webhook-id, the webhook-timestamp (seconds) and the
// exact body bytes sent.
std::string webhook_signature(std::string_view key, std::string_view id, std::int64_t timestamp,
                              std::string_view body);

}  // namespace parley::relay
