// SummaryCache: a Store that keeps recent conversation summaries in memory in front of
// another Store (issue 6). Every message, typing notice and read mark asks for its
// conversation's summary (is it there, is it the sender's, is it open); with SQLite that
// was two queries per frame (the row, then the latest intent), a tenth of the relay's
// CPU under load.
//
// It is write-through and caches reads only: every write goes to the inner store first
// and, when it succeeded, the cached summary is changed the way the store changed it
// (append: last_seq, last_text, updated, and the intent of a visitor's triaged message;
// status; the visitor's name). Nothing is acknowledged from the cache, so it can lose
// nothing. A failed commit_batch() undoes writes the cache has already applied, so it
// forgets everything then. Only conversations with messages are kept, at most
// `capacity`; past that an arbitrary one is dropped and read again when next needed.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>

#include "store/store.hpp"

namespace parley::relay {

class SummaryCache final : public Store {
public:
    explicit SummaryCache(Store& inner, std::size_t capacity = 8192)
        : inner_(inner), capacity_(capacity == 0 ? 1 : capacity) {}

    std::size_t cached() const { return summaries_.size(); }

    Status create_visitor(const Visitor& visitor) override { return inner_.create_visitor(visitor); }
    Result<std::optional<Visitor>> find_visitor(const std::string& id) override {
        return inner_.find_visitor(id);
    }
    Status rename_visitor(const std::string& id, const std::string& name) override;
    Status put_contact(const std::string& visitor_id, const Contact& contact, std::int64_t now) override {
        return inner_.put_contact(visitor_id, contact, now);
    }
    Result<std::optional<Contact>> find_contact(const std::string& visitor_id) override {
        return inner_.find_contact(visitor_id);
    }
    Result<std::optional<std::string>> verified_visitor(const std::string& user_id) override {
        return inner_.verified_visitor(user_id);
    }

    Status create_conversation(const std::string& conv, const std::string& visitor_id,
                               std::int64_t now) override {
        return inner_.create_conversation(conv, visitor_id, now);
    }
    Result<std::optional<ConvSummary>> find_conversation(const std::string& conv) override;
    Result<std::optional<ConvSummary>> conversation_of_visitor(const std::string& visitor_id) override {
        return inner_.conversation_of_visitor(visitor_id);
    }
    Result<std::vector<ConvSummary>> closed_conversations_of_visitor(const std::string& visitor_id,
                                                                     int limit) override {
        return inner_.closed_conversations_of_visitor(visitor_id, limit);
    }
    Status put_attachment(const AttachmentRecord& record) override { return inner_.put_attachment(record); }
    Result<std::optional<AttachmentRecord>> find_attachment(const std::string& id) override {
        return inner_.find_attachment(id);
    }
    Result<ConversationScan> scan_conversations(std::int64_t after, std::int64_t created_before,
                                                std::int64_t updated_since, int scan) override {
        return inner_.scan_conversations(after, created_before, updated_since, scan);
    }
    Result<std::vector<ConvSummary>> conversations_page(const std::string& status, std::int64_t since,
                                                        std::int64_t after_updated, const std::string& after_conv,
                                                        int limit) override {
        return inner_.conversations_page(status, since, after_updated, after_conv, limit);
    }
    Result<std::vector<ConvSummary>> open_conversations(int limit) override {
        return inner_.open_conversations(limit);
    }
    Result<std::vector<ConvSummary>> conversations_before(const std::string& status, std::int64_t before_updated,
                                                          const std::string& before_conv, int limit) override {
        return inner_.conversations_before(status, before_updated, before_conv, limit);
    }
    Status set_conversation_status(const std::string& conv, const std::string& status) override;
    Status set_route(const std::string& conv, const std::string& record) override {
        return inner_.set_route(conv, record);
    }
    Result<std::optional<std::string>> route_of(const std::string& conv) override {
        return inner_.route_of(conv);
    }

