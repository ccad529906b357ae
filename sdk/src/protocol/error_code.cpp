#include "parley/protocol/error_code.hpp"

namespace parley::protocol {

const char* error_name(ErrorCode code) {
    switch (code) {
        case ErrorCode::bad_json: return "bad_json";
        case ErrorCode::bad_version: return "bad_version";
        case ErrorCode::unknown_type: return "unknown_type";
        case ErrorCode::missing_field: return "missing_field";
        case ErrorCode::bad_field: return "bad_field";
        case ErrorCode::too_large: return "too_large";
        case ErrorCode::too_deep: return "too_deep";
        case ErrorCode::text_too_long: return "text_too_long";
        case ErrorCode::binary_frame: return "binary_frame";
        case ErrorCode::invalid_form: return "invalid_form";
        case ErrorCode::not_authenticated: return "not_authenticated";
        case ErrorCode::bad_credentials: return "bad_credentials";
        case ErrorCode::bad_token: return "bad_token";
        case ErrorCode::forbidden: return "forbidden";
        case ErrorCode::already_authenticated: return "already_authenticated";
        case ErrorCode::unknown_conversation: return "unknown_conversation";
        case ErrorCode::seq_out_of_range: return "seq_out_of_range";
        case ErrorCode::unknown_agent: return "unknown_agent";
        case ErrorCode::agent_unavailable: return "agent_unavailable";
        case ErrorCode::not_allowed: return "not_allowed";
        case ErrorCode::unknown_visitor: return "unknown_visitor";
        case ErrorCode::too_many_streams: return "too_many_streams";
        case ErrorCode::canned_limit: return "canned_limit";
        case ErrorCode::last_supervisor: return "last_supervisor";
        case ErrorCode::agent_exists: return "agent_exists";
        case ErrorCode::rate_limited: return "rate_limited";
        case ErrorCode::login_throttled: return "login_throttled";
        case ErrorCode::login_busy: return "login_busy";
        case ErrorCode::too_many_reads: return "too_many_reads";
        case ErrorCode::new_visitor_quota: return "new_visitor_quota";
        case ErrorCode::new_conversation_quota: return "new_conversation_quota";
        case ErrorCode::byte_quota: return "byte_quota";
        case ErrorCode::storage_failed: return "storage_failed";
    }
    // A relay newer than this SDK may send codes we do not know; the range still
    // carries the policy (see is_retryable).
    return "unknown_error";
}

}  // namespace parley::protocol
