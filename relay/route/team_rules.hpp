// Which team a conversation goes to: the conversation's intent tag, its page and the
// operator's rules. First matching rule wins; no match means the default team.
//
//   rules:
//     - { intent: billing,               team: billing }
//     - { intent: refund,                team: billing, skills: [refunds] }
//     - { page_contains: /docs/api,      team: tech }
//     - { intent: pricing, page_contains: /enterprise, team: sales }
//
// An empty field matches anything. `skills` are added to the conversation's required
// skills: only agents holding all of them may take it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace parley::route {

struct TeamRule {
    std::string intent;         // exact intent tag (P5 classifier label), empty = any
    std::string page_contains;  // substring of the page URL or path, empty = any
    std::string team;
    std::vector<std::string> skills;
};

struct TeamChoice {
    std::string team;
    std::vector<std::string> skills;
};

// Pure: same rules and inputs, same answer. `explicit_team` (set by the site's widget
// configuration or a bot flow) wins over every rule when non-empty.
TeamChoice choose_team(const std::vector<TeamRule>& rules, const std::string& default_team,
                       std::string_view explicit_team, std::string_view intent,
                       std::string_view page);

}  // namespace parley::route
