#include "quality/quality_rules.hpp"

#include <algorithm>

#include "parley/triage/normalize.hpp"

namespace parley::relay::quality {

bool is_flag_kind(std::string_view kind) {
    return kind == kNegativeSentiment || kind == kCompliance || kind == kKnowledgeGap || kind == kLongWait;
}

std::vector<std::string> normalize_words(const std::vector<std::string>& words) {
    std::vector<std::string> out;
    for (const std::string& w : words) {
        std::string n = triage::normalize(w);
        if (!n.empty() && std::find(out.begin(), out.end(), n) == out.end()) out.push_back(std::move(n));
    }
    return out;
}

std::vector<std::string> compliance_hits(const QualityRules& rules, std::string_view text) {
    std::vector<std::string> hits;
    if (rules.compliance_words.empty()) return hits;
    // " a b c ": a word or phrase matches whole when found between spaces.
    const std::string padded = " " + triage::normalize(text) + " ";
    for (const std::string& w : rules.compliance_words)
        if (padded.find(" " + w + " ") != std::string::npos) hits.push_back(w);
    return hits;
}

}  // namespace parley::relay::quality
