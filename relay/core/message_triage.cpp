#include "core/message_triage.hpp"

#include <cmath>

#include "parley/triage/analysis.hpp"

namespace parley::relay {

MaskPolicy default_mask_policy() {
    MaskPolicy p;
    p.before_storage.card = p.before_storage.iban = true;
    p.in_browser.card = p.in_browser.iban = true;
    return p;
}

MessageTriage::MessageTriage(const triage::Model* model, MaskPolicy policy)
    : model_(model), policy_(policy) {}

protocol::Meta compute_meta(const triage::Model& model, std::string_view text) {
    return compute_meta(model, text, triage::find_pii(text));
}

protocol::Meta compute_meta(const triage::Model& model, std::string_view text,
                            const std::vector<triage::PiiSpan>& pii) {
    const triage::Analysis a = triage::analyze(model, text, pii, 1);
    protocol::Meta m;
    m.intent = a.intent;
    // Four decimals: enough for a tag, and the same digits in JSON and SQLite.
    m.confidence = std::round(static_cast<double>(a.confidence) * 10000.0) / 10000.0;
    m.signals = a.signals;
    return m;
}

TriagedMessage MessageTriage::read(std::string_view text, bool from_visitor) const {
    TriagedMessage out;
    const bool masks = triage::masks_anything(policy_.before_storage);
    const bool triages = from_visitor && model_;
    // One scan for personal data serves both the mask and the "pii" signal.
    const std::vector<triage::PiiSpan> pii =
        masks || triages ? triage::find_pii(text) : std::vector<triage::PiiSpan>{};
    out.text = masks ? triage::mask_pii(text, pii, policy_.before_storage) : std::string(text);
    if (triages) out.meta = compute_meta(*model_, text, pii);
    return out;
}

std::string MessageTriage::mask(std::string_view text) const {
    const triage::MaskOptions& o = policy_.before_storage;
    return triage::masks_anything(o) ? triage::mask_pii(text, o) : std::string(text);
}

std::string mask_name(std::string_view name) { return triage::mask_pii(name, MaskPolicy::all()); }

std::vector<std::string> MessageTriage::browser_kinds() const {
    std::vector<std::string> out;
    const triage::MaskOptions& o = policy_.in_browser;
    if (o.email) out.emplace_back("email");
    if (o.phone) out.emplace_back("phone");
    if (o.card) out.emplace_back("card");
    if (o.iban) out.emplace_back("iban");
    return out;
}

}  // namespace parley::relay
