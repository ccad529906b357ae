// The triage C API (parley/triage_c_api.h) over parley::triage. Output JSON is built
// with parley::json::Value, whose dump replaces invalid UTF-8 in a text (U+FFFD) and
// never fails.
#include "parley/triage_c_api.h"

#include <cmath>
#include <string>

#include "parley/json/value.hpp"
#include "parley/triage/analysis.hpp"
#include "parley/triage/model.hpp"

namespace tri = parley::triage;
using ojson = parley::json::Value;

struct parley_triage {
    tri::Model model;
    std::string out;  // the last analyze() answer
};

namespace {

std::string g_load_error;
std::string g_mask_out;

// Four decimals, so the JSON reads "0.9123", not a float's 17-digit double image.
double rounded(float x) { return std::round(static_cast<double>(x) * 10000.0) / 10000.0; }

std::string dump(const ojson& j) { return j.dump(); }

}  // namespace

extern "C" {

parley_triage* parley_triage_load(const unsigned char* bytes, size_t size) {
    if (!bytes) {
        g_load_error = "no model bytes";
        return nullptr;
    }
    auto m = tri::Model::load(bytes, size);
    if (!m) {
        g_load_error = std::string(tri::errc_name(m.error().code)) + ": " + m.error().detail;
        return nullptr;
    }
    g_load_error.clear();
    auto* t = new parley_triage();
    t->model = std::move(m).value();
    return t;
}

const char* parley_triage_load_error(void) { return g_load_error.c_str(); }

void parley_triage_free(parley_triage* triage) { delete triage; }

const char* parley_triage_analyze(parley_triage* triage, const char* text, int top_k) {
    static const char* const kNoHandle = "{\"error\":\"no triage handle or text\"}";
    if (!triage || !text) return kNoHandle;
    const tri::Analysis a = tri::analyze(triage->model, text, top_k < 1 ? 1 : static_cast<size_t>(top_k));
    ojson j = ojson::object();
    j["intent"] = a.intent;
    j["confidence"] = rounded(a.confidence);
    ojson top = ojson::array();
    for (const tri::Scored& s : a.top) {
        ojson o = ojson::object();
        o["label"] = triage->model.labels()[static_cast<size_t>(s.index)];
        o["confidence"] = rounded(s.confidence);
        top.push_back(std::move(o));
    }
    j["top"] = std::move(top);
    j["signals"] = a.signals;
    ojson pii = ojson::array();
    for (tri::PiiKind k : a.pii) pii.push_back(tri::pii_name(k));
    j["pii"] = std::move(pii);
    triage->out = dump(j);
    return triage->out.c_str();
}

const char* parley_triage_mask(const char* text, const char* kinds) {
    if (!text) return nullptr;
    tri::MaskOptions o;
    if (!tri::parse_mask_kinds(kinds ? kinds : "", o)) return nullptr;
    g_mask_out = tri::masks_anything(o) ? tri::mask_pii(text, o) : std::string(text);
    return g_mask_out.c_str();
}

}  // extern "C"
