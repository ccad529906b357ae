// Agents' time in reports (issue 18, reports/agent_time.hpp): occupancy and
// conversations per agent-hour on a hand-made availability log whose answer is worked
// out in the comments.
#include <catch2/catch.hpp>

#include "reports/agent_time.hpp"

using namespace parley::relay;
using namespace parley::relay::reports;

namespace {

constexpr std::int64_t kDay0 = 1'796'515'200'000;  // 2026-12-06T00:00:00Z
constexpr std::int64_t kDay = 24 * 3600 * 1000;
constexpr std::int64_t h = 3600 * 1000;  // one hour in ms
constexpr std::int64_t m = 60 * 1000;    // one minute

AgentEvent at(std::int64_t ts, const std::string& agent, const std::string& status, std::int64_t load) {
    static std::int64_t id = 0;
    return AgentEvent{++id, ts, agent, status, load, "test"};
}
ConvEvent assigned(std::int64_t ts, const std::string& conv, const std::string& agent) {
    return ConvEvent{0, ts, conv, "assigned", "general", agent, "new", ""};
}

// Ann's day (2026-12-06): available from 08:00 with nothing; a conversation at 09:00, a
// second at 10:00; away at 11:00 still with one, which she finishes at 11:30 (then a
// break); available again at 12:00, signed out at 13:00.
//   online 08:00–13:00 = 5 h; handling 09:00–11:30 = 2.5 h (away with a conversation
//   still counts); idle 08:00–09:00 and 12:00–13:00 = 2 h; the break is in neither.
//   occupancy 2.5 / 4.5; handled: c1 and c2 (c1 assigned twice counts once) → 2 / 5 h.
// Bob was available before the period began (22:00 the day before) and signs out at
// 01:00: 1 h online, all idle; c3 assigned at 00:30 → 1 per hour; c9, assigned before
// the period, is not his period's.
struct Log {
    std::vector<AgentEvent> availability;
    std::vector<ConvEvent> assignments;
    Log() {
        availability = {at(kDay0 - 2 * h, "bob", "available", 0), at(kDay0 + 1 * h, "bob", "offline", 0),
                        at(kDay0 + 8 * h, "ann", "available", 0),  at(kDay0 + 9 * h, "ann", "available", 1),
                        at(kDay0 + 10 * h, "ann", "available", 2), at(kDay0 + 11 * h, "ann", "away", 1),
                        at(kDay0 + 11 * h + 30 * m, "ann", "away", 0), at(kDay0 + 12 * h, "ann", "available", 0),
                        at(kDay0 + 13 * h, "ann", "offline", 0)};
        assignments = {assigned(kDay0 - 1 * h, "c9", "bob"), assigned(kDay0 + 30 * m, "c3", "bob"),
                       assigned(kDay0 + 9 * h, "c1", "ann"), assigned(kDay0 + 10 * h, "c2", "ann"),
                       assigned(kDay0 + 10 * h + 30 * m, "c1", "ann")};
    }
};

}  // namespace

TEST_CASE("Occupancy is time handling over time handling or available, a break in neither", "[reports][agents]") {
    Log log;
    auto by_agent = agent_time(log.availability, log.assignments, kDay0, kDay0 + kDay, GroupBy::agent);
    REQUIRE(by_agent.size() == 2);
    const AgentTime& ann = by_agent.at("ann");
    CHECK(ann.online_ms == 5 * h);
    CHECK(ann.handling_ms == 2 * h + 30 * m);
    CHECK(ann.idle_ms == 2 * h);
    CHECK(ann.occupancy() == Approx(2.5 / 4.5));
    const AgentTime& bob = by_agent.at("bob");
    CHECK(bob.online_ms == 1 * h);  // from the period's start, not from 22:00
    CHECK(bob.idle_ms == 1 * h);
    CHECK(bob.occupancy() == 0.0);

    SECTION("all agents together: the sums, so the busier hours weigh more") {
        auto all = agent_time(log.availability, log.assignments, kDay0, kDay0 + kDay, GroupBy::all);
        REQUIRE(all.size() == 1);
        CHECK(all.at("all").online_ms == 6 * h);
        CHECK(all.at("all").occupancy() == Approx(2.5 / 5.5));
        CHECK(all.at("all").handled == 3);
        CHECK(all.at("all").per_agent_hour() == Approx(0.5));
    }
}

