#include "knowledge_base.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "config_file.hpp"
#include "entities.hpp"

namespace parley::bot {

namespace {

// Words that say how a question is asked, not what it is about.
const std::set<std::string>& stop_words() {
    static const std::set<std::string> words = {
        "a", "about", "after", "all", "also", "am", "an", "and", "any", "anyone", "are", "as", "at", "be",
        "been", "before", "but", "by", "can", "could", "did", "do", "does", "doing", "for", "from", "get",
        "got", "had", "has", "have", "hello", "help", "hi", "hey", "how", "i", "if", "im", "in", "into",
        "is", "it", "its", "just", "know", "like", "me", "my", "need", "no", "not", "of", "on", "or",
        "our", "please", "pls", "so", "some", "tell", "than", "thanks", "that", "the", "their", "them",
        "then", "there", "these", "they", "this", "to", "too", "up", "us", "use", "using", "want",
        "was", "we", "were", "what", "whats", "when", "where", "which", "who", "why", "will", "with",
        "would", "you", "your", "yours", "parley", "there", "dont", "cant", "ive", "id", "ill", "wont"};
    return words;
}

}  // namespace

std::string fts_query(std::string_view question) {
    const std::string lowered = lower_ascii(question);
    std::string out, word;
    std::set<std::string> seen;
    int count = 0;
    auto emit = [&] {
        if (word.size() >= 2 && !stop_words().count(word) && seen.insert(word).second && count < 24) {
            if (!out.empty()) out += " OR ";
            out += '"' + word + '"';
            ++count;
        }
        word.clear();
    };
    for (char c : lowered) {
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || static_cast<unsigned char>(c) >= 0x80) word += c;
        else if (c == '\'') continue;  // "don't" → "dont"
        else emit();
    }
    emit();
    return out;
}

KnowledgeBase::KnowledgeBase(KnowledgeBase&& o) noexcept
    : passages_(std::move(o.passages_)), db_(o.db_), query_(o.query_) {
    o.db_ = nullptr;
    o.query_ = nullptr;
}

KnowledgeBase& KnowledgeBase::operator=(KnowledgeBase&& o) noexcept {
    if (this != &o) {
        sqlite3_finalize(query_);
        sqlite3_close(db_);
        passages_ = std::move(o.passages_);
        db_ = o.db_;
        query_ = o.query_;
        o.db_ = nullptr;
        o.query_ = nullptr;
    }
    return *this;
}

KnowledgeBase::~KnowledgeBase() {
    sqlite3_finalize(query_);
    sqlite3_close(db_);
}

BotResult<KnowledgeBase> KnowledgeBase::load(const std::string& dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    std::vector<fs::path> files;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_regular_file() && it->path().extension() == ".md") files.push_back(it->path());
    if (ec) return BotError{BotErrc::io, "cannot list " + dir + ": " + ec.message()};
    std::sort(files.begin(), files.end());
    std::vector<Passage> passages;
    for (const fs::path& f : files) {
        auto text = read_text_file(f);
        if (!text) return text.error();
        for (Passage& p : split_markdown(f.filename().string(), text.value())) passages.push_back(std::move(p));
    }
    return from_passages(std::move(passages));
}

BotResult<KnowledgeBase> KnowledgeBase::from_passages(std::vector<Passage> passages) {
    KnowledgeBase kb;
    kb.passages_ = std::make_unique<std::vector<Passage>>(std::move(passages));
    auto fail = [&](const char* what) {
        return BotError{BotErrc::index, std::string(what) + ": " + (kb.db_ ? sqlite3_errmsg(kb.db_) : "no memory")};
    };
    if (sqlite3_open_v2(":memory:", &kb.db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK)
        return fail("open");
    if (sqlite3_exec(kb.db_,
                     "CREATE VIRTUAL TABLE kb USING fts5(title, heading, body, tokenize='porter unicode61');",
                     nullptr, nullptr, nullptr) != SQLITE_OK)
        return fail("create the FTS5 table");
    sqlite3_stmt* insert = nullptr;
    if (sqlite3_prepare_v2(kb.db_, "INSERT INTO kb(rowid, title, heading, body) VALUES (?, ?, ?, ?)", -1,
                           &insert, nullptr) != SQLITE_OK)
        return fail("prepare insert");
    sqlite3_exec(kb.db_, "BEGIN", nullptr, nullptr, nullptr);
    for (size_t i = 0; i < kb.passages_->size(); ++i) {
        const Passage& p = (*kb.passages_)[i];
        sqlite3_bind_int64(insert, 1, static_cast<sqlite3_int64>(i));
        sqlite3_bind_text(insert, 2, p.title.data(), static_cast<int>(p.title.size()), SQLITE_STATIC);
        sqlite3_bind_text(insert, 3, p.heading.data(), static_cast<int>(p.heading.size()), SQLITE_STATIC);
        sqlite3_bind_text(insert, 4, p.body.data(), static_cast<int>(p.body.size()), SQLITE_STATIC);
        const int rc = sqlite3_step(insert);
        sqlite3_reset(insert);
        if (rc != SQLITE_DONE) {
            sqlite3_finalize(insert);
            return fail("index a passage");
        }
    }
    sqlite3_finalize(insert);
    sqlite3_exec(kb.db_, "COMMIT", nullptr, nullptr, nullptr);
    if (sqlite3_prepare_v2(kb.db_,
                           "SELECT rowid, bm25(kb, 2.0, 4.0, 1.0) AS s FROM kb WHERE kb MATCH ? ORDER BY s LIMIT ?",
                           -1, &kb.query_, nullptr) != SQLITE_OK)
        return fail("prepare query");
    return kb;
}

std::vector<KbHit> KnowledgeBase::search(std::string_view question, int limit) const {
    std::vector<KbHit> out;
    const std::string q = fts_query(question);
    if (q.empty() || !query_) return out;
    sqlite3_bind_text(query_, 1, q.data(), static_cast<int>(q.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int(query_, 2, limit);
    while (sqlite3_step(query_) == SQLITE_ROW) {
        const auto row = static_cast<size_t>(sqlite3_column_int64(query_, 0));
        if (row < passages_->size()) out.push_back({&(*passages_)[row], -sqlite3_column_double(query_, 1)});
    }
    sqlite3_reset(query_);
    sqlite3_clear_bindings(query_);
    return out;
}

const Passage* KnowledgeBase::find(std::string_view id) const {
    for (const Passage& p : *passages_)
        if (p.id == id) return &p;
    return nullptr;
}

}  // namespace parley::bot
