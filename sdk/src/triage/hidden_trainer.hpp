// Training the model's hidden part (model.hpp, HiddenPart): a bag of embeddings of the
// most frequent training features → ReLU → a dense layer to the classes, trained on
// its own softmax loss with per-example AdaGrad, dropout on the hidden units and a
// seeded SplitMix64; then the embeddings are quantised to int8 per dimension.
// Private to sdk/src/triage (trainer.cpp calls it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "parley/triage/model.hpp"
#include "parley/triage/trainer.hpp"

namespace parley::triage::detail {

// Training examples as a CSR matrix over dense feature ids.
struct Matrix {
    std::vector<uint32_t> start{0};
    std::vector<uint32_t> id;
    std::vector<float> val;
    std::vector<int> y;
    std::vector<uint32_t> keys;  // dense id → hashed key
};

// Serialised size of a hidden part with `rows` rows, excluding the key bytes.
size_t hidden_fixed_bytes(size_t dim, size_t classes, size_t rows);

// Fits the hidden part on `m` (options hidden_*); dim 0 (none) when options.hidden_dim
// is 0 or no feature is frequent enough. Deterministic for a given seed.
HiddenPart fit_hidden(const Matrix& m, size_t classes, const TrainOptions& options);

}  // namespace parley::triage::detail
