// The quality-flag routes (relay/api/api_flags.cpp): the open flags newest first with a
// cursor, all of them on asking, and a review that stands once, audited by its caller.
#include <catch2/catch.hpp>

#include "api_harness.hpp"

namespace {
constexpr std::int64_t T0 = 1'800'000'000'000;
}

TEST_CASE("quality flags are listed newest first a page at a time, and a review stands once", "[api][quality]") {
    ApiHarness a;
    std::string conv;
    a.conversation(conv);
    std::vector<std::int64_t> ids;
    for (const char* kind : {"negative_sentiment", "compliance", "long_wait"}) {
        QualityFlag f;
        f.ts = T0;
        f.conv = conv;
        f.kind = kind;
        ids.push_back(a.h.store.add_flag(f).value());
    }

    auto first = a.call("GET", "/api/v1/flags", a.read_key, {{"limit", "2"}});
    REQUIRE(first.status == 200);
    auto doc = body_of(first);
    CHECK(doc.find("open")->as_int() == 3);
    REQUIRE(doc.find("items")->size() == 2);
    CHECK(doc.find("items")->elements()[0].find("kind")->as_string() == "long_wait");
    CHECK(doc.find("items")->elements()[0].find("reviewed_by")->is_null());
    const std::string cursor = doc.find("next_cursor")->as_string();
    auto second = body_of(a.call("GET", "/api/v1/flags", a.read_key, {{"limit", "2"}, {"cursor", cursor}}));
    REQUIRE(second.find("items")->size() == 1);
    CHECK(second.find("items")->elements()[0].find("id")->as_int() == ids[0]);
    CHECK(second.find("next_cursor")->is_null());

    // A read key may not review; a write key may, once.
    const std::string path = "/api/v1/flags/" + std::to_string(ids[1]) + "/review";
    CHECK(a.call("POST", path, a.read_key).status == 403);
    auto reviewed = a.call("POST", path, a.write_key);
    REQUIRE(reviewed.status == 200);
    CHECK(body_of(reviewed).find("reviewed_at")->as_int() == a.h.now);
    auto again = a.call("POST", path, a.write_key);
    CHECK(again.status == 409);
    CHECK(problem_type(again) == "https://parley.dev/problems/conflict");
    CHECK(a.call("POST", "/api/v1/flags/999/review", a.write_key).status == 404);
    CHECK(a.call("POST", "/api/v1/flags/x/review", a.write_key).status == 400);

    // Open ones by default; all on asking.
    CHECK(body_of(a.call("GET", "/api/v1/flags", a.read_key)).find("items")->size() == 2);
    CHECK(body_of(a.call("GET", "/api/v1/flags", a.read_key, {{"status", "all"}})).find("items")->size() == 3);
    CHECK(a.call("GET", "/api/v1/flags", a.read_key, {{"status", "closed"}}).status == 400);
    CHECK(a.call("GET", "/api/v1/flags", a.read_key, {{"cursor", "abc"}}).status == 400);

    auto entries = a.h.store.audit_before(INT64_MAX, 20);
    REQUIRE(entries.ok());
    bool audited = false;
    for (const auto& e : entries.value()) audited |= e.action == "flag.review" && e.conv == conv;
    CHECK(audited);
}
