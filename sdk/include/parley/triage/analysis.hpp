// One message read as a whole: the model's intent and confidence, the signals the
// console shows as chips, and which kinds of personal data it holds. The widget (via
// the triage C API in Wasm) and the relay (natively) call this same function, so both
// ends name signals and kinds alike. Pure; may be called from any callback.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "parley/triage/model.hpp"
#include "parley/triage/pii.hpp"

namespace parley::triage {

// Signal names, as they travel in `meta.signals` (docs/protocol.md):
//   "human"        asks_for_human
//   "frustrated"   sentiment().negative
//   "urgent"       urgency() == high
//   "closing"      reply_kind() == closing
//   "pii"          the text holds personal data, or a mask placeholder ("[card]", …)
//                  that shows it was masked on the way
struct Analysis {
    std::string intent;                // the decision's label ("oos" when rejected)
    float confidence = 0;              // the best class's calibrated confidence
    std::vector<Scored> top;           // best first
    std::vector<std::string> signals;  // in the order listed above
    std::vector<PiiKind> pii;          // kinds found in the text, in first-seen order
};

Analysis analyze(const Model& model, std::string_view text, size_t top_k = 3);
// The same with the spans find_pii(text) already returned (the relay masks with them).
Analysis analyze(const Model& model, std::string_view text, const std::vector<PiiSpan>& pii, size_t top_k);

// Signals only (no model); the same names as above.
std::vector<std::string> signal_names(std::string_view text);

// Parses a list of kinds ("card,iban,email,phone"; also "all" or "none"; spaces
// ignored) into mask options with exactly those kinds on. Returns false and leaves
// `out` untouched when a name is unknown.
bool parse_mask_kinds(std::string_view list, MaskOptions& out);
// The kinds switched on in `o`, comma-separated in the order email,phone,card,iban.
std::string mask_kinds_string(const MaskOptions& o);
// True when any kind is on.
bool masks_anything(const MaskOptions& o);

}  // namespace parley::triage
