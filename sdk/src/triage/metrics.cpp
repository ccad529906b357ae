// Evaluation metrics: one pass to count, one to derive.
#include "parley/triage/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace parley::triage {

EvalReport evaluate(const std::vector<std::string>& gold, const std::vector<std::string>& predicted,
                    const std::vector<std::string>& label_order, const std::string& oos_label,
                    size_t max_confusions) {
    EvalReport r;
    const size_t n = std::min(gold.size(), predicted.size());
    r.examples = n;
    std::map<std::string, size_t> index;
    auto slot = [&](const std::string& l) {
        auto it = index.find(l);
        if (it != index.end()) return it->second;
        index.emplace(l, r.classes.size());
        r.classes.push_back(ClassStats{l});
        return r.classes.size() - 1;
    };
    for (const std::string& l : label_order) slot(l);
    std::map<std::pair<std::string, std::string>, size_t> confusions;
    size_t correct = 0, in_n = 0, in_ok = 0, oos_ok = 0;
    for (size_t i = 0; i < n; ++i) {
        ClassStats& g = r.classes[slot(gold[i])];
        ClassStats& p = r.classes[slot(predicted[i])];
        g.support++;
        p.predicted++;
        const bool ok = gold[i] == predicted[i];
        if (ok) { g.correct++; correct++; }
        else confusions[{gold[i], predicted[i]}]++;
        if (gold[i] == oos_label) { r.oos_examples++; oos_ok += ok; }
        else { in_n++; in_ok += ok; }
    }
    r.accuracy = n ? static_cast<double>(correct) / n : 0;
    double f1_sum = 0;
    size_t f1_n = 0;
    for (ClassStats& c : r.classes) {
        c.precision = c.predicted ? static_cast<double>(c.correct) / c.predicted : 0;
        c.recall = c.support ? static_cast<double>(c.correct) / c.support : 0;
        c.f1 = (c.precision + c.recall) > 0 ? 2 * c.precision * c.recall / (c.precision + c.recall) : 0;
        if (c.support) { f1_sum += c.f1; f1_n++; }
    }
    r.macro_f1 = f1_n ? f1_sum / f1_n : 0;
    r.has_oos = r.oos_examples > 0;
    r.oos_recall = r.oos_examples ? static_cast<double>(oos_ok) / r.oos_examples : 0;
    r.in_scope_accuracy = in_n ? static_cast<double>(in_ok) / in_n : 0;
    for (const auto& [pair, count] : confusions) r.confusions.push_back({pair.first, pair.second, count});
    std::stable_sort(r.confusions.begin(), r.confusions.end(),
                     [](const Confusion& a, const Confusion& b) { return a.count > b.count; });
    if (r.confusions.size() > max_confusions) r.confusions.resize(max_confusions);
    return r;
}

double expected_calibration_error(const std::vector<float>& confidence, const std::vector<bool>& correct,
                                  size_t bins) {
    const size_t n = std::min(confidence.size(), correct.size());
    if (n == 0 || bins == 0) return 0;
    std::vector<double> conf_sum(bins, 0), right(bins, 0), count(bins, 0);
    for (size_t i = 0; i < n; ++i) {
        const double c = std::clamp(static_cast<double>(confidence[i]), 0.0, 1.0);
        const size_t b = std::min(bins - 1, static_cast<size_t>(c * bins));
        conf_sum[b] += c;
        right[b] += correct[i] ? 1 : 0;
        count[b] += 1;
    }
    double ece = 0;
    for (size_t b = 0; b < bins; ++b)
        if (count[b] > 0) ece += count[b] / n * std::abs(right[b] / count[b] - conf_sum[b] / count[b]);
    return ece;
}

}  // namespace parley::triage
