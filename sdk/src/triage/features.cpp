// Feature extraction: hash every word n-gram and character n-gram, then weight.
// Keys are collected in small vectors and sorted to count repeats: messages are
// short (tens of tokens), so sorting ~200 keys beats any hash map here. The vectors
// are a per-thread scratch that outlives the call, so a warm extractor allocates nothing.
#include "parley/triage/features.hpp"

#include <algorithm>
#include <cmath>

#include "detmath.hpp"
#include "parley/triage/normalize.hpp"

namespace parley::triage {
namespace {

constexpr uint32_t kFnvOffset = 2166136261u;
constexpr uint32_t kFnvPrime = 16777619u;
constexpr uint32_t kKindWord = 1;      // word n-grams use kind = n
constexpr uint32_t kKindChar = 16;     // char n-grams use kind = 16 + n

struct Hasher {
    uint32_t h;
    Hasher(uint32_t seed, uint32_t kind) : h(kFnvOffset ^ seed) { byte(kind & 0xFF); }
    void byte(uint32_t b) { h = (h ^ b) * kFnvPrime; }
    void bytes(std::string_view s) {
        for (char c : s) byte(static_cast<unsigned char>(c));
    }
    uint32_t finish() const {  // murmur3 fmix32: spreads FNV's weak low bits
        uint32_t x = h;
        x ^= x >> 16; x *= 0x85ebca6bu;
        x ^= x >> 13; x *= 0xc2b2ae35u;
        x ^= x >> 16;
        return x;
    }
};

// Buffers reused by every call on a thread. The relay extracts features of each visitor
// message on its loop thread, the widget of each message typed: growing a dozen small
// vectors per message was nearly all of the work's allocations. Nothing in here carries
// meaning from one call to the next; messages over kKeepBytes hand their memory back.
struct Scratch {
    std::string norm;
    std::vector<std::string_view> toks;
    std::vector<uint32_t> word_keys, char_keys, sort_buffer;
    std::vector<size_t> cut;  // byte offset of each code point in "<tok>", plus end
    std::string wrapped;
    std::vector<Feature> words, chars;

