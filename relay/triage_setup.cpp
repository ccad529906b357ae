#include "triage_setup.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>

#include "parley/triage/analysis.hpp"

namespace parley::relay {

std::vector<std::string> default_model_paths(const std::string& executable) {
    namespace fs = std::filesystem;
    std::vector<std::string> out;
    std::error_code ec;
    fs::path exe = fs::weakly_canonical(fs::path(executable), ec);
    if (ec) exe = fs::path(executable);
    out.push_back((exe.parent_path().parent_path() / "share" / "parley" / "triage" / "default.ptm").string());
#ifdef PARLEY_BUILD_TRIAGE_MODEL
    out.emplace_back(PARLEY_BUILD_TRIAGE_MODEL);
#endif
    return out;
}

std::optional<triage::Model> load_model_file(const std::string& path, std::string& error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = "cannot read " + path;
        return std::nullopt;
    }
    const std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto model = triage::Model::load(bytes.data(), bytes.size());
    if (!model) {
        error = path + ": " + triage::errc_name(model.error().code) + ": " + model.error().detail;
        return std::nullopt;
    }
    return std::move(model).value();
}

MaskPolicy mask_policy_from(const Options& o) {
    MaskPolicy p;
    triage::parse_mask_kinds(o.mask_before_storage, p.before_storage);
    triage::parse_mask_kinds(o.mask_outbound, p.outbound);
    triage::parse_mask_kinds(o.mask_in_browser, p.in_browser);
    return p;
}

}  // namespace parley::relay
