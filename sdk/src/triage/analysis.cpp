#include "parley/triage/analysis.hpp"

#include <algorithm>

#include "parley/triage/signals.hpp"

namespace parley::triage {
namespace {

// A placeholder left by mask_pii: the message was masked before it reached us, which
// the agent should still see as "personal data was here".
bool has_mask_placeholder(std::string_view text) {
    for (const char* p : {"[email]", "[phone]", "[card]", "[card ", "[iban]"})
        if (text.find(p) != std::string_view::npos) return true;
    return false;
}

}  // namespace

namespace {

std::vector<std::string> signal_names_given(std::string_view text, bool has_pii) {
    std::vector<std::string> out;
    const Signals s = read_signals(text);
    if (s.asks_for_human) out.emplace_back("human");
    if (s.sentiment.negative) out.emplace_back("frustrated");
    if (s.urgency == Urgency::high) out.emplace_back("urgent");
    if (s.reply == Reply::closing) out.emplace_back("closing");
    if (has_pii || has_mask_placeholder(text)) out.emplace_back("pii");
    return out;
}

}  // namespace

std::vector<std::string> signal_names(std::string_view text) {
    return signal_names_given(text, !find_pii(text).empty());
}

Analysis analyze(const Model& model, std::string_view text, size_t top_k) {
    return analyze(model, text, find_pii(text), top_k);
}

Analysis analyze(const Model& model, std::string_view text, const std::vector<PiiSpan>& pii, size_t top_k) {
    Analysis a;
    if (model.num_classes() > 0) {
        const Prediction p = model.predict(text, std::max<size_t>(top_k, 1));
        a.intent = model.labels()[static_cast<size_t>(p.label)];
        a.confidence = p.confidence;
        a.top = p.top;
    }
    a.signals = signal_names_given(text, !pii.empty());
    for (const PiiSpan& s : pii)
        if (std::find(a.pii.begin(), a.pii.end(), s.kind) == a.pii.end()) a.pii.push_back(s.kind);
    return a;
}

bool parse_mask_kinds(std::string_view list, MaskOptions& out) {
    MaskOptions o;
    o.email = o.phone = o.card = o.iban = false;
    size_t start = 0;
    while (start <= list.size()) {
        size_t end = list.find(',', start);
        if (end == std::string_view::npos) end = list.size();
        std::string_view name = list.substr(start, end - start);
        while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
        while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
        if (name == "email") o.email = true;
        else if (name == "phone") o.phone = true;
        else if (name == "card") o.card = true;
        else if (name == "iban") o.iban = true;
        else if (name == "all") o.email = o.phone = o.card = o.iban = true;
        else if (!name.empty() && name != "none") return false;
        start = end + 1;
    }
    o.keep_card_last4 = out.keep_card_last4;
    out = o;
    return true;
}

std::string mask_kinds_string(const MaskOptions& o) {
    std::string s;
    auto add = [&](bool on, const char* name) {
        if (!on) return;
        if (!s.empty()) s += ',';
        s += name;
    };
    add(o.email, "email");
    add(o.phone, "phone");
    add(o.card, "card");
    add(o.iban, "iban");
    return s;
}

bool masks_anything(const MaskOptions& o) { return o.email || o.phone || o.card || o.iban; }

}  // namespace parley::triage
