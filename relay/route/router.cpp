// Theory of operation
// ===================
//
// A conversation's routing state is one of five:
//
//   Bot       a bot answers; no seat, no queue. handoff() routes it; hand_back() brings
//             a queued, assigned or inactive one back (issue 16).
//   Queued    waits in its team's queue (FIFO; re-entries go to the front).
//   Assigned  an agent owns it and it holds one of the agent's seats. `turn` says who
//             is expected to write next; while it is the customer's turn a silence timer
//             runs, and when it fires the conversation turns Inactive.
//   Inactive  the customer went quiet: the seat is free, the agent still lists it. A new
//             customer message wakes it: back to the same agent if available and below
//             max load (even above preferred), otherwise re-routed with a note.
//   Closed    done. A customer message reopens it like a returning conversation; an
//             acknowledgement ("thanks") within the window does nothing. One that was
//             with the bot when it closed (the bot resolved it) reopens with the bot
//             while a bot is online (set_bots_online); otherwise it goes to humans.
//
// Inputs are the public entry points after the workflow rules have classified the
// message (workflow.hpp): an ordinary customer message, an acknowledgement, or a decline
// ("no" to an armed "anything else?"). The table below is the whole state machine: one
// row per state, one column per input, one action per cell. Actions are small functions
// further down; they may consult seats (an agent at max load, an away agent) to choose
// between assigning and queueing, but never change the state in a way the table hides.
//
// Seats: an agent's load counts Assigned conversations only. New conversations go to the
// eligible available agent with the lowest load ÷ preferred, ties to whoever was assigned
// least recently (so equals take turns), and only below preferred concurrency. The room
// between preferred and max load is for returning conversations and explicit transfers.
// Whenever a seat frees (close, inactive, transfer, re-route) or an agent becomes
// available, the agent pulls the oldest eligible queued conversation of their teams.
//
// Time: every entry point first fires the timers due at `now`, so a caller that is late
// calling tick() still sees inactivity before the message that would have woken it.

#include "route/router.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <utility>

namespace parley::route {
namespace {

constexpr int kNone = -1;

enum class Input : std::uint8_t {
    Handoff, CustomerText, CustomerAck, CustomerDecline, AgentText, BotText,
    Close, Reopen, TransferAgent, TransferTeam, Silence, AgentGone, HandBack, kCount
};

enum class Action : std::uint8_t {
    Reject,        // the call is not allowed in this state (Error NotAllowed)
    Ignore,        // nothing to do (stale timer, repeated handoff, …)
    Route,         // bot → human: assign or queue
    Track,         // note the customer's activity; routing unchanged
    CustomerTurn,  // the customer wrote: now awaiting the agent
    AgentTurn,     // the agent wrote: now awaiting the customer, silence timer armed
    BotTurn,       // the bot wrote while it owns the conversation
    Prompt,        // a bot line inside a human conversation: may arm the closing prompt
    StaffQuiet,    // the agent wrote to an inactive conversation: stays inactive
    Close,
    GoInactive,
    Wake,          // reactivate (Inactive) or reopen (Closed), then route back
    Return,        // the customer writes to a closed one: back to the bot that had it, else Wake
    AckOrWake,     // acknowledgement: inside the window Track, after it Return (or Wake)
    Transfer,
    Reroute,
    ToBot,         // hand back to the bot: leave the queue or the agent (seat freed)
};

using A = Action;
constexpr std::size_t kStates = 5;
constexpr std::size_t kInputs = static_cast<std::size_t>(Input::kCount);

// clang-format off
constexpr std::array<std::array<Action, kInputs>, kStates> kTable{{
//            Handoff    CustText       CustAck      Decline    AgentText      BotText    Close      Reopen     XferAgent    XferTeam     Silence        AgentGone    HandBack
/* Bot */     {{A::Route, A::Track,      A::Track,    A::Close,  A::Reject,     A::BotTurn, A::Close, A::Ignore, A::Transfer, A::Transfer, A::Ignore,     A::Ignore,   A::Reject}},
/* Queued */  {{A::Ignore,A::Track,      A::Track,    A::Close,  A::Reject,     A::Prompt, A::Close,  A::Ignore, A::Transfer, A::Transfer, A::Ignore,     A::Ignore,   A::ToBot}},
/* Assigned */{{A::Ignore,A::CustomerTurn,A::Track,   A::Close,  A::AgentTurn,  A::Prompt, A::Close,  A::Ignore, A::Transfer, A::Transfer, A::GoInactive, A::Reroute, A::ToBot}},
/* Inactive */{{A::Ignore,A::Wake,       A::AckOrWake,A::Close,  A::StaffQuiet, A::Prompt, A::Close,  A::Ignore, A::Transfer, A::Transfer, A::Ignore,     A::Ignore,   A::ToBot}},
/* Closed */  {{A::Ignore,A::Return,     A::AckOrWake,A::Ignore, A::Ignore,     A::Ignore, A::Ignore, A::Wake,   A::Reject,   A::Reject,   A::Ignore,     A::Ignore,   A::Reject}},
}};
// clang-format on

Action lookup(ConvState s, Input in) {
    return kTable[static_cast<std::size_t>(s)][static_cast<std::size_t>(in)];
}

const char* state_name(ConvState s) {
    switch (s) {
        case ConvState::Bot: return "with the bot";
        case ConvState::Queued: return "queued";
        case ConvState::Assigned: return "assigned";
        case ConvState::Inactive: return "inactive";
        case ConvState::Closed: return "closed";
    }
    return "?";
}

Error err(ErrorCode code, std::string detail) { return Error{code, std::move(detail)}; }

}  // namespace

struct Router::Impl {
    struct Agent {
        std::string id;
        std::vector<int> teams;
        std::vector<std::string> skills;
        int preferred = 0, max_load = 0;
        AgentStatus status = AgentStatus::Offline;
        bool removed = false;
        int load = 0;                // Assigned conversations
        std::vector<int> convs;      // Assigned and Inactive conversations it owns
        std::uint64_t last_assigned = 0;
        std::uint64_t gen = 0;       // bumps cancel a pending grace timer
    };
    struct QEntry {
        int conv;
        std::uint64_t ticket;
    };
    struct Team {
        std::string id;
        std::vector<int> agents;
        std::deque<QEntry> queue;  // lazily cleaned: entries whose ticket no longer matches
        int live = 0, stale = 0;
        double hold_ms = 0;        // moving mean of seat-holding time
    };
    struct Conv {
        std::string id;
        bool in_use = false;
        ConvState state = ConvState::Bot;
        Turn turn = Turn::Agent;
        int team = kNone, agent = kNone, prev_agent = kNone;
        std::vector<std::string> skills;
        Millis awaiting_since = 0, last_customer = 0, last_staff = 0, seat_since = 0;
        Millis inactive_since = 0, closed_at = 0, queued_at = 0;
        double gap_ms = -1;     // customer's moving mean reply gap, -1 = unknown
        bool gap_open = false;  // a staff message waits for its first customer answer
        bool prompt = false;    // "anything else?" armed
        bool queued_front = false;
        bool closed_with_bot = false;  // Closed: it was with the bot when it closed
        std::uint64_t ticket = 0;  // current queue entry, 0 = none
        std::uint64_t gen = 0;     // bumps cancel a pending silence timer
    };
    enum class TimerKind : std::uint8_t { Silence, Grace };
    struct Timer {
        Millis at;
        TimerKind kind;
        int idx;
        std::uint64_t gen;
        bool operator>(const Timer& o) const {
            if (at != o.at) return at > o.at;
            if (kind != o.kind) return kind > o.kind;
            return idx > o.idx;
        }
    };
    // Arguments an action may need besides the conversation and time.
    struct Ctx {
        std::string_view text;
        int agent = kNone;  // the writing agent, or the transfer target
        int team = kNone;   // the transfer target team
        std::string_view note;
        CloseReason close_reason = CloseReason::Agent;
        RerouteReason reroute_reason = RerouteReason::AgentAway;
        bool beyond_max_load = false;  // a claim: the agent's own choice, not the router's
    };
    using Out = std::vector<Decision>;

