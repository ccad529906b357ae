// Webhooks out (issue 18, docs/webhooks.md): the Hub's side. Every event type comes from
// one of two recording points — a new stored message (Hub::append: message.created, and
// conversation.created before a conversation's first message) and a routing event
// (Hub::record_event: assigned, transferred, closed, csat, handoff, knowledge gap) — so
// no rule of the Hub needs to know about webhooks. Each event is enqueued with
// WebhookStore::enqueue in the Hub's open group-commit batch: it is durable exactly when
// what it reports is, and the acknowledgement of that never precedes it. Delivery is
// not the Hub's business (webhooks/webhook_dispatcher.hpp, on the adapter's loop).
//
// What leaves is masked per the outbound policy (--mask-outbound), the same rule as for
// bots: the message text (mask_for_bots) and the sender's name. A store without
// webhooks (MemoryStore) makes all of this a no-op.
#include "core/hub.hpp"
#include "parley/triage/analysis.hpp"
#include "store/webhook_store.hpp"
#include "webhooks/webhook_payload.hpp"

namespace parley::relay {

namespace p = protocol;

// Whether someone subscribes to `type`; a failed look-up says yes, so that enqueue
// itself fails and is counted rather than an event going silently missing.
bool Hub::webhook_wanted(const std::string& type) {
    WebhookStore* hooks = store_.webhooks();
    if (!hooks) return false;
    auto wanted = hooks->wanted(type);
    return !wanted || wanted.value();
}

void Hub::enqueue_webhook(const WebhookNotice& notice, const std::string& conv, std::int64_t ts) {
    WebhookStore* hooks = store_.webhooks();
    if (!hooks || !webhook_wanted(notice.type)) return;
    // The store gives each delivery its id (webhook_store.hpp): the Hub's random source
    // is not spent, so ids of everything else stay as they were.
    WebhookEvent e{"", notice.type, conv, ts, webhook_body(notice, ts)};
    if (!hooks->enqueue(e)) ++counters_.webhook_enqueue_failures;
}

void Hub::webhooks_of_message(const NewMessage& m, const Appended& a) {
    if (!store_.webhooks()) return;
    if (a.seq == 1) enqueue_webhook(conversation_created(m.conv, m.from, a.ts), m.conv, a.ts);
    // Masking a long text and encoding it cost more than the message's own store write:
    // only when a subscription will receive it.
    if (!webhook_wanted("message.created")) return;
    p::Message out{m.conv, a.seq, m.cid, a.ts, m.from, m.text};
    out.internal = m.internal;
    out.meta = m.meta;
    mask_for_bots(out);  // the outbound policy's text rule
    if (config_.triage && triage::masks_anything(config_.triage->policy().outbound))
        out.from.name = triage::mask_pii(out.from.name, config_.triage->policy().outbound);
    enqueue_webhook(message_created(out), m.conv, a.ts);
}

void Hub::webhooks_of_event(const ConvEvent& event) {
    if (!store_.webhooks()) return;
    for (const WebhookNotice& n : notices_of_event(event)) enqueue_webhook(n, event.conv, event.ts);
}

}  // namespace parley::relay
