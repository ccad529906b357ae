#include "parley/triage/trainer.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <map>

#include "triage_fixtures.hpp"

using namespace parley::triage;

TEST_CASE("training is deterministic: same data and seed give the same bytes", "[triage][trainer]") {
    TrainOptions o = fixtures::fast_options();
    auto a = train(fixtures::small_dataset(), {}, o);
    auto b = train(fixtures::small_dataset(), {}, o);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    CHECK(a.value().model.save() == b.value().model.save());
    SECTION("and a different seed gives different bytes") {
        o.seed = 99;
        auto c = train(fixtures::small_dataset(), {}, o);
        REQUIRE(c.ok());
        CHECK(c.value().model.save() != a.value().model.save());
    }
}

TEST_CASE("the order of labels does not depend on the order of examples", "[triage][trainer]") {
    std::vector<Example> data = fixtures::small_dataset();
    std::reverse(data.begin(), data.end());
    auto r = train(data, {}, fixtures::fast_options());
    REQUIRE(r.ok());
    CHECK(std::is_sorted(r.value().model.labels().begin(), r.value().model.labels().end()));
}

TEST_CASE("a trained model fits its training data", "[triage][trainer]") {
    const Model& m = fixtures::small_model();
    size_t right = 0;
    for (const Example& e : fixtures::small_dataset()) right += m.labels()[m.predict(e.text).label] == e.label;
    CHECK(right >= fixtures::small_dataset().size() * 9 / 10);
}

TEST_CASE("the model respects its size budget", "[triage][trainer]") {
    TrainOptions o = fixtures::fast_options();
    o.max_model_bytes = 2000;
    auto r = train(fixtures::small_dataset(), {}, o);
    REQUIRE(r.ok());
    CHECK(r.value().model.save().size() <= 2000);
    CHECK(r.value().report.kept_weights < r.value().report.distinct_features * r.value().report.classes);
}

TEST_CASE("training reports bad input as errors", "[triage][trainer]") {
    SECTION("no examples") {
        auto r = train({}, {}, TrainOptions{});
        REQUIRE(!r.ok());
        CHECK(r.error().code == TriageErrc::empty_data);
    }
    SECTION("bad options") {
        TrainOptions o;
        o.epochs = 0;
        auto r = train(fixtures::small_dataset(), {}, o);
        REQUIRE(!r.ok());
        CHECK(r.error().code == TriageErrc::invalid_argument);
    }
    SECTION("too many classes") {
        std::vector<Example> data;
        for (int i = 0; i < 300; ++i) data.push_back({"text " + std::to_string(i), "l" + std::to_string(i)});
        auto r = train(data, {}, TrainOptions{});
        REQUIRE(!r.ok());
        CHECK(r.error().code == TriageErrc::too_many_classes);
    }
}

TEST_CASE("temperature fitting sharpens underconfident scores and softens overconfident ones",
          "[triage][trainer]") {
    // Two classes; the right one always leads by 1 but is right only ~73 % of the
    // time at T = 1 with 8 of 10 correct: the fitted T must lie near the value at which
    // softmax(1/T) = 0.8, i.e. T = 1 / ln 4.
    std::vector<std::vector<float>> scores;
    std::vector<int> gold;
    for (int i = 0; i < 10; ++i) {
        scores.push_back({1.0f, 0.0f});
        gold.push_back(i < 8 ? 0 : 1);
    }
    CHECK(fit_temperature(scores, gold) == Approx(1.0 / std::log(4.0)).epsilon(1e-3));
}

TEST_CASE("stratified_split holds out the same share of every label, deterministically",
          "[triage][trainer]") {
    std::vector<Example> kept, held, kept2, held2;
    stratified_split(fixtures::small_dataset(), 0.25f, 7, kept, held);
    stratified_split(fixtures::small_dataset(), 0.25f, 7, kept2, held2);
    CHECK(kept.size() + held.size() == fixtures::small_dataset().size());
    REQUIRE(held.size() == held2.size());
    for (size_t i = 0; i < held.size(); ++i) CHECK(held[i].text == held2[i].text);
    std::map<std::string, int> per_label;
    for (const auto& e : held) per_label[e.label]++;
    for (const auto& [label, n] : per_label) CHECK(n == 2);  // 8 per label × 0.25
}

TEST_CASE("choose_threshold rejects out-of-scope look-alikes", "[triage][trainer]") {
    Model m = fixtures::small_model();
    m.set_temperature(1.0f);
    const int oos = m.parts().oos_class;
    const int pricing = m.label_index("pricing");
    std::vector<std::vector<float>> scores;
    std::vector<int> gold;
    auto add = [&](float pricing_score, int label) {
        std::vector<float> s(m.num_classes(), 0.0f);
        s[pricing] = pricing_score;
        scores.push_back(s);
        gold.push_back(label);
    };
    SECTION("when confidence separates them, both objectives find the gap") {
        for (int i = 0; i < 5; ++i) { add(10.0f, pricing); add(1.0f, oos); }
        for (auto objective : {ThresholdObjective::accuracy, ThresholdObjective::balanced}) {
            m.set_threshold(choose_threshold(m, scores, gold, objective));
            for (size_t i = 0; i < gold.size(); ++i) CHECK(m.decide(scores[i], 1).label == gold[i]);
        }
    }
    SECTION("when they overlap, accuracy keeps in-scope answers and balanced favours recall") {
        for (int i = 0; i < 6; ++i) add(10.0f, pricing);
        add(2.0f, pricing);  // confidence ~0.48
        add(2.0f, pricing);
        add(2.5f, oos);      // confidence ~0.60: more confident than two right answers
        CHECK(choose_threshold(m, scores, gold, ThresholdObjective::accuracy) == 0.0f);
        m.set_threshold(choose_threshold(m, scores, gold, ThresholdObjective::balanced));
        CHECK(m.decide(scores.back(), 1).label == oos);
        CHECK(m.decide(scores[0], 1).label == pricing);
    }
}
