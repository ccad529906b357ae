// The hidden part's trainer (sdk/src/triage/hidden_trainer.cpp), through train().
#include "parley/triage/trainer.hpp"

#include <catch2/catch.hpp>

#include "triage_fixtures.hpp"

using namespace parley::triage;

TEST_CASE("the hidden part is trained deterministically and within its share", "[triage][trainer]") {
    TrainOptions o = fixtures::fast_options();
    o.hidden_epochs = 5;
    auto a = train(fixtures::small_dataset(), {}, o);
    auto b = train(fixtures::small_dataset(), {}, o);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    CHECK(a.value().report.hidden_rows > 0);
    CHECK(a.value().model.save() == b.value().model.save());
    SECTION("a different seed gives a different hidden part") {
        o.seed = 7;
        auto c = train(fixtures::small_dataset(), {}, o);
        REQUIRE(c.ok());
        CHECK(c.value().model.parts().hidden.embed != a.value().model.parts().hidden.embed);
    }
    SECTION("rows need hidden_min_count training examples") {
        o.hidden_min_count = 1000;
        auto c = train(fixtures::small_dataset(), {}, o);
        REQUIRE(c.ok());
        CHECK(c.value().report.hidden_rows == 0);
        CHECK(c.value().model.parts().hidden.dim == 0);
    }
    SECTION("a small share holds fewer rows") {
        o.max_model_bytes = 20000;
        o.hidden_share = 0.5f;
        auto c = train(fixtures::small_dataset(), {}, o);
        REQUIRE(c.ok());
        const HiddenPart& h = c.value().model.parts().hidden;
        CHECK(h.embed.size() + 4 * h.out.size() <= 10000);
        CHECK(c.value().model.save().size() <= 20000);
    }
}

TEST_CASE("hidden_dim 0 trains a linear model only", "[triage][trainer]") {
    TrainOptions o = fixtures::fast_options();
    o.hidden_dim = 0;
    auto r = train(fixtures::small_dataset(), {}, o);
    REQUIRE(r.ok());
    CHECK(r.value().model.parts().hidden.dim == 0);
    CHECK(r.value().report.hidden_rows == 0);
}

TEST_CASE("bad hidden options are reported as errors", "[triage][trainer]") {
    TrainOptions o = fixtures::fast_options();
    SECTION("share of the budget") { o.hidden_share = 1.0f; }
    SECTION("dropout") { o.hidden_dropout = 1.0f; }
    SECTION("epochs") { o.hidden_epochs = 0; }
    SECTION("dimension") { o.hidden_dim = static_cast<uint16_t>(kMaxHiddenDim + 1); }
    auto r = train(fixtures::small_dataset(), {}, o);
    REQUIRE(!r.ok());
    CHECK(r.error().code == TriageErrc::invalid_argument);
}
