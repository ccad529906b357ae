// Store: quality flags (issue 18; store.hpp "quality flags") on every backend: stored
// with increasing ids, listed newest first a page at a time, open ones alone, reviewed
// once, one open flag per conversation and kind found, and gone with the conversation.
#include <catch2/catch.hpp>

#include "support/store_backends.hpp"

using namespace parley::relay;
using namespace parley::relay::test;

namespace {
constexpr std::int64_t T0 = 1'700'000'000'000;

QualityFlag flag(const std::string& conv, const std::string& kind, std::int64_t ts, std::int64_t seq = 0) {
    QualityFlag f;
    f.ts = ts;
    f.conv = conv;
    f.kind = kind;
    f.detail = kind == "compliance" ? "visitor: lawyer" : "";
    f.seq = seq;
    return f;
}
}  // namespace

TEMPLATE_TEST_CASE("quality flags are listed newest first, open ones alone, and reviewed once", "[store][quality]",
                   MemoryBackend, SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    REQUIRE(s.create_visitor(Visitor{"v_1", "Ada", T0}).ok());
    REQUIRE(s.create_conversation("c_1", "v_1", T0).ok());
    REQUIRE(s.create_conversation("c_2", "v_1", T0).ok());
    const auto a = s.add_flag(flag("c_1", "negative_sentiment", T0 + 1, 3));
    const auto c = s.add_flag(flag("c_2", "compliance", T0 + 2, 1));
    const auto d = s.add_flag(flag("c_1", "long_wait", T0 + 3));
    REQUIRE(a.ok());
    REQUIRE(c.ok());
    REQUIRE(d.ok());
    CHECK(a.value() < c.value());
    CHECK(c.value() < d.value());
    CHECK(s.open_flag_count().value() == 3);

    auto page = s.flags_before(0, true, 2).value();
    REQUIRE(page.size() == 2);
    CHECK(page[0].id == d.value());
    CHECK(page[1].id == c.value());
    CHECK(page[1].detail == "visitor: lawyer");
    CHECK(page[1].seq == 1);
    auto rest = s.flags_before(page.back().id, true, 2).value();
    REQUIRE(rest.size() == 1);
    CHECK(rest[0] == QualityFlag{a.value(), T0 + 1, "c_1", "negative_sentiment", "", 3, "", 0});

    CHECK(s.has_open_flag("c_1", "negative_sentiment").value());
    CHECK_FALSE(s.has_open_flag("c_2", "negative_sentiment").value());

    REQUIRE(s.review_flag(a.value(), "a_sue", T0 + 10).value());
    CHECK_FALSE(s.review_flag(a.value(), "a_ann", T0 + 11).value());  // the first review stands
    CHECK_FALSE(s.review_flag(999, "a_sue", T0 + 11).value());
    const auto reviewed = s.find_flag(a.value()).value();
    REQUIRE(reviewed);
    CHECK(reviewed->reviewed_by == "a_sue");
    CHECK(reviewed->reviewed_at == T0 + 10);
    CHECK_FALSE(s.has_open_flag("c_1", "negative_sentiment").value());
    CHECK(s.open_flag_count().value() == 2);
    CHECK(s.flags_before(0, true, 10).value().size() == 2);
    CHECK(s.flags_before(0, false, 10).value().size() == 3);
    CHECK_FALSE(s.find_flag(999).value());

    SECTION("erasing the visitor erases their conversations' flags") {
        REQUIRE(s.erase_visitor("v_1").ok());
        CHECK(s.flags_before(0, false, 10).value().empty());
        CHECK(s.open_flag_count().value() == 0);
    }
    SECTION("retention erasing a conversation erases its flags, and only its") {
        REQUIRE(s.erase_conversations({"c_1"}).ok());
        const auto left = s.flags_before(0, false, 10).value();
        REQUIRE(left.size() == 1);
        CHECK(left[0].conv == "c_2");
    }
}