    RouterConfig cfg;
    Workflow workflow;
    std::vector<Agent> agents;
    std::vector<Team> teams;
    std::vector<Conv> convs;
    std::vector<int> free_convs;
    std::unordered_map<std::string, int> agent_ix, team_ix, conv_ix;
    std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> timers;
    std::uint64_t assign_counter = 0, ticket_counter = 0;
    Millis now_ = 0;
    bool bots_online = false;  // set_bots_online(): a returning conversation may go to the bot

    explicit Impl(RouterConfig c) : cfg(std::move(c)), workflow(cfg.workflow) { add_config_teams(); }

    void add_config_teams() {
        team_of(cfg.default_team);
        for (const auto& r : cfg.rules) team_of(r.team);
    }

    Millis clamp(Millis now) { return now_ = std::max(now_, now); }

    // ---- lookups ---------------------------------------------------------------------
    int team_of(const std::string& id) {
        auto it = team_ix.find(id);
        if (it != team_ix.end()) return it->second;
        Team t;
        t.id = id;
        t.hold_ms = static_cast<double>(cfg.initial_hold_ms);
        teams.push_back(std::move(t));
        return team_ix[id] = static_cast<int>(teams.size()) - 1;
    }
    template <class Map>
    static int find(const Map& m, std::string_view id) {
        auto it = m.find(std::string(id));
        return it == m.end() ? kNone : it->second;
    }
    const std::string& agent_id(int a) const {
        static const std::string none;
        return a == kNone ? none : agents[a].id;
    }

    // ---- timers ------------------------------------------------------------------------
    void arm_silence(int c, Millis from) {
        Conv& cv = convs[c];
        ++cv.gen;
        timers.push({from + cfg.inactive_after_ms, TimerKind::Silence, c, cv.gen});
    }
    void cancel_silence(int c) { ++convs[c].gen; }

    void run_timers(Millis now, Out& out) {
        while (!timers.empty() && timers.top().at <= now) {
            const Timer t = timers.top();
            timers.pop();
            if (t.kind == TimerKind::Silence) {
                Conv& cv = convs[t.idx];
                if (!cv.in_use || cv.gen != t.gen) continue;
                if (cv.state == ConvState::Assigned && cv.turn == Turn::Customer)
                    dispatch(t.idx, Input::Silence, t.at, Ctx{}, out);
            } else {
                Agent& ag = agents[t.idx];
                if (ag.gen != t.gen || ag.status == AgentStatus::Available) continue;
                reroute_agent(t.idx, t.at,
                              ag.status == AgentStatus::Away ? RerouteReason::AgentAway
                                                             : RerouteReason::AgentOffline,
                              out);
            }
        }
    }

    // ---- seats and agents --------------------------------------------------------------
    bool has_skills(const Agent& ag, const Conv& cv) const {
        for (const auto& s : cv.skills)
            if (std::find(ag.skills.begin(), ag.skills.end(), s) == ag.skills.end()) return false;
        return true;
    }
    bool in_team(const Agent& ag, int team) const {
        return std::find(ag.teams.begin(), ag.teams.end(), team) != ag.teams.end();
    }

