// Triage on the hot path: the relay classifies every visitor message on its loop thread
// and the widget every message typed, so once warm neither feature extraction nor
// scoring may allocate (their buffers are per-thread and reused).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "counting_new.hpp"
#include "parley/triage/features.hpp"
#include "parley/triage/model.hpp"
#include "triage_fixtures.hpp"

using namespace parley::triage;

namespace {

const char* const kLonger = "Hello! I was charged twice for the Pro plan last month, "
                            "can you refund one of the payments? Merci beaucoup 🙏";
const char* const kShorter = "the export button is broken on safari";

}  // namespace

TEST_CASE("Warm feature extraction allocates nothing for a message no longer than one seen") {
    const FeatureConfig config;
    std::vector<Feature> out;
    extract_features(kLonger, config, out);  // grows the buffers once
    CHECK(counting_new::during([&] { extract_features(kShorter, config, out); }) == 0);
    CHECK(counting_new::during([&] { extract_features(kLonger, config, out); }) == 0);
    CHECK_FALSE(out.empty());
}

TEST_CASE("Warm extraction of already-normalised text allocates nothing either") {
    const FeatureConfig config;
    std::vector<Feature> out;
    extract_features_normalized("i was charged twice for the pro plan", config, out);
    CHECK(counting_new::during([&] {
              extract_features_normalized("refund one of the payments", config, out);
          }) == 0);
}

TEST_CASE("Warm raw scores allocate nothing") {
    const Model& model = fixtures::small_model();
    std::vector<float> scores;
    model.scores(kLonger, scores);
    CHECK(counting_new::during([&] { model.scores(kShorter, scores); }) == 0);
    CHECK(scores.size() == model.labels().size());
}

TEST_CASE("A warm prediction allocates only the top list it returns") {
    const Model& model = fixtures::small_model();
    (void)model.predict(kLonger, 3);
    Prediction p;
    CHECK(counting_new::during([&] { p = model.predict(kShorter, 3); }) == 1);
    CHECK(p.top.size() == 3);
}

TEST_CASE("A message over 16 KiB hands its buffers back, so the next one grows them again") {
    const FeatureConfig config;
    std::vector<Feature> out;
    extract_features(kLonger, config, out);
    std::string huge;
    while (huge.size() <= 16 * 1024) huge += "my card payment was declined again ";
    extract_features(huge, config, out);
    std::vector<Feature> small;
    small.reserve(out.size());  // the caller's buffer is not what this counts
    CHECK(counting_new::during([&] { extract_features(kShorter, config, small); }) > 0);
}
