#include "reports/report_source.hpp"

#include <algorithm>
#include <unordered_map>

namespace parley::relay::reports {

Result<std::vector<ConversationHistory>> load_histories(Store& store, std::int64_t from, std::int64_t to) {
    auto events = store.events_of_conversations_opened(from, to);
    if (!events) return events.error();
    std::vector<ConversationHistory> out;
    std::unordered_map<std::string, std::size_t> index;
    for (ConvEvent& e : events.value()) {
        auto [at, added] = index.emplace(e.conv, out.size());
        if (added) out.push_back(ConversationHistory{e.conv, {}, {}});
        out[at->second].events.push_back(std::move(e));
    }
    // Times and roles only: no message text is read, so a sealed store is never unsealed
    // for a report (nor needs its key).
    for (ConversationHistory& h : out) {
        auto stamps = store.visible_message_stamps(h.conv);
        if (!stamps) return stamps.error();
        h.messages = std::move(stamps).value();
    }
    return out;
}

Result<std::optional<std::map<std::string, AgentTime>>> load_agent_time(Store& store, std::int64_t from,
                                                                         std::int64_t to, std::int64_t now,
                                                                         GroupBy by) {
    if (!has_agent_time(by)) return std::optional<std::map<std::string, AgentTime>>{};
    const std::int64_t end = std::min(to, now);  // no hours yet to come
    auto availability = store.agent_events_between(from, std::max(from, end));
    if (!availability) return availability.error();
    auto assignments = store.events_of_kind("assigned", from, std::max(from, end));
    if (!assignments) return assignments.error();
    return std::optional<std::map<std::string, AgentTime>>{
        agent_time(availability.value(), assignments.value(), from, end, by)};
}

}  // namespace parley::relay::reports
