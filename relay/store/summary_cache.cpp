#include "store/summary_cache.hpp"

namespace parley::relay {

Result<std::optional<ConvSummary>> SummaryCache::find_conversation(const std::string& conv) {
    if (auto hit = summaries_.find(conv); hit != summaries_.end())
        return std::optional<ConvSummary>{hit->second};
    auto found = inner_.find_conversation(conv);
    // Only conversations in use are kept: a miss is not cached (a conversation created
    // later is found), nor is an empty one: every widget that opens makes one, most
    // never get a message, and 10 000 idle visitors would fill the cache with them.
    if (found && found.value() && found.value()->last_seq > 0) {
        if (summaries_.size() >= capacity_) summaries_.erase(summaries_.begin());
        summaries_.emplace(conv, *found.value());
    }
    return found;
}

Status SummaryCache::rename_visitor(const std::string& id, const std::string& name) {
    Status s = inner_.rename_visitor(id, name);
    if (s)
        for (auto& entry : summaries_)
            if (entry.second.visitor.id == id) entry.second.visitor.name = name;
    return s;
}

Status SummaryCache::set_conversation_status(const std::string& conv, const std::string& status) {
    Status s = inner_.set_conversation_status(conv, status);
    if (s)
        if (auto hit = summaries_.find(conv); hit != summaries_.end()) hit->second.status = status;
    return s;
}

Result<Appended> SummaryCache::append_message(const NewMessage& message) {
    Result<Appended> appended = inner_.append_message(message);
    if (!appended || !appended.value().inserted) return appended;
    auto hit = summaries_.find(message.conv);
    if (hit == summaries_.end()) return appended;
    // As the backends do it (store.hpp: the conversation's last_seq, last_text and
    // updated follow every message; the intent is that of the latest visitor message
    // that carries triage).
    ConvSummary& summary = hit->second;
    summary.last_seq = appended.value().seq;
    summary.last_text = message.text;
    summary.updated = message.ts;
    if (message.meta && message.from.role == "visitor") summary.intent = message.meta->intent;
    return appended;
}

Result<Erased> SummaryCache::erase_visitor(const std::string& visitor_id) {
    Result<Erased> erased = inner_.erase_visitor(visitor_id);
    if (erased)
        for (auto it = summaries_.begin(); it != summaries_.end();)
            it = it->second.visitor.id == visitor_id ? summaries_.erase(it) : std::next(it);
    return erased;
}

Result<Erased> SummaryCache::erase_conversations(const std::vector<std::string>& convs) {
    Result<Erased> erased = inner_.erase_conversations(convs);
    if (erased)
        for (const std::string& conv : convs) summaries_.erase(conv);
    return erased;
}

Status SummaryCache::commit_batch() {
    Status s = inner_.commit_batch();
    if (!s) summaries_.clear();  // the batch's writes are gone; so must be what they changed here
    return s;
}

}  // namespace parley::relay
