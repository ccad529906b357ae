// The routing history reports read (issue 18): the Hub writes one event per routing
// step, with the change it records, and a report of a real flow gives its figures.
#include <catch2/catch.hpp>

#include "reports/report.hpp"
#include "reports/report_source.hpp"
#include "support/hub_harness.hpp"

using namespace parley::relay;
using namespace parley::relay::test;

namespace {

std::vector<std::string> kinds(const std::vector<ConvEvent>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.kind);
    return out;
}

}  // namespace

TEST_CASE("The Hub records a conversation's opening, assignment, close and reopening for reports", "[reports]") {
    HubHarness h;
    const ConnId ann = h.agent(h.make_agent("a_ann", "ann@example.com", "Ann"));
    p::Welcome w;
    const ConnId visitor = h.visitor(&w);
    const std::string conv = *w.conv;
    // Hello alone opens nothing: a conversation starts with its first message.
    CHECK(h.store.events_of_conversations_opened(0, h.now + 1).value().empty());

    h.send(visitor, p::Send{conv, "v.1", "hello"});
    h.now += 7000;
    h.send(ann, p::Send{conv, "a.1", "Hi, Ann here"});
    h.now += 60'000;
    h.send(ann, p::CloseConv{conv});
    h.now += 1000;
    h.send(visitor, p::Send{conv, "v.2", "one more thing"});

    auto events = h.store.events_of_conversations_opened(0, h.now + 1);
    REQUIRE(events);
    CHECK(kinds(events.value()) == std::vector<std::string>{"opened", "assigned", "closed", "reopened", "assigned"});
    const ConvEvent& assigned = events.value()[1];
    CHECK(assigned.agent == "a_ann");
    CHECK(assigned.team == "general");
    CHECK(assigned.detail == "new");
    CHECK(events.value()[2].detail == "agent");
    CHECK(events.value()[4].detail == "returning");

    // The report of that history: answered in 7 s, closed once, then reopened.
    auto histories = reports::load_histories(h.store, 0, h.now + 1);
    REQUIRE(histories);
    auto rows = reports::compute_report(histories.value(), reports::GroupBy::agent);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].key == "a_ann");
    CHECK(rows[0].first_response.median_s == 7.0);
    CHECK(rows[0].closed == 1);
    CHECK(rows[0].reopened == 1);
    CHECK(rows[0].resolution.count == 0);  // open again at the end
}

TEST_CASE("A conversation queued for want of agents records the wait and who took it", "[reports]") {
    HubHarness h;
    p::Welcome w;
    const ConnId visitor = h.visitor(&w);
    h.send(visitor, p::Send{*w.conv, "v.1", "anyone there?"});
    h.now += 45'000;
    const ConnId bob = h.agent(h.make_agent("a_bob", "bob@example.com", "Bob"));
    (void)bob;
    auto events = h.store.events_of_conversations_opened(0, h.now + 1);
    REQUIRE(events);
    CHECK(kinds(events.value()) == std::vector<std::string>{"opened", "queued", "assigned"});
    auto histories = reports::load_histories(h.store, 0, h.now + 1);
    auto rows = reports::compute_report(histories.value(), reports::GroupBy::team);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].key == "general");
    CHECK(rows[0].queue_wait.count == 1);
    CHECK(rows[0].queue_wait.median_s == 45.0);
}

TEST_CASE("Erasing a visitor erases their conversations' events", "[reports]") {
    HubHarness h;
    p::Welcome w;
    const ConnId visitor = h.visitor(&w);
    h.send(visitor, p::Send{*w.conv, "v.1", "hello"});
    REQUIRE_FALSE(h.store.events_of_conversations_opened(0, h.now + 1).value().empty());
    auto conv = h.store.find_conversation(*w.conv);
    REQUIRE(conv);
    REQUIRE(conv.value());
    REQUIRE(h.store.erase_conversations({*w.conv}));
    CHECK(h.store.events_of_conversations_opened(0, h.now + 1).value().empty());
}
