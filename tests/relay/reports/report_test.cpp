// Support reports (issue 18, reports/report.hpp): each figure of docs/reports.md on a
// hand-made history whose answer is worked out in the comments.
#include <catch2/catch.hpp>

#include "reports/report.hpp"

using namespace parley::relay;
using namespace parley::relay::reports;

namespace {

constexpr std::int64_t kDay0 = 1'796'515'200'000;  // 2026-12-06T00:00:00Z
constexpr std::int64_t s = 1000;                   // one second in ms

ConvEvent ev(std::int64_t ts, const std::string& kind, const std::string& team = "", const std::string& agent = "",
             const std::string& detail = "", const std::string& intent = "") {
    return ConvEvent{0, ts, "", kind, team, agent, detail, intent};
}

struct Conv {
    ConversationHistory h;
    explicit Conv(std::string id) { h.conv = std::move(id); }
    Conv& opened(std::int64_t ts, bool bot, const std::string& intent = "") {
        h.events.push_back(ev(ts, "opened", "", "", bot ? "bot" : "humans", intent));
        return *this;
    }
    Conv& event(ConvEvent e) {
        e.conv = h.conv;
        h.events.push_back(std::move(e));
        return *this;
    }
    Conv& says(std::int64_t ts, const std::string& role) {
        h.messages.push_back({ts, role});
        return *this;
    }
};

ReportRow only_row(const std::vector<Conv>& convs, GroupBy by = GroupBy::all) {
    std::vector<ConversationHistory> hs;
    for (const auto& c : convs) hs.push_back(c.h);
    auto rows = compute_report(hs, by);
    REQUIRE(rows.size() == 1);
    return rows[0];
}

}  // namespace

TEST_CASE("First response time runs from reaching humans to the first agent message", "[reports]") {
    // A: queued at 0 s, the agent answers at 40 s → 40 s. B: assigned at once (5 s after
    // opening), answered 10 s later → 10 s. C: never answered → not counted.
    Conv a("a"), b("b"), c("c");
    a.opened(kDay0, false).event(ev(kDay0, "queued", "general")).says(kDay0, "visitor").event(
        ev(kDay0 + 30 * s, "assigned", "general", "ann", "queue")).says(kDay0 + 40 * s, "agent");
    b.opened(kDay0, false).event(ev(kDay0 + 5 * s, "assigned", "general", "bob", "new")).says(kDay0 + 15 * s, "agent");
    c.opened(kDay0, false).event(ev(kDay0, "queued", "general")).says(kDay0, "visitor");
    const ReportRow r = only_row({a, b, c});
    CHECK(r.conversations == 3);
    CHECK(r.reached_humans == 3);
    CHECK(r.first_response.count == 2);
    CHECK(r.first_response.median_s == 10.0);  // nearest rank of {10, 40}: the first
    CHECK(r.first_response.p90_s == 40.0);
}

TEST_CASE("Bot containment and escalation split the conversations that opened with the bot", "[reports]") {
    // Four with the bot: two answered by it alone, one handed off, one taken over by an
    // agent answering (no routing step, an agent message). One opened with humans.
    Conv a("a"), b("b"), c("c"), d("d"), e("e");
    a.opened(kDay0, true).says(kDay0 + 1 * s, "visitor").says(kDay0 + 2 * s, "bot");
    b.opened(kDay0, true).says(kDay0, "visitor").says(kDay0 + 500, "bot").event(ev(kDay0 + 9 * s, "closed", "", "", "bot"));
    c.opened(kDay0, true).says(kDay0, "visitor").says(kDay0 + 3 * s, "bot").event(
        ev(kDay0 + 4 * s, "handoff", "", "", "asked_for_human")).event(ev(kDay0 + 4 * s, "queued", "general"));
    d.opened(kDay0, true).says(kDay0, "visitor").says(kDay0 + 60 * s, "agent");
    e.opened(kDay0, false).event(ev(kDay0, "queued", "general"));
    const ReportRow r = only_row({a, b, c, d, e});
    CHECK(r.with_bot == 4);
    CHECK(r.contained == 2);
    CHECK(r.escalated == 2);
    CHECK(r.containment() == Approx(0.5));
    CHECK(r.escalation() == Approx(0.5));
    // First bot reply: {1 s, 0.5 s, 3 s} → median 1 s; d has no bot message.
    CHECK(r.first_bot_reply.count == 3);
    CHECK(r.first_bot_reply.median_s == 1.0);
    // d's agent answered a conversation never routed to humans: timed from its opening.
    CHECK(r.first_response.count == 1);
    CHECK(r.first_response.median_s == 60.0);
}