    Result<std::int64_t> add_flag(const QualityFlag& flag) override { return inner_.add_flag(flag); }
    Result<std::vector<QualityFlag>> flags_before(std::int64_t before, bool open_only, int limit) override {
        return inner_.flags_before(before, open_only, limit);
    }
    Result<std::optional<QualityFlag>> find_flag(std::int64_t id) override { return inner_.find_flag(id); }
    Result<bool> review_flag(std::int64_t id, const std::string& by, std::int64_t at) override {
        return inner_.review_flag(id, by, at);
    }
    Result<bool> has_open_flag(const std::string& conv, const std::string& kind) override {
        return inner_.has_open_flag(conv, kind);
    }
    Result<std::int64_t> open_flag_count() override { return inner_.open_flag_count(); }
    Status put_conv_context(const std::string& conv, const ConvContext& context) override {
        return inner_.put_conv_context(conv, context);
    }
    Result<std::optional<ConvContext>> find_conv_context(const std::string& conv) override {
        return inner_.find_conv_context(conv);
    }
    Result<std::vector<ConvSummary>> conversations_of(const std::string& visitor_id, int limit) override {
        return inner_.conversations_of(visitor_id, limit);
    }
    Result<std::vector<ConvEvent>> events_of_conversation(const std::string& conv) override {
        return inner_.events_of_conversation(conv);
    }
    Status put_canned(const CannedRecord& record) override { return inner_.put_canned(record); }
    Result<std::optional<CannedRecord>> find_canned(const std::string& id) override {
        return inner_.find_canned(id);
    }
    Result<std::vector<CannedRecord>> canned_of(const std::string& owner) override {
        return inner_.canned_of(owner);
    }
    Result<bool> delete_canned(const std::string& id) override { return inner_.delete_canned(id); }

    Status begin_batch() override { return inner_.begin_batch(); }
    Status commit_batch() override;

    Result<Appended> append_message(const NewMessage& message) override;
    Result<std::optional<Appended>> find_sent(const std::string& conv, const std::string& sender_id,
                                              const std::string& cid) override {
        return inner_.find_sent(conv, sender_id, cid);
    }
    Result<std::vector<Message>> messages_after(const std::string& conv, std::int64_t after,
                                                int limit) override {
        return inner_.messages_after(conv, after, limit);
    }
    Result<std::vector<Message>> messages_before(const std::string& conv, std::int64_t before,
                                                 int limit) override {
        return inner_.messages_before(conv, before, limit);
    }
    Result<std::optional<Message>> last_visible_said(const std::string& conv) override {
        return inner_.last_visible_said(conv);
    }

    Result<std::int64_t> mark_read(const std::string& conv, const std::string& reader_id,
                                   std::int64_t seq) override {
        return inner_.mark_read(conv, reader_id, seq);
    }
    Result<std::int64_t> read_mark(const std::string& conv, const std::string& reader_id) override {
        return inner_.read_mark(conv, reader_id);
    }

