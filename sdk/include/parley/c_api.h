/* Parley client C API: the sans-I/O client core behind opaque handles, for the Wasm
 * build (the browser widget and console call these through a thin TS wrapper) and for
 * mobile / in-app teams embedding the native library.
 *
 * Theory of use: the host owns the transport and the clock. It tells the core when the
 * transport opened or closed, hands it every received text frame, and calls tick() at
 * the deadline the core asks for. After every call it drains the frames to send and
 * the events for the UI. Nothing here blocks, reads a clock, or calls back.
 *
 * Strings returned by take_* stay valid until the next call on the same handle.
 * Every function returning int returns 0 on success or a protocol error code
 * (docs/protocol.md §6; 1005 bad_field for a malformed action). No function throws.
 * None may be called re-entrantly; all may be called from any single thread.
 */
#ifndef PARLEY_C_API_H
#define PARLEY_C_API_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct parley_client parley_client;

/* config_json: {"role":"visitor"|"agent", "token":?string, "name":?string,
 *               "email":?string, "password":?string,   (agent password login)
 *               "instance":string  (unique per client instance, prefixes cids),
 *               "seed":?number     (for backoff jitter; any value, deterministic),
 *               "known":?{conv: last_seq, ...}  (resume state kept by the host),
 *               "outbox":?[{"conv":string,"cid":string,"text":string}, ...]
 *                                  (unacknowledged sends kept by the host; resent
 *                                   with the same cid),
 *               "backoff_base_ms":?, "backoff_cap_ms":?, "typing_throttle_ms":?,
 *               "typing_expiry_ms":?  (integers; defaults 500, 30000, 2000, 6000)}
 * Returns NULL when config_json is not valid JSON, lacks role/instance, or breaks a
 * rule of parley::session::validate() (see docs/sdk.md). */
parley_client* parley_client_new(const char* config_json);
void parley_client_free(parley_client* client);

/* Transport events. now_ms: host clock in milliseconds (any monotonic origin). */
int parley_client_opened(parley_client* client, double now_ms);
int parley_client_closed(parley_client* client, int close_code, double now_ms);
int parley_client_receive(parley_client* client, const char* frame, double now_ms);
int parley_client_tick(parley_client* client, double now_ms);

/* User actions, as JSON:
 *   {"do":"send","conv":"c_…","text":"…"}            -> event "queued" with the cid
 *   {"do":"typing","conv":"c_…","on":true}           (throttled inside the core)
 *   {"do":"read","conv":"c_…","seq":12}
 *   {"do":"history","conv":"c_…","before":?n,"limit":?n}
 *   {"do":"presence","status":"away"}
 *   {"do":"rate","conv":"c_…","score":4,"comment":?"…"}  (visitors) -> event "rated"
 *   {"do":"prechat","conv":"c_…","values":{"email":"…"},"offline":?bool}  (visitors) -> event "prechat_saved"
 *   {"do":"logout","all":?bool,"session":?"s_…"}  (agents) -> event "logged_out"
 *   {"do":"sessions"}                               (agents) -> event "sessions"
 *   {"do":"audit","before":?n,"limit":?n}       (supervisors) -> event "audit"
 *   {"do":"connect"}  {"do":"disconnect"}
 * The widget's visitors-only build (PARLEY_VISITOR_ONLY, docs/sdk.md "The visitor build")
 * refuses other roles in parley_client_new and answers the agents' and bots' actions
 * (stream, note, transfer, close, handoff, logout, audit, send with parts, …) with 2004. */
int parley_client_act(parley_client* client, const char* action_json, double now_ms);

/* JSON array of frame texts to write to the transport, in order. */
const char* parley_client_take_outgoing(parley_client* client);
/* JSON array of event objects for the UI (see docs/sdk.md). */
const char* parley_client_take_events(parley_client* client);
/* Next time tick() must be called, or -1 when none. */
double parley_client_next_deadline(parley_client* client);

#ifdef __cplusplus
}
#endif

#endif /* PARLEY_C_API_H */