    // Least loaded (load ÷ preferred) eligible agent below preferred concurrency; ties go
    // to the least recently assigned. O(team size): with 1k agents this is a few µs, which
    // bench/routing measures; an ordered index per team would have to be re-keyed on every
    // load change of an agent in several teams, so the scan stays until it shows up.
    int pick_agent(int team, const Conv& cv, int exclude) const {
        int best = kNone;
        for (int a : teams[team].agents) {
            const Agent& ag = agents[a];
            if (a == exclude || ag.status != AgentStatus::Available || ag.load >= ag.preferred)
                continue;
            if (!has_skills(ag, cv)) continue;
            if (best == kNone) { best = a; continue; }
            const Agent& b = agents[best];
            const long lhs = static_cast<long>(ag.load) * b.preferred;
            const long rhs = static_cast<long>(b.load) * ag.preferred;
            if (lhs < rhs || (lhs == rhs && ag.last_assigned < b.last_assigned)) best = a;
        }
        return best;
    }

    void own(int c, int a) {
        convs[c].agent = a;
        auto& v = agents[a].convs;
        if (std::find(v.begin(), v.end(), c) == v.end()) v.push_back(c);
    }
    void detach(int c) {
        Conv& cv = convs[c];
        if (cv.agent == kNone) return;
        auto& v = agents[cv.agent].convs;
        auto it = std::find(v.begin(), v.end(), c);
        if (it != v.end()) { *it = v.back(); v.pop_back(); }
        cv.agent = kNone;
    }
    void take_seat(int c, int a, AssignReason why, Millis now, Out& out) {
        Conv& cv = convs[c];
        Agent& ag = agents[a];
        own(c, a);
        cv.state = ConvState::Assigned;
        cv.seat_since = now;
        ++ag.load;
        ag.last_assigned = ++assign_counter;
        if (cv.turn == Turn::Customer) arm_silence(c, std::max(cv.last_staff, cv.last_customer));
        out.push_back(Assigned{cv.id, ag.id, teams[cv.team].id, why});
    }
    // Frees the seat of an Assigned conversation and feeds the team's holding-time mean.
    void release_seat(int c, Millis now) {
        Conv& cv = convs[c];
        if (cv.state != ConvState::Assigned || cv.agent == kNone) return;
        --agents[cv.agent].load;
        Team& t = teams[cv.team];
        const double held = static_cast<double>(std::max<Millis>(now - cv.seat_since, 0));
        t.hold_ms = cfg.hold_alpha * held + (1.0 - cfg.hold_alpha) * t.hold_ms;
        cancel_silence(c);
    }

    // ---- queues ---------------------------------------------------------------------
    bool entry_live(const QEntry& e) const {
        const Conv& cv = convs[e.conv];
        return cv.in_use && cv.state == ConvState::Queued && cv.ticket == e.ticket;
    }
    Millis expected_wait(int team, int position) const {
        long seats = 0;
        for (int a : teams[team].agents)
            if (agents[a].status == AgentStatus::Available) seats += agents[a].preferred;
        if (seats <= 0) return -1;
        return static_cast<Millis>(position * teams[team].hold_ms / static_cast<double>(seats));
    }
    void enqueue(int c, bool front, Millis now, Out& out) {
        Conv& cv = convs[c];
        Team& t = teams[cv.team];
        cv.state = ConvState::Queued;
        cv.agent = kNone;
        cv.ticket = ++ticket_counter;
        cv.queued_at = now;
        cv.queued_front = front;
        cancel_silence(c);
        if (front) t.queue.push_front({c, cv.ticket}); else t.queue.push_back({c, cv.ticket});
        ++t.live;
        const int pos = front ? 1 : t.live;
        out.push_back(Queued{cv.id, t.id, pos, expected_wait(cv.team, pos)});
        if (front) queue_updates(cv.team, now, out, 2);
    }
    void unqueue(int c) {
        Conv& cv = convs[c];
        Team& t = teams[cv.team];
        cv.ticket = 0;
        --t.live;
        ++t.stale;
        // Compact once dead entries outnumber live ones: amortised O(1) per removal.
        if (t.stale > 64 && t.stale > t.live) {
            std::deque<QEntry> kept;
            for (const auto& e : t.queue)
                if (entry_live(e)) kept.push_back(e);
            t.queue.swap(kept);
            t.stale = 0;
        }
    }
    // Fresh Queued decisions for the first cfg.queue_updates live entries from `from_pos`.
    void queue_updates(int team, Millis now, Out& out, int from_pos = 1) {
        (void)now;
        Team& t = teams[team];
        int pos = 0;
        for (const auto& e : t.queue) {
            if (!entry_live(e)) continue;
            if (++pos > cfg.queue_updates) break;
            if (pos < from_pos) continue;
            out.push_back(Queued{convs[e.conv].id, t.id, pos, expected_wait(team, pos)});
        }
    }
    // The oldest queued conversation of `a`'s teams that `a` may take (re-entries first).
    int best_queued(int a, int& from_team) {
        const Agent& ag = agents[a];
        int best = kNone;
        for (int tix : ag.teams) {
            Team& t = teams[tix];
            while (!t.queue.empty() && !entry_live(t.queue.front())) {
                t.queue.pop_front();
                if (t.stale > 0) --t.stale;
            }
            for (const auto& e : t.queue) {
                if (!entry_live(e) || !has_skills(ag, convs[e.conv])) continue;
                const Conv& cv = convs[e.conv];
                if (best == kNone || std::make_pair(!cv.queued_front, cv.queued_at) <
                                         std::make_pair(!convs[best].queued_front, convs[best].queued_at)) {
                    best = e.conv;
                    from_team = tix;
                }
                break;  // the first eligible entry of a queue is its oldest
            }
        }
        return best;
    }
    // Pulls queued work into `a`'s free seats below preferred concurrency.
    void fill(int a, Millis now, Out& out) {
        if (a == kNone) return;
        std::vector<int> moved;
        while (agents[a].status == AgentStatus::Available && !agents[a].removed &&
               agents[a].load < agents[a].preferred) {
            int tix = kNone;
            const int c = best_queued(a, tix);
            if (c == kNone) break;
            unqueue(c);
            take_seat(c, a, AssignReason::FromQueue, now, out);
            if (std::find(moved.begin(), moved.end(), tix) == moved.end()) moved.push_back(tix);
        }
        for (int tix : moved) queue_updates(tix, now, out);
    }
    // Assigns to the best agent of the conversation's team or queues it.
    void route(int c, bool front, int exclude, AssignReason why, Millis now, Out& out) {
        const int a = pick_agent(convs[c].team, convs[c], exclude);
        if (a != kNone) take_seat(c, a, why, now, out);
        else enqueue(c, front, now, out);
    }
    void reroute_agent(int a, Millis now, RerouteReason why, Out& out) {
        const std::vector<int> owned = agents[a].convs;  // copy: actions edit the list
        Ctx ctx;
        ctx.reroute_reason = why;
        for (int c : owned)
            if (convs[c].state == ConvState::Assigned) dispatch(c, Input::AgentGone, now, ctx, out);
    }