    Status create_agent(const Agent& agent) override { return inner_.create_agent(agent); }
    Result<std::optional<Agent>> find_agent_by_email(const std::string& email) override {
        return inner_.find_agent_by_email(email);
    }
    Result<std::optional<Agent>> find_agent(const std::string& id) override { return inner_.find_agent(id); }
    Result<std::vector<Agent>> list_agents() override { return inner_.list_agents(); }
    Status create_session(const AgentSession& session) override { return inner_.create_session(session); }
    Result<std::optional<AgentSession>> find_session(const std::string& token_hash) override {
        return inner_.find_session(token_hash);
    }
    Status touch_session(const std::string& token_hash, std::int64_t now) override {
        return inner_.touch_session(token_hash, now);
    }
    Result<std::vector<AgentSession>> sessions_of_agent(const std::string& agent_id) override {
        return inner_.sessions_of_agent(agent_id);
    }
    Result<bool> delete_session(const std::string& token_hash) override {
        return inner_.delete_session(token_hash);
    }
    Result<std::int64_t> delete_sessions_of_agent(const std::string& agent_id) override {
        return inner_.delete_sessions_of_agent(agent_id);
    }
    Result<std::int64_t> purge_sessions(std::int64_t now) override { return inner_.purge_sessions(now); }
    Status create_bot_key(const BotKey& key) override { return inner_.create_bot_key(key); }
    Result<std::optional<BotKey>> find_bot_key(const std::string& key_hash) override {
        return inner_.find_bot_key(key_hash);
    }
    Status touch_bot_key(const std::string& key_hash, std::int64_t now) override {
        return inner_.touch_bot_key(key_hash, now);
    }
    Result<std::vector<BotKey>> list_bot_keys() override { return inner_.list_bot_keys(); }
    Result<bool> delete_bot_key(const std::string& name) override { return inner_.delete_bot_key(name); }
    Status set_agent_disabled(const std::string& agent_id, bool disabled) override {
        return inner_.set_agent_disabled(agent_id, disabled);
    }
    Status update_agent(const Agent& agent, bool revoke_sessions) override {
        return inner_.update_agent(agent, revoke_sessions);
    }
    Status delete_agent(const std::string& agent_id) override { return inner_.delete_agent(agent_id); }

    Result<std::optional<VisitorRecord>> visitor_record(const std::string& visitor_id) override {
        return inner_.visitor_record(visitor_id);
    }
    // Also forgets the erased conversations' summaries: nothing of them stays in memory.
    Result<Erased> erase_visitor(const std::string& visitor_id) override;
    Status empty_log() override { return inner_.empty_log(); }
    Result<std::vector<ClosedConversation>> closed_before(std::int64_t cutoff, std::int64_t after_updated,
                                                          const std::string& after_conv, int limit) override {
        return inner_.closed_before(cutoff, after_updated, after_conv, limit);
    }
    Result<Erased> erase_conversations(const std::vector<std::string>& convs) override;

    Status append_event(const ConvEvent& event) override { return inner_.append_event(event); }
    WebhookStore* webhooks() override { return inner_.webhooks(); }
    Result<std::vector<ConvEvent>> events_of_conversations_opened(std::int64_t from, std::int64_t to) override {
        return inner_.events_of_conversations_opened(from, to);
    }
    Result<std::vector<ConvEvent>> events_of_kind(const std::string& kind, std::int64_t from,
                                                  std::int64_t to) override {
        return inner_.events_of_kind(kind, from, to);
    }
    Status append_agent_event(const AgentEvent& event) override { return inner_.append_agent_event(event); }
    Result<std::vector<AgentEvent>> agent_events_between(std::int64_t from, std::int64_t to) override {
        return inner_.agent_events_between(from, to);
    }
    Result<std::int64_t> purge_agent_events_before(std::int64_t before_ts) override {
        return inner_.purge_agent_events_before(before_ts);
    }
    Result<std::vector<MessageStamp>> visible_message_stamps(const std::string& conv) override {
        return inner_.visible_message_stamps(conv);
    }
    Result<std::int64_t> append_audit(const AuditEntry& entry) override { return inner_.append_audit(entry); }
    Result<std::vector<AuditEntry>> audit_before(std::int64_t before, int limit) override {
        return inner_.audit_before(before, limit);
    }
    Result<std::vector<AuditEntry>> audit_after(std::int64_t after, int limit) override {
        return inner_.audit_after(after, limit);
    }
    Result<std::int64_t> purge_audit_before(std::int64_t before_ts, int limit) override {
        return inner_.purge_audit_before(before_ts, limit);
    }

    Result<std::optional<std::string>> get_setting(const std::string& key) override {
        return inner_.get_setting(key);
    }
    Status put_setting(const std::string& key, const std::string& value) override {
        return inner_.put_setting(key, value);
    }

private:
    Store& inner_;
    std::size_t capacity_;
    std::unordered_map<std::string, ConvSummary> summaries_;  // by conversation id
};

}  // namespace parley::relay
