// A tiny labelled dataset and a model trained on it, shared by the triage tests.
#pragma once

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "parley/triage/trainer.hpp"

namespace fixtures {

inline const std::vector<parley::triage::Example>& small_dataset() {
    static const std::vector<parley::triage::Example> data = {
        {"how much is the pro plan", "pricing"}, {"what does it cost per month", "pricing"},
        {"price for 10 seats?", "pricing"}, {"is there a free tier", "pricing"},
        {"do you offer discounts for nonprofits", "pricing"}, {"pricing for enterprise", "pricing"},
        {"how expensive is the business plan", "pricing"}, {"combien coute l'abonnement", "pricing"},
        {"the app crashes on login", "bug_report"}, {"error 500 when saving", "bug_report"},
        {"button does nothing when I click it", "bug_report"}, {"page is blank after update", "bug_report"},
        {"widget not loading on safari", "bug_report"}, {"I get an exception when uploading", "bug_report"},
        {"the export is broken", "bug_report"}, {"it keeps freezing", "bug_report"},
        {"I want a refund", "refund"}, {"please refund me", "refund"},
        {"give me my money back", "refund"}, {"refund my last payment", "refund"},
        {"can I get reimbursed", "refund"}, {"charged twice, want money back", "refund"},
        {"how do I get a refund", "refund"}, {"je veux un remboursement", "refund"},
        {"what's the weather tomorrow", "oos"}, {"tell me a joke", "oos"},
        {"who won the football game", "oos"}, {"recipe for pancakes", "oos"},
        {"play some music", "oos"}, {"what is the capital of peru", "oos"},
        {"how tall is everest", "oos"}, {"set an alarm for 7", "oos"},
    };
    return data;
}

inline parley::triage::TrainOptions fast_options() {
    parley::triage::TrainOptions o;
    o.epochs = 10;
    o.features.hash_bits = 18;
    o.valid_fraction = 0;  // the set is too small to hold some back
    return o;
}

inline const parley::triage::Model& small_model() {
    static const parley::triage::Model model = [] {
        auto r = parley::triage::train(small_dataset(), {}, fast_options());
        return r.value().model;
    }();
    return model;
}

}  // namespace fixtures
