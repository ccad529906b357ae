#include "route/team_rules.hpp"

namespace parley::route {

TeamChoice choose_team(const std::vector<TeamRule>& rules, const std::string& default_team,
                       std::string_view explicit_team, std::string_view intent,
                       std::string_view page) {
    if (!explicit_team.empty()) return {std::string(explicit_team), {}};
    for (const auto& r : rules) {
        if (!r.intent.empty() && r.intent != intent) continue;
        if (!r.page_contains.empty() && page.find(r.page_contains) == std::string_view::npos)
            continue;
        return {r.team, r.skills};
    }
    return {default_team, {}};
}

}  // namespace parley::route
