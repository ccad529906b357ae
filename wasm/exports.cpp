// parley_core: the Wasm build of the client core for the widget, the console and the
// JS SDK. The C API (sdk/include/parley/c_api.h) is already extern "C" in parley_sdk;
// this table only makes the linker pull the C API's object out of the static library
// and keep every entry point, whatever -sEXPORTED_FUNCTIONS does with archives.
// The JS side is hand-written (wasm/src/core.ts) instead of embind: smaller, and no
// generated code that needs eval, so the widget runs under a strict CSP.
//
// PARLEY_CORE_NO_ANALYSIS (the widget's parley_core_visitor): masking only, no model
// reader; the analysis is the separate module of triage_exports.cpp (wasm/CMakeLists.txt).
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
    // Triage (P5): masking before a message leaves the browser (no model needed)…
    reinterpret_cast<AnyFn>(&parley_triage_mask),
#ifndef PARLEY_CORE_NO_ANALYSIS
    // …and the model's reading of it.
    reinterpret_cast<AnyFn>(&parley_triage_load),
    reinterpret_cast<AnyFn>(&parley_triage_load_error),
    reinterpret_cast<AnyFn>(&parley_triage_free),
    reinterpret_cast<AnyFn>(&parley_triage_analyze),
#endif
};

}  // namespace
