// parley_core: the Wasm build of the client core for the widget, the console and the
// JS SDK. The C API (sdk/include/parley/c_api.h) is already extern "C" in parley_sdk;
// this table only makes the linker pull the C API's object out of the static library
// and keep every entry point, whatever -sEXPORTED_FUNCTIONS does with archives.
// The JS side is hand-written (wasm/src/core.ts) instead of embind: smaller, and no
// generated code that needs eval, so the widget runs under a strict CSP.
#include "parley/c_api.h"
#include "parley/triage_c_api.h"

namespace {

using AnyFn = void (*)();

__attribute__((used)) const AnyFn keep_c_api[] = {
    reinterpret_cast<AnyFn>(&parley_client_new),
    reinterpret_cast<AnyFn>(&parley_client_free),
    reinterpret_cast<AnyFn>(&parley_client_opened),
    reinterpret_cast<AnyFn>(&parley_client_closed),
    reinterpret_cast<AnyFn>(&parley_client_receive),
    reinterpret_cast<AnyFn>(&parley_client_tick),
    reinterpret_cast<AnyFn>(&parley_client_act),
    reinterpret_cast<AnyFn>(&parley_client_take_outgoing),
    reinterpret_cast<AnyFn>(&parley_client_take_events),
    reinterpret_cast<AnyFn>(&parley_client_next_deadline),
    // Triage (P5): the widget reads each message before it leaves the browser.
    reinterpret_cast<AnyFn>(&parley_triage_load),
    reinterpret_cast<AnyFn>(&parley_triage_load_error),
    reinterpret_cast<AnyFn>(&parley_triage_free),
    reinterpret_cast<AnyFn>(&parley_triage_analyze),
    reinterpret_cast<AnyFn>(&parley_triage_mask),
};

}  // namespace
