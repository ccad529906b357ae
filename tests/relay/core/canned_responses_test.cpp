// Canned responses (core/canned_responses.hpp, issue 17): who may save and delete which,
// the shape and size of a response, and the limits per agent and per team, each refused
// with its documented code and a message that says what to do.
#include <catch2/catch.hpp>

#include "core/canned_responses.hpp"
#include "store/memory_store.hpp"
#include "support/deterministic_random.hpp"

using namespace parley::relay;
using namespace parley::relay::test;
namespace p = parley::protocol;

namespace {

constexpr std::int64_t T0 = 1'700'000'000'000;

struct Desk {
    MemoryStore store;
    DeterministicRandom random;
    CannedActor ann{"a_ann", {"general"}, false};
    CannedActor bob{"a_bob", {"general"}, false};
    CannedActor sue{"a_sue", {"general", "billing"}, true};  // a supervisor

    parley::Result<p::CannedResponse> save(const CannedActor& who, p::CannedOp op, CannedLimits limits = {}) {
        op.op = "save";
        return save_canned(store, who, op, T0, random, limits);
    }
    p::CannedResponse saved(const CannedActor& who, p::CannedOp op) {
        auto r = save(who, std::move(op));
        INFO((r.ok() ? std::string() : r.error().detail));
        REQUIRE(r.ok());
        return r.value();
    }
    std::vector<p::CannedResponse> list(const CannedActor& who) {
        auto l = list_canned(store, who);
        REQUIRE(l.ok());
        return l.value();
    }
};

p::CannedOp personal(std::string shortcut, std::string text) {
    return p::CannedOp{"save", "", "personal", "", std::move(shortcut), std::move(text)};
}
p::CannedOp team(std::string name, std::string shortcut, std::string text) {
    return p::CannedOp{"save", "", "team", std::move(name), std::move(shortcut), std::move(text)};
}

}  // namespace

TEST_CASE("an agent lists their own responses and their teams', never a colleague's personal ones", "[canned]") {
    Desk d;
    const auto mine = d.saved(d.ann, personal("hi", "Hi {first_name}, {agent_name} here."));
    CHECK(mine.id.rfind("cr_", 0) == 0);
    CHECK(mine.scope == "personal");
    CHECK(mine.team.empty());
    CHECK(mine.updated == T0);
    d.saved(d.bob, personal("bye", "Bye!"));
    d.saved(d.sue, team("general", "hours", "We answer 9-17."));
    d.saved(d.sue, team("billing", "refund", "Refunds take 5 days."));

    const auto ann = d.list(d.ann);
    REQUIRE(ann.size() == 2);
    CHECK(ann[0] == mine);  // the variables are stored as written: the console fills them
    CHECK(ann[1].scope == "team");
    CHECK(ann[1].team == "general");
    CHECK(ann[1].shortcut == "hours");
    CHECK(d.list(d.sue).size() == 2);  // general and billing, no personal ones of others
}

TEST_CASE("team responses are managed by supervisors only; personal ones by their agent only", "[canned]") {
    Desk d;
    SECTION("an agent may not create a team response") {
        auto r = d.save(d.ann, team("general", "hours", "We answer 9-17."));
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == p::ErrorCode::forbidden);
        CHECK(r.error().detail == "only supervisors manage team responses");
    }
    SECTION("an agent may not edit or delete a team response") {
        const auto hours = d.saved(d.sue, team("general", "hours", "We answer 9-17."));
        p::CannedOp edit = personal("hours", "We never answer.");
        edit.id = hours.id;
        CHECK(d.save(d.ann, edit).error().code == p::ErrorCode::forbidden);
        CHECK(delete_canned(d.store, d.ann, hours.id).error().code == p::ErrorCode::forbidden);
        CHECK(d.list(d.ann)[0].text == "We answer 9-17.");
        CHECK(delete_canned(d.store, d.sue, hours.id).ok());
        CHECK(d.list(d.ann).empty());
    }
    SECTION("a colleague's personal response is refused like an unknown id") {
        const auto bye = d.saved(d.bob, personal("bye", "Bye!"));
        p::CannedOp edit = personal("bye", "Mine now");
        edit.id = bye.id;
        const auto stolen = d.save(d.ann, edit);
        const auto unknown = delete_canned(d.store, d.ann, "cr_nope");
        CHECK(stolen.error().code == p::ErrorCode::forbidden);
        CHECK(unknown.error().code == p::ErrorCode::forbidden);
        CHECK(stolen.error().detail == unknown.error().detail);
        CHECK(delete_canned(d.store, d.sue, bye.id).error().code == p::ErrorCode::forbidden);  // not a team's
    }
    SECTION("the agent edits their own response in place") {
        const auto hi = d.saved(d.ann, personal("hi", "Hi"));
        p::CannedOp edit = personal("hello", "Hello!");
        edit.id = hi.id;
        const auto again = d.saved(d.ann, edit);
        CHECK(again.id == hi.id);
        REQUIRE(d.list(d.ann).size() == 1);
        CHECK(d.list(d.ann)[0].shortcut == "hello");
    }
}

