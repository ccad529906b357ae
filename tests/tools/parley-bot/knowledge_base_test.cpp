// KnowledgeBase: FTS5 + bm25 over passages; the demo help centre answers its own topics.
#include <set>

#include <catch2/catch.hpp>

#include "bot_fixture.hpp"
#include "knowledge_base.hpp"

using namespace parley::bot;

TEST_CASE("The question's content words are quoted and joined by OR; stop words are dropped",
          "[bot][kb]") {
    CHECK(fts_query("How do I download my invoices?") == "\"download\" OR \"invoices\"");
    CHECK(fts_query("refund AND NOT invoice") == "\"refund\" OR \"invoice\"");  // operators are words
    CHECK(fts_query("how do I") == "");
    CHECK(fts_query("NEAR( x* ^y") == "\"near\"");  // FTS5 syntax in a question is only words
}

TEST_CASE("The passage sharing the rarest words ranks first", "[bot][kb]") {
    const KnowledgeBase kb = test::small_kb();
    const auto hits = kb.search("how do I get a refund");
    REQUIRE_FALSE(hits.empty());
    CHECK(hits[0].passage->id == "refunds.1");
    CHECK(hits[0].score > 0);
    const auto invoices = kb.search("where can I download an invoice pdf");
    REQUIRE_FALSE(invoices.empty());
    CHECK(invoices[0].passage->id == "billing.1");
    for (size_t i = 1; i < invoices.size(); ++i) CHECK(invoices[i].score <= invoices[i - 1].score);
}

TEST_CASE("A question with no word in the KB finds nothing", "[bot][kb]") {
    const KnowledgeBase kb = test::small_kb();
    CHECK(kb.search("tell me a joke").empty());
    CHECK(kb.search("").empty());
    CHECK(kb.search("?!").empty());
}

TEST_CASE("The demo help centre loads every article and finds passages by id", "[bot][kb]") {
    const KnowledgeBase& kb = test::demo_kb();
    CHECK(kb.passages().size() >= 40);
    std::set<std::string> files;
    for (const Passage& p : kb.passages()) files.insert(p.file);
    CHECK(files.size() >= 8);
    CHECK(files.size() <= 15);
    REQUIRE(kb.find("refunds.1") != nullptr);
    CHECK(kb.find("refunds.1")->heading == "Refund policy");
    CHECK(kb.find("nope.9") == nullptr);
}

TEST_CASE("Loading a missing KB folder is an io error", "[bot][kb]") {
    auto kb = KnowledgeBase::load("/nonexistent/parley/kb");
    REQUIRE_FALSE(kb.ok());
    CHECK(kb.error().code == BotErrc::io);
}

TEST_CASE("A moved knowledge base keeps its hits valid", "[bot][kb]") {
    KnowledgeBase a = test::small_kb();
    KnowledgeBase b = std::move(a);
    const auto hits = b.search("refund");
    REQUIRE_FALSE(hits.empty());
    CHECK(hits[0].passage->heading == "Refund window");
}
