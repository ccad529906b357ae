#include "store/memory_store.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <tuple>

namespace parley::relay {

namespace {

std::string ascii_lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

}  // namespace

ConvSummary MemoryStore::summary(const std::string& id, const Conversation& c) const {
    ConvSummary s;
    s.conv = id;
    s.visitor.role = "visitor";
    s.visitor.id = c.visitor_id;
    if (auto v = visitors_.find(c.visitor_id); v != visitors_.end()) s.visitor.name = v->second.name;
    s.last_seq = static_cast<std::int64_t>(c.messages.size());
    s.last_text = c.messages.empty() ? std::string() : c.messages.back().text;
    s.updated = c.updated;
    s.status = c.status;
    // Triage (P5): the latest visitor message's intent.
    for (auto m = c.messages.rbegin(); m != c.messages.rend(); ++m)
        if (m->meta && m->from.role == "visitor") {
            s.intent = m->meta->intent;
            break;
        }
    return s;
}

// ---- visitors -------------------------------------------------------------------

Status MemoryStore::create_visitor(const Visitor& visitor) {
    if (!visitors_.emplace(visitor.id, visitor).second)
        return storage_error("visitor exists: " + visitor.id);
    return Ok{};
}

Result<std::optional<Visitor>> MemoryStore::find_visitor(const std::string& id) {
    auto it = visitors_.find(id);
    if (it == visitors_.end()) return std::optional<Visitor>{};
    return std::optional<Visitor>{it->second};
}

Status MemoryStore::rename_visitor(const std::string& id, const std::string& name) {
    auto it = visitors_.find(id);
    if (it == visitors_.end()) return storage_error("no such visitor: " + id);
    it->second.name = name;
    return Ok{};
}

// ---- contacts (issue 17) ---------------------------------------------------------

Status MemoryStore::put_contact(const std::string& visitor_id, const Contact& contact, std::int64_t) {
    if (!visitors_.count(visitor_id)) return storage_error("no such visitor: " + visitor_id);
    if (contact.verified) {
        auto holder = verified_visitor(contact.user_id);
        if (holder.value() && *holder.value() != visitor_id)
            return storage_error("user id already verified for another visitor");
    }
    contacts_[visitor_id] = contact;
    return Ok{};
}

Result<std::optional<Contact>> MemoryStore::find_contact(const std::string& visitor_id) {
    auto it = contacts_.find(visitor_id);
    if (it == contacts_.end()) return std::optional<Contact>{};
    return std::optional<Contact>{it->second};
}

Result<std::optional<std::string>> MemoryStore::verified_visitor(const std::string& user_id) {
    for (const auto& [visitor, c] : contacts_)
        if (c.verified && c.user_id == user_id) return std::optional<std::string>{visitor};
    return std::optional<std::string>{};
}

// ---- conversations --------------------------------------------------------------

Status MemoryStore::create_conversation(const std::string& conv, const std::string& visitor_id,
                                        std::int64_t now) {
    if (!visitors_.count(visitor_id)) return storage_error("no such visitor: " + visitor_id);
    Conversation c;
    c.visitor_id = visitor_id;
    c.created = now;
    c.updated = now;
    c.order = next_order_++;
    if (!convs_.emplace(conv, std::move(c)).second)
        return storage_error("conversation exists: " + conv);
    return Ok{};
}

Result<std::optional<ConvSummary>> MemoryStore::find_conversation(const std::string& conv) {
    auto it = convs_.find(conv);
    if (it == convs_.end()) return std::optional<ConvSummary>{};
    return std::optional<ConvSummary>{summary(it->first, it->second)};
}

Result<std::optional<ConvSummary>> MemoryStore::conversation_of_visitor(
    const std::string& visitor_id) {
    const std::pair<const std::string, Conversation>* best = nullptr;
    for (const auto& entry : convs_) {
        const Conversation& c = entry.second;
        if (c.visitor_id != visitor_id || c.status != "open") continue;
        if (!best || c.order > best->second.order) best = &entry;
    }
    if (!best) return std::optional<ConvSummary>{};
    return std::optional<ConvSummary>{summary(best->first, best->second)};
}

Result<std::vector<ConvSummary>> MemoryStore::open_conversations(int limit) {
    std::vector<const std::pair<const std::string, Conversation>*> open;
    for (const auto& entry : convs_)
        if (entry.second.status == "open" && !entry.second.messages.empty()) open.push_back(&entry);
    // Most recently updated first; among equals the newer conversation first.
    std::sort(open.begin(), open.end(), [](auto* a, auto* b) {
        if (a->second.updated != b->second.updated) return a->second.updated > b->second.updated;
        return a->second.order > b->second.order;
    });
    std::vector<ConvSummary> out;
    for (auto* entry : open) {
        if (static_cast<int>(out.size()) >= limit) break;
        out.push_back(summary(entry->first, entry->second));
    }
    return out;
}

Result<std::vector<ConvSummary>> MemoryStore::conversations_before(const std::string& status,
                                                                   std::int64_t before_updated,
                                                                   const std::string& before_conv, int limit) {
    std::vector<const std::pair<const std::string, Conversation>*> rows;
    for (const auto& entry : convs_) {
        const Conversation& c = entry.second;
        if (c.status == status && !c.messages.empty() &&
            std::tie(c.updated, entry.first) < std::tie(before_updated, before_conv))
            rows.push_back(&entry);
    }
    std::sort(rows.begin(), rows.end(), [](auto* a, auto* b) {
        return std::tie(a->second.updated, a->first) > std::tie(b->second.updated, b->first);
    });
    std::vector<ConvSummary> out;
    for (auto* entry : rows) {
        if (static_cast<int>(out.size()) >= limit) break;
        out.push_back(summary(entry->first, entry->second));
    }
    return out;
}

Result<std::vector<ConvSummary>> MemoryStore::closed_conversations_of_visitor(const std::string& visitor_id,
                                                                               int limit) {
    std::vector<const std::pair<const std::string, Conversation>*> closed;
    for (const auto& entry : convs_)
        if (entry.second.visitor_id == visitor_id && entry.second.status == "closed" && !entry.second.messages.empty())
            closed.push_back(&entry);
    std::sort(closed.begin(), closed.end(), [](auto* a, auto* b) {
        if (a->second.updated != b->second.updated) return a->second.updated > b->second.updated;
        return a->second.order > b->second.order;
    });
    std::vector<ConvSummary> out;
    for (auto* entry : closed) {
        if (static_cast<int>(out.size()) >= limit) break;
        out.push_back(summary(entry->first, entry->second));
    }
    return out;
}

Result<std::vector<ConvSummary>> MemoryStore::conversations_page(const std::string& status, std::int64_t since,
                                                                std::int64_t after_updated,
                                                                const std::string& after_conv, int limit) {
    std::vector<std::pair<std::int64_t, std::string>> keys;
    for (const auto& [id, c] : convs_)
        if (!c.messages.empty() && (status.empty() || c.status == status) && c.updated >= since &&
            std::tie(c.updated, id) > std::tie(after_updated, after_conv))
            keys.emplace_back(c.updated, id);
    std::sort(keys.begin(), keys.end());
    if (keys.size() > static_cast<std::size_t>(std::max(limit, 0))) keys.resize(static_cast<std::size_t>(std::max(limit, 0)));
    std::vector<ConvSummary> out;
    for (const auto& [updated, id] : keys) out.push_back(summary(id, convs_.at(id)));
    return out;
}

Result<Store::ConversationScan> MemoryStore::scan_conversations(std::int64_t after, std::int64_t created_before,
                                                                std::int64_t updated_since, int scan) {
    // Positions are creation order + 1 (0 means "from the first").
    std::vector<std::pair<std::int64_t, const std::string*>> window;
    for (const auto& [id, c] : convs_)
        if (c.order + 1 > after) window.emplace_back(c.order + 1, &id);
    std::sort(window.begin(), window.end());
    ConversationScan out;
    out.next = after;
    const std::size_t n = static_cast<std::size_t>(std::max(scan, 1));
    out.done = window.size() < n;
    if (window.size() > n) window.resize(n);
    for (const auto& [position, id] : window) {
        const Conversation& c = convs_.at(*id);
        if (c.created < created_before && c.updated >= updated_since)
            out.rows.push_back(StoredConversation{position, c.created, summary(*id, c)});
        out.next = position;
    }
    return out;
}

// ---- messages -------------------------------------------------------------------

Result<Appended> MemoryStore::append_message(const NewMessage& m) {
    auto it = convs_.find(m.conv);
    if (it == convs_.end()) return storage_error("no such conversation: " + m.conv);
    Conversation& c = it->second;
    auto key = std::make_tuple(m.from.id, m.cid);
    if (auto found = c.by_sender_cid.find(key); found != c.by_sender_cid.end()) {
        const Message& old = c.messages[found->second];
        return Appended{old.seq, old.ts, false};
    }
    Message stored;
    stored.conv = m.conv;
    stored.seq = static_cast<std::int64_t>(c.messages.size()) + 1;
    stored.cid = m.cid;
    stored.ts = m.ts;
    stored.from = m.from;
    stored.text = m.text;
    stored.internal = m.internal;
    stored.meta = m.meta;
    stored.parts = m.parts;
    stored.reply = m.reply;
    c.by_sender_cid.emplace(key, c.messages.size());
    c.messages.push_back(stored);
    c.updated = m.ts;
    return Appended{stored.seq, stored.ts, true};
}

Result<std::optional<Appended>> MemoryStore::find_sent(const std::string& conv, const std::string& sender_id,
                                                       const std::string& cid) {
    auto it = convs_.find(conv);
    if (it == convs_.end()) return std::optional<Appended>{};
    auto found = it->second.by_sender_cid.find(std::make_tuple(sender_id, cid));
    if (found == it->second.by_sender_cid.end()) return std::optional<Appended>{};
    const Message& old = it->second.messages[found->second];
    return std::optional<Appended>{Appended{old.seq, old.ts, false}};
}

Result<std::vector<Message>> MemoryStore::messages_after(const std::string& conv,
                                                         std::int64_t after, int limit) {
    std::vector<Message> out;
    auto it = convs_.find(conv);
    if (it == convs_.end() || limit <= 0) return out;
    const auto& msgs = it->second.messages;
    const std::int64_t n = static_cast<std::int64_t>(msgs.size());
    for (std::int64_t seq = std::max<std::int64_t>(after, 0) + 1;
         seq <= n && static_cast<int>(out.size()) < limit; ++seq)
        out.push_back(msgs[static_cast<std::size_t>(seq - 1)]);
    return out;
}

Result<std::vector<MessageStamp>> MemoryStore::visible_message_stamps(const std::string& conv) {
    std::vector<MessageStamp> out;
    auto it = convs_.find(conv);
    if (it == convs_.end()) return out;
    for (const Message& m : it->second.messages)
        if (!m.internal) out.push_back(MessageStamp{m.ts, m.from.role});
    return out;
}

Result<std::vector<Message>> MemoryStore::messages_before(const std::string& conv,
                                                          std::int64_t before, int limit) {
    std::vector<Message> out;
    auto it = convs_.find(conv);
    if (it == convs_.end() || limit <= 0) return out;
    const auto& msgs = it->second.messages;
    const std::int64_t last = std::min<std::int64_t>(before - 1, static_cast<std::int64_t>(msgs.size()));
    const std::int64_t first = std::max<std::int64_t>(1, last - limit + 1);
    for (std::int64_t seq = first; seq <= last; ++seq)
        out.push_back(msgs[static_cast<std::size_t>(seq - 1)]);
    return out;
}

Result<std::optional<Message>> MemoryStore::last_visible_said(const std::string& conv) {
    auto it = convs_.find(conv);
    if (it == convs_.end()) return std::optional<Message>{};
    const auto& msgs = it->second.messages;
    for (auto m = msgs.rbegin(); m != msgs.rend(); ++m)
        if (!m->internal && m->from.role != "system") return std::optional<Message>{*m};
    return std::optional<Message>{};
}

// ---- read marks -----------------------------------------------------------------

Result<std::int64_t> MemoryStore::mark_read(const std::string& conv, const std::string& reader_id,
                                            std::int64_t seq) {
    if (!convs_.count(conv)) return storage_error("no such conversation: " + conv);
    std::int64_t& mark = read_marks_[std::make_tuple(conv, reader_id)];
    mark = std::max(mark, seq);
    return mark;
}

Result<std::int64_t> MemoryStore::read_mark(const std::string& conv,
                                            const std::string& reader_id) {
    auto it = read_marks_.find(std::make_tuple(conv, reader_id));
    return it == read_marks_.end() ? std::int64_t{0} : it->second;
}

// ---- privacy ----------------------------------------------------------------------

Result<std::optional<VisitorRecord>> MemoryStore::visitor_record(const std::string& visitor_id) {
    auto v = visitors_.find(visitor_id);
    if (v == visitors_.end()) return std::optional<VisitorRecord>{};
    VisitorRecord record{v->second, {}, {}};
    auto contact = find_contact(record.visitor.id);  // issue 17
    if (!contact) return contact.error();
    record.contact = contact.value();
    std::vector<std::pair<std::int64_t, std::string>> order;  // (creation order, id)
    for (const auto& [id, c] : convs_)
        if (c.visitor_id == visitor_id) order.emplace_back(c.order, id);
    std::sort(order.begin(), order.end());
    for (const auto& entry : order) {
        const Conversation& c = convs_.at(entry.second);
        record.conversations.push_back(summary(entry.second, c));
        record.messages.insert(record.messages.end(), c.messages.begin(), c.messages.end());
    }
    return std::optional<VisitorRecord>{std::move(record)};
}

Result<Erased> MemoryStore::erase_visitor(const std::string& visitor_id) {
    Erased erased;
    if (!visitors_.erase(visitor_id)) return erased;
    contacts_.erase(visitor_id);
    erased.visitors = 1;
    for (auto it = convs_.begin(); it != convs_.end();) {
        if (it->second.visitor_id != visitor_id) {
            ++it;
            continue;
        }
        ++erased.conversations;
        erased.convs.push_back(it->first);
        erased.messages += static_cast<int>(it->second.messages.size());
        erase_events_of(it->first);
        erase_flags_of(it->first);
        erase_attachments_of(it->first, erased);
        for (auto m = read_marks_.begin(); m != read_marks_.end();)
            m = std::get<0>(m->first) == it->first ? read_marks_.erase(m) : std::next(m);
        it = convs_.erase(it);
    }
    return erased;
}

void MemoryStore::erase_attachments_of(const std::string& conv, Erased& erased) {
    for (auto a = attachments_.begin(); a != attachments_.end();) {
        if (a->second.conv != conv) {
            ++a;
            continue;
        }
        erased.attachments.push_back(a->first);
        a = attachments_.erase(a);
    }
}

// ---- attachments ------------------------------------------------------------------

Status MemoryStore::put_attachment(const AttachmentRecord& record) {
    if (!convs_.count(record.conv)) return storage_error("no such conversation: " + record.conv);
    if (!attachments_.emplace(record.id, record).second) return storage_error("attachment exists: " + record.id);
    return Ok{};
}

Result<std::optional<AttachmentRecord>> MemoryStore::find_attachment(const std::string& id) {
    auto it = attachments_.find(id);
    if (it == attachments_.end()) return std::optional<AttachmentRecord>{};
    return std::optional<AttachmentRecord>{it->second};
}

// ---- retention --------------------------------------------------------------------

Result<std::vector<ClosedConversation>> MemoryStore::closed_before(std::int64_t cutoff,
                                                                   std::int64_t after_updated,
                                                                   const std::string& after_conv, int limit) {
    std::vector<ClosedConversation> out;
    for (const auto& [id, c] : convs_)
        if (c.status == "closed" && c.updated < cutoff &&
            std::tie(c.updated, id) > std::tie(after_updated, after_conv))
            out.push_back({id, c.updated, c.route});
    std::sort(out.begin(), out.end(), [](const ClosedConversation& a, const ClosedConversation& b) {
        return std::tie(a.updated, a.conv) < std::tie(b.updated, b.conv);
    });
    if (out.size() > static_cast<std::size_t>(std::max(limit, 0))) out.resize(static_cast<std::size_t>(std::max(limit, 0)));
    return out;
}

Result<Erased> MemoryStore::erase_conversations(const std::vector<std::string>& convs) {
    Erased erased;
    std::set<std::string> visitors;
    for (const std::string& conv : convs) {
        auto it = convs_.find(conv);
        if (it == convs_.end()) continue;
        ++erased.conversations;
        erased.convs.push_back(it->first);
        erased.messages += static_cast<int>(it->second.messages.size());
        visitors.insert(it->second.visitor_id);
        erase_events_of(conv);
        erase_flags_of(conv);
        erase_attachments_of(conv, erased);
        for (auto m = read_marks_.begin(); m != read_marks_.end();)
            m = std::get<0>(m->first) == conv ? read_marks_.erase(m) : std::next(m);
        convs_.erase(it);
    }
    for (const std::string& v : visitors) {
        const bool has_more = std::any_of(convs_.begin(), convs_.end(),
                                          [&](const auto& c) { return c.second.visitor_id == v; });
        if (has_more) continue;
        erased.visitors += static_cast<int>(visitors_.erase(v));
        contacts_.erase(v);
    }
    return erased;
}

// ---- agents and sessions --------------------------------------------------------

Status MemoryStore::create_agent(const Agent& agent) {
    const std::string email = ascii_lower(agent.email);
    if (agents_.count(agent.id)) return storage_error("agent exists: " + agent.id);
    if (agent_email_.count(email)) return storage_error("agent e-mail exists: " + agent.email);
    agents_.emplace(agent.id, agent);
    agent_email_.emplace(email, agent.id);
    return Ok{};
}

Result<std::optional<Agent>> MemoryStore::find_agent_by_email(const std::string& email) {
    auto it = agent_email_.find(ascii_lower(email));
    if (it == agent_email_.end()) return std::optional<Agent>{};
    return std::optional<Agent>{agents_.at(it->second)};
}

Result<std::optional<Agent>> MemoryStore::find_agent(const std::string& id) {
    auto it = agents_.find(id);
    if (it == agents_.end()) return std::optional<Agent>{};
    return std::optional<Agent>{it->second};
}

Result<std::vector<Agent>> MemoryStore::list_agents() {
    std::vector<Agent> out;
    for (const auto& entry : agent_email_) out.push_back(agents_.at(entry.second));  // by e-mail
    return out;
}

Status MemoryStore::set_conversation_status(const std::string& conv, const std::string& status) {
    auto it = convs_.find(conv);
    if (it == convs_.end()) return storage_error("no such conversation: " + conv);
    it->second.status = status;
    return Ok{};
}

Status MemoryStore::set_route(const std::string& conv, const std::string& record) {
    auto it = convs_.find(conv);
    if (it == convs_.end()) return storage_error("no such conversation: " + conv);
    it->second.route = record;
    return Ok{};
}

Result<std::optional<std::string>> MemoryStore::route_of(const std::string& conv) {
    auto it = convs_.find(conv);
    if (it == convs_.end()) return std::optional<std::string>{};
    return it->second.route;
}

Status MemoryStore::create_session(const AgentSession& session) {
    if (!agents_.count(session.agent_id)) return storage_error("no such agent: " + session.agent_id);
    if (!sessions_.emplace(session.token_hash, session).second)
        return storage_error("session exists");
    return Ok{};
}

Result<std::optional<AgentSession>> MemoryStore::find_session(const std::string& token_hash) {
    auto it = sessions_.find(token_hash);
    if (it == sessions_.end()) return std::optional<AgentSession>{};
    return std::optional<AgentSession>{it->second};
}

Status MemoryStore::touch_session(const std::string& token_hash, std::int64_t now) {
    auto it = sessions_.find(token_hash);
    if (it != sessions_.end()) it->second.last_used = std::max(it->second.last_used, now);
    return Ok{};
}

Result<std::vector<AgentSession>> MemoryStore::sessions_of_agent(const std::string& agent_id) {
    std::vector<AgentSession> out;
    for (const auto& entry : sessions_)
        if (entry.second.agent_id == agent_id) out.push_back(entry.second);
    std::stable_sort(out.begin(), out.end(), [](const AgentSession& a, const AgentSession& b) {
        return a.created < b.created;  // ties stay in token-hash order, as SQLite's
    });
    return out;
}

Result<bool> MemoryStore::delete_session(const std::string& token_hash) {
    return sessions_.erase(token_hash) > 0;
}

Result<std::int64_t> MemoryStore::delete_sessions_of_agent(const std::string& agent_id) {
    std::int64_t n = 0;
    for (auto it = sessions_.begin(); it != sessions_.end();) {
        if (it->second.agent_id == agent_id) {
            it = sessions_.erase(it);
            ++n;
        } else {
            ++it;
        }
    }
    return n;
}

Result<std::int64_t> MemoryStore::purge_sessions(std::int64_t now) {
    std::int64_t n = 0;
    for (auto it = sessions_.begin(); it != sessions_.end();) {
        if (it->second.expires <= now) {
            it = sessions_.erase(it);
            ++n;
        } else {
            ++it;
        }
    }
    return n;
}

Status MemoryStore::set_agent_disabled(const std::string& agent_id, bool disabled) {
    auto it = agents_.find(agent_id);
    if (it == agents_.end()) return storage_error("no such agent: " + agent_id);
    it->second.disabled = disabled;
    if (disabled) delete_sessions_of_agent(agent_id);
    return Ok{};
}

Status MemoryStore::update_agent(const Agent& agent, bool revoke_sessions) {
    auto it = agents_.find(agent.id);
    if (it == agents_.end()) return storage_error("no such agent: " + agent.id);
    Agent& a = it->second;
    a.name = agent.name;
    a.password_hash = agent.password_hash;
    a.teams = agent.teams;
    a.skills = agent.skills;
    a.preferred = agent.preferred;
    a.max_load = agent.max_load;
    a.supervisor = agent.supervisor;
    if (revoke_sessions) delete_sessions_of_agent(agent.id);
    return Ok{};
}

Status MemoryStore::delete_agent(const std::string& agent_id) {
    auto it = agents_.find(agent_id);
    if (it == agents_.end()) return storage_error("no such agent: " + agent_id);
    delete_sessions_of_agent(agent_id);
    for (auto e = agent_email_.begin(); e != agent_email_.end();)
        e = e->second == agent_id ? agent_email_.erase(e) : std::next(e);
    agents_.erase(it);
    return Ok{};
}

// ---- conversation events ------------------------------------------------------------

Status MemoryStore::append_event(const ConvEvent& event) {
    events_.push_back(event);
    events_.back().id = next_event_id_++;
    return Ok{};
}

Result<std::vector<ConvEvent>> MemoryStore::events_of_conversations_opened(std::int64_t from, std::int64_t to) {
    std::set<std::string> opened;
    for (const ConvEvent& e : events_)
        if (e.kind == "opened" && e.ts >= from && e.ts < to) opened.insert(e.conv);
    std::vector<ConvEvent> out;
    for (const ConvEvent& e : events_)
        if (opened.count(e.conv)) out.push_back(e);
    return out;
}

Result<std::vector<ConvEvent>> MemoryStore::events_of_kind(const std::string& kind, std::int64_t from,
                                                           std::int64_t to) {
    std::vector<ConvEvent> out;
    for (const ConvEvent& e : events_)
        if (e.kind == kind && e.ts >= from && e.ts < to) out.push_back(e);
    return out;
}

// ---- agents' availability ---------------------------------------------------------

Status MemoryStore::append_agent_event(const AgentEvent& event) {
    agent_events_.push_back(event);
    agent_events_.back().id = next_agent_event_id_++;
    return Ok{};
}

Result<std::vector<AgentEvent>> MemoryStore::agent_events_between(std::int64_t from, std::int64_t to) {
    std::map<std::string, std::int64_t> last_before;  // agent → id of their last row before `from`
    for (const AgentEvent& e : agent_events_)
        if (e.ts < from) last_before[e.agent] = std::max(last_before[e.agent], e.id);
    std::vector<AgentEvent> out;
    for (const AgentEvent& e : agent_events_) {
        auto last = last_before.find(e.agent);
        if ((e.ts >= from && e.ts < to) || (last != last_before.end() && last->second == e.id)) out.push_back(e);
    }
    return out;
}

Result<std::int64_t> MemoryStore::purge_agent_events_before(std::int64_t before_ts) {
    std::map<std::string, std::int64_t> last_before;
    for (const AgentEvent& e : agent_events_)
        if (e.ts < before_ts) last_before[e.agent] = std::max(last_before[e.agent], e.id);
    const auto size = agent_events_.size();
    agent_events_.erase(std::remove_if(agent_events_.begin(), agent_events_.end(),
                                       [&](const AgentEvent& e) {
                                           return e.ts < before_ts && last_before[e.agent] != e.id;
                                       }),
                        agent_events_.end());
    return static_cast<std::int64_t>(size - agent_events_.size());
}

void MemoryStore::erase_events_of(const std::string& conv) {
    events_.erase(std::remove_if(events_.begin(), events_.end(), [&](const ConvEvent& e) { return e.conv == conv; }),
                  events_.end());
}

// ---- audit log ------------------------------------------------------------------

Result<std::int64_t> MemoryStore::append_audit(const AuditEntry& entry) {
    audit_.push_back(entry);
    audit_.back().id = audit_purged_ + static_cast<std::int64_t>(audit_.size());
    return audit_.back().id;
}

Result<std::vector<AuditEntry>> MemoryStore::audit_before(std::int64_t before, int limit) {
    std::vector<AuditEntry> out;
    const auto size = static_cast<std::int64_t>(audit_.size());
    // Entries [0, end): those with id < before.
    const std::int64_t end = before <= 0 ? size : std::clamp<std::int64_t>(before - 1 - audit_purged_, 0, size);
    for (std::int64_t i = end - 1; i >= 0 && static_cast<int>(out.size()) < limit; --i)
        out.push_back(audit_[static_cast<std::size_t>(i)]);
    return out;
}

Result<std::vector<AuditEntry>> MemoryStore::audit_after(std::int64_t after, int limit) {
    std::vector<AuditEntry> out;
    for (std::int64_t i = std::max<std::int64_t>(after - audit_purged_, 0);
         i < static_cast<std::int64_t>(audit_.size()) && static_cast<int>(out.size()) < limit; ++i)
        out.push_back(audit_[static_cast<std::size_t>(i)]);
    return out;
}

Result<std::int64_t> MemoryStore::purge_audit_before(std::int64_t before_ts, int limit) {
    std::int64_t purged = 0;
    while (!audit_.empty() && audit_.front().ts < before_ts && purged < limit) {
        audit_.pop_front();
        ++audit_purged_;
        ++purged;
    }
    return purged;
}

// ---- settings -------------------------------------------------------------------

Result<std::optional<std::string>> MemoryStore::get_setting(const std::string& key) {
    auto it = settings_.find(key);
    if (it == settings_.end()) return std::optional<std::string>{};
    return std::optional<std::string>{it->second};
}

Status MemoryStore::put_setting(const std::string& key, const std::string& value) {
    settings_[key] = value;
    return Ok{};
}

// ---- bot API keys (issue 16) ------------------------------------------------------

Status MemoryStore::create_bot_key(const BotKey& key) {
    for (const auto& entry : bot_keys_)
        if (entry.second.key_hash == key.key_hash) return storage_error("bot key exists");
    if (!bot_keys_.emplace(key.name, key).second) return storage_error("bot key exists: " + key.name);
    return Ok{};
}

Result<std::optional<BotKey>> MemoryStore::find_bot_key(const std::string& key_hash) {
    for (const auto& entry : bot_keys_)
        if (entry.second.key_hash == key_hash) return std::optional<BotKey>{entry.second};
    return std::optional<BotKey>{};
}

Status MemoryStore::touch_bot_key(const std::string& key_hash, std::int64_t now) {
    for (auto& entry : bot_keys_)
        if (entry.second.key_hash == key_hash) entry.second.last_used = std::max(entry.second.last_used, now);
    return Ok{};
}

Result<std::vector<BotKey>> MemoryStore::list_bot_keys() {
    std::vector<BotKey> out;
    for (const auto& entry : bot_keys_) out.push_back(entry.second);
    return out;
}

Result<bool> MemoryStore::delete_bot_key(const std::string& name) { return bot_keys_.erase(name) > 0; }

}  // namespace parley::relay

