#include "store/webhook_line_heads.hpp"

namespace parley::relay {

void WebhookLineHeads::forget() {
    known_ = false;
    by_id_.clear();
    by_line_.clear();
}

void WebhookLineHeads::rebuilt() {
    forget();
    known_ = true;
}

void WebhookLineHeads::set(const WebhookLine& line, std::int64_t id, std::int64_t next_at) {
    drop(line);
    by_id_[id] = Head{line, next_at};
    by_line_[line] = id;
}

void WebhookLineHeads::drop(const WebhookLine& line) {
    auto it = by_line_.find(line);
    if (it == by_line_.end()) return;
    by_id_.erase(it->second);
    by_line_.erase(it);
}

std::optional<WebhookLine> WebhookLineHeads::line_of(std::int64_t id) const {
    auto it = by_id_.find(id);
    if (it == by_id_.end()) return std::nullopt;
    return it->second.line;
}

void WebhookLineHeads::reschedule(std::int64_t id, std::int64_t next_at) {
    auto it = by_id_.find(id);
    if (it != by_id_.end()) it->second.next_at = next_at;
}

}  // namespace parley::relay
