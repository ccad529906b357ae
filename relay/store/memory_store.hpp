// MemoryStore: the in-memory Store. Everything is lost when the process exits, so it
// serves tests and throw-away demos; it keeps every guarantee of store.hpp except
// surviving a restart. Lookups are O(log n); open_conversations sorts, O(n log n).
#pragma once

#include <map>
#include <tuple>
#include <deque>
#include <vector>

#include "store/store.hpp"

namespace parley::relay {

class MemoryStore : public Store {
public:
    Status create_visitor(const Visitor& visitor) override;
    Result<std::optional<Visitor>> find_visitor(const std::string& id) override;
    Status rename_visitor(const std::string& id, const std::string& name) override;
    Status put_contact(const std::string& visitor_id, const Contact& contact, std::int64_t now) override;
    Result<std::optional<Contact>> find_contact(const std::string& visitor_id) override;
    Result<std::optional<std::string>> verified_visitor(const std::string& user_id) override;

    Status create_conversation(const std::string& conv, const std::string& visitor_id,
                               std::int64_t now) override;
    Result<std::optional<ConvSummary>> find_conversation(const std::string& conv) override;
    Result<std::optional<ConvSummary>> conversation_of_visitor(
        const std::string& visitor_id) override;
    Result<std::vector<ConvSummary>> open_conversations(int limit) override;
    Result<std::vector<ConvSummary>> conversations_before(const std::string& status, std::int64_t before_updated,
                                                          const std::string& before_conv, int limit) override;
    Result<std::vector<ConvSummary>> closed_conversations_of_visitor(const std::string& visitor_id,
                                                                     int limit) override;
    Status put_attachment(const AttachmentRecord& record) override;
    Result<std::optional<AttachmentRecord>> find_attachment(const std::string& id) override;
    Result<ConversationScan> scan_conversations(std::int64_t after, std::int64_t created_before,
                                                std::int64_t updated_since, int scan) override;
    Result<std::vector<ConvSummary>> conversations_page(const std::string& status, std::int64_t since,
                                                        std::int64_t after_updated, const std::string& after_conv,
                                                        int limit) override;
    Status set_conversation_status(const std::string& conv, const std::string& status) override;
    Status set_route(const std::string& conv, const std::string& record) override;
    Result<std::optional<std::string>> route_of(const std::string& conv) override;

    Status put_conv_context(const std::string& conv, const ConvContext& context) override;
    Result<std::int64_t> add_flag(const QualityFlag& flag) override;
    Result<std::vector<QualityFlag>> flags_before(std::int64_t before, bool open_only, int limit) override;
    Result<std::optional<QualityFlag>> find_flag(std::int64_t id) override;
    Result<bool> review_flag(std::int64_t id, const std::string& by, std::int64_t at) override;
    Result<bool> has_open_flag(const std::string& conv, const std::string& kind) override;
    Result<std::int64_t> open_flag_count() override;
    Result<std::optional<ConvContext>> find_conv_context(const std::string& conv) override;
    Result<std::vector<ConvSummary>> conversations_of(const std::string& visitor_id, int limit) override;
    Result<std::vector<ConvEvent>> events_of_conversation(const std::string& conv) override;
    Status put_canned(const CannedRecord& record) override;
    Result<std::optional<CannedRecord>> find_canned(const std::string& id) override;
    Result<std::vector<CannedRecord>> canned_of(const std::string& owner) override;
    Result<bool> delete_canned(const std::string& id) override;

    Result<Appended> append_message(const NewMessage& message) override;
    Result<std::optional<Appended>> find_sent(const std::string& conv, const std::string& sender_id,
                                              const std::string& cid) override;
    Result<std::vector<Message>> messages_after(const std::string& conv, std::int64_t after,
                                                int limit) override;
    Result<std::vector<Message>> messages_before(const std::string& conv, std::int64_t before,
                                                 int limit) override;
    Result<std::optional<Message>> last_visible_said(const std::string& conv) override;

    Result<std::int64_t> mark_read(const std::string& conv, const std::string& reader_id,
                                   std::int64_t seq) override;
    Result<std::int64_t> read_mark(const std::string& conv, const std::string& reader_id) override;