// ---- customer context and canned responses (issue 17) -------------------------------
namespace parley::relay {

Status MemoryStore::put_conv_context(const std::string& conv, const ConvContext& context) {
    auto it = convs_.find(conv);
    if (it == convs_.end()) return storage_error("no such conversation: " + conv);
    it->second.context = context;  // erased with the conversation
    return Ok{};
}

Result<std::optional<ConvContext>> MemoryStore::find_conv_context(const std::string& conv) {
    auto it = convs_.find(conv);
    if (it == convs_.end()) return std::optional<ConvContext>{};
    return it->second.context;
}

Result<std::vector<ConvSummary>> MemoryStore::conversations_of(const std::string& visitor_id, int limit) {
    std::vector<const std::pair<const std::string, Conversation>*> mine;
    for (const auto& entry : convs_)
        if (entry.second.visitor_id == visitor_id) mine.push_back(&entry);
    std::sort(mine.begin(), mine.end(), [](auto* a, auto* b) {
        if (a->second.updated != b->second.updated) return a->second.updated > b->second.updated;
        return a->second.order > b->second.order;
    });
    std::vector<ConvSummary> out;
    for (auto* entry : mine) {
        if (static_cast<int>(out.size()) >= limit) break;
        out.push_back(summary(entry->first, entry->second));
    }
    return out;
}

Result<std::vector<ConvEvent>> MemoryStore::events_of_conversation(const std::string& conv) {
    std::vector<ConvEvent> out;
    for (const ConvEvent& e : events_)
        if (e.conv == conv) out.push_back(e);
    return out;
}

Status MemoryStore::put_canned(const CannedRecord& record) {
    canned_[record.id] = record;
    return Ok{};
}

Result<std::optional<CannedRecord>> MemoryStore::find_canned(const std::string& id) {
    auto it = canned_.find(id);
    if (it == canned_.end()) return std::optional<CannedRecord>{};
    return std::optional<CannedRecord>{it->second};
}

Result<std::vector<CannedRecord>> MemoryStore::canned_of(const std::string& owner) {
    std::vector<CannedRecord> out;
    for (const auto& [id, r] : canned_)
        if (r.owner == owner) out.push_back(r);
    std::sort(out.begin(), out.end(), [](const CannedRecord& a, const CannedRecord& b) {
        return std::tie(a.shortcut, a.id) < std::tie(b.shortcut, b.id);
    });
    return out;
}

Result<bool> MemoryStore::delete_canned(const std::string& id) { return canned_.erase(id) > 0; }

// ---- quality flags (issue 18) ---------------------------------------------------------

Result<std::int64_t> MemoryStore::add_flag(const QualityFlag& flag) {
    QualityFlag f = flag;
    f.id = next_flag_id_++;
    f.reviewed_by.clear();
    f.reviewed_at = 0;
    flags_[f.id] = f;
    return f.id;
}

Result<std::vector<QualityFlag>> MemoryStore::flags_before(std::int64_t before, bool open_only, int limit) {
    std::vector<QualityFlag> out;
    auto it = before > 0 ? flags_.lower_bound(before) : flags_.end();
    while (it != flags_.begin() && static_cast<int>(out.size()) < limit) {
        --it;
        if (!open_only || it->second.reviewed_at == 0) out.push_back(it->second);
    }
    return out;
}

Result<std::optional<QualityFlag>> MemoryStore::find_flag(std::int64_t id) {
    auto it = flags_.find(id);
    if (it == flags_.end()) return std::optional<QualityFlag>();
    return std::optional<QualityFlag>(it->second);
}

Result<bool> MemoryStore::review_flag(std::int64_t id, const std::string& by, std::int64_t at) {
    auto it = flags_.find(id);
    if (it == flags_.end() || it->second.reviewed_at != 0) return false;
    it->second.reviewed_by = by;
    it->second.reviewed_at = at;
    return true;
}

Result<bool> MemoryStore::has_open_flag(const std::string& conv, const std::string& kind) {
    for (const auto& [id, f] : flags_)
        if (f.conv == conv && f.kind == kind && f.reviewed_at == 0) return true;
    return false;
}

Result<std::int64_t> MemoryStore::open_flag_count() {
    std::int64_t n = 0;
    for (const auto& [id, f] : flags_) n += f.reviewed_at == 0;
    return n;
}

void MemoryStore::erase_flags_of(const std::string& conv) {
    for (auto it = flags_.begin(); it != flags_.end();) it = it->second.conv == conv ? flags_.erase(it) : std::next(it);
}

}  // namespace parley::relay
