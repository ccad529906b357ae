/* Parley native transport C API: a connection to a relay (libwebsockets client) around
 * the sans-I/O client core, for apps written in C or any language with a C FFI.
 *
 * Theory of use: create a connection with the relay's URL and the same config JSON as
 * parley_client_new (parley/c_api.h), start it, then loop: poll() with a timeout (it
 * returns as soon as there are events), take_events(), and act() for what the user
 * does. The core reconnects with backoff, resumes and resends unacknowledged messages
 * by itself. Everything runs on the caller's thread inside poll(); nothing calls back.
 *
 * Strings returned by take_events and last_error stay valid until the next call on the
 * same handle. Every function returning int returns 0 on success or a protocol error
 * code (docs/protocol.md §6; 1005 bad_field for a malformed argument). No function
 * throws. One thread uses a handle at a time.
 */
#ifndef PARLEY_NATIVE_C_API_H
#define PARLEY_NATIVE_C_API_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct parley_connection parley_connection;

/* url: ws://host[:port][/path] or wss://…. config_json: as parley_client_new.
 * options_json (may be NULL): {"ca_file":?string, "allow_self_signed":?bool (tests
 * only), "origin":?string, "connect_timeout_secs":?int}.
 * Returns NULL when an argument is invalid; the reason is written to *error (when
 * error is not NULL), e.g. "url: …", valid until the next call on this thread. */
parley_connection* parley_connection_new(const char* url, const char* config_json, const char* options_json,
                                         const char** error);
void parley_connection_free(parley_connection* connection); /* stops it first */

/* Creates the event loop and asks the core to connect. */
int parley_connection_start(parley_connection* connection);
/* Runs the event loop for at most timeout_ms (0: only what is ready). */
void parley_connection_poll(parley_connection* connection, int timeout_ms);
/* JSON array of the events since the last call (see docs/sdk.md "Events"). */
const char* parley_connection_take_events(parley_connection* connection);
/* A user action, as parley_client_act's JSON ({"do":"send","conv":"","text":"Hi"} …). */
int parley_connection_act(parley_connection* connection, const char* action_json);
/* "offline", "connecting", "connected", "reconnecting" or "stopped". */
const char* parley_connection_state(parley_connection* connection);
/* Closes the socket (1000) and the event loop; start() may be called again. */
void parley_connection_stop(parley_connection* connection);
/* The detail of the last error an int-returning function reported, or "". */
const char* parley_connection_last_error(parley_connection* connection);

#ifdef __cplusplus
}
#endif

#endif /* PARLEY_NATIVE_C_API_H */
