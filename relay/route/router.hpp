// Router: the pure routing and handoff engine (PRODUCT.md P4).
//
// Events and time in, decisions and priorities out. No sockets, no clock, no
// randomness, no logging: every entry point takes `now` (ms, non-decreasing; a smaller
// value is treated as the last one seen) and returns an Outcome whose decisions the
// caller applies in order (store transcript events, push `conv` frames to agents, tell
// the visitor their queue place). Timers are the caller's job too: after any call, ask
// next_deadline() and call tick() at or after it. The relay, the tests (virtual clock)
// and the simulator (bench/routing/) link exactly this code.
//
// Threading: not thread-safe; one owner calls it. Entry points may be called from any
// callback of the owner (they never call back out), including while applying the
// decisions of a previous call.
//
// The conversation state machine lives in router.cpp as one transition table; seat
// rules, queue order and the priority formula are described in docs/routing.md.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "route/config.hpp"
#include "route/decision.hpp"

namespace parley::route {

enum class AgentStatus { Available, Away, Offline };
// "available", "away", "offline": the protocol's and the reports' word for each.
inline const char* status_name(AgentStatus s) {
    switch (s) {
        case AgentStatus::Available: return "available";
        case AgentStatus::Away: return "away";
        case AgentStatus::Offline: return "offline";
    }
    return "offline";
}

struct AgentSpec {
    std::string id;
    std::vector<std::string> teams;
    std::vector<std::string> skills;
    int preferred = 3;  // new conversations are spread up to this many active ones
    int max_load = 5;   // returning conversations and transfers may use seats up to here
};

struct ConvSpec {
    std::string id;
    std::string intent;  // triage tag (P5), e.g. "billing"
    std::string page;    // page the visitor is on
    std::string team;    // explicit team (overrides rules), usually empty
    std::vector<std::string> skills;  // required skills on top of the rule's
    bool with_bot = false;  // a bot answers first; handoff() brings a human
};

enum class ConvState { Bot, Queued, Assigned, Inactive, Closed };
enum class Turn { Agent, Customer };  // who is expected to write next

struct ConvView {
    ConvState state;
    Turn turn;
    std::string team, agent, previous_agent;  // agent: owner (also while inactive)
};

enum class Attention { AwaitingAgent, AwaitingCustomer, Inactive };

// One line of an agent's inbox, in priority order (priority.hpp).
struct InboxEntry {
    std::string conv;
    Attention attention;
    double score;     // tier 1 only: the formula's value; 0 otherwise
    Millis wait_ms;   // tier 1: customer's wait; otherwise time since last activity
};

struct AgentView {
    AgentStatus status;
    int load;        // active (seat-holding) conversations
    int inactive;    // inactive conversations still listed
    int preferred, max_load;
};

struct QueuePlace {
    std::string team;
    int position;
    Millis expected_wait_ms;
};

// A conversation's routing state as the relay persists it, so a restarted relay puts
// every open conversation back where it was (Router::snapshot, Router::restore). Times
// are on the router's clock; `since` is when the conversation entered its state.
struct ConvSnapshot {
    ConvState state = ConvState::Queued;
    Turn turn = Turn::Agent;
    std::string team, agent, previous_agent;
    std::vector<std::string> skills;
    Millis since = 0;
    Millis last_customer = 0, last_staff = 0;
    std::uint64_t order = 0;  // queued: place in line among equal `since` (restore by since, order)
    bool closed_with_bot = false;  // closed: it was with the bot when it closed (issue 16)
};

class Router {
public:
    explicit Router(RouterConfig cfg = {});
    ~Router();
    Router(const Router&) = delete;
    Router& operator=(const Router&) = delete;

    // Applies new weights, lists, rules and timeouts. Existing timers keep their
    // deadlines; the new timeouts apply from the next arming.
    void reconfigure(RouterConfig cfg);

    // ---- agents ------------------------------------------------------------------
    // Creates or updates an agent (new agents start Offline). Raising preferred
    // concurrency pulls from the queue. Errors: BadArgument (empty id, preferred < 0,
    // max_load < preferred).
    Outcome upsert_agent(const AgentSpec& spec, Millis now);
    // Available pulls queued work; Away/Offline stops new assignments at once and
    // re-routes the agent's active conversations after the grace period unless the
    // agent is back first. Errors: UnknownAgent.
    Outcome set_status(std::string_view agent, AgentStatus status, Millis now);
    // Re-routes at once (no grace) and forgets the agent. Errors: UnknownAgent.
    Outcome remove_agent(std::string_view agent, Millis now);

