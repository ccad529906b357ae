#include "store/column_sealer.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace parley::relay {

ColumnSealer::ColumnSealer(std::optional<DataKey> sealing, std::vector<DataKey> old)
    : sealing_(sealing.has_value()) {
    if (sealing) keys_.push_back(*sealing);
    for (DataKey& k : old) keys_.push_back(k);
}

std::optional<std::string> ColumnSealer::seal(std::string_view plain, std::string_view binding) {
    if (!sealing_) return std::nullopt;
    return seal_value(keys_.front(), plain, binding, random_);
}

Result<std::string> ColumnSealer::open(std::string_view stored, bool is_blob, std::string_view binding) const {
    if (!is_blob) return std::string(stored);
    if (keys_.empty())
        return storage_error("a sealed value and no data key (start the relay with --data-key-file)");
    return open_value(keys_, stored, binding);
}

std::string message_text_binding(std::string_view conv, std::int64_t seq) {
    return seal_binding("messages.text", {conv, std::to_string(seq)});
}

std::string message_name_binding(std::string_view conv, std::int64_t seq) {
    return seal_binding("messages.from_name", {conv, std::to_string(seq)});
}

std::string message_reply_binding(std::string_view conv, std::int64_t seq) {
    return seal_binding("messages.reply", {conv, std::to_string(seq)});
}

std::string webhook_secret_binding(std::string_view subscription_id) {
    return seal_binding("webhook_subscriptions.secret", {subscription_id});
}

std::string webhook_payload_binding(std::string_view type, std::string_view conv, std::int64_t ts) {
    return seal_binding("webhook_deliveries.payload", {type, conv, std::to_string(ts)});
}

std::string last_text_binding(std::string_view conv, std::int64_t last_seq) {
    return seal_binding("conversations.last_text", {conv, std::to_string(last_seq)});
}

std::string visitor_name_binding(std::string_view visitor_id) {
    return seal_binding("visitors.name", {visitor_id});
}

std::string key_id_hex(std::uint32_t id) {
    char buf[9];
    std::snprintf(buf, sizeof buf, "%08x", id);
    return buf;
}

std::vector<std::uint32_t> parse_key_ids(std::string_view setting) {
    std::vector<std::uint32_t> ids;
    while (!setting.empty()) {
        const std::size_t comma = setting.find(',');
        const std::string part(setting.substr(0, comma));
        setting = comma == std::string_view::npos ? std::string_view() : setting.substr(comma + 1);
        char* end = nullptr;
        const unsigned long id = std::strtoul(part.c_str(), &end, 16);
        if (part.empty() || *end != '\0') continue;  // not written by format_key_ids
        ids.push_back(static_cast<std::uint32_t>(id));
    }
    return ids;
}

std::string format_key_ids(const std::vector<std::uint32_t>& ids) {
    std::string out;
    for (std::uint32_t id : ids) {
        if (!out.empty()) out += ',';
        out += key_id_hex(id);
    }
    return out;
}

Result<bool> check_key_ring(const std::vector<std::uint32_t>& recorded, const std::vector<DataKey>& keys) {
    std::vector<std::uint32_t> missing;
    for (std::uint32_t id : recorded)
        if (std::none_of(keys.begin(), keys.end(), [&](const DataKey& k) { return k.id == id; }))
            missing.push_back(id);
    if (missing.empty()) return true;
    if (keys.empty())
        return storage_error("the store is sealed with data key " + format_key_ids(missing) +
                             ": start the relay with --data-key-file (docs/security.md \"Sealed transcripts\")");
    return storage_error("the store holds values sealed with data key " + format_key_ids(missing) +
                         ", which the given keys (" + format_key_ids([&] {
                             std::vector<std::uint32_t> ids;
                             for (const DataKey& k : keys) ids.push_back(k.id);
                             return ids;
                         }()) +
                         ") do not include: give it with --old-data-key-file, or, if it is lost, "
                         "see docs/security.md \"A lost data key\"");
}

}  // namespace parley::relay
