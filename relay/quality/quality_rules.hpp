// Quality flags (issue 18, docs/quality.md): what in a conversation a supervisor should
// look at, as it happens. This file is the pure part: the kinds, the rules' settings,
// and the matching of compliance words; core/hub_quality.cpp raises the flags at the
// Hub's two recording points (a stored message, a routing event) and on its tick.
//
//   negative_sentiment  a visitor's message read as frustrated (triage's signal, the
//                       one the widget and routing already act on)
//   compliance          a visible message (visitor, agent or bot) holding one of the
//                       operator's words or phrases (--compliance-word): whole words on
//                       normalised text, so case, accents and punctuation don't matter
//   knowledge_gap       the bot handed over because it had no answer (the handoff
//                       reasons webhooks call bot.knowledge_gap)
//   long_wait           a conversation waiting in a team's queue for --flag-wait-secs
//
// A conversation carries at most one open flag of a kind (Store::has_open_flag): once
// a supervisor has reviewed it, the next occurrence raises a new one.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace parley::relay::quality {

inline constexpr const char* kNegativeSentiment = "negative_sentiment";
inline constexpr const char* kCompliance = "compliance";
inline constexpr const char* kKnowledgeGap = "knowledge_gap";
inline constexpr const char* kLongWait = "long_wait";
bool is_flag_kind(std::string_view kind);

struct QualityRules {
    // Normalised words and phrases (normalize_words); empty: no compliance flags.
    std::vector<std::string> compliance_words;
    std::int64_t long_wait_ms = 300'000;    // 0: no long_wait flags
    std::int64_t check_every_ms = 5'000;    // how often the queues are looked at for long waits
};

// The operator's words as matched: normalised (parley::triage::normalize), empty ones
// dropped, each once, in their first order.
std::vector<std::string> normalize_words(const std::vector<std::string>& words);

// The rules' words found in `text` as whole words or phrases, in the rules' order, each
// once. The text is normalised once here.
std::vector<std::string> compliance_hits(const QualityRules& rules, std::string_view text);

}  // namespace parley::relay::quality
