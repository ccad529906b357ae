#include "webhooks/webhook_commands.hpp"

#include <algorithm>
#include <charconv>
#include <ostream>

#include "auth/agent_accounts.hpp"
#include "webhooks/webhook_payload.hpp"
#include "webhooks/webhook_sender.hpp"
#include "webhooks/webhook_signature.hpp"

namespace parley::relay {

namespace {

std::vector<std::string> split_types(const std::string& list) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at <= list.size()) {
        std::size_t comma = std::min(list.find(',', at), list.size());
        std::string item = list.substr(at, comma - at);
        while (!item.empty() && item.front() == ' ') item.erase(item.begin());
        while (!item.empty() && item.back() == ' ') item.pop_back();
        if (!item.empty()) out.push_back(item);
        at = comma + 1;
    }
    return out;
}

int add(WebhookStore& store, RandomSource& random, const Options& o, std::int64_t now, std::ostream& out,
        std::ostream& err) {
    if (std::string why = webhook_url_problem(o.add_webhook); !why.empty()) {
        err << "parley-relay: --add-webhook: " << why << "\n";
        return 1;
    }
    std::vector<std::string> types = split_types(o.webhook_events);
    if (types.empty()) types = {"*"};
    for (const std::string& t : types)
        if (t != "*" && !is_webhook_event_type(t)) {
            err << "parley-relay: --webhook-events: unknown event type '" << t << "' (docs/webhooks.md lists them)\n";
            return 1;
        }
    if (types.size() > 1 && std::find(types.begin(), types.end(), std::string("*")) != types.end()) types = {"*"};
    WebhookSubscription s{random_id(random, "wh_"), o.add_webhook, types, new_webhook_secret(random), true, now};
    if (Status st = store.add_subscription(s); !st) {
        err << "parley-relay: cannot add the webhook: " << st.error().detail << "\n";
        return 1;
    }
    // The id and the secret, alone on stdout (scripts read them); the secret is shown only now.
    out << s.id << "\n" << s.secret << std::endl;
    return 0;
}

int list(WebhookStore& store, std::ostream& out, std::ostream& err) {
    auto subs = store.list_subscriptions();
    if (!subs) {
        err << "parley-relay: cannot read webhooks: " << subs.error().detail << "\n";
        return 1;
    }
    if (subs.value().empty()) out << "no webhooks\n";
    for (const WebhookSubscription& s : subs.value()) {
        std::string types;
        for (const std::string& t : s.events) types += (types.empty() ? "" : ",") + t;
        out << s.id << "  " << s.url << "  events " << types << (s.enabled ? "" : "  (disabled)") << "  created "
            << s.created << "\n";
    }
    auto dead = store.dead_letters("", 100);
    if (!dead) {
        err << "parley-relay: cannot read dead letters: " << dead.error().detail << "\n";
        return 1;
    }
    for (const WebhookDelivery& d : dead.value())
        out << "dead " << d.id << "  " << d.subscription << "  " << d.event.type << "  " << d.event.conv << "  "
            << d.attempts << " attempts  " << d.last_error << "\n";
    return 0;
}

}  // namespace

bool is_webhook_command(const Options& o) {
    return !o.add_webhook.empty() || o.list_webhooks || !o.remove_webhook.empty() || !o.replay_webhook.empty() ||
           !o.replay_dead_webhooks.empty();
}

int webhook_command(WebhookStore& store, RandomSource& random, const Options& o, std::int64_t now,
                    std::ostream& out, std::ostream& err) {
    if (!o.add_webhook.empty()) return add(store, random, o, now, out, err);
    if (o.list_webhooks) return list(store, out, err);
    if (!o.remove_webhook.empty()) {
        auto gone = store.remove_subscription(o.remove_webhook);
        if (!gone) {
            err << "parley-relay: cannot remove the webhook: " << gone.error().detail << "\n";
            return 1;
        }
        if (!gone.value()) {
            err << "parley-relay: no webhook " << o.remove_webhook << "\n";
            return 1;
        }
        out << "webhook " << o.remove_webhook << " removed\n";
        return 0;
    }
    if (!o.replay_webhook.empty()) {
        std::int64_t id = 0;
        const std::string& v = o.replay_webhook;
        auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), id);
        if (ec != std::errc() || end != v.data() + v.size()) {
            err << "parley-relay: --replay-webhook needs a delivery id (a number; --list-webhooks shows them)\n";
            return 1;
        }
        auto fresh = store.replay(id, now);
        if (!fresh) {
            err << "parley-relay: cannot replay: " << fresh.error().detail << "\n";
            return 1;
        }
        if (!fresh.value()) {
            err << "parley-relay: no dead delivery " << id << "\n";
            return 1;
        }
        out << "delivery " << id << " queued again as " << *fresh.value() << "\n";
        return 0;
    }
    auto n = store.replay_dead(o.replay_dead_webhooks, now);
    if (!n) {
        err << "parley-relay: cannot replay: " << n.error().detail << "\n";
        return 1;
    }
    out << n.value() << " dead deliveries queued again\n";
    return 0;
}

}  // namespace parley::relay
