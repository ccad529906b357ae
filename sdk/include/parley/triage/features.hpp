// Hashed sparse features of a message: what the linear model sees.
//
// From the normalised tokens we take word unigrams, word n-grams up to
// `word_ngrams` (2 = pairs), and character n-grams of `char_min`..`char_max` code
// points of each token wrapped as "<token>". Each feature is hashed (FNV-1a with a
// seed and a per-kind tag, then a murmur3 finaliser) into a fixed space of
// 2^hash_bits keys. Values use sublinear term frequency, 1 + ln(count); the word part
// and the character part are each L2-normalised, the character part is scaled by
// `char_weight`, and the whole vector is L2-normalised again, so short and long
// messages weigh alike.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace parley::triage {

struct FeatureConfig {
    uint8_t hash_bits = 22;    // 2^22 keys: collisions are rare at our vocabulary sizes
    uint8_t word_ngrams = 2;   // 1 = words only, 2 = + word pairs, 3 = + triples
    uint8_t char_min = 3;      // 0 disables character n-grams
    uint8_t char_max = 5;
    uint32_t seed = 0x9e3779b9u;
    float char_weight = 1.0f;  // weight of the character part against the word part
    bool char_across_words = false;  // n-grams of "<whole text>" (spaces included)
};

struct Feature {
    uint32_t key;  // in [0, 2^hash_bits)
    float value;
};

// Features of raw text (normalises first). Output is sorted by key, keys unique.
// `out` is cleared and reused, so callers on a hot path can keep one buffer.
void extract_features(std::string_view text, const FeatureConfig& config,
                      std::vector<Feature>& out);

// Features of already-normalised text.
void extract_features_normalized(std::string_view normalized, const FeatureConfig& config,
                                 std::vector<Feature>& out);

// The hash used for every feature: exposed for tests and for tools that inspect models.
uint32_t feature_hash(std::string_view bytes, uint32_t seed, uint32_t kind);

}  // namespace parley::triage