TEST_CASE("a response's shortcut and text are bounded, and a shortcut is unique per owner", "[canned]") {
    Desk d;
    using Row = std::tuple<std::string, std::string, p::ErrorCode>;
    auto [shortcut, text, code] = GENERATE(table<std::string, std::string, p::ErrorCode>({
        Row{"", "x", p::ErrorCode::bad_field},
        Row{"Hello", "x", p::ErrorCode::bad_field},      // lower case only
        Row{"a b", "x", p::ErrorCode::bad_field},
        Row{std::string(33, 'a'), "x", p::ErrorCode::bad_field},
        Row{"ok", std::string(1001, 'x'), p::ErrorCode::text_too_long},
        Row{"ok", "", p::ErrorCode::missing_field},
    }));
    CAPTURE(shortcut, text.size());
    auto r = d.save(d.ann, personal(shortcut, text));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == code);
    CHECK(d.list(d.ann).empty());

    d.saved(d.ann, personal(std::string(32, 'a'), std::string(1000, 'x')));  // the bounds themselves fit
    auto twice = d.save(d.ann, personal(std::string(32, 'a'), "again"));
    CHECK(twice.error().code == p::ErrorCode::bad_field);
    CHECK(twice.error().detail == "the shortcut /" + std::string(32, 'a') + " is taken");
    d.saved(d.bob, personal(std::string(32, 'a'), "Bob's own"));  // another owner: free
}

TEST_CASE("an agent's and a team's number of responses are limited, with an error saying so", "[canned]") {
    Desk d;
    const CannedLimits limits{2, 3};
    REQUIRE(d.save(d.ann, personal("a", "1"), limits).ok());
    REQUIRE(d.save(d.ann, personal("b", "2"), limits).ok());
    auto third = d.save(d.ann, personal("c", "3"), limits);
    REQUIRE_FALSE(third.ok());
    CHECK(third.error().code == p::ErrorCode::canned_limit);
    CHECK(third.error().detail == "you have 2 canned responses, the most allowed (2); delete one first");
    CHECK_FALSE(p::is_retryable(third.error().code));

    // Editing one at the limit is no new one.
    p::CannedOp edit = personal("b", "two");
    edit.id = d.list(d.ann)[1].id;
    CHECK(d.save(d.ann, edit, limits).ok());
    // Deleting one makes room.
    REQUIRE(delete_canned(d.store, d.ann, d.list(d.ann)[0].id).ok());
    CHECK(d.save(d.ann, personal("c", "3"), limits).ok());

    for (const char* s : {"x", "y", "z"}) REQUIRE(d.save(d.sue, team("general", s, "t"), limits).ok());
    auto fourth = d.save(d.sue, team("general", "w", "t"), limits);
    CHECK(fourth.error().code == p::ErrorCode::canned_limit);
    CHECK(fourth.error().detail == "team general has 3 canned responses, the most allowed (3); delete one first");
    CHECK(d.save(d.sue, team("billing", "w", "t"), limits).ok());  // per team
}
