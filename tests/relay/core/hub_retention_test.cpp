// Retention (P7, core/hub_retention.cpp) with a fake clock: closed conversations older
// than their team's window are purged by the running Hub; open, reopened and younger
// ones stay; the Hub forgets the purged ones, and a returning visitor starts afresh. The
// audit log's own window purges its oldest entries and logs each purge.
#include <catch2/catch.hpp>

#include "support/hub_harness.hpp"

using namespace parley::relay;
using namespace parley::relay::test;

namespace {

constexpr std::int64_t kDay = 24 * 3600 * 1000;

HubConfig retention_config() {
    HubConfig c = HubHarness::config();
    c.routing.rules = {parley::route::TeamRule{"", "/billing", "billing", {}}};
    c.retention.closed_ms = 10 * kDay;                  // every team: 10 days
    c.retention.team_closed_ms = {{"billing", kDay}};   // billing: 1 day
    c.session_check_every_ms = 0;  // the supervisor's one-hour session outlives the days
    return c;
}

struct Retained {
    HubHarness h{retention_config()};
    ConnId sup = 0;

    Retained() {
        sup = h.agent(h.make_agent("a_sup", "sup@example.com", "Sue", {"general", "billing"}, true));
    }
    // A visitor's conversation on `page` with one message; the visitor then leaves.
    std::pair<std::string, std::string> conversation(const std::string& page, std::string* token = nullptr) {
        const ConnId v = h.open();
        h.send(v, p::Hello{"visitor", std::nullopt, std::string("Ada"), page});
        const p::Welcome w = h.next<p::Welcome>(v);
        if (token) *token = w.token;
        h.send(v, p::Send{*w.conv, "v.1", "RETAINED-TEXT on " + page});
        h.close(v);
        return {*w.conv, w.me.id};
    }
    void close(const std::string& conv) { h.send(sup, p::CloseConv{conv}); }
    void after(std::int64_t ms) {
        h.now += ms;
        h.hub.tick(h.now);
        h.pump();
    }
    bool stored(const std::string& conv) { return h.store.find_conversation(conv).value().has_value(); }
};

}  // namespace

TEST_CASE("a closed conversation is purged after its team's window, not before, and other teams keep theirs",
          "[hub][retention]") {
    Retained r;
    const auto billing = r.conversation("https://shop.example/billing");
    const auto general = r.conversation("https://shop.example/pricing");
    const auto open = r.conversation("https://shop.example/billing/open");
    r.close(billing.first);
    r.close(general.first);

    r.after(kDay / 2);  // within every window
    CHECK(r.stored(billing.first));

    r.after(kDay);  // billing's day is over; general's ten are not
    CHECK_FALSE(r.stored(billing.first));
    CHECK(r.h.store.messages_after(billing.first, 0, 10).value().empty());
    CHECK_FALSE(r.h.store.find_visitor(billing.second).value());  // left with nothing
    CHECK(r.stored(general.first));
    CHECK(r.stored(open.first));

    r.after(10 * kDay);
    CHECK_FALSE(r.stored(general.first));
    CHECK(r.stored(open.first));  // open: never purged, however old
}

TEST_CASE("a conversation reopened within its window is kept", "[hub][retention]") {
    Retained r;
    const auto billing = r.conversation("https://shop.example/billing");
    r.close(billing.first);
    r.after(kDay / 2);
    r.h.send(r.sup, p::Reopen{billing.first});
    r.after(3 * kDay);
    CHECK(r.stored(billing.first));
}

TEST_CASE("a conversation whose visitor is still connected is kept until they leave", "[hub][retention]") {
    Retained r;
    const ConnId v = r.h.open();
    r.h.send(v, p::Hello{"visitor", std::nullopt, std::string("Ada"), std::string("https://shop.example/billing")});
    const std::string conv = *r.h.next<p::Welcome>(v).conv;
    r.h.send(v, p::Send{conv, "v.1", "hello"});
    r.close(conv);
    r.after(2 * kDay);
    CHECK(r.stored(conv));
    r.h.close(v);
    r.after(6 * 60 * 1000);  // the next sweep
    CHECK_FALSE(r.stored(conv));
}

TEST_CASE("the Hub forgets a purged conversation, and its visitor comes back as a stranger",
          "[hub][retention]") {
    Retained r;
    std::string token;
    const auto billing = r.conversation("https://shop.example/billing", &token);
    r.close(billing.first);
    r.after(2 * kDay);
    REQUIRE_FALSE(r.stored(billing.first));

    // The router no longer holds it: reopening answers as for any unknown id (3001 to a
    // supervisor, who may know every id exists; others get 2004).
    r.h.drain(r.sup);
    r.h.send(r.sup, p::Reopen{billing.first});
    CHECK(r.h.error(r.sup).code == p::ErrorCode::unknown_conversation);

    // The old token names a visitor who is gone: a new identity, a new conversation.
    const ConnId v = r.h.open();
    r.h.send(v, p::Hello{"visitor", token, std::string("Ada"), std::nullopt});
    const p::Welcome w = r.h.next<p::Welcome>(v);
    CHECK(w.me.id != billing.second);
    CHECK(*w.conv != billing.first);
    CHECK(w.last_seq == 0);
}

