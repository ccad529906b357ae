// Hidden part trainer: choose rows, fit floats, quantise. Single-threaded and ordered.
#include "hidden_trainer.hpp"

#include <algorithm>
#include <cmath>

#include "detmath.hpp"
#include "rng.hpp"

namespace parley::triage::detail {
namespace {

// Rows go to the features seen in the most training examples (ties: smaller key), as
// many as the byte budget allows; a key costs at most 3 bytes delta-encoded in 2^22.
std::vector<uint32_t> choose_rows(const Matrix& m, size_t classes, const TrainOptions& o) {
    std::vector<uint32_t> df(m.keys.size(), 0);
    for (uint32_t id : m.id) ++df[id];
    std::vector<uint32_t> cand;
    for (uint32_t f = 0; f < df.size(); ++f)
        if (df[f] >= o.hidden_min_count) cand.push_back(f);
    std::sort(cand.begin(), cand.end(), [&](uint32_t a, uint32_t b) {
        return df[a] != df[b] ? df[a] > df[b] : m.keys[a] < m.keys[b];
    });
    const size_t fixed = hidden_fixed_bytes(o.hidden_dim, classes, 0);
    const size_t per_row = o.hidden_dim + 3;
    const size_t bytes = static_cast<size_t>(static_cast<double>(o.hidden_share) *
                                             static_cast<double>(o.max_model_bytes));
    const size_t budget = bytes > fixed ? (bytes - fixed) / per_row : 0;
    if (cand.size() > budget) cand.resize(budget);
    std::sort(cand.begin(), cand.end(), [&](uint32_t a, uint32_t b) { return m.keys[a] < m.keys[b]; });
    return cand;
}

}  // namespace

size_t hidden_fixed_bytes(size_t dim, size_t classes, size_t rows) {
    return 2 + 4 + 4 * (2 * dim + dim * classes + classes) + rows * dim;
}

HiddenPart fit_hidden(const Matrix& m, size_t classes, const TrainOptions& o) {
    HiddenPart hp;
    if (o.hidden_dim == 0) return hp;
    const std::vector<uint32_t> rows = choose_rows(m, classes, o);
    if (rows.empty()) return hp;
    const size_t d = o.hidden_dim, c_n = classes, n_rows = rows.size();
    std::vector<int32_t> row_of(m.keys.size(), -1);
    for (size_t r = 0; r < n_rows; ++r) row_of[rows[r]] = static_cast<int32_t>(r);

    // Initial weights: small uniform embeddings; Glorot-uniform dense layer.
    SplitMix64 rng{o.seed ^ 0x41D0E11A7E5ull};
    std::vector<float> emb(n_rows * d), b1(d, 0.0f), w2(d * c_n), b2(c_n, 0.0f);
    for (float& v : emb) v = (rng.unit() * 2.0f - 1.0f) * 0.1f;
    const float glorot = std::sqrt(6.0f / static_cast<float>(d + c_n));
    for (float& v : w2) v = (rng.unit() * 2.0f - 1.0f) * glorot;
    // AdaGrad: one squared-gradient sum per parameter.
    std::vector<float> g_emb(emb.size(), 0.0f), g_b1(d, 0.0f), g_w2(w2.size(), 0.0f), g_b2(c_n, 0.0f);

    std::vector<uint32_t> order(m.y.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<uint32_t>(i);
    std::vector<float> h(d), a(d), ga(d), g(c_n);
    std::vector<double> p(c_n);
    const float lr = o.hidden_lr, keep = 1.0f - o.hidden_dropout, eps = 1e-8f;
    for (int epoch = 0; epoch < o.hidden_epochs; ++epoch) {
        shuffle(order, rng);
        for (uint32_t i : order) {
            // Forward: embedding bag, ReLU with inverted dropout, dense layer, softmax.
            std::copy(b1.begin(), b1.end(), h.begin());
            for (uint32_t k = m.start[i]; k < m.start[i + 1]; ++k) {
                const int32_t r = row_of[m.id[k]];
                if (r < 0) continue;
                const float v = m.val[k];
                const float* e = &emb[static_cast<size_t>(r) * d];
                for (size_t j = 0; j < d; ++j) h[j] += v * e[j];
            }
            for (size_t j = 0; j < d; ++j) {
                a[j] = h[j] > 0.0f ? h[j] : 0.0f;
                if (o.hidden_dropout > 0.0f) a[j] = rng.unit() < o.hidden_dropout ? 0.0f : a[j] / keep;
            }
            for (size_t c = 0; c < c_n; ++c) p[c] = b2[c];
            for (size_t j = 0; j < d; ++j) {
                if (a[j] == 0.0f) continue;
                const float* w = &w2[j * c_n];
                for (size_t c = 0; c < c_n; ++c) p[c] += static_cast<double>(a[j] * w[c]);
            }
            double mx = p[0];
            for (size_t c = 1; c < c_n; ++c) mx = std::max(mx, p[c]);
            double sum = 0;
            for (size_t c = 0; c < c_n; ++c) sum += p[c] = det_exp(p[c] - mx);
            for (size_t c = 0; c < c_n; ++c) g[c] = static_cast<float>(p[c] / sum);
            g[m.y[i]] -= 1.0f;
            // Backward, updating as we go (dense layer first, from its old weights).
            for (size_t j = 0; j < d; ++j) {
                float* w = &w2[j * c_n];
                float* gw = &g_w2[j * c_n];
                float back = 0.0f;
                for (size_t c = 0; c < c_n; ++c) back += g[c] * w[c];
                if (a[j] != 0.0f) {
                    for (size_t c = 0; c < c_n; ++c) {
                        const float gg = g[c] * a[j];
                        gw[c] += gg * gg;
                        w[c] -= lr * gg / std::sqrt(gw[c] + eps);
                    }
                }
                // Through ReLU and dropout: units that were off pass no gradient.
                ga[j] = a[j] > 0.0f ? back / keep : 0.0f;
            }
            for (size_t c = 0; c < c_n; ++c) {
                g_b2[c] += g[c] * g[c];
                b2[c] -= lr * g[c] / std::sqrt(g_b2[c] + eps);
            }
            for (size_t j = 0; j < d; ++j) {
                g_b1[j] += ga[j] * ga[j];
                b1[j] -= lr * ga[j] / std::sqrt(g_b1[j] + eps);
            }
            for (uint32_t k = m.start[i]; k < m.start[i + 1]; ++k) {
                const int32_t r = row_of[m.id[k]];
                if (r < 0) continue;
                const float v = m.val[k];
                float* e = &emb[static_cast<size_t>(r) * d];
                float* ge = &g_emb[static_cast<size_t>(r) * d];
                for (size_t j = 0; j < d; ++j) {
                    const float gg = ga[j] * v;
                    ge[j] += gg * gg;
                    e[j] -= lr * gg / std::sqrt(ge[j] + eps);
                }
            }
        }
    }

    // Quantise the embeddings: int8 with one scale per dimension.
    hp.dim = static_cast<uint16_t>(d);
    for (uint32_t f : rows) hp.keys.push_back(m.keys[f]);
    hp.embed_scale.assign(d, 0.0f);
    for (size_t r = 0; r < n_rows; ++r)
        for (size_t j = 0; j < d; ++j) hp.embed_scale[j] = std::max(hp.embed_scale[j], std::fabs(emb[r * d + j]));
    for (float& s : hp.embed_scale) s = s > 0.0f ? s / 127.0f : 1.0f;
    hp.embed.resize(n_rows * d);
    for (size_t r = 0; r < n_rows; ++r)
        for (size_t j = 0; j < d; ++j)
            hp.embed[r * d + j] = static_cast<int8_t>(
                std::clamp(std::lround(emb[r * d + j] / hp.embed_scale[j]), -127L, 127L));
    hp.bias = std::move(b1);
    hp.out = std::move(w2);
    hp.out_bias = std::move(b2);
    return hp;
}

}  // namespace parley::triage::detail
