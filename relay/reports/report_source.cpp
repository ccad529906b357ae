#include "reports/report_source.hpp"

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

}  // namespace parley::relay::reports