    // ---- the customer's side -------------------------------------------------------------
    void note_customer(int c, Millis now, bool ordinary) {
        Conv& cv = convs[c];
        if (cv.gap_open) {
            const Millis gap = std::min(now - cv.last_staff, cfg.inactive_after_ms);
            cv.gap_ms = update_gap(cfg.priority, cv.gap_ms, gap);
            cv.gap_open = false;
        }
        cv.last_customer = now;
        if (ordinary) cv.prompt = false;
    }
    void note_staff(int c, std::string_view text, Millis now) {
        Conv& cv = convs[c];
        cv.last_staff = now;
        cv.prompt = workflow.is_closing_prompt(text);
        cv.gap_open = true;
    }

    // ---- the state machine ------------------------------------------------------------
    std::optional<Error> dispatch(int c, Input in, Millis now, const Ctx& ctx, Out& out) {
        Conv& cv = convs[c];
        switch (lookup(cv.state, in)) {
            case A::Reject:
                return err(ErrorCode::NotAllowed,
                           "conversation " + cv.id + " is " + state_name(cv.state));
            case A::Ignore:
                return std::nullopt;
            case A::Route:
                cv.turn = Turn::Agent;
                cv.awaiting_since = now;
                route(c, false, kNone, AssignReason::New, now, out);
                return std::nullopt;
            case A::Track:
                note_customer(c, now, in == Input::CustomerText);
                if (cv.state == ConvState::Assigned && cv.turn == Turn::Customer)
                    arm_silence(c, now);  // an acknowledgement is not silence
                return std::nullopt;
            case A::CustomerTurn:
                note_customer(c, now, true);
                if (cv.turn == Turn::Customer) {
                    cv.turn = Turn::Agent;
                    cv.awaiting_since = now;
                    cancel_silence(c);
                }
                return std::nullopt;
            case A::AgentTurn:
                note_staff(c, ctx.text, now);
                cv.turn = Turn::Customer;
                arm_silence(c, now);
                return std::nullopt;
            case A::BotTurn:
                note_staff(c, ctx.text, now);
                cv.turn = Turn::Customer;
                return std::nullopt;
            case A::Prompt:
                if (workflow.is_closing_prompt(ctx.text)) cv.prompt = true;
                return std::nullopt;
            case A::StaffQuiet:
                note_staff(c, ctx.text, now);
                cv.turn = Turn::Customer;
                return std::nullopt;
            case A::Close: return do_close(c, in == Input::CustomerDecline
                                                  ? CloseReason::CustomerDeclined
                                                  : ctx.close_reason, now, out);
            case A::GoInactive: {
                const int a = cv.agent;
                release_seat(c, now);
                cv.state = ConvState::Inactive;
                cv.inactive_since = now;
                out.push_back(Inactive{cv.id, agent_id(a)});
                fill(a, now, out);
                return std::nullopt;
            }
            case A::Wake:
                if (in == Input::CustomerText) note_customer(c, now, true);
                wake(c, now, out);
                return std::nullopt;
            case A::Return:
                note_customer(c, now, true);
                customer_returns(c, now, out);
                return std::nullopt;
            case A::AckOrWake: {
                const Millis since = cv.state == ConvState::Inactive ? cv.inactive_since : cv.closed_at;
                note_customer(c, now, false);
                if (now - since >= cfg.workflow.ack_window_ms) customer_returns(c, now, out);
                return std::nullopt;
            }
            case A::Transfer: return transfer(c, ctx, now, out);
            case A::ToBot: {
                const int owner = cv.agent;
                const bool had_seat = cv.state == ConvState::Assigned;
                const int was_queued = cv.state == ConvState::Queued ? cv.team : kNone;
                if (was_queued != kNone) unqueue(c);
                release_seat(c, now);
                detach(c);
                if (owner != kNone) cv.prev_agent = owner;
                cv.state = ConvState::Bot;
                cv.turn = Turn::Agent;
                cv.awaiting_since = now;
                cv.prompt = false;
                cancel_silence(c);
                if (was_queued != kNone) queue_updates(was_queued, now, out);
                if (had_seat) fill(owner, now, out);
                return std::nullopt;
            }
            case A::Reroute: {
                const int old = cv.agent;
                release_seat(c, now);
                detach(c);
                cv.prev_agent = old;
                out.push_back(Rerouted{cv.id, agent_id(old), ctx.reroute_reason});
                const char* why = ctx.reroute_reason == RerouteReason::AgentAway ? "went away"
                                  : ctx.reroute_reason == RerouteReason::AgentOffline ? "went offline"
                                                                                     : "was removed";
                out.push_back(InternalNote{cv.id, "Re-routed: " + agent_id(old) + " " + why + "."});
                route(c, cfg.reentry_at_front, old, AssignReason::Reroute, now, out);
                return std::nullopt;
            }
        }
        return std::nullopt;
    }