    Status create_agent(const Agent& agent) override;
    Result<std::optional<Agent>> find_agent_by_email(const std::string& email) override;
    Result<std::optional<Agent>> find_agent(const std::string& id) override;
    Result<std::vector<Agent>> list_agents() override;
    Status create_session(const AgentSession& session) override;
    Result<std::optional<AgentSession>> find_session(const std::string& token_hash) override;
    Status touch_session(const std::string& token_hash, std::int64_t now) override;
    Result<std::vector<AgentSession>> sessions_of_agent(const std::string& agent_id) override;
    Result<bool> delete_session(const std::string& token_hash) override;
    Result<std::int64_t> delete_sessions_of_agent(const std::string& agent_id) override;
    Result<std::int64_t> purge_sessions(std::int64_t now) override;
    Status set_agent_disabled(const std::string& agent_id, bool disabled) override;
    Status update_agent(const Agent& agent, bool revoke_sessions) override;
    Status delete_agent(const std::string& agent_id) override;
    Status create_bot_key(const BotKey& key) override;
    Result<std::optional<BotKey>> find_bot_key(const std::string& key_hash) override;
    Status touch_bot_key(const std::string& key_hash, std::int64_t now) override;
    Result<std::vector<BotKey>> list_bot_keys() override;
    Result<bool> delete_bot_key(const std::string& name) override;

    Result<std::optional<VisitorRecord>> visitor_record(const std::string& visitor_id) override;
    Result<Erased> erase_visitor(const std::string& visitor_id) override;
    Result<std::vector<ClosedConversation>> closed_before(std::int64_t cutoff, std::int64_t after_updated,
                                                          const std::string& after_conv, int limit) override;
    Result<Erased> erase_conversations(const std::vector<std::string>& convs) override;

    Status append_event(const ConvEvent& event) override;
    Result<std::vector<ConvEvent>> events_of_conversations_opened(std::int64_t from, std::int64_t to) override;
    Result<std::vector<ConvEvent>> events_of_kind(const std::string& kind, std::int64_t from,
                                                  std::int64_t to) override;
    Status append_agent_event(const AgentEvent& event) override;
    Result<std::vector<AgentEvent>> agent_events_between(std::int64_t from, std::int64_t to) override;
    Result<std::int64_t> purge_agent_events_before(std::int64_t before_ts) override;
    Result<std::vector<MessageStamp>> visible_message_stamps(const std::string& conv) override;
    Result<std::int64_t> append_audit(const AuditEntry& entry) override;
    Result<std::vector<AuditEntry>> audit_before(std::int64_t before, int limit) override;
    Result<std::vector<AuditEntry>> audit_after(std::int64_t after, int limit) override;
    Result<std::int64_t> purge_audit_before(std::int64_t before_ts, int limit) override;

    Result<std::optional<std::string>> get_setting(const std::string& key) override;
    Status put_setting(const std::string& key, const std::string& value) override;

private:
    struct Conversation {
        std::string visitor_id;
        std::string status = "open";
        std::optional<std::string> route;  // set_route's record
        std::optional<ConvContext> context;  // issue 17: deleted with the conversation
        std::int64_t created = 0;
        std::int64_t updated = 0;
        std::int64_t order = 0;  // creation order, ties of `created` broken by it
        std::vector<Message> messages;  // messages[i].seq == i + 1
        std::map<std::tuple<std::string, std::string>, std::size_t> by_sender_cid;
    };

    ConvSummary summary(const std::string& id, const Conversation& c) const;
    void erase_attachments_of(const std::string& conv, Erased& erased);

    std::map<std::string, Visitor> visitors_;
    std::map<std::string, Contact> contacts_;  // by visitor id (issue 17)
    std::map<std::string, Conversation> convs_;
    std::map<std::string, AttachmentRecord> attachments_;  // by id
    std::int64_t next_order_ = 0;
    std::map<std::tuple<std::string, std::string>, std::int64_t> read_marks_;
    std::map<std::string, Agent> agents_;            // by id
    std::map<std::string, std::string> agent_email_; // lower-case e-mail → id
    std::map<std::string, AgentSession> sessions_;
    std::map<std::string, BotKey> bot_keys_;  // by name
    std::map<std::string, std::string> settings_;
    std::map<std::string, CannedRecord> canned_;  // by id (issue 17)
    std::deque<AuditEntry> audit_;    // audit_[i].id == audit_purged_ + i + 1
    std::int64_t audit_purged_ = 0;   // entries the retention window took from the front
    std::map<std::int64_t, QualityFlag> flags_;  // by id
    std::int64_t next_flag_id_ = 1;
    std::vector<ConvEvent> events_;  // in id order
    std::int64_t next_event_id_ = 1;
    std::vector<AgentEvent> agent_events_;  // in id order
    std::int64_t next_agent_event_id_ = 1;
    void erase_events_of(const std::string& conv);
    void erase_flags_of(const std::string& conv);
};

}  // namespace parley::relay
