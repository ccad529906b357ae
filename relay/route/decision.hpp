// What the routing engine says back: typed decisions and typed errors.
//
// Every entry point of Router returns an Outcome: the decisions it took, in the order
// the relay must apply them, or an Error when the call itself broke a rule. Decisions
// are plain values; the engine never stores or sends anything itself.
//
// Which decisions are transcript events: Closed, Reopened, Transferred and Rerouted are
// written into the conversation's transcript (visible to agents and, as a short system
// line, to the visitor). InternalNote is stored with the conversation for agents only:
// the relay never sends it on a visitor's connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace parley::route {

// Milliseconds on the caller's clock. The engine only subtracts and compares them, so
// any monotonic origin works; the relay passes its wall clock, tests a virtual one.
using Millis = std::int64_t;

// Why a conversation landed on an agent.
enum class AssignReason {
    New,        // a fresh conversation, spread below the agent's preferred concurrency
    FromQueue,  // a seat became free and this was the oldest eligible queued conversation
    Returning,  // reactivated or reopened, back to the previous agent (may exceed preferred)
    Transfer,   // an explicit transfer to this agent or to this agent's team
    Reroute,    // the previous agent went away or offline past the grace period
};

enum class CloseReason {
    Agent,             // an agent closed it
    CustomerDeclined,  // the customer said "no" to "anything else?"
    Bot,               // the bot closed it (resolved without a human)
    System,            // the relay closed it (retention, admin)
};

enum class RerouteReason { AgentAway, AgentOffline, AgentRemoved };

struct Assigned {
    std::string conv, agent, team;
    AssignReason reason = AssignReason::New;
};
// The conversation waits in `team`'s queue at `position` (1 = next). expected_wait_ms is
// position × (mean seat-holding time of the team) ÷ (preferred seats of its available
// agents), see docs/routing.md §4; -1 means no agent of the team is available, so no
// honest figure exists and the visitor should be told so instead of a number.
struct Queued {
    std::string conv, team;
    int position = 0;
    Millis expected_wait_ms = -1;
};
struct Inactive {
    std::string conv, agent;  // agent keeps seeing it; its seat is free
};
struct Reactivated {
    std::string conv, previous_agent;
};
struct Closed {
    std::string conv, agent;  // agent empty when it was not assigned
    CloseReason reason = CloseReason::Agent;
};
struct Reopened {
    std::string conv, previous_agent;
};
// to_agent empty: transferred to to_team's routing (queue or least-loaded agent).
struct Transferred {
    std::string conv, from_agent, to_agent, to_team, note;
};
struct Rerouted {
    std::string conv, from_agent;
    RerouteReason reason = RerouteReason::AgentAway;
};
// An agents-only note to store in the transcript (never shown to the visitor).
struct InternalNote {
    std::string conv, text;
};

using Decision = std::variant<Assigned, Queued, Inactive, Reactivated, Closed, Reopened,
                              Transferred, Rerouted, InternalNote>;

// Every route error is the caller's: the engine got an id it does not know or a request
// the current state forbids. The relay maps them to protocol errors in its own range.
enum class ErrorCode {
    UnknownConversation = 1,
    UnknownAgent,
    UnknownTeam,
    DuplicateConversation,
    AgentUnavailable,   // transfer to an agent who is away/offline
    AgentAtMaxLoad,     // transfer to an agent already at maximum load
    NotAllowed,         // the conversation's state forbids this input (see router.cpp table)
    BadArgument,
};

struct Error {
    ErrorCode code;
    std::string detail;
};

struct Outcome {
    std::vector<Decision> decisions;
    std::optional<Error> error;
    bool ok() const { return !error.has_value(); }
};

}  // namespace parley::route
