// Agents' availability over time (issue 18, core/hub_availability.cpp): the Hub writes a
// row when an agent's status or seat-holding load changes, and a report of a real flow
// gives its occupancy and conversations per agent-hour.
#include <catch2/catch.hpp>

#include "reports/report.hpp"
#include "reports/report_source.hpp"
#include "support/hub_harness.hpp"

using namespace parley::relay;
using namespace parley::relay::test;

namespace {

constexpr std::int64_t kMinute = 60'000;

std::vector<std::string> described(const std::vector<AgentEvent>& events) {
    std::vector<std::string> out;
    for (const AgentEvent& e : events)
        out.push_back(e.agent + ":" + e.status + "/" + std::to_string(e.load) + "/" + e.reason);
    return out;
}

}  // namespace

TEST_CASE("The Hub records an agent's availability and load as they change, and a report reads them",
          "[reports][agents]") {
    HubHarness h;
    const std::int64_t start = h.now;
    const ConnId ann = h.agent(h.make_agent("a_ann", "ann@example.com", "Ann"));
    p::Welcome w;
    const ConnId visitor = h.visitor(&w);
    h.send(visitor, p::Send{*w.conv, "v.1", "hello"});  // assigned to Ann at once
    h.now += 30 * kMinute;
    h.send(ann, p::SetPresence{"away"});  // away, still with the conversation
    h.now += 30 * kMinute;
    h.send(ann, p::CloseConv{*w.conv});   // done: a break
    h.now += 30 * kMinute;
    h.send(ann, p::SetPresence{"available"});
    h.send(ann, p::SetPresence{"available"});  // no change: no row
    h.now += 30 * kMinute;
    h.close(ann);

    auto rows = h.store.agent_events_between(0, h.now + 1);
    REQUIRE(rows.ok());
    CHECK(described(rows.value()) == std::vector<std::string>{"a_ann:available/0/connect", "a_ann:available/1/load",
                                                              "a_ann:away/1/set", "a_ann:away/0/load",
                                                              "a_ann:available/0/set", "a_ann:offline/0/disconnect"});

    // Online 2 h; handling the first hour (30 min of it away); idle the last 30 min; the
    // 30 min break in neither: occupancy 60 / 90; one conversation in 2 h → 0.5 per hour.
    auto time = reports::load_agent_time(h.store, start, h.now + 1, h.now + 1, reports::GroupBy::agent);
    REQUIRE(time.ok());
    REQUIRE(time.value());
    const reports::AgentTime& t = time.value()->at("a_ann");
    CHECK(t.online_ms == 120 * kMinute);
    CHECK(t.handling_ms == 60 * kMinute);
    CHECK(t.idle_ms == 30 * kMinute);
    CHECK(t.occupancy() == Approx(2.0 / 3.0));
    CHECK(t.handled == 1);
    CHECK(t.per_agent_hour() == Approx(0.5));

    auto histories = reports::load_histories(h.store, start, h.now + 1);
    REQUIRE(histories.ok());
    auto report = reports::compute_report(histories.value(), reports::GroupBy::agent, time.value());
    REQUIRE(report.size() == 1);
    CHECK(report[0].key == "a_ann");
    REQUIRE(report[0].agents);
    CHECK(report[0].agents->occupancy() == Approx(2.0 / 3.0));
}

TEST_CASE("A relay shutting down marks its online agents offline", "[reports][agents]") {
    HubHarness h;
    h.agent(h.make_agent("a_ann", "ann@example.com", "Ann"));
    h.agent(h.make_agent("a_bob", "bob@example.com", "Bob"));
    h.now += 10 * kMinute;
    h.hub.shutdown(h.now);
    (void)h.hub.take_outputs();
    auto rows = h.store.agent_events_between(0, h.now + 1);
    REQUIRE(rows.ok());
    CHECK(described(rows.value()) == std::vector<std::string>{"a_ann:available/0/connect", "a_bob:available/0/connect",
                                                              "a_ann:offline/0/stop", "a_bob:offline/0/stop"});
}

TEST_CASE("A relay that starts after a crash marks the agents it left online as offline", "[reports][agents]") {
    HubHarness h;
    h.agent(h.make_agent("a_ann", "ann@example.com", "Ann"));  // connected: available; then the relay dies
    h.now += 10 * kMinute;
    Hub restarted{h.store, h.random, HubHarness::config()};
    restarted.on_open(1, h.now, "");  // routing loads on first use
    auto rows = h.store.agent_events_between(0, h.now + 1);
    REQUIRE(rows.ok());
    CHECK(described(rows.value()) ==
          std::vector<std::string>{"a_ann:available/0/connect", "a_ann:offline/0/restart"});
    CHECK(rows.value().back().ts == h.now);
}
