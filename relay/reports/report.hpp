// Support reports (issue 18, docs/reports.md): how conversations went, per day, team,
// agent or intent.
//
// Theory of operation. A report is a pure function of conversation histories: each
// conversation's routing events (store ConvEvent rows: opened, queued, assigned,
// handoff, closed, reopened…, and the visitor's csat ratings) and the time and sender role of its visible messages.
// Every figure is defined on one conversation (its first response time, whether the bot
// contained it…) and then aggregated over the conversations of a group; docs/reports.md
// gives each definition in words, and tests/relay/report_test.cpp checks each one on a
// hand-made history with a known answer. A conversation belongs to the period in which
// it opened (its `opened` event), and to one group: the day it opened (UTC), the first
// team or agent that took it from the router, or the intent of its first message.
// Durations are reported as medians and 90th percentiles (nearest rank), in seconds,
// over the conversations where the duration exists.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace parley::relay::reports {

using relay::MessageStamp;  // store/store.hpp: a message's time and sender role

struct ConversationHistory {
    std::string conv;
    std::vector<ConvEvent> events;      // in id order
    std::vector<MessageStamp> messages;  // the visible ones (not internal), in seq order
};

enum class GroupBy { all, day, team, agent, intent };
std::optional<GroupBy> parse_group_by(const std::string& name);

// A duration's distribution over the conversations where it exists.
struct Durations {
    std::size_t count = 0;
    double median_s = 0;
    double p90_s = 0;
};
Durations summarise(std::vector<std::int64_t> millis);

// Agents' time in a group (reports/agent_time.hpp, docs/reports.md "Agents"): from
// their availability rows, clipped to the period (and to now).
struct AgentTime {
    std::int64_t online_ms = 0;    // signed in: available or away
    std::int64_t handling_ms = 0;  // online with at least one conversation holding a seat
    std::int64_t idle_ms = 0;      // available with none
    std::size_t handled = 0;       // conversations assigned to them in the period (per agent)
    // Time handling ÷ (time handling + time available and idle); 0 with neither.
    double occupancy() const {
        const auto worked = handling_ms + idle_ms;
        return worked ? double(handling_ms) / double(worked) : 0;
    }
    // Conversations handled ÷ hours online; 0 with no time online.
    double per_agent_hour() const { return online_ms ? double(handled) / (double(online_ms) / 3'600'000.0) : 0; }
};

struct ReportRow {
    std::string key;                // the group: "all", a date, a team, an agent id, an intent
    std::size_t conversations = 0;  // opened in the period
    std::size_t with_bot = 0;       // opened with the bot
    std::size_t contained = 0;      // with the bot, and never reached a human
    std::size_t escalated = 0;      // with the bot, then reached humans (handoff or take-over)
    std::size_t reached_humans = 0; // queued for or assigned to a human at some point
    std::size_t closed = 0;         // closed at least once
    std::size_t reopened = 0;       // reopened at least once
    std::size_t abandoned = 0;      // closed while waiting in a queue
    Durations first_bot_reply;      // first visitor message → first bot message
    Durations first_response;       // reaching humans → first agent message
    Durations queue_wait;           // each wait: queued → assigned
    Durations resolution;           // opened → last close (conversations closed at the end)
    std::size_t csat_responses = 0; // conversations the visitor rated (their last rating)
    std::size_t csat_score_sum = 0; // the sum of those ratings (1–5 each)
    std::size_t csat_satisfied = 0; // of those, rated 4 or 5
    // Agents' time (issue 18): only where it makes sense (GroupBy all, day, agent);
    // nullopt in the others (a team's or an intent's share of an agent's hour is unknown).
    std::optional<AgentTime> agents;
    double containment() const { return with_bot ? double(contained) / double(with_bot) : 0; }
    double escalation() const { return with_bot ? double(escalated) / double(with_bot) : 0; }
    double reopen_rate() const { return closed ? double(reopened) / double(closed) : 0; }
    double csat_average() const { return csat_responses ? double(csat_score_sum) / double(csat_responses) : 0; }
    double csat_satisfied_share() const {
        return csat_responses ? double(csat_satisfied) / double(csat_responses) : 0;
    }
};

// One row per group, in key order ("all": one row). `agents`: the agents' time of each
// group (agent_time.hpp), for the groupings that have one: each row gets its group's
// (zero when absent), and a group with agents' time and no conversation gets a row too.
std::vector<ReportRow> compute_report(const std::vector<ConversationHistory>& histories, GroupBy by,
                                      const std::optional<std::map<std::string, AgentTime>>& agents = std::nullopt);

// CSV with a header line; `names` turns agent ids into names for GroupBy::agent.
std::string report_csv(const std::vector<ReportRow>& rows, GroupBy by,
                       const std::map<std::string, std::string>& names = {});

// The UTC day of a time (ms) as "2026-12-07".
std::string utc_day(std::int64_t ms);

// "2026-12-07" (UTC) → its first millisecond; nullopt for anything else.
std::optional<std::int64_t> parse_utc_date(const std::string& date);

}  // namespace parley::relay::reports