TEST_CASE("Queue wait counts each wait from queued to assigned; a close while waiting is abandoned", "[reports]") {
    // a waits 20 s, is rerouted back into the queue (the repeated queued event of one
    // wait counts once) and waits 50 s more; b waits 5 s; c gives up after 90 s.
    Conv a("a"), b("b"), c("c");
    a.opened(kDay0, false)
        .event(ev(kDay0, "queued", "billing"))
        .event(ev(kDay0 + 20 * s, "assigned", "billing", "ann", "queue"))
        .event(ev(kDay0 + 100 * s, "queued", "billing"))
        .event(ev(kDay0 + 101 * s, "queued", "billing"))
        .event(ev(kDay0 + 150 * s, "assigned", "billing", "bob", "queue"));
    b.opened(kDay0, false).event(ev(kDay0, "queued", "billing")).event(ev(kDay0 + 5 * s, "assigned", "billing", "bob"));
    c.opened(kDay0, false).event(ev(kDay0, "queued", "billing")).event(ev(kDay0 + 90 * s, "closed", "", "", "system"));
    const ReportRow r = only_row({a, b, c});
    CHECK(r.queue_wait.count == 3);  // 20, 50, 5
    CHECK(r.queue_wait.median_s == 20.0);
    CHECK(r.queue_wait.p90_s == 50.0);
    CHECK(r.abandoned == 1);
}

TEST_CASE("Resolution time runs from opening to the last close; reopen rate is over the closed ones", "[reports]") {
    // a: closed at 10 min, reopened, closed again at 30 min → 30 min, reopened.
    // b: closed at 5 min → 5 min. c: closed, then reopened and still open → no
    // resolution time, but closed once and reopened. d: never closed.
    Conv a("a"), b("b"), c("c"), d("d");
    a.opened(kDay0, false)
        .event(ev(kDay0 + 600 * s, "closed", "", "ann", "agent"))
        .event(ev(kDay0 + 900 * s, "reopened", "", "ann"))
        .event(ev(kDay0 + 1800 * s, "closed", "", "ann", "agent"));
    b.opened(kDay0, false).event(ev(kDay0 + 300 * s, "closed", "", "bob", "agent"));
    c.opened(kDay0, false).event(ev(kDay0 + 60 * s, "closed")).event(ev(kDay0 + 70 * s, "reopened"));
    d.opened(kDay0, false);
    const ReportRow r = only_row({a, b, c, d});
    CHECK(r.closed == 3);
    CHECK(r.reopened == 2);
    CHECK(r.reopen_rate() == Approx(2.0 / 3.0));
    CHECK(r.resolution.count == 2);
    CHECK(r.resolution.median_s == 300.0);
    CHECK(r.resolution.p90_s == 1800.0);
}

TEST_CASE("CSAT takes each conversation's last rating: the average, and the share rated 4 or 5", "[reports][csat]") {
    // a: rated 2, then changed to 5 → 5. b: rated 4. c: rated 1. d: never rated. e: a
    // detail that is no score (a damaged row) is not a rating. Responses {5, 4, 1}:
    // average 10 / 3, satisfied 2 of 3.
    Conv a("a"), b("b"), c("c"), d("d"), e("e");
    a.opened(kDay0, false).event(ev(kDay0 + 60 * s, "closed")).event(ev(kDay0 + 70 * s, "csat", "", "", "2"))
        .event(ev(kDay0 + 80 * s, "csat", "", "", "5"));
    b.opened(kDay0, false).event(ev(kDay0 + 60 * s, "closed")).event(ev(kDay0 + 70 * s, "csat", "", "", "4"));
    c.opened(kDay0, false).event(ev(kDay0 + 60 * s, "closed")).event(ev(kDay0 + 70 * s, "csat", "", "", "1"));
    d.opened(kDay0, false).event(ev(kDay0 + 60 * s, "closed"));
    e.opened(kDay0, false).event(ev(kDay0 + 60 * s, "closed")).event(ev(kDay0 + 70 * s, "csat", "", "", "9"));
    const ReportRow r = only_row({a, b, c, d, e});
    CHECK(r.csat_responses == 3);
    CHECK(r.csat_average() == Approx(10.0 / 3.0));
    CHECK(r.csat_satisfied == 2);
    CHECK(r.csat_satisfied_share() == Approx(2.0 / 3.0));
    const std::string csv = report_csv(compute_report({a.h, b.h, c.h, d.h, e.h}, GroupBy::all), GroupBy::all);
    CHECK(csv.find(",reopen_rate,csat_responses,csat_average,csat_satisfied,agent_online_hours,") != std::string::npos);
    CHECK(csv.find(",3,3.333,0.667,,,,\r\n") != std::string::npos);  // no agents' time given
}

