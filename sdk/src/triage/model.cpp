// Model: scoring, decisions and the model file (format version 2, docs/triage.md).
#include "parley/triage/model.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "detmath.hpp"

namespace parley::triage {
namespace {

constexpr char kMagic[4] = {'P', 'T', 'R', 'M'};

// CRC-32 (IEEE). The table is built per call, on the stack: 2 K steps against the
// model's hundreds of kilobytes, and the widget's Wasm does not carry 1 KB of
// incompressible constants (issue 6).
uint32_t crc32(const uint8_t* p, size_t n) {
    uint32_t table[256];
    for (uint32_t i = 0; i < 256; ++i) {
        uint32_t c = i;
        for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; ++i) c = table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

// Little-endian writer.
struct Writer {
    std::vector<uint8_t>& out;
    void u8(uint8_t v) { out.push_back(v); }
    void u16(uint16_t v) { u8(v & 0xFF); u8(v >> 8); }
    void u32(uint32_t v) { for (int k = 0; k < 4; ++k) u8((v >> (8 * k)) & 0xFF); }
    void f32(float f) { uint32_t v; std::memcpy(&v, &f, 4); u32(v); }
    void varint(uint32_t v) {
        while (v >= 0x80) { u8(static_cast<uint8_t>(v | 0x80)); v >>= 7; }
        u8(static_cast<uint8_t>(v));
    }
};

// Bounds-checked little-endian reader: any read past the end sets `bad`.
struct Reader {
    const uint8_t* p;
    size_t n;
    size_t i = 0;
    bool bad = false;
    uint8_t u8() {
        if (i >= n) { bad = true; return 0; }
        return p[i++];
    }
    uint16_t u16() { uint16_t a = u8(); return static_cast<uint16_t>(a | (u8() << 8)); }
    uint32_t u32() {
        uint32_t v = 0;
        for (int k = 0; k < 4; ++k) v |= static_cast<uint32_t>(u8()) << (8 * k);
        return v;
    }
    float f32() { uint32_t v = u32(); float f; std::memcpy(&f, &v, 4); return f; }
    uint32_t varint() {
        uint32_t v = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            const uint8_t b = u8();
            v |= static_cast<uint32_t>(b & 0x7F) << shift;
            if (!(b & 0x80)) return v;
        }
        bad = true;
        return 0;
    }
};

TriageError bad(std::string detail) { return {TriageErrc::bad_model, std::move(detail)}; }

// Checks the invariants scoring relies on; shared by from_parts and load.
const char* check_parts(const ModelParts& m) {
    const size_t c = m.labels.size();
    if (c == 0 || c > kMaxClasses) return "class count out of range";
    if (m.bias.size() != c || m.scale.size() != c) return "bias/scale size mismatch";
    if (m.row_start.size() != m.keys.size() + 1 || m.row_start.front() != 0 ||
        m.row_start.back() != m.entries.size())
        return "row offsets inconsistent";
    if (m.features.hash_bits == 0 || m.features.hash_bits > 32) return "hash_bits out of range";
    if (m.features.word_ngrams == 0 || m.features.word_ngrams > 4) return "word_ngrams out of range";
    if (m.features.char_min > m.features.char_max || m.features.char_max > 8) return "char n-gram range";
    if (m.oos_class != kNoClass && m.oos_class >= c) return "oos class out of range";
    if (!(m.temperature > 0.0f)) return "temperature must be positive";
    const uint64_t limit = m.features.hash_bits >= 32 ? (1ull << 32) : (1ull << m.features.hash_bits);
    for (size_t r = 0; r < m.keys.size(); ++r) {
        if (r > 0 && m.keys[r] <= m.keys[r - 1]) return "keys not strictly increasing";
        if (m.keys[r] >= limit) return "key outside hash space";
        if (m.row_start[r + 1] <= m.row_start[r]) return "empty row or offsets decrease";
        for (uint32_t e = m.row_start[r]; e < m.row_start[r + 1]; ++e) {
            if (m.entries[e].cls >= c) return "entry class out of range";
            if (e > m.row_start[r] && m.entries[e].cls <= m.entries[e - 1].cls)
                return "entry classes not increasing";
        }
    }
    for (const std::string& l : m.labels)
        if (l.empty() || l.size() > 255) return "label length out of range";
    const HiddenPart& h = m.hidden;
    if (h.dim == 0) {
        if (!h.keys.empty() || !h.embed.empty() || !h.out.empty()) return "hidden part without dim";
        return nullptr;
    }
    if (h.dim > kMaxHiddenDim) return "hidden dim out of range";
    if (h.embed.size() != h.keys.size() * h.dim || h.embed_scale.size() != h.dim ||
        h.bias.size() != h.dim || h.out.size() != static_cast<size_t>(h.dim) * c || h.out_bias.size() != c)
        return "hidden part sizes inconsistent";
    for (size_t r = 0; r < h.keys.size(); ++r) {
        if (r > 0 && h.keys[r] <= h.keys[r - 1]) return "hidden keys not strictly increasing";
        if (h.keys[r] >= limit) return "hidden key outside hash space";
    }
    return nullptr;
}

// Header flag bits; a reader rejects any bit its version does not define.
constexpr uint16_t kFlagCharAcrossWords = 1;
constexpr uint16_t kFlagHidden = 2;

// The hidden part (format 2, flags bit 1): dim, rows, keys, scales, biases, dense
// layer, then the int8 embedding rows. Counts are checked against what is left.
const char* load_hidden(Reader& r, size_t classes, HiddenPart& h) {
    h.dim = r.u16();
    const uint32_t rows = r.u32();
    if (r.bad || h.dim == 0 || h.dim > kMaxHiddenDim) return "hidden header";
    const uint64_t floats = 2ull * h.dim + static_cast<uint64_t>(h.dim) * classes + classes;
    if (rows > r.n || r.i + rows + 4 * floats + static_cast<uint64_t>(rows) * h.dim > r.n)
        return "hidden counts";
    h.keys.resize(rows);
    uint64_t key = 0;
    for (uint32_t k = 0; k < rows; ++k) {
        key += r.varint();
        if (key > 0xFFFFFFFFull) return "hidden key overflow";
        h.keys[k] = static_cast<uint32_t>(key);
    }
    auto floats_into = [&](std::vector<float>& v, size_t n) {
        v.resize(n);
        for (float& f : v) f = r.f32();
    };
    floats_into(h.embed_scale, h.dim);
    floats_into(h.bias, h.dim);
    floats_into(h.out, static_cast<size_t>(h.dim) * classes);
    floats_into(h.out_bias, classes);
    const uint64_t bytes = static_cast<uint64_t>(rows) * h.dim;
    if (r.bad || r.i + bytes > r.n) return "hidden embeddings";
    h.embed.resize(bytes);
    if (bytes) std::memcpy(h.embed.data(), r.p + r.i, bytes);
    r.i += bytes;
    return nullptr;
}

}  // namespace

const char* errc_name(TriageErrc code) {
    switch (code) {
        case TriageErrc::invalid_argument: return "invalid_argument";
        case TriageErrc::empty_data: return "empty_data";
        case TriageErrc::too_many_classes: return "too_many_classes";
        case TriageErrc::bad_model: return "bad_model";
        case TriageErrc::unsupported_version: return "unsupported_version";
    }
    return "unknown";
}

TriageResult<Model> Model::from_parts(ModelParts parts) {
    if (const char* why = check_parts(parts)) return TriageError{TriageErrc::invalid_argument, why};
    Model m;
    m.parts_ = std::move(parts);
    m.build_index();
    return m;
}

// Keys of both parts, merged: a key may have linear entries, an embedding row, or both.
void Model::build_index() {
    const std::vector<uint32_t>& lk = parts_.keys;
    const std::vector<uint32_t>& hk = parts_.hidden.keys;
    size_t cap = 16;
    while (cap < (lk.size() + hk.size()) * 2) cap <<= 1;
    slots_.assign(cap, Slot{0, 0, 0, kFreeSlot});
    slot_mask_ = static_cast<uint32_t>(cap - 1);
    auto insert = [&](uint32_t key) -> Slot& {
        uint32_t s = key & slot_mask_;  // keys are already well-mixed hashes
        while (slots_[s].hidden != kFreeSlot && slots_[s].key != key) s = (s + 1) & slot_mask_;
        if (slots_[s].hidden == kFreeSlot) slots_[s] = Slot{key, 0, 0, kNoRow};
        return slots_[s];
    };
    for (size_t r = 0; r < lk.size(); ++r) {
        Slot& slot = insert(lk[r]);
        slot.start = parts_.row_start[r];
        slot.end = parts_.row_start[r + 1];
    }
    for (size_t r = 0; r < hk.size(); ++r) insert(hk[r]).hidden = static_cast<uint32_t>(r);
}

const Model::Slot* Model::find(uint32_t key) const {
    uint32_t s = key & slot_mask_;
    while (true) {
        const Slot& slot = slots_[s];
        if (slot.hidden == kFreeSlot) return nullptr;
        if (slot.key == key) return &slot;
        s = (s + 1) & slot_mask_;
    }
}

int Model::label_index(std::string_view label) const {
    for (size_t i = 0; i < parts_.labels.size(); ++i)
        if (parts_.labels[i] == label) return static_cast<int>(i);
    return -1;
}

// Scoring is memory-bound: each feature costs a slot lookup and jumps into the linear
// entries and the embedding rows, all likely cache misses on a 1 MB model. Passes
// (prefetch slots, resolve rows and prefetch their data, accumulate) let those misses
// overlap instead of queueing one after another; the sums are the same, in the same order.
//
// Scoring runs for every visitor message, so once warm it allocates nothing but the
// caller's `out`: the features and hits live in per-thread vectors that are reused (like
// feature extraction's), the per-class sums in arrays sized by kMaxClasses on the stack.
void Model::scores(std::string_view text, std::vector<float>& out) const {
    const size_t c = parts_.labels.size();
    thread_local std::vector<Feature> feats;
    thread_local std::vector<Hit> hits;
    extract_features(text, parts_.features, feats);
#if defined(__GNUC__) || defined(__clang__)
    for (const Feature& f : feats) __builtin_prefetch(&slots_[f.key & slot_mask_]);
#endif
    hits.clear();
    hits.reserve(feats.size());
    const size_t d = parts_.hidden.dim;
    for (const Feature& f : feats) {
        const Slot* row = find(f.key);
        if (!row) continue;
#if defined(__GNUC__) || defined(__clang__)
        if (row->start != row->end) __builtin_prefetch(parts_.entries.data() + row->start);
        if (row->hidden != kNoRow) {
            const int8_t* e = parts_.hidden.embed.data() + static_cast<size_t>(row->hidden) * d;
            __builtin_prefetch(e);
            __builtin_prefetch(e + d - 1);
        }
#endif
        hits.push_back({row->start, row->end, row->hidden, f.value});
    }
    float acc[kMaxClasses];
    std::fill_n(acc, c, 0.0f);
    const Entry* entries = parts_.entries.data();
    for (const Hit& h : hits)
        for (const Entry* e = entries + h.start, *end = entries + h.end; e != end; ++e)
            acc[e->cls] += h.value * static_cast<float>(e->q);
    out.resize(c);
    for (size_t k = 0; k < c; ++k) out[k] = parts_.bias[k] + parts_.scale[k] * acc[k];
    if (d) add_hidden_scores(hits, out);
    // A very long message hands its feature memory back rather than keep it for good.
    if (feats.capacity() > kKeepFeatures) {
        feats = {};
        hits = {};
    }
}

// h = relu(b1 + scale ⊙ Σ_f x_f q_f), then out_c += b2_c + Σ_j h_j W2_{j,c}. Every sum
// runs in a fixed order (features by key, dimensions ascending); the inner loops run
// over independent outputs, so a compiler may vectorise them without reordering sums.
void Model::add_hidden_scores(const std::vector<Hit>& hits, std::vector<float>& out) const {
    const HiddenPart& hp = parts_.hidden;
    const size_t d = hp.dim, c = out.size();
    float h[kMaxHiddenDim], o[kMaxClasses];
    std::fill_n(h, d, 0.0f);
    for (const Hit& hit : hits) {
        if (hit.hidden == kNoRow) continue;
        const int8_t* q = hp.embed.data() + static_cast<size_t>(hit.hidden) * d;
        const float v = hit.value;
        for (size_t j = 0; j < d; ++j) h[j] += v * static_cast<float>(q[j]);
    }
    std::copy_n(hp.out_bias.data(), c, o);
    for (size_t j = 0; j < d; ++j) {
        const float a = hp.bias[j] + hp.embed_scale[j] * h[j];
        if (!(a > 0.0f)) continue;  // ReLU: an inactive unit adds nothing
        const float* w = hp.out.data() + j * c;
        for (size_t k = 0; k < c; ++k) o[k] += a * w[k];
    }
    for (size_t k = 0; k < c; ++k) out[k] += o[k];
}

Prediction Model::decide(const std::vector<float>& s, size_t top_k) const {
    const size_t c = s.size();
    Prediction p{};
    if (c == 0 || c > kMaxClasses) { p.label = -1; return p; }  // not scores of any model
    // Softmax of s / T in double with our deterministic exp (identical in Wasm).
    const double inv_t = 1.0 / static_cast<double>(parts_.temperature);
    double mx = s[0];
    for (float v : s) mx = std::max(mx, static_cast<double>(v));
    double e[kMaxClasses];
    int order[kMaxClasses];
    double sum = 0;
    for (size_t k = 0; k < c; ++k) sum += e[k] = detail::det_exp((s[k] - mx) * inv_t);
    for (size_t k = 0; k < c; ++k) order[k] = static_cast<int>(k);
    const size_t k_top = std::min(std::max<size_t>(top_k, 1), c);
    std::partial_sort(order, order + k_top, order + c, [&](int a, int b) {
        return e[a] != e[b] ? e[a] > e[b] : a < b;
    });
    p.top.reserve(k_top);
    for (size_t k = 0; k < k_top; ++k)
        p.top.push_back({order[k], static_cast<float>(e[order[k]] / sum)});
    p.label = p.top[0].index;
    p.confidence = p.top[0].confidence;
    p.rejected = false;
    if (has_oos() && p.label != parts_.oos_class && p.confidence < parts_.threshold) {
        p.rejected = true;
        p.label = parts_.oos_class;
    }
    return p;
}

Prediction Model::predict(std::string_view text, size_t top_k) const {
    thread_local std::vector<float> s;
    scores(text, s);
    return decide(s, top_k);
}

std::vector<uint8_t> Model::save() const {
    std::vector<uint8_t> out;
    Writer w{out};
    for (char ch : kMagic) w.u8(static_cast<uint8_t>(ch));
    w.u16(kModelFormatVersion);
    const HiddenPart& hp = parts_.hidden;
    w.u16(static_cast<uint16_t>((parts_.features.char_across_words ? kFlagCharAcrossWords : 0) |
                                (hp.dim ? kFlagHidden : 0)));
    const FeatureConfig& f = parts_.features;
    w.u8(f.hash_bits); w.u8(f.word_ngrams); w.u8(f.char_min); w.u8(f.char_max);
    w.u32(f.seed);
    w.f32(f.char_weight);
    w.f32(parts_.temperature);
    w.f32(parts_.threshold);
    w.u16(static_cast<uint16_t>(parts_.labels.size()));
    w.u16(parts_.oos_class);
    for (const std::string& l : parts_.labels) {
        w.u8(static_cast<uint8_t>(l.size()));
        for (char ch : l) w.u8(static_cast<uint8_t>(ch));
    }
    for (float b : parts_.bias) w.f32(b);
    for (float s : parts_.scale) w.f32(s);
    w.u32(static_cast<uint32_t>(parts_.keys.size()));
    w.u32(static_cast<uint32_t>(parts_.entries.size()));
    uint32_t prev = 0;
    for (uint32_t k : parts_.keys) { w.varint(k - prev); prev = k; }
    for (size_t r = 0; r < parts_.keys.size(); ++r)
        w.varint(parts_.row_start[r + 1] - parts_.row_start[r]);
    for (const Entry& e : parts_.entries) { w.u8(e.cls); w.u8(static_cast<uint8_t>(e.q)); }
    if (hp.dim) {
        w.u16(hp.dim);
        w.u32(static_cast<uint32_t>(hp.keys.size()));
        prev = 0;
        for (uint32_t k : hp.keys) { w.varint(k - prev); prev = k; }
        for (float v : hp.embed_scale) w.f32(v);
        for (float v : hp.bias) w.f32(v);
        for (float v : hp.out) w.f32(v);
        for (float v : hp.out_bias) w.f32(v);
        for (int8_t q : hp.embed) w.u8(static_cast<uint8_t>(q));
    }
    w.u32(crc32(out.data(), out.size()));
    return out;
}

TriageResult<Model> Model::load(const uint8_t* data, size_t size) {
    if (size < 12 || std::memcmp(data, kMagic, 4) != 0) return bad("not a Parley triage model (magic)");
    Reader r{data, size};
    r.i = 4;
    const uint16_t version = r.u16();
    if (version > kModelFormatVersion)
        return TriageError{TriageErrc::unsupported_version,
                           "model format " + std::to_string(version) + ", this build reads up to " +
                               std::to_string(kModelFormatVersion)};
    if (version == 0) return bad("model format version 0");
    if (size < 4 || crc32(data, size - 4) != Reader{data + size - 4, 4}.u32())
        return bad("checksum mismatch (truncated or corrupt file)");
    r.n = size - 4;  // the checksum is not part of the payload
    const uint16_t flags = r.u16();
    const uint16_t known = version >= 2 ? (kFlagCharAcrossWords | kFlagHidden) : kFlagCharAcrossWords;
    if (flags & ~known) return bad("unknown flags");
    ModelParts m;
    m.features.char_across_words = (flags & kFlagCharAcrossWords) != 0;
    m.features.hash_bits = r.u8();
    m.features.word_ngrams = r.u8();
    m.features.char_min = r.u8();
    m.features.char_max = r.u8();
    m.features.seed = r.u32();
    m.features.char_weight = r.f32();
    m.temperature = r.f32();
    m.threshold = r.f32();
    const uint16_t classes = r.u16();
    m.oos_class = r.u16();
    if (r.bad || classes == 0 || classes > kMaxClasses) return bad("header");
    for (uint16_t k = 0; k < classes; ++k) {
        const uint8_t len = r.u8();
        if (r.bad || r.i + len > r.n) return bad("labels");
        m.labels.emplace_back(reinterpret_cast<const char*>(data + r.i), len);
        r.i += len;
    }
    for (uint16_t k = 0; k < classes; ++k) m.bias.push_back(r.f32());
    for (uint16_t k = 0; k < classes; ++k) m.scale.push_back(r.f32());
    const uint32_t features = r.u32();
    const uint32_t entries = r.u32();
    // Each feature needs at least 2 bytes and each entry 2: reject absurd counts early.
    if (r.bad || features > r.n || entries > r.n || r.i + 2ull * features + 2ull * entries > r.n)
        return bad("counts");
    m.keys.resize(features);
    uint64_t key = 0;
    for (uint32_t k = 0; k < features; ++k) {
        key += r.varint();
        if (key > 0xFFFFFFFFull) return bad("key overflow");
        m.keys[k] = static_cast<uint32_t>(key);
    }
    m.row_start.resize(features + 1);
    m.row_start[0] = 0;
    uint64_t total = 0;
    for (uint32_t k = 0; k < features; ++k) {
        total += r.varint();
        if (total > entries) return bad("row sizes exceed entry count");
        m.row_start[k + 1] = static_cast<uint32_t>(total);
    }
    if (r.bad || total != entries || r.i + 2ull * entries > r.n) return bad("entries");
    m.entries.resize(entries);
    for (uint32_t k = 0; k < entries; ++k) {
        m.entries[k].cls = data[r.i++];
        m.entries[k].q = static_cast<int8_t>(data[r.i++]);
    }
    if (flags & kFlagHidden) {
        if (const char* why = load_hidden(r, classes, m.hidden)) return bad(why);
    }
    if (r.i != r.n) return bad("trailing bytes");
    if (const char* why = check_parts(m)) return bad(why);
    Model model;
    model.parts_ = std::move(m);
    model.build_index();
    return model;
}

}  // namespace parley::triage
