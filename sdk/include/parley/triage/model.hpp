// The triage model: a quantised linear softmax classifier over hashed features plus an
// optional small neural part, loaded from the bytes of a model file (format:
// docs/triage.md, "Model file").
//
// Theory of operation. A message becomes a sparse feature vector x (features.hpp).
// The linear part scores class c as b_c + scale_c * Σ_f x_f q_{f,c}, where q is an int8
// weight kept only for the (feature, class) pairs that matter. The hidden part (if
// present) embeds the same features: h = relu(b1 + Σ_f x_f E_f) with int8 rows E_f of
// `dim` numbers for the most frequent training features, then adds b2_c + Σ_j h_j W2_{j,c}.
// The two parts are trained separately and their scores summed, an ensemble of two
// model families (the hidden one sees feature interactions a linear model cannot).
// Confidences are softmax(s / temperature), the temperature fitted on held-out data so
// that a confidence of 0.8 is right about 80 % of the time. If the model has an out-of-scope
// class, a message whose best in-scope confidence is below `threshold` (or whose best
// class is out-of-scope) is reported as out-of-scope.
//
// The same bytes give the same predictions natively and in Wasm: the file stores
// integers and IEEE floats in little-endian order, and scoring is plain float math
// in a fixed order (per output, sums run over inputs in ascending order).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parley/triage/error.hpp"
#include "parley/triage/features.hpp"

namespace parley::triage {

// 2 adds the hidden part (flags bit 1); version 1 files still load.
constexpr uint16_t kModelFormatVersion = 2;
constexpr size_t kMaxHiddenDim = 1024;
constexpr size_t kMaxClasses = 255;
constexpr uint16_t kNoClass = 0xFFFF;

struct Scored {
    int index;          // class index into Model::labels()
    float confidence;   // calibrated probability in [0, 1]
};

struct Prediction {
    std::vector<Scored> top;  // best first, at most top_k entries
    int label;                // decision: best class, or the oos class when rejected
    float confidence;         // confidence of the best class (top[0])
    bool rejected;            // true when the decision is out-of-scope by threshold
};

// One quantised weight row entry: the class and its int8 weight.
struct Entry {
    uint8_t cls;
    int8_t q;
};

// The optional non-linear part: embedding bag → ReLU → dense layer. dim == 0: none.
struct HiddenPart {
    uint16_t dim = 0;
    std::vector<uint32_t> keys;     // sorted, unique: features that have an embedding row
    std::vector<int8_t> embed;      // keys.size() × dim, row-major
    std::vector<float> embed_scale; // per dimension: embedding value = q * embed_scale[j]
    std::vector<float> bias;        // dim
    std::vector<float> out;         // dim × classes, dimension-major: out[j * classes + c]
    std::vector<float> out_bias;    // classes
};

// What the trainer hands over to become a model (and what load() rebuilds).
struct ModelParts {
    FeatureConfig features;
    std::vector<std::string> labels;
    std::vector<float> bias;        // per class
    std::vector<float> scale;       // per class: weight = q * scale
    std::vector<uint32_t> keys;     // sorted, unique
    std::vector<uint32_t> row_start;// size keys.size() + 1, offsets into entries
    std::vector<Entry> entries;     // per row, classes ascending
    float temperature = 1.0f;
    float threshold = 0.0f;         // applies only when oos_class != kNoClass
    uint16_t oos_class = kNoClass;
    HiddenPart hidden;
};

class Model {
public:
    Model() = default;
    // Takes validated parts (the trainer's output). Errors: invalid_argument.
    static TriageResult<Model> from_parts(ModelParts parts);
    // Parses model file bytes. Errors: bad_model (truncated, corrupt, checksum),
    // unsupported_version (newer format). Never reads past `size`.
    static TriageResult<Model> load(const uint8_t* data, size_t size);
    // Serialises to the model file format; same model ⇒ same bytes.
    std::vector<uint8_t> save() const;

    // Classifies one message. Allocates only the returned vector (top_k entries).
    Prediction predict(std::string_view text, size_t top_k = 3) const;
    // Raw (uncalibrated) class scores s_c for a message; `scores` is resized to classes.
    void scores(std::string_view text, std::vector<float>& scores) const;
    // Applies temperature and threshold to raw scores (used by predict and calibration).
    // No scores, or more than kMaxClasses: label -1 and an empty top list.
    Prediction decide(const std::vector<float>& scores, size_t top_k) const;

    const std::vector<std::string>& labels() const { return parts_.labels; }
    int label_index(std::string_view label) const;  // -1 if unknown
    const ModelParts& parts() const { return parts_; }
    size_t num_classes() const { return parts_.labels.size(); }
    size_t num_features() const { return parts_.keys.size(); }
    size_t num_weights() const { return parts_.entries.size(); }
    size_t num_hidden_rows() const { return parts_.hidden.keys.size(); }
    bool has_oos() const { return parts_.oos_class != kNoClass; }

    void set_temperature(float t) { parts_.temperature = t; }
    void set_threshold(float t) { parts_.threshold = t; }

private:
    // Open addressing, linear probing, one table for both parts; one slot holds all a
    // lookup needs, so a feature costs one cache miss for the slot, then one for its
    // linear entries and one for its embedding row, which can overlap (prefetch).
    static constexpr uint32_t kFreeSlot = 0xFFFFFFFFu;
    static constexpr uint32_t kNoRow = 0xFFFFFFFEu;
    struct Slot {
        uint32_t key;
        uint32_t start;   // linear entries [start, end); start == end: none
        uint32_t end;
        uint32_t hidden;  // embedding row, kNoRow if none, kFreeSlot marks a free slot
    };
    struct Hit {
        uint32_t start, end, hidden;
        float value;
    };
    // Features a message may have before scoring frees its per-thread buffers after it.
    static constexpr size_t kKeepFeatures = 8192;
    void build_index();
    const Slot* find(uint32_t key) const;
    void add_hidden_scores(const std::vector<Hit>& hits, std::vector<float>& out) const;

    ModelParts parts_;
    std::vector<Slot> slots_;
    uint32_t slot_mask_ = 0;
};

}  // namespace parley::triage
