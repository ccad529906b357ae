// Test helpers for the routing engine: a virtual clock and decision pickers.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "route/router.hpp"

namespace parley::route::test {

constexpr Millis kSec = 1000;
constexpr Millis kMin = 60 * kSec;

// A router plus a virtual clock. Every call goes through `at` so tests read as a
// timeline: `f.t += 30 * kSec; f.customer("c1", "hello");`.
struct Fixture {
    Router router;
    Millis t = 1'000'000;

    explicit Fixture(RouterConfig cfg = {}) : router(std::move(cfg)) {}

    Outcome agent(const std::string& id, std::vector<std::string> teams = {"general"},
                  int preferred = 2, int max_load = 4, std::vector<std::string> skills = {}) {
        router.upsert_agent({id, std::move(teams), std::move(skills), preferred, max_load}, t);
        return router.set_status(id, AgentStatus::Available, t);
    }
    Outcome open(const std::string& conv, const std::string& intent = {}, const std::string& page = {}) {
        ConvSpec s;
        s.id = conv;
        s.intent = intent;
        s.page = page;
        return router.open(s, t);
    }
    Outcome customer(const std::string& conv, const std::string& text = "I have a question") {
        return router.customer_message(conv, text, t);
    }
    Outcome reply(const std::string& conv, const std::string& agent, const std::string& text = "Sure, let me check") {
        return router.agent_message(conv, agent, text, t);
    }
    Outcome advance(Millis dt) {
        t += dt;
        return router.tick(t);
    }
    std::string owner(const std::string& conv) const { return router.conversation(conv)->agent; }
    ConvState state(const std::string& conv) const { return router.conversation(conv)->state; }
    int load(const std::string& agent) const { return router.agent(agent)->load; }
};

template <class T>
std::vector<T> all(const Outcome& o) {
    std::vector<T> v;
    for (const auto& d : o.decisions)
        if (auto p = std::get_if<T>(&d)) v.push_back(*p);
    return v;
}

template <class T>
bool has(const Outcome& o) { return !all<T>(o).empty(); }

template <class T>
T first(const Outcome& o) {
    auto v = all<T>(o);
    if (v.empty()) throw std::runtime_error("expected decision missing");
    return v.front();
}

}  // namespace parley::route::test
