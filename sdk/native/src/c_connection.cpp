// The native transport's C API (parley/native_c_api.h): a native::Connection behind an
// opaque handle, with the same JSON surface as the sans-I/O C API (json_actions.hpp),
// so an app moves from one to the other without relearning actions or events.
#include "parley/native_c_api.h"

#include <memory>
#include <string>

#include "parley/json/parse.hpp"
#include "parley/json/value.hpp"
#include "parley/native/connection.hpp"
#include "parley/session/json_actions.hpp"

using parley::native::Connection;

struct parley_connection {
    std::unique_ptr<Connection> connection;
    std::string events;      // the last take_events() answer
    std::string last_error;  // the detail of the last error returned
};

namespace {

constexpr int kOk = 0;
constexpr int kBadField = static_cast<int>(parley::protocol::ErrorCode::bad_field);

// options_json into TransportOptions; a static reason when it is malformed.
const char* read_options(const char* text, parley::native::TransportOptions& o) {
    if (!text) return nullptr;
    auto parsed = parley::json::parse(text);
    if (!parsed || !parsed->is_object()) return "options: not a JSON object";
    const auto& j = *parsed;
    if (const auto* v = j.find("ca_file")) {
        if (!v->is_string()) return "options: ca_file must be a string";
        o.ca_file = v->as_string();
    }
    if (const auto* v = j.find("allow_self_signed")) {
        if (!v->is_bool()) return "options: allow_self_signed must be true or false";
        o.allow_self_signed = v->as_bool();
    }
    if (const auto* v = j.find("origin")) {
        if (!v->is_string()) return "options: origin must be a string";
        o.origin = v->as_string();
    }
    if (const auto* v = j.find("connect_timeout_secs")) {
        if (!v->is_integer() || v->as_int() < 1 || v->as_int() > 300)
            return "options: connect_timeout_secs must be an integer from 1 to 300";
        o.connect_timeout_secs = static_cast<int>(v->as_int());
    }
    return nullptr;
}

int fail(parley_connection* c, const parley::Error& e) {
    c->last_error = e.detail;
    return static_cast<int>(e.code);
}

}  // namespace

extern "C" {

parley_connection* parley_connection_new(const char* url, const char* config_json, const char* options_json,
                                         const char** error) {
    const char* ignored = nullptr;
    const char*& why = error ? *error : ignored;
    why = nullptr;
    if (!url || !config_json) {
        why = "url and config_json are required";
        return nullptr;
    }
    auto parsed_url = parley::native::parse_url(url);
    if (!parsed_url) {
        // The parser's own words ("url: scheme must be ws:// or wss://", …), per thread.
        thread_local std::string url_problem;
        url_problem = parsed_url.error().detail;
        why = url_problem.c_str();
        return nullptr;
    }
    parley::session::Config config;
    if (!parley::session::config_from_json(config_json, config)) {
        why = "config_json: not valid JSON, role or instance missing, or a value out of range (docs/sdk.md)";
        return nullptr;
    }
    parley::native::TransportOptions options;
    if (const char* problem = read_options(options_json, options)) {
        why = problem;
        return nullptr;
    }
    auto* c = new parley_connection;
    c->connection = std::make_unique<Connection>(std::move(config), std::move(parsed_url).value(), options);
    return c;
}

void parley_connection_free(parley_connection* c) { delete c; }

int parley_connection_start(parley_connection* c) {
    if (!c) return kBadField;
    auto started = c->connection->start();
    return started ? kOk : fail(c, started.error());
}

void parley_connection_poll(parley_connection* c, int timeout_ms) {
    if (c) c->connection->poll(timeout_ms < 0 ? 0 : timeout_ms);
}

const char* parley_connection_take_events(parley_connection* c) {
    if (!c) return "[]";
    c->events = parley::session::events_json(c->connection->take_events());
    return c->events.c_str();
}

int parley_connection_act(parley_connection* c, const char* action_json) {
    if (!c) return kBadField;
    const int code = parley::session::act_from_json(c->connection->client(), action_json, Connection::now_ms());
    c->last_error = code == kOk ? "" : "the action was refused (docs/protocol.md §6 names the code)";
    return code;
}

const char* parley_connection_state(parley_connection* c) {
    return c ? parley::session::state_name(c->connection->state()) : "stopped";
}

void parley_connection_stop(parley_connection* c) {
    if (c) c->connection->stop();
}

const char* parley_connection_last_error(parley_connection* c) { return c ? c->last_error.c_str() : ""; }

}  // extern "C"
