#include "reports/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "exports/csv.hpp"

namespace parley::relay::reports {
namespace {

// What one conversation contributes: its group keys and its figures.
struct Facts {
    std::string day, team, agent, intent;
    bool with_bot = false, reached_humans = false, agent_wrote = false;
    bool closed = false, reopened = false, closed_at_end = false;
    std::size_t abandoned = 0;
    std::optional<std::int64_t> first_bot_reply, first_response, resolution;
    std::optional<int> csat;  // the last rating: a new one replaces the earlier
    std::vector<std::int64_t> queue_waits;
};

}  // namespace

std::string utc_day(std::int64_t ms) {
    const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char out[16];
    std::snprintf(out, sizeof out, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    return out;
}

namespace {

bool human_routing(const ConvEvent& e) { return e.kind == "queued" || e.kind == "assigned"; }

Facts facts_of(const ConversationHistory& h) {
    Facts f;
    std::optional<std::int64_t> opened_at, humans_at, last_close, queued_since;
    for (const ConvEvent& e : h.events) {
        if (e.kind == "opened" && !opened_at) {
            opened_at = e.ts;
            f.with_bot = e.detail == "bot";
            f.intent = e.intent;
        } else if (human_routing(e)) {
            if (!humans_at) {
                humans_at = e.ts;
                f.team = e.team;
            }
            if (e.kind == "assigned" && f.agent.empty()) f.agent = e.agent;
            if (e.kind == "queued" && !queued_since) queued_since = e.ts;  // a repeat is the same wait
            if (e.kind == "assigned" && queued_since) {
                f.queue_waits.push_back(e.ts - *queued_since);
                queued_since.reset();
            }
        } else if (e.kind == "closed") {
            f.closed = true;
            last_close = e.ts;
            f.closed_at_end = true;
            if (queued_since) {
                ++f.abandoned;
                queued_since.reset();
            }
        } else if (e.kind == "reopened") {
            f.reopened = true;
            f.closed_at_end = false;
        } else if (e.kind == "csat" && e.detail.size() == 1 && e.detail[0] >= '1' && e.detail[0] <= '5') {
            f.csat = e.detail[0] - '0';
        }
    }
    f.reached_humans = humans_at.has_value();
    if (opened_at) f.day = utc_day(*opened_at);

    std::optional<std::int64_t> first_visitor, first_bot, first_agent;
    for (const MessageStamp& m : h.messages) {
        if (m.role == "visitor" && !first_visitor) first_visitor = m.ts;
        if (m.role == "bot" && !first_bot && first_visitor) first_bot = m.ts;
        if (m.role == "agent" && !first_agent) first_agent = m.ts;
    }
    f.agent_wrote = first_agent.has_value();
    if (f.with_bot && first_bot) f.first_bot_reply = *first_bot - *first_visitor;
    // An agent who answers a conversation the router never gave to humans (a bot's
    // conversation taken over by answering) is timed from its opening.
    if (first_agent) {
        const std::int64_t from = humans_at ? *humans_at : opened_at.value_or(*first_agent);
        f.first_response = std::max<std::int64_t>(0, *first_agent - from);
    }
    if (f.closed_at_end && opened_at && last_close) f.resolution = *last_close - *opened_at;
    return f;
}

std::string key_of(const Facts& f, GroupBy by) {
    switch (by) {
    case GroupBy::all: return "all";
    case GroupBy::day: return f.day;
    case GroupBy::team: return f.reached_humans ? f.team : f.with_bot ? "(bot)" : "(none)";
    case GroupBy::agent: return f.agent.empty() ? "(none)" : f.agent;
    case GroupBy::intent: return f.intent.empty() ? "(none)" : f.intent;
    }
    return "all";
}

std::string seconds(double s) {
    char out[32];
    std::snprintf(out, sizeof out, "%.1f", s);
    return out;
}

std::string ratio(double r) {
    char out[32];
    std::snprintf(out, sizeof out, "%.3f", r);
    return out;
}


}  // namespace

std::optional<GroupBy> parse_group_by(const std::string& name) {
    if (name == "all") return GroupBy::all;
    if (name == "day") return GroupBy::day;
    if (name == "team") return GroupBy::team;
    if (name == "agent") return GroupBy::agent;
    if (name == "intent") return GroupBy::intent;
    return std::nullopt;
}

Durations summarise(std::vector<std::int64_t> millis) {
    Durations d;
    d.count = millis.size();
    if (millis.empty()) return d;
    std::sort(millis.begin(), millis.end());
    // Nearest rank: the smallest value with at least q of the values at or below it.
    auto rank = [&](double q) {
        const auto n = static_cast<double>(millis.size());
        const auto i = static_cast<std::size_t>(std::max(1.0, std::ceil(q * n))) - 1;
        return static_cast<double>(millis[i]) / 1000.0;
    };
    d.median_s = rank(0.5);
    d.p90_s = rank(0.9);
    return d;
}

std::vector<ReportRow> compute_report(const std::vector<ConversationHistory>& histories, GroupBy by,
                                      const std::optional<std::map<std::string, AgentTime>>& agents) {
    struct Gathered {
        ReportRow row;
        std::vector<std::int64_t> bot_reply, response, wait, resolution;
    };
    std::map<std::string, Gathered> groups;
    for (const ConversationHistory& h : histories) {
        const bool opened = std::any_of(h.events.begin(), h.events.end(),
                                        [](const ConvEvent& e) { return e.kind == "opened"; });
        if (!opened) continue;
        const Facts f = facts_of(h);
        Gathered& g = groups[key_of(f, by)];
        ReportRow& r = g.row;
        ++r.conversations;
        if (f.with_bot) {
            ++r.with_bot;
            if (f.reached_humans || f.agent_wrote) ++r.escalated;
            else ++r.contained;
        }
        if (f.reached_humans) ++r.reached_humans;
        if (f.closed) ++r.closed;
        if (f.reopened) ++r.reopened;
        r.abandoned += f.abandoned;
        if (f.csat) {
            ++r.csat_responses;
            r.csat_score_sum += static_cast<std::size_t>(*f.csat);
            if (*f.csat >= 4) ++r.csat_satisfied;
        }
        if (f.first_bot_reply) g.bot_reply.push_back(*f.first_bot_reply);
        if (f.first_response) g.response.push_back(*f.first_response);
        if (f.resolution) g.resolution.push_back(*f.resolution);
        g.wait.insert(g.wait.end(), f.queue_waits.begin(), f.queue_waits.end());
    }
    if (agents) {
        for (const auto& [key, time] : *agents) groups[key].row.agents = time;
        for (auto& [key, g] : groups)
            if (!g.row.agents && key != "(none)") g.row.agents = AgentTime{};  // no time: zero
    }
    std::vector<ReportRow> rows;
    for (auto& [key, g] : groups) {
        g.row.key = key;
        g.row.first_bot_reply = summarise(std::move(g.bot_reply));
        g.row.first_response = summarise(std::move(g.response));
        g.row.queue_wait = summarise(std::move(g.wait));
        g.row.resolution = summarise(std::move(g.resolution));
        rows.push_back(std::move(g.row));
    }
    return rows;
}

std::string report_csv(const std::vector<ReportRow>& rows, GroupBy by, const std::map<std::string, std::string>& names) {
    const char* key = by == GroupBy::all      ? "period"
                      : by == GroupBy::day    ? "day"
                      : by == GroupBy::team   ? "team"
                      : by == GroupBy::agent  ? "agent"
                                              : "intent";
    std::string out = std::string(key) +
                      (by == GroupBy::agent ? ",agent_name" : "") +
                      ",conversations,with_bot,bot_containment,escalation_rate,first_bot_reply_median_s,"
                      "reached_humans,first_response_median_s,first_response_p90_s,queue_waits,"
                      "queue_wait_median_s,queue_wait_p90_s,abandoned_in_queue,closed,resolution_median_s,"
                      "resolution_p90_s,reopen_rate,csat_responses,csat_average,csat_satisfied,agent_online_hours,"
                      "conversations_handled,conversations_per_agent_hour,occupancy\r\n";
    for (const ReportRow& r : rows) {
        out += csv::field(r.key);
        if (by == GroupBy::agent) {
            auto name = names.find(r.key);
            out += "," + csv::field(name == names.end() ? "" : name->second);
        }
        out += "," + std::to_string(r.conversations) + "," + std::to_string(r.with_bot) + "," +
               ratio(r.containment()) + "," + ratio(r.escalation()) + "," + seconds(r.first_bot_reply.median_s) +
               "," + std::to_string(r.reached_humans) + "," + seconds(r.first_response.median_s) + "," +
               seconds(r.first_response.p90_s) + "," + std::to_string(r.queue_wait.count) + "," +
               seconds(r.queue_wait.median_s) + "," + seconds(r.queue_wait.p90_s) + "," +
               std::to_string(r.abandoned) + "," + std::to_string(r.closed) + "," +
               seconds(r.resolution.median_s) + "," + seconds(r.resolution.p90_s) + "," +
               ratio(r.reopen_rate()) + "," + std::to_string(r.csat_responses) + "," + ratio(r.csat_average()) +
               "," + ratio(r.csat_satisfied_share());
        // Agents' time: empty cells where the grouping has none (team, intent, "(none)").
        if (r.agents)
            out += "," + ratio(double(r.agents->online_ms) / 3'600'000.0) + "," + std::to_string(r.agents->handled) +
                   "," + ratio(r.agents->per_agent_hour()) + "," + ratio(r.agents->occupancy());
        else
            out += ",,,,";
        out += "\r\n";
    }
    return out;
}

std::optional<std::int64_t> parse_utc_date(const std::string& date) {
    int y = 0, m = 0, d = 0;
    char tail = 0;
    if (date.size() != 10 || std::sscanf(date.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) return std::nullopt;
    if (y < 1970 || m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    const std::time_t t = timegm(&tm);
    if (t < 0) return std::nullopt;
    if (utc_day(static_cast<std::int64_t>(t) * 1000) != date) return std::nullopt;  // 2026-02-30
    return static_cast<std::int64_t>(t) * 1000;
}

}  // namespace parley::relay::reports
