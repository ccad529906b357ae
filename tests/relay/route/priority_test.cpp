#include <catch2/catch.hpp>

#include "route/priority.hpp"
#include "route_fixture.hpp"

using namespace parley::route;
using namespace parley::route::test;

TEST_CASE("The score grows with wait for every customer", "[route][priority]") {
    PriorityWeights w;
    for (double gap : {-1.0, 5'000.0, 60'000.0, 600'000.0}) {
        CAPTURE(gap);
        CHECK(awaiting_agent_score(w, 0, gap) == 0.0);
        CHECK(awaiting_agent_score(w, 1 * kMin, gap) < awaiting_agent_score(w, 2 * kMin, gap));
    }
}

TEST_CASE("An engaged customer outranks a slow one who waited longer", "[route][priority]") {
    PriorityWeights w;  // defaults, as documented in docs/routing.md §3
    const double engaged = awaiting_agent_score(w, 60 * kSec, 15'000);   // 1 min, 15 s gaps
    const double slow = awaiting_agent_score(w, 4 * kMin, 300'000);      // 4 min, 5 min gaps
    CHECK(engaged == Approx(1.0 + 4.0 * 60.0 / 35.0));
    CHECK(slow == Approx(4.0 + 4.0 * 240.0 / 320.0));
    CHECK(engaged > slow);
    SECTION("but the slow customer is not starved: enough wait wins") {
        CHECK(awaiting_agent_score(w, 6 * kMin, 300'000) > engaged);
    }
    SECTION("with the engagement weight at zero the order is longest wait first") {
        w.engaged = 0;
        CHECK(awaiting_agent_score(w, 60 * kSec, 15'000) < awaiting_agent_score(w, 4 * kMin, 300'000));
    }
}

TEST_CASE("Reply gaps are folded into an exponentially weighted mean", "[route][priority]") {
    PriorityWeights w;
    w.gap_alpha = 0.5;
    double m = update_gap(w, -1, 10'000);
    CHECK(m == 10'000);
    m = update_gap(w, m, 30'000);
    CHECK(m == 20'000);
    CHECK(update_gap(w, m, -5) == 10'000);  // negative gaps count as zero
}
