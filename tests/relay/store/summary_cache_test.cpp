// The summary cache in front of a store: what it saves, and what it must never do
// (serve a summary the store no longer holds). Its Store guarantees are the
// conformance suite's, run with CachedSqliteBackend.
#include <catch2/catch.hpp>

#include "store/memory_store.hpp"
#include "store/summary_cache.hpp"

using namespace parley::relay;
using parley::Result;

namespace {

constexpr std::int64_t T0 = 1'700'000'000'000;

// A MemoryStore that counts summary reads and can be told to fail its next commit.
class CountingStore : public MemoryStore {
public:
    int reads = 0;
    bool fail_commit = false;

    Result<std::optional<ConvSummary>> find_conversation(const std::string& conv) override {
        ++reads;
        return MemoryStore::find_conversation(conv);
    }
    Status commit_batch() override {
        if (fail_commit) return storage_error("disk full");
        return MemoryStore::commit_batch();
    }
};

void seed(Store& s, const std::string& conv = "c_1") {
    if (!s.find_visitor("v_1").value()) REQUIRE(s.create_visitor(Visitor{"v_1", "Ada", T0}).ok());
    REQUIRE(s.create_conversation(conv, "v_1", T0).ok());
}

NewMessage from_visitor(const std::string& cid, const std::string& text, const std::string& intent) {
    NewMessage m{"c_1", cid, Party{"visitor", "v_1", "Ada"}, text, T0 + 10};
    m.meta = parley::protocol::Meta{intent, 0.9, {}};
    return m;
}

// A cache over a CountingStore that holds conversation c_1.
struct SeededCache {
    CountingStore inner;
    SummaryCache cache{inner};
    SeededCache() { seed(cache); }
    // c_1's first visitor message, which gives it a place in the cache.
    void first_message() {
        REQUIRE(cache.append_message(from_visitor("m1", "hello", "general")).ok());
        REQUIRE(cache.find_conversation("c_1").value());
        REQUIRE(cache.cached() == 1);
    }
};

}  // namespace

TEST_CASE("a conversation's summary is read from the store once, then kept up to date", "[store][cache]") {
    SeededCache seeded;
    CountingStore& inner = seeded.inner;
    SummaryCache& cache = seeded.cache;

    // An empty conversation is not kept (most widgets that open never write).
    REQUIRE(cache.find_conversation("c_1").value());
    CHECK(cache.cached() == 0);
    REQUIRE(cache.append_message(from_visitor("m1", "what does it cost?", "pricing")).ok());
    REQUIRE(cache.find_conversation("c_1").value());
    REQUIRE(cache.find_conversation("c_1").value());
    CHECK(inner.reads == 2);

    NewMessage reply{"c_1", "m2", Party{"agent", "a_1", "Bo"}, "10 EUR", T0 + 20};
    REQUIRE(cache.append_message(reply).ok());
    REQUIRE(cache.set_conversation_status("c_1", "closed").ok());
    REQUIRE(cache.rename_visitor("v_1", "Ada L.").ok());

    const ConvSummary cached = *cache.find_conversation("c_1").value();
    CHECK(inner.reads == 2);
    // Exactly what the store itself now says.
    const ConvSummary stored = *inner.MemoryStore::find_conversation("c_1").value();
    CHECK(cached.last_seq == 2);
    CHECK(cached.last_text == "10 EUR");
    CHECK(cached.updated == T0 + 20);
    CHECK(cached.status == "closed");
    CHECK(cached.visitor.name == "Ada L.");
    CHECK(cached.intent == "pricing");  // an agent's reply carries no intent
    CHECK(cached.last_seq == stored.last_seq);
    CHECK(cached.last_text == stored.last_text);
    CHECK(cached.updated == stored.updated);
    CHECK(cached.status == stored.status);
    CHECK(cached.visitor == stored.visitor);
    CHECK(cached.intent == stored.intent);
}

TEST_CASE("a resent message changes no cached summary", "[store][cache]") {
    SeededCache seeded;
    seeded.first_message();
    SummaryCache& cache = seeded.cache;
    auto again = cache.append_message(from_visitor("m1", "hello, edited", "billing"));
    REQUIRE(again.ok());
    CHECK_FALSE(again.value().inserted);
    CHECK(cache.find_conversation("c_1").value()->last_text == "hello");
    CHECK(cache.find_conversation("c_1").value()->intent == "general");
}

TEST_CASE("an unknown conversation is not remembered as missing", "[store][cache]") {
    CountingStore inner;
    SummaryCache cache(inner);
    CHECK_FALSE(cache.find_conversation("c_1").value());
    seed(cache);
    CHECK(cache.find_conversation("c_1").value());
}

TEST_CASE("a failed group commit empties the cache, so the store is read again", "[store][cache]") {
    SeededCache seeded;
    seeded.first_message();
    CountingStore& inner = seeded.inner;
    SummaryCache& cache = seeded.cache;
    REQUIRE(cache.begin_batch().ok());
    REQUIRE(cache.append_message(from_visitor("m2", "again", "general")).ok());
    inner.fail_commit = true;
    CHECK_FALSE(cache.commit_batch().ok());
    CHECK(cache.cached() == 0);
    REQUIRE(cache.find_conversation("c_1").value());
    CHECK(inner.reads == 2);
}

TEST_CASE("the cache holds at most its capacity", "[store][cache]") {
    CountingStore inner;
    SummaryCache cache(inner, 3);
    for (int i = 0; i < 10; ++i) {
        const std::string conv = "c_" + std::to_string(i);
        seed(cache, conv);
        REQUIRE(cache.append_message(NewMessage{conv, "m", Party{"visitor", "v_1", "Ada"}, "hi", T0}).ok());
        REQUIRE(cache.find_conversation(conv).value());
        CHECK(cache.cached() <= 3);
    }
    // A dropped summary is read again, and is right.
    for (int i = 0; i < 10; ++i) CHECK(cache.find_conversation("c_" + std::to_string(i)).value()->conv == "c_" + std::to_string(i));
}
