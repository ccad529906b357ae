// The real relay started with extra options for one test, or the test stops (REQUIRE)
// with the relay's log: what the limits, login and quota scenarios each wrote alike.
#pragma once

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "relay_process.hpp"

namespace parley::test {

inline std::unique_ptr<RelayProcess> start_relay(std::vector<std::string> args, RelayOptions o = {}) {
    o.extra_args = std::move(args);
    auto relay = std::make_unique<RelayProcess>(o);
    auto st = relay->start();
    INFO(st.detail);
    REQUIRE(st.ok);
    return relay;
}

}  // namespace parley::test