    // ---- conversations ---------------------------------------------------------------
    // A new conversation: chooses its team by rules, then assigns or queues it (or
    // leaves it with the bot when spec.with_bot). Errors: DuplicateConversation,
    // BadArgument (empty id).
    Outcome open(const ConvSpec& spec, Millis now);
    // Bots (issue 16): whether a bot is online now (the relay's bot connections). While
    // it is, a customer message that reopens a conversation closed while with the bot
    // reopens it with the bot; otherwise, and for an agent's reopen(), it returns to the
    // humans as any closed conversation does. New conversations take ConvSpec::with_bot.
    void set_bots_online(bool online);
    // The bot hands over to a human. No-op unless the conversation is with the bot.
    Outcome handoff(std::string_view conv, Millis now);
    // Bots (issue 16): an agent hands the conversation back to the bot. A queued one
    // leaves its queue, an assigned or inactive one its agent (the seat is freed and
    // refilled from the queue; the agent becomes the previous agent). Errors:
    // UnknownConversation, NotAllowed (closed, or already with the bot).
    Outcome hand_back(std::string_view conv, Millis now);
    // A customer message (already stored by the caller). The workflow rules decide
    // whether it needs a reply, closes, reactivates or reopens (with the bot when it
    // closed with the bot and bots are online). Errors: UnknownConversation.
    Outcome customer_message(std::string_view conv, std::string_view text, Millis now);
    // A message from a human agent. Errors: UnknownConversation, UnknownAgent, NotAllowed
    // (the conversation is queued or with the bot: transfer it to the agent first).
    Outcome agent_message(std::string_view conv, std::string_view agent,
                          std::string_view text, Millis now);
    // A message from the bot (it may ask "anything else?"). Errors: UnknownConversation.
    Outcome bot_message(std::string_view conv, std::string_view text, Millis now);
    Outcome close(std::string_view conv, CloseReason reason, Millis now);
    // Reopens a closed conversation (an agent's action); routed like a returning one.
    Outcome reopen(std::string_view conv, Millis now);
    // Hands the conversation to `agent` (must be available, below max load unless
    // `beyond_max_load`: an agent claiming a conversation by answering it chose to take
    // one more) or to the team's routing; the note is stored as an internal note. Errors:
    // UnknownConversation, UnknownAgent, UnknownTeam, AgentUnavailable, AgentAtMaxLoad,
    // NotAllowed (closed).
    Outcome transfer_to_agent(std::string_view conv, std::string_view agent,
                              std::string_view note, Millis now, bool beyond_max_load = false);
    Outcome transfer_to_team(std::string_view conv, std::string_view team,
                             std::string_view note, Millis now);
    // Puts back a conversation from a snapshot taken before a restart: Assigned and
    // Inactive ones return to their agent (who starts offline, so the grace period runs
    // unless they reconnect), Queued ones re-enter their team's queue (restore them by
    // (since, order) to keep the line), Closed ones keep their window for "thanks".
    // Assigned to an agent who no longer exists: routed again, front of the queue.
    // Decisions only for what had to be routed. Errors: DuplicateConversation, BadArgument.
    Outcome restore(std::string_view conv, const ConvSnapshot& snapshot, Millis now);
    // Drops a closed conversation's state (after the reopen window, the relay's choice).
    void forget(std::string_view conv);

    // ---- time ------------------------------------------------------------------------
    // Fires every timer due at `now`: inactivity and agent grace periods.
    Outcome tick(Millis now);
    // The earliest pending timer, if any. May be early (a cancelled timer), never late.
    std::optional<Millis> next_deadline() const;

    // ---- queries (pure) ---------------------------------------------------------------
    std::vector<InboxEntry> inbox(std::string_view agent, Millis now) const;
    std::optional<QueuePlace> queue_place(std::string_view conv, Millis now) const;
    std::optional<ConvView> conversation(std::string_view conv) const;
    std::optional<ConvSnapshot> snapshot(std::string_view conv) const;
    std::optional<AgentView> agent(std::string_view agent) const;
    int queue_length(std::string_view team) const;
    // The team's queued conversations in order (first = next to be assigned). O(queue).
    std::vector<std::string> queued(std::string_view team) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace parley::route
