// parley_triage: the triage analysis alone (the intent model's loader and reader,
// features, signals) for the widget, whose core (parley_core_visitor) keeps only
// masking. The widget fetches this module together with the model file, in the
// background: neither is needed before the first message can be sent, and together
// they are outside the chat app's weight budget (bench/README.md "Widget weight").
// Same C API (sdk/include/parley/triage_c_api.h), same JS driver (wasm/src/triage.ts).
// As in exports.cpp, this table makes the linker keep the entry points.
#include "parley/triage_c_api.h"

namespace {

using AnyFn = void (*)();

__attribute__((used)) const AnyFn keep_triage_api[] = {
    reinterpret_cast<AnyFn>(&parley_triage_load),
    reinterpret_cast<AnyFn>(&parley_triage_load_error),
    reinterpret_cast<AnyFn>(&parley_triage_free),
    reinterpret_cast<AnyFn>(&parley_triage_analyze),
};

}  // namespace
