// Retention (P7): the Hub purges closed conversations older than their team's window.
//
// Theory of operation
// -------------------
// A sweep pages through the store's closed conversations whose last message is older
// than the shortest window (Store::closed_before, oldest first, RetentionConfig::page
// per tick, page_gap_ms apart, so the event loop is never held long), and keeps a
// cursor between pages. Each row's team is the router's (a conversation closed since
// the start) or its stored routing record's (one closed before a restart); no team:
// the default window. A row is purged when it is older than its own team's window, is
// closed in the router too (not reopened meanwhile), and no visitor connection has it
// open. The due rows of a page go in one Store::erase_conversations (one transaction,
// then a TRUNCATE checkpoint, outside any group-commit batch), then the Hub forgets
// them: the router's state and every per-conversation map of what agents were told.
// When a page comes back short the sweep is over and the next starts sweep_every_ms
// later; then the agents' availability rows older than the longest window go too
// (issue 18, store.hpp AgentEvent). A failed purge is retried by the next sweep.
//
// Consoles are not told: a closed conversation is not in any inbox (inboxes list open
// ones), so nothing a console lists after a (re)connect names it. A console that still
// shows one from earlier in its session gets the answer for any unknown conversation
// when it names it (2004; 3001 to a supervisor). No protocol change.
#include "core/audit_log.hpp"
#include "core/hub.hpp"
#include "core/route_record.hpp"

namespace parley::relay {

namespace p = protocol;

bool RetentionConfig::on() const {
    if (closed_ms > 0) return true;
    for (const auto& team : team_closed_ms)
        if (team.second > 0) return true;
    return false;
}

std::int64_t RetentionConfig::window(const std::string& team) const {
    auto it = team_closed_ms.find(team);
    return it != team_closed_ms.end() ? it->second : closed_ms;
}

void Hub::retention_step(std::int64_t now) {
    const RetentionConfig& r = config_.retention;
    std::int64_t shortest = r.closed_ms;
    for (const auto& team : r.team_closed_ms)
        if (team.second > 0 && (shortest <= 0 || team.second < shortest)) shortest = team.second;
    auto end_sweep = [&] {
        retention_after_updated_ = INT64_MIN;
        retention_after_conv_.clear();
        next_retention_ = now + r.sweep_every_ms;
        // Issue 18: agents' availability is kept as long as the longest conversation
        // window, so a report of any period whose conversations remain still has the
        // agents' hours beside them (each agent's last row stays: their state since).
        std::int64_t longest = r.closed_ms;
        for (const auto& team : r.team_closed_ms) longest = std::max(longest, team.second);
        if (longest > 0) store_.purge_agent_events_before(now - longest);
    };
    auto page = store_.closed_before(now - shortest, retention_after_updated_, retention_after_conv_, r.page);
    if (!page) return end_sweep();
    std::vector<std::string> due;
    for (const ClosedConversation& c : page.value()) {
        std::string team;
        if (auto v = router_.conversation(c.conv)) {
            if (v->state != route::ConvState::Closed) continue;  // reopened: the store lags
            team = v->team;
        } else if (c.route) {
            if (auto snapshot = decode_route_record(*c.route)) team = snapshot->team;
        }
        const std::int64_t window = r.window(team);
        if (window <= 0 || c.updated >= now - window) continue;
        if (auto v = conv_visitors_.find(c.conv); v != conv_visitors_.end() && !v->second.empty()) continue;
        due.push_back(c.conv);
    }
    if (page.value().size() < static_cast<std::size_t>(r.page)) {
        end_sweep();
    } else {
        retention_after_updated_ = page.value().back().updated;
        retention_after_conv_ = page.value().back().conv;
        next_retention_ = now + r.page_gap_ms;
    }
    if (due.empty()) return;
    auto erased = store_.erase_conversations(due);
    if (!erased) return;  // retried at the next sweep
    erased_rows(erased.value(), now);
    for (const std::string& conv : due) forget_conversation(conv);
}

// The audit log's window (--retain-audit-days): a page of its oldest entries older than
// the window each tick while there are more, then one look per sweep. The purge joins
// the tick's batch; an entry `audit.purge` records how many went and the cutoff, so the
// log itself says where its history starts. A failed purge is retried at the next sweep.
void Hub::audit_retention_step(std::int64_t now) {
    const RetentionConfig& r = config_.retention;
    const std::int64_t cutoff = now - r.audit_ms;
    auto purged = store_.purge_audit_before(cutoff, r.audit_page);
    if (!purged) {
        next_audit_purge_ = now + r.sweep_every_ms;
        return;
    }
    next_audit_purge_ = now + (purged.value() >= r.audit_page ? r.page_gap_ms : r.sweep_every_ms);
    if (purged.value() == 0) return;
    p::AuditEntry e;
    e.actor_role = "system";
    e.actor_id = "system";
    e.actor_name = "Parley";
    e.action = audit::kAuditPurge;
    e.detail = "entries=" + std::to_string(purged.value()) + " before=" + std::to_string(cutoff);
    audit(std::move(e));
}

void Hub::forget_conversation(const std::string& conv) {
    router_.forget(conv);
    conv_seen_by_.erase(conv);
    last_summary_.erase(conv);
    published_rank_.erase(conv);
    told_queued_.erase(conv);
    conv_visitors_.erase(conv);
    if (auto b = bot_convs_.find(conv); b != bot_convs_.end()) {  // issue 16
        set_reply_due(conv, b->second, 0);
        bot_convs_.erase(b);
    }
    bots_told_.erase(conv);
}

}  // namespace parley::relay
