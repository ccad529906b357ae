// Outbound: what a message looks like when it leaves the relay for a site's webhook or
// an external bot (P5 actions, P7 "personal data masked before it leaves the relay").
// There are no webhooks or bot connections yet; this is the one function they will
// call, so the masking rule is written and tested once. Pure.
#pragma once

#include "parley/protocol/frames.hpp"
#include "parley/triage/pii.hpp"

namespace parley::relay {

// `message` with the kinds of `policy` masked in its text ("[card]", …). Everything
// else — seq, ids, meta — is kept: meta names kinds, never the data.
protocol::Message for_outbound(protocol::Message message, const triage::MaskOptions& policy);

}  // namespace parley::relay
