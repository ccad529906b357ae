// MessageTriage: what the relay does to a message before it stores it (P5, P7).
//
// Theory of operation. The relay never trusts a client's reading of its own message:
// for each posted message it (1) masks the personal data kinds of the site's storage
// policy, so a card number that bypassed the widget is still never stored, and (2) for
// a visitor's message, computes intent, confidence and signals with its own native
// model. Both run on the text as received (the model sees the original words; the
// "pii" signal tells the agent that personal data was there). The Hub calls read()
// once per stored message and keeps the result; no clock, no I/O, no state.
//
// Everything else a client writes that is stored and shown goes through the same
// storage-policy mask (mask()): agents' internal notes, transfer notes, and the relay's
// own transcript lines built from them. Visitors' display names are masked with every
// kind (mask_name()): issue 15.
//
// The policy also says which kinds the widget masks in the browser (sent in the
// visitor's welcome) and which are masked before anything leaves for a webhook or a
// bot (core/outbound.hpp). One relay serves one site today, so these are that site's.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parley/protocol/frames.hpp"
#include "parley/triage/model.hpp"
#include "parley/triage/pii.hpp"

namespace parley::relay {

struct MaskPolicy {
    triage::MaskOptions before_storage = none();  // masked in the stored text
    triage::MaskOptions outbound = all();         // masked before webhooks and bots
    triage::MaskOptions in_browser = none();      // masked by the widget before sending

    static triage::MaskOptions none() {
        triage::MaskOptions o;
        o.email = o.phone = o.card = o.iban = false;
        return o;
    }
    static triage::MaskOptions all() { return triage::MaskOptions{}; }
};

// The defaults of parley-relay (docs/operations.md): cards and IBANs masked in the
// browser and before storage, every kind before webhooks and bots.
MaskPolicy default_mask_policy();

struct TriagedMessage {
    std::string text;                    // as it is stored and fanned out
    std::optional<protocol::Meta> meta;  // visitor messages, when a model is loaded
};

class MessageTriage {
public:
    // `model` may be null (the relay runs without triage): texts are still masked, no
    // meta is computed. A non-null model must outlive this object.
    MessageTriage(const triage::Model* model, MaskPolicy policy);

    // The text to store and, for a visitor (`from_visitor`), the relay's own meta.
    TriagedMessage read(std::string_view text, bool from_visitor) const;
    // The text masked per the storage policy, no meta: for what is stored beside the
    // messages (agents' notes, transfer notes, the relay's own transcript lines).
    std::string mask(std::string_view text) const;

    // The kinds of the in-browser policy by name, for the visitor's welcome.
    std::vector<std::string> browser_kinds() const;
    const MaskPolicy& policy() const { return policy_; }
    // A config reload (--mask-*): messages read from now on follow the new policy; what
    // is stored stays as it was masked. Loop thread (the Hub reads it there).
    void set_policy(MaskPolicy policy) { policy_ = std::move(policy); }
    bool has_model() const { return model_ != nullptr; }

private:
    const triage::Model* model_;
    MaskPolicy policy_;
};

// A display name as the relay stores and shows it: every kind of personal data masked,
// whatever the storage policy. A name reaches every agent's inbox, presence list and
// board, and every export; an e-mail address or a card number has no place in it (the
// visitor can write it in a message, where the policy decides).
std::string mask_name(std::string_view name);

// Meta of one text with `model` (confidence rounded to 4 decimals).
protocol::Meta compute_meta(const triage::Model& model, std::string_view text);
// The same with the spans triage::find_pii(text) returned.
protocol::Meta compute_meta(const triage::Model& model, std::string_view text,
                            const std::vector<triage::PiiSpan>& pii);

}  // namespace parley::relay