TEST_CASE("CSAT of a group with no rating is zero responses, not a score", "[reports][csat]") {
    Conv a("a");
    a.opened(kDay0, false).event(ev(kDay0 + 60 * s, "closed"));
    const ReportRow r = only_row({a});
    CHECK(r.csat_responses == 0);
    CHECK(r.csat_average() == 0.0);
    CHECK(r.csat_satisfied_share() == 0.0);
}

TEST_CASE("Rows group conversations by the day they opened, their first team or agent, or their intent",
          "[reports]") {
    Conv a("a"), b("b"), c("c");
    a.opened(kDay0 + 3600 * s, false, "refund").event(ev(kDay0 + 3600 * s, "assigned", "billing", "ann"));
    b.opened(kDay0 + 86400 * s + 5 * s, false, "refund").event(ev(kDay0 + 86400 * s + 6 * s, "queued", "general"))
        .event(ev(kDay0 + 86400 * s + 9 * s, "transferred", "billing", "ann"))
        .event(ev(kDay0 + 86400 * s + 9 * s, "assigned", "billing", "ann", "transfer"));
    c.opened(kDay0 + 7200 * s, true, "");
    std::vector<ConversationHistory> hs{a.h, b.h, c.h};

    auto days = compute_report(hs, GroupBy::day);
    REQUIRE(days.size() == 2);
    CHECK(days[0].key == "2026-12-06");
    CHECK(days[0].conversations == 2);
    CHECK(days[1].key == "2026-12-07");

    auto teams = compute_report(hs, GroupBy::team);
    REQUIRE(teams.size() == 3);  // the first team that took each: billing, general; c stayed with the bot
    CHECK(teams[0].key == "(bot)");
    CHECK(teams[1].key == "billing");
    CHECK(teams[2].key == "general");

    auto agents = compute_report(hs, GroupBy::agent);
    REQUIRE(agents.size() == 2);
    CHECK(agents[0].key == "(none)");
    CHECK(agents[1].key == "ann");
    CHECK(agents[1].conversations == 2);

    auto intents = compute_report(hs, GroupBy::intent);
    REQUIRE(intents.size() == 2);
    CHECK(intents[1].key == "refund");
    CHECK(intents[1].conversations == 2);
}

TEST_CASE("A history without its opening (it opened before the period) is left out", "[reports]") {
    Conv a("a");
    a.event(ev(kDay0, "closed"));
    CHECK(compute_report({a.h}, GroupBy::all).empty());
}

TEST_CASE("The CSV has a header, one line per group, and names agents", "[reports]") {
    Conv a("a");
    a.opened(kDay0, false).event(ev(kDay0, "assigned", "general", "a_1")).says(kDay0 + 2500, "agent");
    std::vector<ConversationHistory> hs{a.h};
    const std::string csv = report_csv(compute_report(hs, GroupBy::agent), GroupBy::agent, {{"a_1", "Ann, \"the\" lead"}});
    CHECK(csv.rfind("agent,agent_name,conversations,with_bot,", 0) == 0);
    CHECK(csv.find("\r\na_1,\"Ann, \"\"the\"\" lead\",1,0,0.000,0.000,0.0,1,2.5,2.5,") != std::string::npos);
}

TEST_CASE("Report dates are UTC calendar days; anything else is refused", "[reports]") {
    CHECK(parse_utc_date("2026-12-06") == kDay0);
    CHECK_FALSE(parse_utc_date("2026-02-30"));
    CHECK_FALSE(parse_utc_date("2026-12-6"));
    CHECK_FALSE(parse_utc_date("2026-12-06x"));
    CHECK_FALSE(parse_utc_date("yesterday"));
    CHECK(parse_group_by("team") == GroupBy::team);
    CHECK_FALSE(parse_group_by("week"));
}