TEST_CASE("Conversations per agent-hour are the distinct conversations assigned over hours online",
          "[reports][agents]") {
    Log log;
    auto by_agent = agent_time(log.availability, log.assignments, kDay0, kDay0 + kDay, GroupBy::agent);
    CHECK(by_agent.at("ann").handled == 2);
    CHECK(by_agent.at("ann").per_agent_hour() == Approx(0.4));
    CHECK(by_agent.at("bob").handled == 1);
    CHECK(by_agent.at("bob").per_agent_hour() == Approx(1.0));
    SECTION("no time online: zero, not a division by zero") {
        AgentTime none;
        none.handled = 3;
        CHECK(none.per_agent_hour() == 0.0);
        CHECK(none.occupancy() == 0.0);
    }
}

TEST_CASE("Agents' time is cut at UTC midnight by day, and stops at now", "[reports][agents]") {
    // Carl handles one conversation from 23:00 on the 6th to 01:00 on the 7th.
    std::vector<AgentEvent> carl = {at(kDay0 + 23 * h, "carl", "available", 1),
                                    at(kDay0 + kDay + 1 * h, "carl", "available", 0)};
    auto days = agent_time(carl, {}, kDay0, kDay0 + 2 * kDay, GroupBy::day);
    REQUIRE(days.size() == 2);
    CHECK(days.at("2026-12-06").handling_ms == 1 * h);
    CHECK(days.at("2026-12-07").handling_ms == 1 * h);
    CHECK(days.at("2026-12-07").idle_ms == 23 * h);  // still available at the period's end

    SECTION("a period ending now counts no hours yet to come") {
        auto so_far = agent_time(carl, {}, kDay0, kDay0 + kDay + 2 * h, GroupBy::all);
        CHECK(so_far.at("all").online_ms == 3 * h);
        CHECK(so_far.at("all").idle_ms == 1 * h);
    }
}

TEST_CASE("Agents' time is only in groupings where it makes sense", "[reports][agents]") {
    Log log;
    CHECK(agent_time(log.availability, log.assignments, kDay0, kDay0 + kDay, GroupBy::team).empty());
    CHECK(agent_time(log.availability, log.assignments, kDay0, kDay0 + kDay, GroupBy::intent).empty());
    CHECK_FALSE(has_agent_time(GroupBy::team));
    CHECK(has_agent_time(GroupBy::day));
}

TEST_CASE("A report's rows carry their group's agents' time, and agents without conversations get a row",
          "[reports][agents]") {
    Log log;
    ConversationHistory c1{"c1", {ConvEvent{0, kDay0 + 9 * h, "c1", "opened", "", "", "humans", ""},
                                  assigned(kDay0 + 9 * h, "c1", "ann")}, {}};
    ConversationHistory c4{"c4", {ConvEvent{0, kDay0 + 9 * h, "c4", "opened", "", "", "humans", ""}}, {}};
    const auto time = agent_time(log.availability, log.assignments, kDay0, kDay0 + kDay, GroupBy::agent);
    const auto rows = compute_report({c1, c4}, GroupBy::agent, time);
    REQUIRE(rows.size() == 3);  // (none), ann, bob
    CHECK(rows[0].key == "(none)");
    CHECK_FALSE(rows[0].agents);  // no agent: no agent's time
    CHECK(rows[1].key == "ann");
    CHECK(rows[1].conversations == 1);
    REQUIRE(rows[1].agents);
    CHECK(rows[1].agents->online_ms == 5 * h);
    CHECK(rows[2].key == "bob");
    CHECK(rows[2].conversations == 0);
    REQUIRE(rows[2].agents);
    CHECK(rows[2].agents->handled == 1);

    const std::string csv = report_csv(rows, GroupBy::agent, {{"ann", "Ann"}, {"bob", "Bob"}});
    CHECK(csv.find(",agent_online_hours,conversations_handled,conversations_per_agent_hour,occupancy\r\n") !=
          std::string::npos);
    CHECK(csv.find(",5.000,2,0.400,0.556\r\n") != std::string::npos);  // ann
    CHECK(csv.find(",1.000,1,1.000,0.000\r\n") != std::string::npos);  // bob
    SECTION("a grouping without agents' time leaves the cells empty") {
        const std::string teams = report_csv(compute_report({c1, c4}, GroupBy::team), GroupBy::team);
        CHECK(teams.find(",,,,\r\n") != std::string::npos);
    }
}
