// Evaluation of predictions against gold labels: accuracy, macro-F1, per-class
// precision/recall, the most frequent confusions, and for data with an out-of-scope
// label, out-of-scope recall and in-scope accuracy. Pure computation.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace parley::triage {

struct ClassStats {
    std::string label;
    size_t support = 0;   // gold count
    size_t predicted = 0;
    size_t correct = 0;
    double precision = 0, recall = 0, f1 = 0;
};

struct Confusion {
    std::string gold, predicted;
    size_t count;
};

struct EvalReport {
    size_t examples = 0;
    double accuracy = 0;
    double macro_f1 = 0;              // over classes with gold support
    std::vector<ClassStats> classes;  // label order of the model, then unknown gold labels
    std::vector<Confusion> confusions;// most frequent first
    bool has_oos = false;
    double oos_recall = 0;            // gold oos predicted oos
    double in_scope_accuracy = 0;     // gold in-scope predicted exactly
    size_t oos_examples = 0;
};

// gold and predicted are labels (strings); `oos_label` marks out-of-scope.
EvalReport evaluate(const std::vector<std::string>& gold,
                    const std::vector<std::string>& predicted,
                    const std::vector<std::string>& label_order,
                    const std::string& oos_label, size_t max_confusions = 20);

// Expected calibration error: predictions binned by confidence into `bins` equal-width
// bins; the support-weighted mean of |accuracy - mean confidence| per bin. 0 is
// perfectly calibrated. `correct[i]` says whether the prediction with `confidence[i]`
// was right.
double expected_calibration_error(const std::vector<float>& confidence,
                                  const std::vector<bool>& correct, size_t bins = 10);

}  // namespace parley::triage
