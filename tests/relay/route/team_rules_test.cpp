#include <catch2/catch.hpp>

#include <tuple>

#include "route/team_rules.hpp"

using namespace parley::route;

TEST_CASE("The first matching rule chooses the team", "[route][teams]") {
    const std::vector<TeamRule> rules{
        {"billing", "", "billing", {}},
        {"refund", "", "billing", {"refunds"}},
        {"", "/docs/api", "tech", {}},
        {"pricing", "/enterprise", "sales", {}},
    };
    auto [intent, page, team] = GENERATE(table<std::string, std::string, std::string>({
        {"billing", "/", "billing"},
        {"refund", "/account", "billing"},
        {"general", "/docs/api/auth", "tech"},
        {"billing", "/docs/api/auth", "billing"},  // earlier rule wins
        {"pricing", "/enterprise/plans", "sales"},
        {"pricing", "/pricing", "general"},        // both fields must match
        {"", "", "general"},
    }));
    CAPTURE(intent, page);
    CHECK(choose_team(rules, "general", "", intent, page).team == team);
}

TEST_CASE("A rule adds its skills and an explicit team overrides every rule", "[route][teams]") {
    const std::vector<TeamRule> rules{{"refund", "", "billing", {"refunds"}}};
    CHECK(choose_team(rules, "general", "", "refund", "").skills == std::vector<std::string>{"refunds"});
    CHECK(choose_team(rules, "general", "vip", "refund", "").team == "vip");
}
