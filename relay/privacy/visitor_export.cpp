#include "privacy/visitor_export.hpp"

#include <map>

#include <nlohmann/json.hpp>

#include "store/reply_column.hpp"

namespace parley::relay {

std::string visitor_export_json(const VisitorRecord& record, std::int64_t exported_at) {
    using nlohmann::json;
    std::map<std::string, json> messages;  // conv → its messages, in seq order
    for (const Message& m : record.messages) {
        json out = {{"seq", m.seq},
                    {"ts", m.ts},
                    {"from", {{"role", m.from.role}, {"id", m.from.id}, {"name", m.from.name}}},
                    {"text", m.text}};
        if (m.internal) out["internal"] = true;
        if (m.meta)
            out["meta"] = {{"intent", m.meta->intent}, {"confidence", m.meta->confidence},
                           {"signals", m.meta->signals}};
        // Issue 16: what the message offered, and a form's values (the visitor's data).
        if (!m.parts.empty()) out["parts"] = json::parse(m.parts, nullptr, false);
        if (m.reply) out["reply"] = json::parse(reply_to_column(m.reply), nullptr, false);
        messages[m.conv].push_back(std::move(out));
    }
    json convs = json::array();
    for (const ConvSummary& c : record.conversations) {
        json& msgs = messages[c.conv];
        convs.push_back({{"conv", c.conv},
                         {"status", c.status},
                         {"updated", c.updated},
                         {"messages", msgs.is_null() ? json::array() : msgs}});
    }
    json visitor = {{"id", record.visitor.id}, {"name", record.visitor.name}, {"created", record.visitor.created}};
    if (record.contact) {  // issue 17: what the visitor's pages said about them
        const Contact& c = *record.contact;
        json contact = {{"user_id", c.user_id}, {"verified", c.verified}};
        if (!c.email.empty()) contact["email"] = c.email;
        if (!c.name.empty()) contact["name"] = c.name;  // a pre-chat answer (issue 17)
        json attributes = json::object();
        for (const auto& [k, v] : c.attributes) attributes[k] = v;
        if (!c.attributes.empty()) contact["attributes"] = std::move(attributes);
        visitor["contact"] = std::move(contact);
    }
    const json doc = {{"format", "parley.visitor-export.v1"},
                      {"exported_at", exported_at},
                      {"visitor", std::move(visitor)},
                      {"conversations", std::move(convs)}};
    // Invalid UTF-8 (never stored by the relay, but a file may be old) is replaced, not
    // thrown: an export must not fail on one bad byte.
    return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace parley::relay