TEST_CASE("agents' availability rows older than the longest window go, each agent's last one stays",
          "[hub][retention][reports]") {
    Retained r;  // Sue connected: one row (available)
    const ConnId bob = r.h.agent(r.h.make_agent("a_bob", "bob@example.com", "Bob"));
    r.after(kDay);
    r.h.send(bob, p::SetPresence{"away"});
    r.h.close(bob);  // Bob: available, away, offline
    REQUIRE(r.h.store.agent_events_between(0, r.h.now + 1).value().size() == 4);

    r.after(5 * kDay);  // billing's one day is over, the longest (ten) is not: all stay
    CHECK(r.h.store.agent_events_between(0, r.h.now + 1).value().size() == 4);

    r.after(10 * kDay);
    auto left = r.h.store.agent_events_between(0, r.h.now + 1).value();
    REQUIRE(left.size() == 2);  // each agent's state since: Sue available, Bob offline
    CHECK(left[0].agent == "a_sup");
    CHECK(left[0].status == "available");
    CHECK(left[1].agent == "a_bob");
    CHECK(left[1].status == "offline");
}

TEST_CASE("without a window nothing is ever purged", "[hub][retention]") {
    HubConfig c = HubHarness::config();
    CHECK_FALSE(c.retention.on());
    HubHarness h{c};
    const ConnId sup = h.agent(h.make_agent("a_sup", "sup@example.com", "Sue", {}, true));
    p::Welcome w;
    const ConnId v = h.visitor(&w);
    h.send(v, p::Send{*w.conv, "v.1", "hello"});
    h.close(v);
    h.send(sup, p::CloseConv{*w.conv});
    h.now += 3650 * kDay;
    h.hub.tick(h.now);
    h.pump();
    CHECK(h.store.find_conversation(*w.conv).value());
}

TEST_CASE("after a restart a closed conversation's team comes from its stored routing record",
          "[hub][retention]") {
    Retained r;
    const auto billing = r.conversation("https://shop.example/billing");
    const auto general = r.conversation("https://shop.example/pricing");
    r.close(billing.first);
    r.close(general.first);
    // A new Hub on the same store: its router has never seen either conversation.
    Hub restarted{r.h.store, r.h.random, retention_config()};
    restarted.tick(r.h.now + 2 * kDay);
    (void)restarted.take_outputs();
    CHECK_FALSE(r.stored(billing.first));  // billing's one day, read from the record
    CHECK(r.stored(general.first));        // the default ten days
}

namespace {

// An operator's entry stamped `ts`, as the CLI writes them.
void operator_entry(HubHarness& h, std::int64_t ts, const std::string& what) {
    AuditEntry e;
    e.ts = ts;
    e.actor_role = "operator";
    e.actor_id = "cli";
    e.action = "agent.add";
    e.target = what;
    REQUIRE(h.store.append_audit(e).ok());
}

std::vector<std::string> audit_trail(HubHarness& h) {
    std::vector<std::string> out;
    const auto entries = h.store.audit_after(0, 100);
    REQUIRE(entries.ok());
    for (const AuditEntry& e : entries.value())
        out.push_back(e.action == "audit.purge" ? "purge " + e.detail.substr(0, e.detail.find(' ')) : e.target);
    return out;
}

}  // namespace

TEST_CASE("the audit log keeps --retain-audit-days of history: older entries go a page per tick, and each purge "
          "is logged",
          "[hub][retention][audit]") {
    HubConfig c = HubHarness::config();
    c.retention.audit_ms = 2 * kDay;
    c.retention.audit_page = 3;
    c.session_check_every_ms = 0;
    HubHarness h{c};
    for (int i = 1; i <= 5; ++i) operator_entry(h, h.now, "old" + std::to_string(i));
    h.now += kDay;
    h.hub.tick(h.now);
    CHECK(audit_trail(h).size() == 5);  // a day old: within the window
    operator_entry(h, h.now, "recent");

    h.now += kDay + kDay / 2;  // the five are 2.5 days old, "recent" 1.5
    h.hub.tick(h.now);
    CHECK(audit_trail(h) == std::vector<std::string>{"old4", "old5", "recent", "purge entries=3"});
    h.now += c.retention.page_gap_ms;  // a full page: the next one a page gap later
    h.hub.tick(h.now);
    CHECK(audit_trail(h) == std::vector<std::string>{"recent", "purge entries=3", "purge entries=2"});
    h.now += c.retention.sweep_every_ms;
    h.hub.tick(h.now);
    CHECK(audit_trail(h).size() == 3);  // nothing more is old enough: no new purge entry
}

TEST_CASE("without an audit window the audit log is kept forever", "[hub][retention][audit]") {
    HubConfig c = HubHarness::config();
    c.session_check_every_ms = 0;
    HubHarness h{c};
    operator_entry(h, h.now, "old");
    h.now += 3650 * kDay;
    h.hub.tick(h.now);
    CHECK(audit_trail(h) == std::vector<std::string>{"old"});
}
