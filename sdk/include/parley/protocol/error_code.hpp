// Error codes of protocol v1 (docs/protocol.md §6) and WebSocket close codes (§7).
// The thousands digit carries the policy: 1xxx/2xxx/3xxx "do not resend", 5xxx
// "resend later". Clients read the range, never the message text.
#pragma once

#include <cstdint>

namespace parley::protocol {

enum class ErrorCode : int {
    bad_json = 1001,
    bad_version = 1002,
    unknown_type = 1003,
    missing_field = 1004,
    bad_field = 1005,
    too_large = 1006,
    too_deep = 1008,
    text_too_long = 1009,
    binary_frame = 1010,
    invalid_form = 1011,        // a form answer's values: `fields` names each bad one
    not_authenticated = 2001,
    bad_credentials = 2002,
    bad_token = 2003,
    forbidden = 2004,
    already_authenticated = 2005,
    unknown_conversation = 3001,
    seq_out_of_range = 3003,
    unknown_agent = 3004,       // routing: no such agent or team to transfer to
    agent_unavailable = 3005,   // routing: the agent is away/offline or at maximum load
    not_allowed = 3006,         // routing: the conversation's state forbids it
    unknown_visitor = 3010,     // export/erase: no such visitor (or conversation naming one)
    too_many_streams = 3007,    // streaming: the sender has 8 streams open already
    canned_limit = 3011,        // canned responses: the agent's or team's limit is reached
    last_supervisor = 3012,     // agent administration: it would leave no enabled supervisor
    agent_exists = 3013,        // agent administration: an agent has this e-mail already
    rate_limited = 4029,        // over a rate limit: resend after retry_after_ms
    login_throttled = 4030,     // login: too many failed attempts; retry after retry_after_ms
    login_busy = 4031,          // login: the relay's password checks are busy; retry after retry_after_ms
    too_many_reads = 4040,      // too many sync/history answers pending on the connection
    new_visitor_quota = 4050,       // hello: too many new visitor identities from this address
    new_conversation_quota = 4051,  // hello: too many new conversations from this address
    byte_quota = 4052,              // send: the visitor stored too much text today
    storage_failed = 5001,
};

// Stable snake_case name of a code, as in the protocol table ("bad_json").
const char* error_name(ErrorCode code);

// True for 4xxx (too fast: wait retry_after_ms) and 5xxx (the relay failed): the same
// frame (same cid) may be resent later.
constexpr bool is_retryable(ErrorCode code) { return static_cast<int>(code) >= 4000; }

// WebSocket close codes (§7).
namespace close_code {
constexpr int normal = 1000;
constexpr int going_away = 1001;
constexpr int invalid_utf8 = 1007;
constexpr int too_big = 1009;
constexpr int internal_error = 1011;  // e.g. the relay could not store; reconnect, resend
constexpr int restarting = 4000;
constexpr int too_slow = 4001;
constexpr int too_many_connections = 4002;  // from one address; reconnect with backoff
constexpr int auth_refused = 4100;
constexpr int policy_violation = 4101;
// The session was revoked (logout, sign-out everywhere, a disabled agent) or expired
// while connected: sign in again; reconnecting with the same token is refused.
constexpr int session_ended = 4102;
}  // namespace close_code

// Close codes in 4100–4199 mean "do not reconnect"; everything else reconnects.
constexpr bool close_is_final(int code) { return code >= 4100 && code <= 4199; }

}  // namespace parley::protocol
