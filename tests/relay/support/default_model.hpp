// The relay's default triage model (built from data/triage/ into the build tree), loaded
// once for the tests that need the relay's own readings of a message.
#pragma once

#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <vector>

#include "parley/triage/model.hpp"

namespace parley::relay::test {

inline const parley::triage::Model& default_model() {
    static const parley::triage::Model model = [] {
        std::ifstream in(PARLEY_TEST_TRIAGE_MODEL, std::ios::binary);
        const std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        auto m = parley::triage::Model::load(bytes.data(), bytes.size());
        REQUIRE(m.ok());
        return std::move(m).value();
    }();
    return model;
}

}  // namespace parley::relay::test
