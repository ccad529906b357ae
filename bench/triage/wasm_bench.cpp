// Wasm harness for bench/triage.sh: loads a model from bytes and classifies a batch of
// newline-separated texts, writing "label<TAB>confidence" lines exactly as
// `parley-triage predict --digits N` does, so native and Wasm outputs can be diffed.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "parley/triage/model.hpp"

namespace {
parley::triage::Model g_model;
std::string g_out;
}  // namespace

extern "C" {

// Returns 0 on success, otherwise the TriageErrc value + 1.
int tb_load(const unsigned char* data, size_t size) {
    auto m = parley::triage::Model::load(data, size);
    if (!m) return static_cast<int>(m.error().code) + 1;
    g_model = std::move(m).value();
    return 0;
}

// Classifies every line of `texts`; the output stays valid until the next call.
const char* tb_predict_all(const char* texts, size_t size, int digits) {
    g_out.clear();
    if (g_model.num_classes() == 0) return g_out.c_str();  // no model loaded
    std::string_view all(texts, size);
    char buf[48];
    size_t start = 0;
    while (start < all.size()) {
        size_t end = all.find('\n', start);
        if (end == std::string_view::npos) end = all.size();
        const parley::triage::Prediction p = g_model.predict(all.substr(start, end - start), 1);
        g_out += g_model.labels()[p.label];
        std::snprintf(buf, sizeof buf, "\t%.*f\n", digits, static_cast<double>(p.confidence));
        g_out += buf;
        start = end + 1;
    }
    return g_out.c_str();
}

size_t tb_out_len() { return g_out.size(); }

}  // extern "C"
