// The triage C API (parley/triage_c_api.h) over parley::triage. Output JSON is written
// straight into the answer string with parley::json's writers (write_string replaces
// invalid UTF-8 with U+FFFD and never fails), byte for byte what building a
// json::Value and dumping it gives, without the DOM's code in the widget (issue 6).
#include "parley/triage_c_api.h"

#include <cmath>
#include <string>

#include "parley/json/value.hpp"
#include "parley/triage/analysis.hpp"
#include "parley/triage/model.hpp"

namespace tri = parley::triage;
namespace json = parley::json;

struct parley_triage {
    tri::Model model;
    std::string out;  // the last analyze() answer
};

namespace {

std::string g_load_error;
std::string g_mask_out;

// Four decimals, so the JSON reads "0.9123", not a float's 17-digit double image.
double rounded(float x) { return std::round(static_cast<double>(x) * 10000.0) / 10000.0; }

// `"key":` after a comma unless it opens the object.
void key(std::string& out, const char* k) {
    if (out.back() != '{') out += ',';
    out += '"';
    out += k;  // our own ASCII names: nothing to escape
    out += "\":";
}

// `[` texts `]` with a comma between them.
template <class List, class Text>
void string_array(std::string& out, const List& list, Text text) {
    out += '[';
    for (const auto& item : list) {
        if (out.back() != '[') out += ',';
        json::write_string(out, text(item));
    }
    out += ']';
}

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
    const std::vector<std::string>& labels = triage->model.labels();
    std::string& out = triage->out;
    out.assign(1, '{');
    key(out, "intent");
    json::write_string(out, a.intent);
    key(out, "confidence");
    json::write_double(out, rounded(a.confidence));
    key(out, "top");
    out += '[';
    for (const tri::Scored& s : a.top) {
        if (out.back() != '[') out += ',';
        out += '{';
        key(out, "label");
        json::write_string(out, labels[static_cast<size_t>(s.index)]);
        key(out, "confidence");
        json::write_double(out, rounded(s.confidence));
        out += '}';
    }
    out += ']';
    key(out, "signals");
    string_array(out, a.signals, [](const std::string& s) -> std::string_view { return s; });
    key(out, "pii");
    string_array(out, a.pii, [](tri::PiiKind k) -> std::string_view { return tri::pii_name(k); });
    out += '}';
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
