// Splits a Markdown help-centre article into passages, the units the knowledge base
// indexes and answers with. A passage is one "##" (or deeper) section with the text
// under it; text between the "#" title and the first section is a passage named after
// the title. Markup that only styles (emphasis, link targets, list bullets, code
// fences) is dropped from the passage text, so the answer reads as plain prose. Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace parley::bot {

struct Passage {
    std::string id;       // "<file stem>.<n>", stable while the file keeps its sections; only
                          // [A-Za-z0-9_.-] (other bytes of the stem become '-'), ≤ 60 bytes
    std::string file;     // "refunds.md"
    std::string title;    // the article's "#" title
    std::string heading;  // the section heading (the title for the lead passage)
    std::string body;     // plain text
};

// `file` is the file name (no folder); passages are numbered from 1 in file order.
std::vector<Passage> split_markdown(std::string_view file, std::string_view markdown);

}  // namespace parley::bot
