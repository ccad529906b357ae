// The knowledge base: a folder of Markdown articles split into passages
// (markdown_passages.hpp) and indexed in an in-memory SQLite FTS5 table with the Porter
// stemmer. A question is matched as an OR of its content words and ranked by bm25
// (heading words weigh 4×, title words 2×, body 1×), so rare words that the visitor and
// an article share count most. Scores are reported as -bm25: higher is better, and the
// scale depends on the corpus (the config's kb.min_score is tuned on the demo KB).
//
// The road not taken: an embedding index would match paraphrases better, but needs a
// model the site must ship and keep in sync; FTS5 is in every SQLite and explains its
// matches. Building the index of a help centre (tens of articles) takes milliseconds,
// so a reload simply builds a new one.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bot_error.hpp"
#include "markdown_passages.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace parley::bot {

struct KbHit {
    const Passage* passage;
    double score;  // -bm25, > 0; higher is better
};

class KnowledgeBase {
public:
    // Every *.md file of `dir` (not recursive), in name order. Errors: io (no folder),
    // index (SQLite could not build the index).
    static BotResult<KnowledgeBase> load(const std::string& dir);
    // From passages already split (tests). Errors: index.
    static BotResult<KnowledgeBase> from_passages(std::vector<Passage> passages);

    KnowledgeBase(KnowledgeBase&&) noexcept;
    KnowledgeBase& operator=(KnowledgeBase&&) noexcept;
    ~KnowledgeBase();

    // The best `limit` passages for a visitor's question, best first; empty when no
    // content word of the question occurs in the KB.
    std::vector<KbHit> search(std::string_view question, int limit = 4) const;
    // The passage with this id, or null.
    const Passage* find(std::string_view id) const;

    const std::vector<Passage>& passages() const { return *passages_; }

private:
    KnowledgeBase() = default;
    // Passages live behind a pointer so KbHit::passage survives a move of the KB.
    std::unique_ptr<std::vector<Passage>> passages_;
    sqlite3* db_ = nullptr;
    sqlite3_stmt* query_ = nullptr;
};

// The FTS5 query for a question: its content words (stop words and one-letter words
// dropped, at most 24), each quoted, joined by OR. "" when nothing is left.
std::string fts_query(std::string_view question);

}  // namespace parley::bot
