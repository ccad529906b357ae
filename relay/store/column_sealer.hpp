// ColumnSealer: which of the SQLite store's columns are sealed at rest, and how (P7).
//
// Theory of operation. With a data key (--data-key-file) the store seals the columns
// that hold what people wrote or are called: messages.text, messages.from_name and messages.reply,
// conversations.last_text, visitors.name, contacts.details, and the webhook queue's
// bodies (webhook_deliveries.payload: message text, names, e-mails) and signing secrets
// (webhook_subscriptions.secret). Each value is sealed on its own
// (store/sealed_column.hpp) and bound to its place: a message's columns (and its reply,
// which holds a visitor's form values: issue 16) to (conv, seq),
// last_text to (conv, last_seq), a visitor's name to its id; a row copied or swapped
// elsewhere fails to open. Sealed values are stored as BLOBs and plain ones as TEXT, so
// one file may hold both (a store that was plain before the key was given, or a
// re-seal cut short): the type says which, never a guess from the bytes.
//
// The key ring: the data key seals; every key opens (after a rotation the old keys
// open what they sealed until --reseal-data rewrites it). The store records in its
// settings the ids of the keys that sealed anything ("sealed_with"), so it can refuse
// at open, with a clear message, a start without the key or with the wrong one, rather
// than fail on every read later.
//
// What is not sealed, and why: ids, seqs, times, states (the store finds and orders rows
// by them); agents' e-mails (the login looks them up) and password hashes (already
// one-way); triage meta (intent labels); the audit log (actors and actions, no
// transcript text). Ids reveal no content.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/sodium_random.hpp"
#include "store/sealed_column.hpp"

namespace parley::relay {

class ColumnSealer {
public:
    // `sealing`: the key new values are sealed with (none: values are stored plain);
    // `old`: keys that only open.
    explicit ColumnSealer(std::optional<DataKey> sealing = {}, std::vector<DataKey> old = {});

    bool sealing() const { return sealing_; }
    const std::vector<DataKey>& keys() const { return keys_; }  // every key, the sealing one first
    std::uint32_t sealing_key_id() const { return sealing_ ? keys_.front().id : 0; }

    // The stored form of `plain`: sealed bytes (to store as a BLOB) when sealing, else
    // nullopt (store the text as TEXT).
    std::optional<std::string> seal(std::string_view plain, std::string_view binding);

    // The text of a stored value: a TEXT value as it is, a BLOB opened with the ring.
    // Errors (storage_failed): a sealed value and no key, a key not in the ring, or a
    // value not authentic for `binding`.
    Result<std::string> open(std::string_view stored, bool is_blob, std::string_view binding) const;

private:
    bool sealing_ = false;
    std::vector<DataKey> keys_;
    SodiumRandom random_;
};

// Where each sealed column's values are bound (seal_binding with the row's key).
std::string message_text_binding(std::string_view conv, std::int64_t seq);
std::string message_name_binding(std::string_view conv, std::int64_t seq);
std::string message_reply_binding(std::string_view conv, std::int64_t seq);  // form values
std::string last_text_binding(std::string_view conv, std::int64_t last_seq);
std::string visitor_name_binding(std::string_view visitor_id);
// Webhooks (issue 18): a subscription's signing secret, bound to its id; a queued
// event's body, bound to what the row also holds (type, conversation, time): one event
// fans out to a row per subscription with the same sealed body, and its webhook-id may
// be made by SQLite at insert, so it cannot be part of the binding.
std::string webhook_secret_binding(std::string_view subscription_id);
std::string webhook_payload_binding(std::string_view type, std::string_view conv, std::int64_t ts);

// The "sealed_with" setting: key ids as 8 lowercase hex digits, comma-separated.
std::string key_id_hex(std::uint32_t id);
std::vector<std::uint32_t> parse_key_ids(std::string_view setting);
std::string format_key_ids(const std::vector<std::uint32_t>& ids);

// Whether a store whose values were sealed with `recorded` may be opened with `keys`:
// every recorded key must be in the ring. The error says which keys are missing and
// what to do (storage_failed).
Result<bool> check_key_ring(const std::vector<std::uint32_t>& recorded, const std::vector<DataKey>& keys);

}  // namespace parley::relay
