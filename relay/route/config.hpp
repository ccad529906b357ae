// The routing engine's configuration: every timeout, weight, list and rule an operator
// may change. Router::reconfigure() applies a new one without losing any state.
#pragma once

#include <string>
#include <vector>

#include "route/decision.hpp"
#include "route/priority.hpp"
#include "route/team_rules.hpp"
#include "route/workflow.hpp"

namespace parley::route {

struct RouterConfig {
    // A conversation awaiting the customer becomes inactive after this much silence
    // since the agent's last message; its seat is freed, it stays open and listed.
    Millis inactive_after_ms = 5 * 60 * 1000;
    // An agent who goes away / goes offline keeps their conversations this long before
    // they are re-routed (a flaky connection or a coffee should not shuffle customers).
    Millis away_grace_ms = 2 * 60 * 1000;
    Millis offline_grace_ms = 60 * 1000;
    // Conversations that were already being served (re-routed, transferred to a team,
    // returning while their agent is away) re-enter a queue at its front.
    bool reentry_at_front = true;
    // After a queue moves, this many head entries get a fresh Queued decision (the
    // relay asks queue_place() for the others when it refreshes their visitors).
    int queue_updates = 10;
    // Seat-holding time assumed for a team before any seat has been released; the
    // queue's expected wait uses the team's measured mean afterwards.
    Millis initial_hold_ms = 10 * 60 * 1000;
    double hold_alpha = 0.05;  // weight of the newest release in the team's mean

    std::string default_team = "general";
    std::vector<TeamRule> rules;
    PriorityWeights priority;
    WorkflowConfig workflow;
};

}  // namespace parley::route