    std::optional<Error> do_close(int c, CloseReason why, Millis now, Out& out) {
        Conv& cv = convs[c];
        const int owner = cv.agent;
        const bool had_seat = cv.state == ConvState::Assigned;
        if (cv.state == ConvState::Queued) unqueue(c);
        release_seat(c, now);
        detach(c);
        if (owner != kNone) cv.prev_agent = owner;
        const bool was_queued = cv.state == ConvState::Queued;
        cv.closed_with_bot = cv.state == ConvState::Bot;
        cv.state = ConvState::Closed;
        cv.closed_at = now;
        cv.prompt = false;
        cancel_silence(c);
        out.push_back(Closed{cv.id, agent_id(owner), why});
        if (was_queued) queue_updates(cv.team, now, out);
        if (had_seat) fill(owner, now, out);
        return std::nullopt;
    }

    // The customer writes to a closed (or inactive) conversation. Closed with the bot and
    // a bot online: Reopened, and with the bot again (no seat, no queue). Else wake().
    void customer_returns(int c, Millis now, Out& out) {
        Conv& cv = convs[c];
        if (cv.state != ConvState::Closed || !cv.closed_with_bot || !bots_online) return wake(c, now, out);
        out.push_back(Reopened{cv.id, agent_id(cv.prev_agent)});
        cv.state = ConvState::Bot;
        cv.closed_with_bot = false;
        cv.turn = Turn::Agent;
        cv.awaiting_since = now;
        cv.prompt = false;
    }

    // Inactive → Reactivated, Closed → Reopened; then back to the previous agent when
    // available and below max load, else routed (front of the queue) with a note.
    void wake(int c, Millis now, Out& out) {
        Conv& cv = convs[c];
        const bool inactive = cv.state == ConvState::Inactive;
        const int prev = inactive ? cv.agent : cv.prev_agent;
        if (inactive) out.push_back(Reactivated{cv.id, agent_id(prev)});
        else out.push_back(Reopened{cv.id, agent_id(prev)});
        cv.turn = Turn::Agent;
        cv.awaiting_since = now;
        cv.prompt = false;
        if (prev != kNone) {
            const Agent& ag = agents[prev];
            if (!ag.removed && ag.status == AgentStatus::Available && ag.load < ag.max_load &&
                has_skills(ag, cv)) {
                take_seat(c, prev, AssignReason::Returning, now, out);
                return;
            }
            const std::string why = ag.removed ? "removed"
                                    : ag.status != AgentStatus::Available ? status_name(ag.status)
                                                                          : "at maximum load";
            out.push_back(InternalNote{cv.id, "Previous agent: " + ag.id + " (" + why + ")."});
            detach(c);
            cv.prev_agent = prev;
        }
        route(c, cfg.reentry_at_front, kNone, AssignReason::New, now, out);
    }

    std::optional<Error> transfer(int c, const Ctx& ctx, Millis now, Out& out) {
        Conv& cv = convs[c];
        const int old = cv.agent;
        const bool had_seat = cv.state == ConvState::Assigned;
        const bool inactive = cv.state == ConvState::Inactive;
        if (ctx.agent != kNone) {
            Agent& to = agents[ctx.agent];
            if (ctx.agent == old) return err(ErrorCode::BadArgument, "already with " + to.id);
            if (to.removed || to.status != AgentStatus::Available)
                return err(ErrorCode::AgentUnavailable, to.id + " is not available");
            if (!inactive && !ctx.beyond_max_load && to.load >= to.max_load)
                return err(ErrorCode::AgentAtMaxLoad, to.id + " is at maximum load");
        }
        const int was_queued = cv.state == ConvState::Queued ? cv.team : kNone;
        if (was_queued != kNone) unqueue(c);
        release_seat(c, now);
        detach(c);
        if (old != kNone) cv.prev_agent = old;
        if (cv.state == ConvState::Bot) {
            cv.turn = Turn::Agent;
            cv.awaiting_since = now;
        }
        const std::string& to_agent = agent_id(ctx.agent);
        if (ctx.team != kNone) cv.team = ctx.team;
        const std::string& to_team = teams[cv.team].id;
        out.push_back(Transferred{cv.id, agent_id(old), to_agent, to_team, std::string(ctx.note)});
        std::string text = "Transferred";
        if (old != kNone) text += " from " + agent_id(old);
        text += " to " + (ctx.agent != kNone ? to_agent : "team " + to_team);
        if (!ctx.note.empty()) text += ": " + std::string(ctx.note);
        out.push_back(InternalNote{cv.id, std::move(text)});
        if (inactive) {
            if (ctx.agent != kNone) own(c, ctx.agent);  // stays inactive, now theirs
        } else if (ctx.agent != kNone) {
            take_seat(c, ctx.agent, AssignReason::Transfer, now, out);
        } else {
            route(c, cfg.reentry_at_front, old, AssignReason::Transfer, now, out);
        }
        if (was_queued != kNone && was_queued != cv.team) queue_updates(was_queued, now, out);
        if (had_seat) fill(old, now, out);
        return std::nullopt;
    }

    // A fresh conversation slot for `id` (reusing a forgotten one).
    int new_conv(const std::string& id) {
        int c;
        if (!free_convs.empty()) {
            c = free_convs.back();
            free_convs.pop_back();
        } else {
            convs.emplace_back();
            c = static_cast<int>(convs.size()) - 1;
        }
        Conv& cv = convs[c];
        const std::uint64_t gen = cv.gen;  // keep counting so stale timers stay stale
        cv = Conv{};
        cv.gen = gen + 1;
        cv.id = id;
        cv.in_use = true;
        conv_ix[id] = c;
        return c;
    }

