#include "parley/triage/metrics.hpp"

#include <catch2/catch.hpp>

using namespace parley::triage;

TEST_CASE("evaluate computes accuracy, macro-F1, per-class figures and confusions", "[triage][metrics]") {
    const std::vector<std::string> gold = {"a", "a", "b", "b", "oos", "oos"};
    const std::vector<std::string> pred = {"a", "b", "b", "b", "oos", "a"};
    const EvalReport r = evaluate(gold, pred, {"a", "b", "oos"}, "oos");
    CHECK(r.examples == 6);
    CHECK(r.accuracy == Approx(4.0 / 6));
    REQUIRE(r.classes.size() == 3);
    CHECK(r.classes[0].precision == Approx(0.5));   // a: predicted twice, right once
    CHECK(r.classes[0].recall == Approx(0.5));
    CHECK(r.classes[1].precision == Approx(2.0 / 3));
    CHECK(r.classes[1].recall == Approx(1.0));
    CHECK(r.macro_f1 == Approx((0.5 + 0.8 + 2.0 / 3) / 3));
    CHECK(r.has_oos);
    CHECK(r.oos_recall == Approx(0.5));
    CHECK(r.in_scope_accuracy == Approx(0.75));
    REQUIRE(r.confusions.size() == 2);
}

TEST_CASE("expected_calibration_error is zero when confidence matches accuracy", "[triage][metrics]") {
    // Bin 0.7–0.8: confidence 0.75, right 3 times in 4.
    CHECK(expected_calibration_error({0.75f, 0.75f, 0.75f, 0.75f}, {true, true, true, false}) == Approx(0.0));
    // Overconfident: 0.95 but right half the time.
    CHECK(expected_calibration_error({0.95f, 0.95f}, {true, false}) == Approx(0.45));
    CHECK(expected_calibration_error({}, {}) == 0.0);
}
