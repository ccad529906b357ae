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
    constexpr int kPage = 500;
    for (ConversationHistory& h : out) {
        for (std::int64_t after = 0;;) {
            auto page = store.messages_after(h.conv, after, kPage);
            if (!page) return page.error();
            for (const auto& m : page.value()) {
                if (!m.internal) h.messages.push_back(MessageStamp{m.ts, m.from.role});
                after = m.seq;
            }
            if (page.value().size() < static_cast<std::size_t>(kPage)) break;
        }
    }
    return out;
}

}  // namespace parley::relay::reports