    // Starts the grace period of an agent who holds seats but is not available (after a
    // restart every agent is offline until they connect again).
    void arm_grace(int a, Millis now) {
        Agent& ag = agents[a];
        ++ag.gen;
        timers.push({now + (ag.status == AgentStatus::Away ? cfg.away_grace_ms : cfg.offline_grace_ms),
                     TimerKind::Grace, a, ag.gen});
    }

    // Runs due timers, resolves the conversation, dispatches one input.
    Outcome conv_input(std::string_view id, Input in, Millis now, const Ctx& ctx) {
        Outcome o;
        now = clamp(now);
        run_timers(now, o.decisions);
        const int c = find(conv_ix, id);
        if (c == kNone) {
            o.error = err(ErrorCode::UnknownConversation, std::string(id));
            return o;
        }
        o.error = dispatch(c, in, now, ctx, o.decisions);
        return o;
    }
};

// ---- public surface ----------------------------------------------------------------------

Router::Router(RouterConfig cfg) : impl_(std::make_unique<Impl>(std::move(cfg))) {}
Router::~Router() = default;

void Router::reconfigure(RouterConfig cfg) {
    impl_->cfg = std::move(cfg);
    impl_->workflow = Workflow(impl_->cfg.workflow);
    impl_->add_config_teams();
}

Outcome Router::upsert_agent(const AgentSpec& spec, Millis now) {
    Impl& m = *impl_;
    Outcome o;
    now = m.clamp(now);
    m.run_timers(now, o.decisions);
    if (spec.id.empty() || spec.preferred < 0 || spec.max_load < spec.preferred) {
        o.error = err(ErrorCode::BadArgument, "agent needs an id and 0 <= preferred <= max_load");
        return o;
    }
    int a = Impl::find(m.agent_ix, spec.id);
    if (a == kNone) {
        m.agents.emplace_back();
        a = static_cast<int>(m.agents.size()) - 1;
        m.agent_ix[spec.id] = a;
        m.agents[a].id = spec.id;
    }
    Impl::Agent& ag = m.agents[a];
    for (int t : ag.teams) {
        auto& v = m.teams[t].agents;
        v.erase(std::remove(v.begin(), v.end(), a), v.end());
    }
    ag.teams.clear();
    for (const auto& name : spec.teams) {
        const int t = m.team_of(name);
        if (std::find(ag.teams.begin(), ag.teams.end(), t) != ag.teams.end()) continue;
        ag.teams.push_back(t);
        m.teams[t].agents.push_back(a);
    }
    ag.skills = spec.skills;
    ag.preferred = spec.preferred;
    ag.max_load = spec.max_load;
    ag.removed = false;
    m.fill(a, now, o.decisions);
    return o;
}

Outcome Router::set_status(std::string_view agent, AgentStatus status, Millis now) {
    Impl& m = *impl_;
    Outcome o;
    now = m.clamp(now);
    m.run_timers(now, o.decisions);
    const int a = Impl::find(m.agent_ix, agent);
    if (a == kNone || m.agents[a].removed) {
        o.error = err(ErrorCode::UnknownAgent, std::string(agent));
        return o;
    }
    Impl::Agent& ag = m.agents[a];
    const AgentStatus was = ag.status;
    ag.status = status;
    if (status == AgentStatus::Available) {
        ++ag.gen;  // cancels a pending grace period
        m.fill(a, now, o.decisions);
    } else if (was == AgentStatus::Available) {
        ++ag.gen;
        const Millis grace = status == AgentStatus::Away ? m.cfg.away_grace_ms : m.cfg.offline_grace_ms;
        const RerouteReason why = status == AgentStatus::Away ? RerouteReason::AgentAway
                                                              : RerouteReason::AgentOffline;
        if (grace <= 0) m.reroute_agent(a, now, why, o.decisions);
        else m.timers.push({now + grace, Impl::TimerKind::Grace, a, ag.gen});
    }
    // Away → Offline (or back) keeps the grace period that started first.
    return o;
}

Outcome Router::remove_agent(std::string_view agent, Millis now) {
    Impl& m = *impl_;
    Outcome o;
    now = m.clamp(now);
    m.run_timers(now, o.decisions);
    const int a = Impl::find(m.agent_ix, agent);
    if (a == kNone || m.agents[a].removed) {
        o.error = err(ErrorCode::UnknownAgent, std::string(agent));
        return o;
    }
    Impl::Agent& ag = m.agents[a];
    ag.status = AgentStatus::Offline;
    ++ag.gen;
    m.reroute_agent(a, now, RerouteReason::AgentRemoved, o.decisions);
    ag.removed = true;  // inactive conversations keep it as previous agent; waking re-routes
    for (int t : ag.teams) {
        auto& v = m.teams[t].agents;
        v.erase(std::remove(v.begin(), v.end(), a), v.end());
    }
    return o;
}

Outcome Router::open(const ConvSpec& spec, Millis now) {
    Impl& m = *impl_;
    Outcome o;
    now = m.clamp(now);
    m.run_timers(now, o.decisions);
    if (spec.id.empty()) {
        o.error = err(ErrorCode::BadArgument, "conversation needs an id");
        return o;
    }
    if (Impl::find(m.conv_ix, spec.id) != kNone) {
        o.error = err(ErrorCode::DuplicateConversation, spec.id);
        return o;
    }
    const int c = m.new_conv(spec.id);
    Impl::Conv& cv = m.convs[c];
    TeamChoice tc = choose_team(m.cfg.rules, m.cfg.default_team, spec.team, spec.intent, spec.page);
    cv.team = m.team_of(tc.team);
    cv.skills = std::move(tc.skills);
    for (const auto& s : spec.skills)
        if (std::find(cv.skills.begin(), cv.skills.end(), s) == cv.skills.end()) cv.skills.push_back(s);
    cv.awaiting_since = cv.last_customer = now;
    cv.turn = Turn::Agent;
    cv.state = ConvState::Bot;
    if (!spec.with_bot) m.route(c, false, kNone, AssignReason::New, now, o.decisions);
    return o;
}

void Router::set_bots_online(bool online) { impl_->bots_online = online; }

Outcome Router::handoff(std::string_view conv, Millis now) {
    return impl_->conv_input(conv, Input::Handoff, now, {});
}

Outcome Router::hand_back(std::string_view conv, Millis now) {
    return impl_->conv_input(conv, Input::HandBack, now, {});
}

Outcome Router::customer_message(std::string_view conv, std::string_view text, Millis now) {
    Impl& m = *impl_;
    const int c = Impl::find(m.conv_ix, conv);
    Input in = Input::CustomerText;
    if (c != kNone) {
        // Classify against the prompt state *after* due timers (they never touch it).
        switch (m.workflow.classify(text, m.convs[c].prompt)) {
            case CustomerMeaning::Ordinary: in = Input::CustomerText; break;
            case CustomerMeaning::Acknowledgement: in = Input::CustomerAck; break;
            case CustomerMeaning::Decline: in = Input::CustomerDecline; break;
        }
    }
    return m.conv_input(conv, in, now, {});
}

Outcome Router::agent_message(std::string_view conv, std::string_view agent,
                              std::string_view text, Millis now) {
    Impl& m = *impl_;
    Impl::Ctx ctx;
    ctx.text = text;
    ctx.agent = Impl::find(m.agent_ix, agent);
    if (ctx.agent == kNone) {
        Outcome o;
        o.error = err(ErrorCode::UnknownAgent, std::string(agent));
        return o;
    }
    return m.conv_input(conv, Input::AgentText, now, ctx);
}

Outcome Router::bot_message(std::string_view conv, std::string_view text, Millis now) {
    Impl::Ctx ctx;
    ctx.text = text;
    return impl_->conv_input(conv, Input::BotText, now, ctx);
}

Outcome Router::close(std::string_view conv, CloseReason reason, Millis now) {
    Impl::Ctx ctx;
    ctx.close_reason = reason;
    return impl_->conv_input(conv, Input::Close, now, ctx);
}

Outcome Router::reopen(std::string_view conv, Millis now) {
    return impl_->conv_input(conv, Input::Reopen, now, {});
}

Outcome Router::transfer_to_agent(std::string_view conv, std::string_view agent,
                                  std::string_view note, Millis now, bool beyond_max_load) {
    Impl& m = *impl_;
    Impl::Ctx ctx;
    ctx.note = note;
    ctx.beyond_max_load = beyond_max_load;
    ctx.agent = Impl::find(m.agent_ix, agent);
    if (ctx.agent == kNone || m.agents[ctx.agent].removed) {
        Outcome o;
        o.error = err(ErrorCode::UnknownAgent, std::string(agent));
        return o;
    }
    return m.conv_input(conv, Input::TransferAgent, now, ctx);
}

Outcome Router::transfer_to_team(std::string_view conv, std::string_view team,
                                 std::string_view note, Millis now) {
    Impl& m = *impl_;
    Impl::Ctx ctx;
    ctx.note = note;
    ctx.team = Impl::find(m.team_ix, team);
    if (ctx.team == kNone) {
        Outcome o;
        o.error = err(ErrorCode::UnknownTeam, std::string(team));
        return o;
    }
    return m.conv_input(conv, Input::TransferTeam, now, ctx);
}

void Router::forget(std::string_view conv) {
    Impl& m = *impl_;
    const int c = Impl::find(m.conv_ix, conv);
    if (c == kNone || m.convs[c].state != ConvState::Closed) return;
    m.conv_ix.erase(m.convs[c].id);
    m.convs[c].in_use = false;
    m.convs[c].ticket = 0;
    ++m.convs[c].gen;
    m.free_convs.push_back(c);
}

Outcome Router::tick(Millis now) {
    Outcome o;
    impl_->run_timers(impl_->clamp(now), o.decisions);
    return o;
}

std::optional<Millis> Router::next_deadline() const {
    if (impl_->timers.empty()) return std::nullopt;
    return impl_->timers.top().at;
}

std::vector<InboxEntry> Router::inbox(std::string_view agent, Millis now) const {
    const Impl& m = *impl_;
    std::vector<InboxEntry> out;
    const int a = Impl::find(m.agent_ix, agent);
    if (a == kNone) return out;
    for (int c : m.agents[a].convs) {
        const Impl::Conv& cv = m.convs[c];
        InboxEntry e{cv.id, Attention::Inactive, 0.0, 0};
        if (cv.state == ConvState::Assigned && cv.turn == Turn::Agent) {
            e.attention = Attention::AwaitingAgent;
            e.wait_ms = now - cv.awaiting_since;
            e.score = awaiting_agent_score(m.cfg.priority, e.wait_ms, cv.gap_ms);
        } else if (cv.state == ConvState::Assigned) {
            e.attention = Attention::AwaitingCustomer;
            e.wait_ms = now - cv.last_staff;
        } else {
            e.wait_ms = now - std::max(cv.last_staff, cv.last_customer);
        }
        out.push_back(std::move(e));
    }
    std::sort(out.begin(), out.end(), [](const InboxEntry& x, const InboxEntry& y) {
        if (x.attention != y.attention) return x.attention < y.attention;
        if (x.attention == Attention::AwaitingAgent && x.score != y.score) return x.score > y.score;
        if (x.attention == Attention::Inactive && x.wait_ms != y.wait_ms) return x.wait_ms < y.wait_ms;
        if (x.wait_ms != y.wait_ms) return x.wait_ms > y.wait_ms;
        return x.conv < y.conv;
    });
    return out;
}

std::optional<QueuePlace> Router::queue_place(std::string_view conv, Millis now) const {
    (void)now;
    const Impl& m = *impl_;
    const int c = Impl::find(m.conv_ix, conv);
    if (c == kNone || m.convs[c].state != ConvState::Queued) return std::nullopt;
    const Impl::Team& t = m.teams[m.convs[c].team];
    int pos = 0;
    for (const auto& e : t.queue) {
        if (!m.entry_live(e)) continue;
        ++pos;
        if (e.conv == c) break;
    }
    return QueuePlace{t.id, pos, m.expected_wait(m.convs[c].team, pos)};
}

std::vector<std::string> Router::queued(std::string_view team) const {
    const Impl& m = *impl_;
    std::vector<std::string> out;
    const int t = Impl::find(m.team_ix, team);
    if (t == kNone) return out;
    for (const auto& e : m.teams[t].queue)
        if (m.entry_live(e)) out.push_back(m.convs[e.conv].id);
    return out;
}

std::optional<ConvSnapshot> Router::snapshot(std::string_view conv) const {
    const Impl& m = *impl_;
    const int c = Impl::find(m.conv_ix, conv);
    if (c == kNone) return std::nullopt;
    const Impl::Conv& cv = m.convs[c];
    ConvSnapshot s;
    s.state = cv.state;
    s.turn = cv.turn;
    s.team = m.teams[cv.team].id;
    s.agent = m.agent_id(cv.agent);
    s.previous_agent = m.agent_id(cv.prev_agent);
    s.skills = cv.skills;
    switch (cv.state) {
        case ConvState::Bot: s.since = cv.awaiting_since; break;
        case ConvState::Queued: s.since = cv.queued_at; break;
        case ConvState::Assigned: s.since = cv.seat_since; break;
        case ConvState::Inactive: s.since = cv.inactive_since; break;
        case ConvState::Closed: s.since = cv.closed_at; break;
    }
    s.closed_with_bot = cv.state == ConvState::Closed && cv.closed_with_bot;
    s.last_customer = cv.last_customer;
    s.last_staff = cv.last_staff;
    s.order = cv.ticket;
    return s;
}

Outcome Router::restore(std::string_view conv, const ConvSnapshot& s, Millis now) {
    Impl& m = *impl_;
    Outcome o;
    now = m.clamp(now);
    if (conv.empty()) {
        o.error = err(ErrorCode::BadArgument, "conversation needs an id");
        return o;
    }
    if (Impl::find(m.conv_ix, conv) != kNone) {
        o.error = err(ErrorCode::DuplicateConversation, std::string(conv));
        return o;
    }
    const int c = m.new_conv(std::string(conv));
    Impl::Conv& cv = m.convs[c];
    cv.team = m.team_of(s.team.empty() ? m.cfg.default_team : s.team);
    cv.skills = s.skills;
    cv.turn = s.turn;
    cv.last_customer = s.last_customer;
    cv.last_staff = s.last_staff;
    cv.awaiting_since = s.turn == Turn::Agent ? s.last_customer : s.last_staff;
    cv.gap_open = s.turn == Turn::Customer;
    const int a = Impl::find(m.agent_ix, s.agent);
    const bool owner_known = a != kNone && !m.agents[a].removed;
    const int prev = Impl::find(m.agent_ix, s.previous_agent);
    cv.prev_agent = prev;
    switch (s.state) {
        case ConvState::Bot:
            cv.state = ConvState::Bot;
            break;
        case ConvState::Closed:
            cv.state = ConvState::Closed;
            cv.closed_at = s.since;
            cv.closed_with_bot = s.closed_with_bot;
            if (owner_known) cv.prev_agent = a;
            break;
        case ConvState::Inactive:
            cv.state = ConvState::Inactive;
            cv.inactive_since = s.since;
            if (owner_known) m.own(c, a);  // otherwise waking routes it afresh
            break;
        case ConvState::Assigned:
            if (owner_known) {
                Impl::Agent& ag = m.agents[a];
                m.own(c, a);
                cv.state = ConvState::Assigned;
                cv.seat_since = s.since;
                ++ag.load;
                ag.last_assigned = ++m.assign_counter;
                if (cv.turn == Turn::Customer) m.arm_silence(c, std::max(cv.last_staff, cv.last_customer));
                if (ag.status != AgentStatus::Available && ag.load == 1) m.arm_grace(a, now);
                break;
            }
            cv.state = ConvState::Queued;  // its agent is gone: to the front of the queue
            m.route(c, true, kNone, AssignReason::Reroute, now, o.decisions);
            break;
        case ConvState::Queued:
            m.route(c, false, kNone, AssignReason::FromQueue, now, o.decisions);
            if (cv.state == ConvState::Queued) cv.queued_at = s.since;
            break;
    }
    return o;
}

std::optional<ConvView> Router::conversation(std::string_view conv) const {
    const Impl& m = *impl_;
    const int c = Impl::find(m.conv_ix, conv);
    if (c == kNone) return std::nullopt;
    const Impl::Conv& cv = m.convs[c];
    return ConvView{cv.state, cv.turn, m.teams[cv.team].id, m.agent_id(cv.agent),
                    m.agent_id(cv.prev_agent)};
}

std::optional<AgentView> Router::agent(std::string_view agent) const {
    const Impl& m = *impl_;
    const int a = Impl::find(m.agent_ix, agent);
    if (a == kNone) return std::nullopt;
    const Impl::Agent& ag = m.agents[a];
    int inactive = 0;
    for (int c : ag.convs) inactive += m.convs[c].state == ConvState::Inactive;
    return AgentView{ag.status, ag.load, inactive, ag.preferred, ag.max_load};
}

int Router::queue_length(std::string_view team) const {
    const int t = Impl::find(impl_->team_ix, team);
    return t == kNone ? 0 : impl_->teams[t].live;
}

}  // namespace parley::route
