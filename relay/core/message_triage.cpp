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
    const triage::Analysis a = triage::analyze(model, text, 1);
    protocol::Meta m;
    m.intent = a.intent;
    // Four decimals: enough for a tag, and the same digits in JSON and SQLite.
    m.confidence = std::round(static_cast<double>(a.confidence) * 10000.0) / 10000.0;
    m.signals = a.signals;
    return m;
}

TriagedMessage MessageTriage::read(std::string_view text, bool from_visitor) const {
    TriagedMessage out;
    out.text = triage::masks_anything(policy_.before_storage)
                   ? triage::mask_pii(text, policy_.before_storage)
                   : std::string(text);
    if (from_visitor && model_) out.meta = compute_meta(*model_, text);
    return out;
}

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
