// Trainer: featurise, fit a float softmax regression, quantise, calibrate.
// Everything is single-threaded and ordered, so the same inputs give the same bytes.
#include "parley/triage/trainer.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

#include "detmath.hpp"
#include "hidden_trainer.hpp"
#include "rng.hpp"

namespace parley::triage {
namespace {

using detail::det_exp;
using detail::det_log;

using detail::Matrix;
using detail::shuffle;
using detail::SplitMix64;

Matrix featurise(const std::vector<Example>& ex, const std::map<std::string, int>& label_ids,
                 const FeatureConfig& cfg) {
    Matrix m;
    std::unordered_map<uint32_t, uint32_t> ids;
    std::vector<Feature> feats;
    for (const Example& e : ex) {
        extract_features(e.text, cfg, feats);
        for (const Feature& f : feats) {
            auto it = ids.find(f.key);
            if (it == ids.end()) {
                it = ids.emplace(f.key, static_cast<uint32_t>(m.keys.size())).first;
                m.keys.push_back(f.key);
            }
            m.id.push_back(it->second);
            m.val.push_back(f.value);
        }
        m.start.push_back(static_cast<uint32_t>(m.id.size()));
        m.y.push_back(label_ids.at(e.label));
    }
    return m;
}

struct FloatModel {
    size_t classes = 0;
    std::vector<float> w;  // feature-major: w[f * classes + c]
    std::vector<float> b;
};

// Per-example softmax regression; AdaGrad keeps a squared-gradient sum per weight,
// plain SGD decays the rate linearly to zero (as fastText does).
FloatModel fit(const Matrix& m, size_t classes, const TrainOptions& o) {
    FloatModel fm;
    fm.classes = classes;
    const size_t nf = m.keys.size();
    fm.w.assign(nf * classes, 0.0f);
    fm.b.assign(classes, 0.0f);
    std::vector<float> gw, gb;
    const bool ada = o.optimizer == Optimizer::adagrad;
    if (ada) { gw.assign(nf * classes, 0.0f); gb.assign(classes, 0.0f); }
    const size_t n = m.y.size();
    std::vector<uint32_t> order(n);
    for (size_t i = 0; i < n; ++i) order[i] = static_cast<uint32_t>(i);
    SplitMix64 rng{o.seed};
    std::vector<double> p(classes);
    std::vector<float> g(classes);
    const double total_steps = static_cast<double>(n) * o.epochs;
    double step = 0;
    constexpr float kEps = 1e-8f;
    const int avg_from = o.average_epochs > 0 ? std::max(0, o.epochs - o.average_epochs) : o.epochs;
    FloatModel avg;
    if (avg_from < o.epochs) {
        avg.w.assign(fm.w.size(), 0.0f);
        avg.b.assign(classes, 0.0f);
    }
    // Feature dropout: each step sees a random subset of the example's features, so the
    // model cannot lean on one n-gram alone (the regulariser of Wang & Manning, 2013).
    std::vector<uint32_t> kept_id;
    std::vector<float> kept_val;
    const uint64_t drop_below = static_cast<uint64_t>(static_cast<double>(o.dropout) * 18446744073709551615.0);
    for (int epoch = 0; epoch < o.epochs; ++epoch) {
        shuffle(order, rng);
        for (uint32_t i : order) {
            uint32_t a = m.start[i], z = m.start[i + 1];
            const uint32_t* ids = m.id.data();
            const float* vals = m.val.data();
            if (o.dropout > 0) {
                kept_id.clear();
                kept_val.clear();
                for (uint32_t k = a; k < z; ++k) {
                    if (rng.next() < drop_below) continue;
                    kept_id.push_back(m.id[k]);
                    kept_val.push_back(m.val[k]);
                }
                ids = kept_id.data();
                vals = kept_val.data();
                a = 0;
                z = static_cast<uint32_t>(kept_id.size());
            }
            // Forward: scores and softmax.
            for (size_t c = 0; c < classes; ++c) p[c] = fm.b[c];
            for (uint32_t k = a; k < z; ++k) {
                const float* row = &fm.w[static_cast<size_t>(ids[k]) * classes];
                const double v = vals[k];
                for (size_t c = 0; c < classes; ++c) p[c] += v * row[c];
            }
            double mx = p[0];
            for (size_t c = 1; c < classes; ++c) mx = std::max(mx, p[c]);
            double sum = 0;
            for (size_t c = 0; c < classes; ++c) sum += p[c] = det_exp(p[c] - mx);
            for (size_t c = 0; c < classes; ++c) g[c] = static_cast<float>(p[c] / sum);
            g[m.y[i]] -= 1.0f;
            // Backward.
            const float lr = ada ? o.learning_rate
                                 : static_cast<float>(o.learning_rate * (1.0 - step / total_steps));
            step += 1;
            for (uint32_t k = a; k < z; ++k) {
                const size_t base = static_cast<size_t>(ids[k]) * classes;
                float* row = &fm.w[base];
                const float v = vals[k];
                if (ada) {
                    float* acc = &gw[base];
                    for (size_t c = 0; c < classes; ++c) {
                        const float d = g[c] * v + o.l2 * row[c];
                        acc[c] += d * d;
                        row[c] -= lr * d / std::sqrt(acc[c] + kEps);
                    }
                } else {
                    for (size_t c = 0; c < classes; ++c) row[c] -= lr * (g[c] * v + o.l2 * row[c]);
                }
            }
            for (size_t c = 0; c < classes; ++c) {
                if (ada) {
                    gb[c] += g[c] * g[c];
                    fm.b[c] -= lr * g[c] / std::sqrt(gb[c] + kEps);
                } else {
                    fm.b[c] -= lr * g[c];
                }
            }
        }
        if (epoch >= avg_from) {
            // Averaging end-of-epoch snapshots smooths the last steps' noise.
            for (size_t k = 0; k < fm.w.size(); ++k) avg.w[k] += fm.w[k];
            for (size_t c = 0; c < classes; ++c) avg.b[c] += fm.b[c];
        }
    }
    if (avg_from < o.epochs) {
        const float inv = 1.0f / static_cast<float>(o.epochs - avg_from);
        for (float& v : avg.w) v *= inv;
        for (float& v : avg.b) v *= inv;
        fm.w = std::move(avg.w);
        fm.b = std::move(avg.b);
    }
    return fm;
}

size_t varint_size(uint32_t v) {
    size_t n = 1;
    while (v >= 0x80) { v >>= 7; ++n; }
    return n;
}

// Softmax is unchanged when one feature's weights all move by the same amount (every
// class score moves by that amount times the feature value). Shifting each row by its
// median turns the common offset that softmax training leaves on most classes into
// zeros, so pruning removes far less information. The bias is shifted the same way.
void centre_rows(FloatModel& fm) {
    const size_t c_n = fm.classes;
    std::vector<float> tmp(c_n);
    auto centre = [&](float* row) {
        std::copy(row, row + c_n, tmp.begin());
        std::nth_element(tmp.begin(), tmp.begin() + c_n / 2, tmp.end());
        const float med = tmp[c_n / 2];
        for (size_t c = 0; c < c_n; ++c) row[c] -= med;
    };
    for (size_t off = 0; off < fm.w.size(); off += c_n) centre(&fm.w[off]);
    centre(fm.b.data());
}

// Quantises to int8 with a per-class scale and keeps weights whose magnitude (in
// quantisation steps) is at least `cutoff`; features left with no weight are dropped.
ModelParts quantise(const FloatModel& fm, const Matrix& m, const std::vector<std::string>& labels,
                    const FeatureConfig& cfg, float cutoff) {
    const size_t c_n = fm.classes, nf = m.keys.size();
    ModelParts parts;
    parts.features = cfg;
    parts.labels = labels;
    parts.bias = fm.b;
    parts.scale.assign(c_n, 0.0f);
    for (size_t f = 0; f < nf; ++f)
        for (size_t c = 0; c < c_n; ++c)
            parts.scale[c] = std::max(parts.scale[c], std::fabs(fm.w[f * c_n + c]));
    for (float& s : parts.scale) s = s > 0 ? s / 127.0f : 1.0f;
    std::vector<uint32_t> rows(nf);  // dense ids in key order
    for (size_t f = 0; f < nf; ++f) rows[f] = static_cast<uint32_t>(f);
    std::sort(rows.begin(), rows.end(), [&](uint32_t a, uint32_t b) { return m.keys[a] < m.keys[b]; });
    parts.row_start.push_back(0);
    for (uint32_t f : rows) {
        const size_t before = parts.entries.size();
        for (size_t c = 0; c < c_n; ++c) {
            const float steps = fm.w[f * c_n + c] / parts.scale[c];
            if (std::fabs(steps) < cutoff) continue;
            const long q = std::lround(steps);
            if (q == 0) continue;
            parts.entries.push_back({static_cast<uint8_t>(c), static_cast<int8_t>(std::clamp(q, -127L, 127L))});
        }
        if (parts.entries.size() == before) continue;
        parts.keys.push_back(m.keys[f]);
        parts.row_start.push_back(static_cast<uint32_t>(parts.entries.size()));
    }
    return parts;
}

// File size for a cutoff without building the parts (mirrors Model::save).
size_t estimate_bytes(const FloatModel& fm, const Matrix& m, const std::vector<float>& scale,
                      const std::vector<uint32_t>& rows, size_t fixed, float cutoff) {
    size_t bytes = fixed;
    uint32_t prev = 0;
    const size_t c_n = fm.classes;
    for (uint32_t f : rows) {
        size_t kept = 0;
        for (size_t c = 0; c < c_n; ++c) {
            const float steps = std::fabs(fm.w[f * c_n + c] / scale[c]);
            if (steps >= cutoff && steps >= 0.5f) ++kept;
        }
        if (!kept) continue;
        bytes += varint_size(m.keys[f] - prev) + varint_size(static_cast<uint32_t>(kept)) + 2 * kept;
        prev = m.keys[f];
    }
    return bytes;
}

// Builds the smallest-cutoff model that fits in max_bytes.
Model to_model(const FloatModel& fm, const Matrix& m, const std::vector<std::string>& labels,
               const TrainOptions& o, int oos, const HiddenPart& hidden) {
    float cutoff = 0.5f;
    ModelParts parts = quantise(fm, m, labels, o.features, cutoff);
    parts.oos_class = oos < 0 ? kNoClass : static_cast<uint16_t>(oos);
    parts.hidden = hidden;
    Model model = Model::from_parts(parts).value();
    size_t bytes = model.save().size();
    if (bytes > o.max_model_bytes) {
        // Binary search on the cutoff using the size estimate, then confirm.
        std::vector<uint32_t> rows(m.keys.size());
        for (size_t f = 0; f < rows.size(); ++f) rows[f] = static_cast<uint32_t>(f);
        std::sort(rows.begin(), rows.end(), [&](uint32_t a, uint32_t b) { return m.keys[a] < m.keys[b]; });
        size_t fixed = bytes - estimate_bytes(fm, m, parts.scale, rows, 0, 0.5f);
        float lo = 0.5f, hi = 128.0f;
        for (int it = 0; it < 40; ++it) {
            const float mid = 0.5f * (lo + hi);
            if (estimate_bytes(fm, m, parts.scale, rows, fixed, mid) > o.max_model_bytes) lo = mid;
            else hi = mid;
        }
        cutoff = hi;
        for (;;) {
            parts = quantise(fm, m, labels, o.features, cutoff);
            parts.oos_class = oos < 0 ? kNoClass : static_cast<uint16_t>(oos);
            parts.hidden = hidden;
            model = Model::from_parts(parts).value();
            if (model.save().size() <= o.max_model_bytes || cutoff > 127.0f) break;
            cutoff *= 1.02f;
        }
    }
    return model;
}

std::vector<std::string> label_set(const std::vector<Example>& ex) {
    std::vector<std::string> labels;
    for (const Example& e : ex) labels.push_back(e.label);
    std::sort(labels.begin(), labels.end());
    labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
    return labels;
}

struct Fitted {
    Model model;
    size_t distinct_features;
};

Fitted fit_model(const std::vector<Example>& ex, const std::vector<std::string>& labels,
                 const TrainOptions& o) {
    std::map<std::string, int> ids;
    for (size_t i = 0; i < labels.size(); ++i) ids[labels[i]] = static_cast<int>(i);
    const Matrix m = featurise(ex, ids, o.features);
    FloatModel fm = fit(m, labels.size(), o);
    centre_rows(fm);
    const HiddenPart hidden = detail::fit_hidden(m, labels.size(), o);
    auto it = ids.find(o.oos_label);
    return {to_model(fm, m, labels, o, it == ids.end() ? -1 : it->second, hidden), m.keys.size()};
}

// Fits temperature and threshold of `model` on `valid`; returns validation accuracy.
float calibrate(Model& model, const std::vector<Example>& valid, ThresholdObjective objective,
                size_t& used) {
    std::vector<std::vector<float>> scores;
    std::vector<int> gold;
    for (const Example& e : valid) {
        const int y = model.label_index(e.label);
        if (y < 0) continue;  // a label the model never saw cannot inform calibration
        scores.emplace_back();
        model.scores(e.text, scores.back());
        gold.push_back(y);
    }
    used = gold.size();
    if (gold.empty()) return 0;
    model.set_temperature(fit_temperature(scores, gold));
    model.set_threshold(choose_threshold(model, scores, gold, objective));
    size_t right = 0;
    for (size_t i = 0; i < gold.size(); ++i) right += model.decide(scores[i], 1).label == gold[i];
    return static_cast<float>(right) / static_cast<float>(gold.size());
}

}  // namespace

void stratified_split(const std::vector<Example>& all, float fraction, uint64_t seed,
                      std::vector<Example>& kept, std::vector<Example>& held) {
    kept.clear();
    held.clear();
    std::map<std::string, std::vector<size_t>> by_label;
    for (size_t i = 0; i < all.size(); ++i) by_label[all[i].label].push_back(i);
    std::vector<char> is_held(all.size(), 0);
    SplitMix64 rng{seed ^ 0x5157A71F1EDull};
    for (auto& [label, idx] : by_label) {
        shuffle(idx, rng);
        size_t take = static_cast<size_t>(std::lround(fraction * static_cast<double>(idx.size())));
        if (take >= idx.size()) take = idx.size() > 1 ? idx.size() - 1 : 0;
        for (size_t k = 0; k < take; ++k) is_held[idx[k]] = 1;
    }
    for (size_t i = 0; i < all.size(); ++i) (is_held[i] ? held : kept).push_back(all[i]);
}

float fit_temperature(const std::vector<std::vector<float>>& scores, const std::vector<int>& gold) {
    auto nll = [&](double log_t) {
        const double inv_t = 1.0 / det_exp(log_t);
        double total = 0;
        for (size_t i = 0; i < gold.size(); ++i) {
            const std::vector<float>& s = scores[i];
            double mx = s[0];
            for (float v : s) mx = std::max(mx, static_cast<double>(v));
            double sum = 0;
            for (float v : s) sum += det_exp((v - mx) * inv_t);
            total += det_log(sum) - (s[gold[i]] - mx) * inv_t;
        }
        return total;
    };
    // Golden-section search on log T in [ln 0.01, ln 100]: NLL is unimodal in T.
    double lo = -4.605170185988091, hi = 4.605170185988091;
    const double phi = 0.6180339887498949;
    double x1 = hi - phi * (hi - lo), x2 = lo + phi * (hi - lo);
    double f1 = nll(x1), f2 = nll(x2);
    for (int it = 0; it < 60; ++it) {
        if (f1 < f2) { hi = x2; x2 = x1; f2 = f1; x1 = hi - phi * (hi - lo); f1 = nll(x1); }
        else { lo = x1; x1 = x2; f1 = f2; x2 = lo + phi * (hi - lo); f2 = nll(x2); }
    }
    return static_cast<float>(det_exp(0.5 * (lo + hi)));
}

float choose_threshold(const Model& model, const std::vector<std::vector<float>>& scores,
                       const std::vector<int>& gold, ThresholdObjective objective) {
    if (!model.has_oos()) return 0.0f;
    const int oos = model.parts().oos_class;
    // Per example: the confidence of its best class and whether that class is right.
    struct Row { float conf; bool oos_gold; bool best_is_oos; bool correct; };
    std::vector<Row> rows;
    size_t n_in = 0, n_oos = 0;
    Model plain = model;
    plain.set_threshold(0.0f);
    for (size_t i = 0; i < gold.size(); ++i) {
        const Prediction p = plain.decide(scores[i], 1);
        rows.push_back({p.confidence, gold[i] == oos, p.label == oos, p.label == gold[i]});
        (gold[i] == oos ? n_oos : n_in) += 1;
    }
    if (!n_in || !n_oos) return 0.0f;
    // Candidate thresholds: 0 and every confidence; a message is rejected if conf < t.
    std::vector<float> cands{0.0f};
    for (const Row& r : rows) cands.push_back(r.conf);
    std::sort(cands.begin(), cands.end());
    cands.erase(std::unique(cands.begin(), cands.end()), cands.end());
    double best = -1;
    float best_t = 0;
    for (float t : cands) {
        size_t in_ok = 0, oos_ok = 0;
        for (const Row& r : rows) {
            const bool rejected = r.best_is_oos || r.conf < t;
            if (r.oos_gold) oos_ok += rejected;
            else in_ok += (!rejected && r.correct);
        }
        const double score =
            objective == ThresholdObjective::balanced
                ? 0.5 * (static_cast<double>(in_ok) / n_in + static_cast<double>(oos_ok) / n_oos)
                : static_cast<double>(in_ok + oos_ok) / (n_in + n_oos);
        if (score > best + 1e-12) { best = score; best_t = t; }
    }
    return best_t;
}

TriageResult<Trained> train(const std::vector<Example>& examples, const std::vector<Example>& validation,
                            const TrainOptions& o) {
    if (examples.empty()) return TriageError{TriageErrc::empty_data, "no training examples"};
    if (o.epochs < 1 || !(o.learning_rate > 0) || o.l2 < 0 || o.features.hash_bits == 0 ||
        o.features.hash_bits > 32 || o.features.word_ngrams == 0 || o.features.word_ngrams > 4 ||
        o.features.char_max > 8 || o.features.char_min > o.features.char_max ||
        !(o.valid_fraction >= 0 && o.valid_fraction < 1) || o.hidden_dim > kMaxHiddenDim ||
        (o.hidden_dim > 0 && (o.hidden_epochs < 1 || !(o.hidden_lr > 0) ||
                              !(o.hidden_dropout >= 0 && o.hidden_dropout < 1) ||
                              !(o.hidden_share >= 0 && o.hidden_share < 1))))
        return TriageError{TriageErrc::invalid_argument, "training options out of range"};
    for (const Example& e : examples)
        if (e.label.empty() || e.label.size() > 255)
            return TriageError{TriageErrc::invalid_argument, "labels must be 1..255 bytes"};
    const std::vector<std::string> labels = label_set(examples);
    if (labels.size() > kMaxClasses)
        return TriageError{TriageErrc::too_many_classes, std::to_string(labels.size()) + " labels"};

    Trained out{};
    out.report.classes = labels.size();
    if (!validation.empty()) {
        Fitted f = fit_model(examples, labels, o);
        out.report.valid_accuracy = calibrate(f.model, validation, o.threshold_objective, out.report.valid_examples);
        out.model = std::move(f.model);
        out.report.distinct_features = f.distinct_features;
        out.report.examples = examples.size();
    } else if (o.valid_fraction > 0) {
        std::vector<Example> kept, held;
        stratified_split(examples, o.valid_fraction, o.seed, kept, held);
        Fitted f = fit_model(kept, labels, o);
        out.report.valid_accuracy = calibrate(f.model, held, o.threshold_objective, out.report.valid_examples);
        if (o.refit) {
            Fitted all = fit_model(examples, labels, o);
            all.model.set_temperature(f.model.parts().temperature);
            all.model.set_threshold(f.model.parts().threshold);
            f = std::move(all);
            out.report.examples = examples.size();
        } else {
            out.report.examples = kept.size();
        }
        out.model = std::move(f.model);
        out.report.distinct_features = f.distinct_features;
    } else {
        Fitted f = fit_model(examples, labels, o);
        out.model = std::move(f.model);
        out.report.distinct_features = f.distinct_features;
        out.report.examples = examples.size();
    }
    out.report.kept_features = out.model.num_features();
    out.report.kept_weights = out.model.num_weights();
    out.report.hidden_rows = out.model.num_hidden_rows();
    out.report.temperature = out.model.parts().temperature;
    out.report.threshold = out.model.parts().threshold;
    return out;
}

}  // namespace parley::triage
