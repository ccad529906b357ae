// What a webhook says (issue 18, docs/webhooks.md "Events"): the event types and the
// JSON body of each, per Standard Webhooks: {"type", "timestamp" (ISO 8601, UTC),
// "data"}. Pure. The Hub (core/hub_webhooks.cpp) calls these at its two recording
// points — a stored message (Hub::append) and a routing event (Hub::record_event) — so
// every event type comes from one of those two places. Data carries ids and labels;
// the only texts (a message's text and its sender's name) are masked by the caller per
// --mask-outbound before they get here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parley/protocol/frames.hpp"
#include "store/store.hpp"

namespace parley::relay {

// Every type a subscription may ask for, in documentation order.
const std::vector<std::string>& webhook_event_types();
bool is_webhook_event_type(std::string_view type);

// Bot handoff reasons that mean "the bot did not know" (bot.knowledge_gap).
bool is_knowledge_gap_reason(std::string_view reason);

struct WebhookNotice {
    std::string type;
    std::string data;  // a JSON object
};

// conversation.created: the first message of a conversation was stored (seq 1).
WebhookNotice conversation_created(const std::string& conv, const protocol::Party& first_sender, std::int64_t ts);
// message.created: a new message (visitor, agent, bot, system; internal notes marked).
WebhookNotice message_created(const protocol::Message& masked);
// The notices a routing event gives: assigned, transferred, closed, csat, handoff (plus
// bot.knowledge_gap for a knowledge-gap reason); none for the others.
std::vector<WebhookNotice> notices_of_event(const ConvEvent& event);

// The body: {"type":…,"timestamp":"2026-12-07T15:13:41.123Z","data":…}.
std::string webhook_body(const WebhookNotice& notice, std::int64_t ts_ms);
std::string iso_timestamp(std::int64_t ms);

}  // namespace parley::relay