    // Every buffer grows with the text, so the text's size bounds what is kept.
    static constexpr size_t kKeepBytes = 16 * 1024;
    void trim_after(std::string_view text) {
        if (text.size() > kKeepBytes) *this = Scratch{};
    }
};

Scratch& scratch() {
    thread_local Scratch s;
    return s;
}

uint32_t mask_for(uint8_t bits) {
    return bits >= 32 ? 0xFFFFFFFFu : ((1u << bits) - 1u);
}

#if !defined(__EMSCRIPTEN__)
// Least-significant-digit radix sort, a byte per pass and only as many passes as the
// largest key needs (three for the default 22-bit keys). On the few hundred random
// keys of a long message it does no comparisons, so no mispredicted branches: std::sort
// was 5 % of the relay's loop thread in the fan-out benchmark. Short lists keep
// std::sort, which wins below a few dozen keys.
void radix_sort(std::vector<uint32_t>& keys, std::vector<uint32_t>& other) {
    const size_t n = keys.size();
    if (n < 64) {
        std::sort(keys.begin(), keys.end());
        return;
    }
    uint32_t all = 0;
    for (uint32_t k : keys) all |= k;
    other.resize(n);
    uint32_t* from = keys.data();
    uint32_t* to = other.data();
    for (unsigned shift = 0; shift < 32 && (all >> shift) != 0; shift += 8) {
        uint32_t start[257] = {};
        for (size_t i = 0; i < n; ++i) ++start[((from[i] >> shift) & 0xFFu) + 1];
        for (unsigned b = 0; b < 256; ++b) start[b + 1] += start[b];
        for (size_t i = 0; i < n; ++i) to[start[(from[i] >> shift) & 0xFFu]++] = from[i];
        std::swap(from, to);
    }
    if (from != keys.data()) keys.swap(other);
}
#endif

// Sorts `keys`, turns repeats into 1 + ln(count), L2-normalises, scales, appends.
void weigh(std::vector<uint32_t>& keys, float scale, std::vector<Feature>& out,
           [[maybe_unused]] std::vector<uint32_t>& sort_buffer) {
    if (keys.empty() || scale <= 0.f) return;
    // Any sort gives the same result here (equal keys are equal). In the widget's Wasm
    // a heap sort, whose code is a fraction of std::sort's introsort (issue 6); natively
    // a radix sort (the relay sorts these keys for every visitor message). The test
    // that native and Wasm predictions are identical covers both.
#if defined(__EMSCRIPTEN__)
    std::make_heap(keys.begin(), keys.end());
    std::sort_heap(keys.begin(), keys.end());
#else
    radix_sort(keys, sort_buffer);
#endif
    const size_t first = out.size();
    float sum_sq = 0;
    for (size_t i = 0; i < keys.size();) {
        size_t j = i + 1;
        while (j < keys.size() && keys[j] == keys[i]) ++j;
        const size_t count = j - i;
        const float v = count == 1 ? 1.0f : static_cast<float>(1.0 + detail::det_log(static_cast<double>(count)));
        out.push_back({keys[i], v});
        sum_sq += v * v;
        i = j;
    }
    if (!(sum_sq > 0)) return;
    const float k = scale / std::sqrt(sum_sq);
    for (size_t i = first; i < out.size(); ++i) out[i].value *= k;
}

}  // namespace

uint32_t feature_hash(std::string_view bytes, uint32_t seed, uint32_t kind) {
    Hasher h(seed, kind);
    h.bytes(bytes);
    return h.finish();
}

void extract_features_normalized(std::string_view norm, const FeatureConfig& cfg,
                                 std::vector<Feature>& out) {
    Scratch& sc = scratch();
    out.clear();
    const uint32_t mask = mask_for(cfg.hash_bits);
    std::vector<std::string_view>& toks = sc.toks;
    tokens_into(norm, toks);
    std::vector<uint32_t>& word_keys = sc.word_keys;
    std::vector<uint32_t>& char_keys = sc.char_keys;
    word_keys.clear();
    char_keys.clear();

    // Word n-grams: tokens joined by a 0x01 byte, which normalised text never holds.
    for (size_t i = 0; i < toks.size(); ++i) {
        for (size_t n = 1; n <= cfg.word_ngrams && i + n <= toks.size(); ++n) {
            Hasher h(cfg.seed, kKindWord + static_cast<uint32_t>(n) - 1);
            for (size_t k = 0; k < n; ++k) {
                if (k) h.byte(0x01);
                h.bytes(toks[i + k]);
            }
            word_keys.push_back(h.finish() & mask);
        }
    }

    // Character n-grams of "<token>", counted in code points.
    if (cfg.char_min > 0 && cfg.char_max >= cfg.char_min) {
        std::vector<size_t>& cut = sc.cut;
        std::string& wrapped = sc.wrapped;
        // Per token, or the whole text as one piece whose spaces are part of the n-grams.
        // (A range over `toks` or over `norm` alone, rather than a copied vector.)
        const std::string_view* first = cfg.char_across_words ? &norm : toks.data();
        const std::string_view* const last = cfg.char_across_words ? &norm + 1 : toks.data() + toks.size();
        for (; first != last; ++first) {
            const std::string_view tok = *first;
            if (tok.empty()) continue;
            wrapped.assign(1, '<');
            wrapped.append(tok.data(), tok.size());
            wrapped.push_back('>');
            cut.clear();
            for (size_t i = 0; i < wrapped.size();) {
                cut.push_back(i);
                decode_utf8(wrapped, i);
            }
            cut.push_back(wrapped.size());
            const size_t cps = cut.size() - 1;
            for (size_t n = cfg.char_min; n <= cfg.char_max && n <= cps; ++n) {
                // A whole token shorter than char_max yields its "<tok>" once, via n = cps.
                for (size_t s = 0; s + n <= cps; ++s) {
                    Hasher h(cfg.seed, kKindChar + static_cast<uint32_t>(n));
                    h.bytes(std::string_view(wrapped).substr(cut[s], cut[s + n] - cut[s]));
                    char_keys.push_back(h.finish() & mask);
                }
            }
        }
    }

    std::vector<Feature>& words = sc.words;
    std::vector<Feature>& chars = sc.chars;
    words.clear();
    chars.clear();
    weigh(word_keys, 1.0f, words, sc.sort_buffer);
    weigh(char_keys, cfg.char_weight, chars, sc.sort_buffer);

    // Merge the two sorted parts; keys of different kinds may collide, and add up.
    out.reserve(words.size() + chars.size());
    size_t a = 0, b = 0;
    while (a < words.size() || b < chars.size()) {
        const Feature& next = (b >= chars.size() || (a < words.size() && words[a].key <= chars[b].key))
                                  ? words[a++] : chars[b++];
        if (!out.empty() && out.back().key == next.key) out.back().value += next.value;
        else out.push_back(next);
    }
    float sum_sq = 0;
    for (const Feature& f : out) sum_sq += f.value * f.value;
    if (sum_sq > 0) {
        const float k = 1.0f / std::sqrt(sum_sq);
        for (Feature& f : out) f.value *= k;
    }
    sc.trim_after(norm);  // last use of `norm`, which may be a view into the scratch
}

void extract_features(std::string_view text, const FeatureConfig& config,
                      std::vector<Feature>& out) {
    // The scratch's own string holds the normalised text; extract_features_normalized
    // reads it as a view and never writes `norm`, and trims only after its last read.
    std::string& norm = scratch().norm;
    normalize_into(text, norm);
    extract_features_normalized(norm, config, out);
}

}  // namespace parley::triage
