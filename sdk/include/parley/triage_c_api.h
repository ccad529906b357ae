/* Parley triage C API: the intent model, signals and personal-data masking behind an
 * opaque handle, for the Wasm build (the widget reads each message before it leaves
 * the browser) and for native embedders. The relay uses the C++ API underneath.
 *
 * Strings returned stay valid until the next call of the same function (per handle
 * for analyze). No function blocks, reads a clock or a file, calls back or throws;
 * none may be called re-entrantly. See docs/triage.md, "In the browser and the relay".
 */
#ifndef PARLEY_TRIAGE_C_API_H
#define PARLEY_TRIAGE_C_API_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct parley_triage parley_triage;

/* Loads a model from the bytes of a .ptm file (the bytes are copied). Returns NULL
 * when the bytes are not a valid model; parley_triage_load_error() then says why. */
parley_triage* parley_triage_load(const unsigned char* bytes, size_t size);
/* Why the last parley_triage_load failed ("" after a success). */
const char* parley_triage_load_error(void);
void parley_triage_free(parley_triage* triage);

/* Reads one message (UTF-8). Returns a JSON object:
 *   {"intent":"refund","confidence":0.91,
 *    "top":[{"label":"refund","confidence":0.91},…],      (at most top_k, best first)
 *    "signals":["human","frustrated","urgent","closing","pii"],  (those that apply)
 *    "pii":["card","email"]}                                (kinds found, first-seen order)
 * Confidences have 4 decimals. top_k < 1 counts as 1. A NULL handle or text gives
 * {"error":"…"}. */
const char* parley_triage_analyze(parley_triage* triage, const char* text, int top_k);

/* Returns `text` with the personal data of the listed kinds replaced by "[email]",
 * "[phone]", "[card]", "[iban]". kinds: comma-separated names from email, phone, card,
 * iban, or "all" / "none" / "". Unknown names mask nothing and return NULL. Needs no
 * model. */
const char* parley_triage_mask(const char* text, const char* kinds);

#ifdef __cplusplus
}
#endif

#endif /* PARLEY_TRIAGE_C_API_H */
