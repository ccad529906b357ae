// Training a triage model from labelled examples: seeded and deterministic (same
// examples, options and seed ⇒ same model bytes), single-threaded, no I/O.
//
// Steps: hash features; train a float softmax regression with per-example AdaGrad
// (or plain SGD), shuffling with a seeded SplitMix64 and averaging the last epochs;
// shift each feature row by its median (softmax cannot tell) so most weights become
// zero; train the hidden part (embedding bag → ReLU → dense, model.hpp) on its own
// loss within its share of the budget; quantise the linear part to int8 with one scale per
// class, dropping weights that round to zero and, if the file would exceed
// `max_model_bytes`, the smallest remaining ones; fit the softmax temperature (and the
// out-of-scope threshold) of the summed scores on a validation set; optionally retrain
// on everything.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "parley/triage/error.hpp"
#include "parley/triage/features.hpp"
#include "parley/triage/model.hpp"

namespace parley::triage {

struct Example {
    std::string text;
    std::string label;
};

enum class Optimizer { adagrad, sgd };

// What the out-of-scope threshold maximises on the validation set:
//  - accuracy: plain accuracy, out-of-scope counted as one more class (what users of
//    the default model see; validation sets with few oos examples stay stable);
//  - balanced: the mean of in-scope accuracy and out-of-scope recall (CLINC150-style
//    reporting; favours rejecting when oos examples are rare in validation).
enum class ThresholdObjective { accuracy, balanced };

struct TrainOptions {
    FeatureConfig features;
    Optimizer optimizer = Optimizer::adagrad;
    int epochs = 20;
    float learning_rate = 0.2f;
    float l2 = 1e-6f;                 // applied to the rows an example touches
    int average_epochs = 10;          // >0: average the weights of the last N epochs
    float dropout = 0.0f;             // chance to hide each feature of an example per step
    uint64_t seed = 1;
    // Calibration: when no validation examples are given, this stratified fraction of
    // the training examples is held out to fit temperature and threshold.
    float valid_fraction = 0.1f;
    // After calibrating on a held-out fraction, retrain on all examples (the fitted
    // temperature and threshold carry over). Ignored with explicit validation data.
    bool refit = true;
    size_t max_model_bytes = 1000000;
    // The hidden part (hidden_dim 0 = a linear model only). It gets at most
    // `hidden_share` of max_model_bytes (rows for the most frequent features, seen in at
    // least `hidden_min_count` training examples each); the linear part gets the rest.
    uint16_t hidden_dim = 64;
    float hidden_share = 0.6f;
    int hidden_epochs = 12;
    float hidden_lr = 0.03f;
    float hidden_dropout = 0.3f;      // chance to silence each hidden unit per step
    uint32_t hidden_min_count = 2;
    std::string oos_label = "oos";    // label treated as out-of-scope, if present
    ThresholdObjective threshold_objective = ThresholdObjective::accuracy;
};

struct TrainReport {
    size_t examples = 0;          // used for the final model
    size_t classes = 0;
    size_t distinct_features = 0; // before pruning
    size_t kept_features = 0;
    size_t kept_weights = 0;
    size_t hidden_rows = 0;       // embedding rows of the hidden part
    float temperature = 1.0f;
    float threshold = 0.0f;
    float valid_accuracy = 0.0f;  // of the calibration model on its validation part
    size_t valid_examples = 0;
};

struct Trained {
    Model model;
    TrainReport report;
};

// Errors: empty_data (no examples), too_many_classes (> kMaxClasses),
// invalid_argument (bad options).
TriageResult<Trained> train(const std::vector<Example>& examples,
                            const std::vector<Example>& validation,
                            const TrainOptions& options);

// Picks the out-of-scope threshold that maximises `objective` on a validation set
// (each example: raw model scores, gold class); ties go to the lowest threshold.
// Returns 0 when the model has no oos class or the set lacks either kind.
float choose_threshold(const Model& model, const std::vector<std::vector<float>>& scores,
                       const std::vector<int>& gold,
                       ThresholdObjective objective = ThresholdObjective::accuracy);

// Temperature minimising the negative log-likelihood of `gold` under softmax(s / T).
float fit_temperature(const std::vector<std::vector<float>>& scores,
                      const std::vector<int>& gold);

// Deterministic stratified split: per label, every k-th example (after a seeded
// shuffle) goes to `held`. Used by the trainer and by the bench.
void stratified_split(const std::vector<Example>& all, float fraction, uint64_t seed,
                      std::vector<Example>& kept, std::vector<Example>& held);

}  // namespace parley::triage
