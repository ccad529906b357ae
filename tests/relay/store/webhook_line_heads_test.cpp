// WebhookLineHeads (store/webhook_line_heads.hpp): the heads of the webhook lines in
// memory, oldest first, due by next_at; the table side is in webhooks/webhooks_test.cpp.
#include <catch2/catch.hpp>

#include "store/webhook_line_heads.hpp"

using namespace parley::relay;

namespace {

std::vector<std::int64_t> due_ids(const WebhookLineHeads& h, std::int64_t now, int limit,
                                  std::vector<std::int64_t> skip = {}) {
    std::vector<std::int64_t> out;
    for (const auto& [id, line] : h.due(now, limit, [&](std::int64_t i) {
             return std::find(skip.begin(), skip.end(), i) != skip.end();
         }))
        out.push_back(id);
    return out;
}

}  // namespace

TEST_CASE("webhook line heads come oldest first, only when due, one per line", "[webhooks][store]") {
    WebhookLineHeads h;
    CHECK_FALSE(h.known());
    h.rebuilt();
    REQUIRE(h.known());
    const WebhookLine a{"wh_1", "c_a"}, b{"wh_1", "c_b"}, c{"wh_2", "c_a"};
    h.set(b, 7, 100);
    h.set(a, 3, 100);
    h.set(c, 5, 300);
    CHECK(due_ids(h, 99, 10).empty());
    CHECK(due_ids(h, 100, 10) == std::vector<std::int64_t>{3, 7});
    CHECK(due_ids(h, 300, 10) == std::vector<std::int64_t>{3, 5, 7});
    CHECK(due_ids(h, 300, 2) == std::vector<std::int64_t>{3, 5});

    SECTION("skipped heads (in flight) are not counted against the limit") {
        CHECK(due_ids(h, 300, 2, {3}) == std::vector<std::int64_t>{5, 7});
    }
    SECTION("a new head replaces its line's old one") {
        h.set(a, 9, 100);
        CHECK(h.size() == 3);
        CHECK_FALSE(h.line_of(3));
        CHECK(h.line_of(9).value() == a);
        CHECK(due_ids(h, 100, 10) == std::vector<std::int64_t>{7, 9});
    }
    SECTION("a rescheduled head waits; a dropped line is gone") {
        h.reschedule(3, 1'000);
        h.drop(b);
        CHECK(due_ids(h, 300, 10) == std::vector<std::int64_t>{5});
        CHECK(due_ids(h, 1'000, 10) == std::vector<std::int64_t>{3, 5});
        CHECK_FALSE(h.has(b));
    }
    SECTION("forget leaves nothing to trust until rebuilt") {
        h.forget();
        CHECK_FALSE(h.known());
        CHECK(h.size() == 0);
    }
}
