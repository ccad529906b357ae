// The default model's data (data/triage/) and the model it trains: the promises of
// docs/triage.md, checked on every test run. Training takes well under a second.
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "parley/triage/dataset.hpp"
#include "parley/triage/trainer.hpp"

using namespace parley::triage;

namespace {
std::vector<Example> load(const std::string& name) {
    std::ifstream in(std::string(PARLEY_TRIAGE_DATA_DIR) + "/" + name, std::ios::binary);
    REQUIRE(in);
    std::stringstream ss;
    ss << in.rdbuf();
    auto r = parse_csv_examples(ss.str());
    REQUIRE(r.ok());
    return std::move(r).value();
}
}  // namespace

TEST_CASE("the default data covers every intent with at least 80 training examples", "[triage][data]") {
    const std::set<std::string> intents = {"pricing", "billing", "onboarding", "integrations", "bug_report",
                                           "refund", "feature_request", "general", "oos"};
    std::map<std::string, int> train_n, hold_n;
    for (const auto& e : load("train.csv")) train_n[e.label]++;
    for (const auto& e : load("holdout.csv")) hold_n[e.label]++;
    CHECK(train_n.size() == intents.size());
    for (const auto& label : intents) {
        CAPTURE(label);
        CHECK(train_n[label] >= 80);
        CHECK(hold_n[label] >= 15);
    }
}

TEST_CASE("the held-out part shares no text with the training part", "[triage][data]") {
    std::set<std::string> seen;
    for (const auto& e : load("train.csv")) seen.insert(e.text);
    for (const auto& e : load("holdout.csv")) {
        CAPTURE(e.text);
        CHECK(seen.count(e.text) == 0);
    }
}

TEST_CASE("the default model is reproducible and classifies its held-out part", "[triage][data]") {
    const auto train_set = load("train.csv");
    TrainOptions o;
    o.seed = 1;  // as tools/parley-triage/CMakeLists.txt builds it
    auto a = train(train_set, {}, o);
    auto b = train(train_set, {}, o);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    CHECK(a.value().model.save() == b.value().model.save());
    const Model& m = a.value().model;
    CHECK(m.save().size() <= 1000000);
    size_t right = 0;
    const auto held = load("holdout.csv");
    for (const auto& e : held) right += m.labels()[m.predict(e.text).label] == e.label;
    // A floor well under the measured figure (bench/README.md): it catches a broken
    // model or data, not noise.
    CHECK(static_cast<double>(right) / held.size() >= 0.75);
}
