// The Hub's quotas (core/quotas.hpp, docs/protocol.md §6 4050–4052): new visitors and
// conversations per address per hour, stored text per visitor per day.
#include <catch2/catch.hpp>

#include <string>

#include "support/hub_harness.hpp"

using namespace parley::relay;
using namespace parley::relay::test;
using parley::protocol::ErrorCode;

namespace {

// A visitor's hello on a new connection from `address`: its welcome, or none.
std::optional<p::Welcome> hello_from(HubHarness& h, const std::string& address, ConnId* conn = nullptr,
                                     std::optional<std::string> token = {}) {
    const ConnId id = h.open(address);
    if (conn) *conn = id;
    h.send(id, p::Hello{"visitor", std::move(token), std::string("Ada")});
    auto& q = h.received[id];
    REQUIRE_FALSE(q.empty());
    if (!std::holds_alternative<p::Welcome>(q.front())) {
        if (const auto* e = std::get_if<p::ErrorFrame>(&q.front())) UNSCOPED_INFO("refused: " << e->message);
        return std::nullopt;
    }
    p::Welcome w = std::get<p::Welcome>(q.front());
    h.drain(id);
    return w;
}

std::size_t stored_messages(HubHarness& h, const std::string& conv) {
    auto all = h.store.messages_after(conv, 0, 1000);
    REQUIRE(all.ok());
    return all.value().size();
}

}  // namespace

TEST_CASE("the 31st new visitor from one address within an hour gets 4050 and nothing is created",
          "[hub][quotas]") {
    HubHarness h;  // the default quotas
    p::Welcome earlier;
    h.visitor(&earlier);  // a visitor from elsewhere, who comes back below
    h.store.visitors_created = h.store.conversations_created = 0;
    for (int i = 0; i < 30; ++i) {
        CAPTURE(i);
        REQUIRE(hello_from(h, "203.0.113.9"));
        h.now += 1000;
    }
    REQUIRE(h.store.visitors_created == 30);
    REQUIRE(h.store.conversations_created == 30);

    ConnId refused = 0;
    CHECK_FALSE(hello_from(h, "203.0.113.9", &refused));
    const p::ErrorFrame e = h.error(refused);
    CHECK(e.code == ErrorCode::new_visitor_quota);
    CHECK(static_cast<int>(e.code) == 4050);
    CHECK(e.frame == "hello");
    REQUIRE(e.retry_after_ms);
    CHECK(*e.retry_after_ms == kQuotaHourMs - 30'000);  // the window opened with the 1st
    CHECK(h.store.visitors_created == 30);
    CHECK(h.store.conversations_created == 30);
    CHECK_FALSE(h.closed.count(refused));  // the connection stays open

    SECTION("another address is not affected") {
        CHECK(hello_from(h, "198.51.100.20"));
    }
    SECTION("a returning visitor with a valid token is welcomed from that address") {
        auto back = hello_from(h, "203.0.113.9", nullptr, earlier.token);
        REQUIRE(back);
        CHECK(back->me.id == earlier.me.id);
        CHECK(h.store.visitors_created == 30);
    }
    SECTION("the same connection is welcomed once the window has closed") {
        h.now += *e.retry_after_ms;
        h.send(refused, p::Hello{"visitor", std::nullopt, std::string("Ada")});
        CHECK(h.next<p::Welcome>(refused).conv);
        CHECK(h.store.visitors_created == 31);
    }
}

TEST_CASE("an IPv6 address counts by its /64", "[hub][quotas]") {
    HubConfig config = HubHarness::config();
    config.quotas.new_visitors_per_hour = 2;
    HubHarness h(config);
    CHECK(hello_from(h, "2001:db8:1:2::1"));
    CHECK(hello_from(h, "2001:db8:1:2::99"));
    ConnId refused = 0;
    CHECK_FALSE(hello_from(h, "2001:db8:1:2:ffff::7", &refused));
    CHECK(h.error(refused).code == ErrorCode::new_visitor_quota);
    CHECK(hello_from(h, "2001:db8:1:3::1"));  // another /64
}

TEST_CASE("the new-conversation quota refuses a new visitor with 4051 when it is the tighter one",
          "[hub][quotas]") {
    HubConfig config = HubHarness::config();
    config.quotas.new_visitors_per_hour = 0;  // off
    config.quotas.new_conversations_per_hour = 2;
    HubHarness h(config);
    CHECK(hello_from(h, "203.0.113.9"));
    CHECK(hello_from(h, "203.0.113.9"));
    ConnId refused = 0;
    CHECK_FALSE(hello_from(h, "203.0.113.9", &refused));
    const p::ErrorFrame e = h.error(refused);
    CHECK(static_cast<int>(e.code) == 4051);
    CHECK(e.retry_after_ms == kQuotaHourMs);
    CHECK(h.store.visitors_created == 2);  // the identity is not created either
}

TEST_CASE("quotas set to 0 are off", "[hub][quotas]") {
    HubConfig config = HubHarness::config();
    config.quotas = QuotaConfig{0, 0, 0};
    HubHarness h(config);
    for (int i = 0; i < 50; ++i) REQUIRE(hello_from(h, "203.0.113.9"));
    p::Welcome w;
    const ConnId v = h.visitor(&w);
    const std::string text(8000, 'x');
    for (int i = 0; i < 200; ++i) {  // 1.6 MB in a day
        h.send(v, p::Send{*w.conv, "k" + std::to_string(i), text});
        REQUIRE(h.next<p::Ack>(v).cid == "k" + std::to_string(i));
        h.drain(v);
    }
}

TEST_CASE("a send over the visitor's daily byte quota gets 4052, is not stored, and passes the next day",
          "[hub][quotas]") {
    HubConfig config = HubHarness::config();
    config.quotas.visitor_bytes_per_day = 100;
    HubHarness h(config);
    const ConnId agent = h.agent(h.make_agent("a_1", "sam@example.com", "Sam", {}, /*supervisor=*/true));
    p::Welcome w;
    const ConnId v = h.visitor(&w);
    const std::string sixty(60, 'x');
    h.send(v, p::Send{*w.conv, "k1", sixty});
    REQUIRE(h.next<p::Ack>(v).cid == "k1");
    h.drain(v);
    h.drain(agent);

    h.now += 1000;
    h.send(v, p::Send{*w.conv, "k2", sixty});
    const p::ErrorFrame e = h.error(v);
    CHECK(e.code == ErrorCode::byte_quota);
    CHECK(static_cast<int>(e.code) == 4052);
    CHECK(e.ref == "k2");
    CHECK(e.frame == "send");
    CHECK(e.conv == *w.conv);
    CHECK(e.retry_after_ms == kQuotaDayMs - 1000);
    CHECK(h.idle(v));
    CHECK(h.idle(agent));  // nothing was delivered
    CHECK(stored_messages(h, *w.conv) == 1);

    SECTION("a shorter message that still fits is stored") {
        h.send(v, p::Send{*w.conv, "k3", std::string(40, 'y')});
        CHECK(h.next<p::Ack>(v).seq == 2);
    }
    SECTION("the next day the same send is stored") {
        h.now += *e.retry_after_ms;
        h.send(v, p::Send{*w.conv, "k2", sixty});
        CHECK(h.next<p::Ack>(v).seq == 2);
        CHECK(stored_messages(h, *w.conv) == 2);
    }
    SECTION("another visitor has their own quota") {
        p::Welcome w2;
        const ConnId v2 = h.visitor(&w2);
        h.send(v2, p::Send{*w2.conv, "k1", sixty});
        CHECK(h.next<p::Ack>(v2).seq == 1);
    }
    SECTION("an agent is not limited by the visitors' quota") {
        for (int i = 0; i < 5; ++i) {
            h.send(agent, p::Send{*w.conv, "r" + std::to_string(i), sixty});
            REQUIRE(h.next<p::Ack>(agent).cid == "r" + std::to_string(i));
            h.drain(agent);
        }
        CHECK(stored_messages(h, *w.conv) == 6);
    }
    SECTION("a resend of a stored message is acknowledged over the quota, and counts nothing more") {
        // 60 + 60 > 100, but k1 is stored: a client resending its outbox after a
        // reconnect gets its ack now, not a refusal until tomorrow.
        h.send(v, p::Send{*w.conv, "k1", sixty});
        const p::Ack again = h.next<p::Ack>(v);
        CHECK(again.seq == 1);  // the original seq
        CHECK(h.idle(agent));   // and nothing is delivered again
        h.now += *e.retry_after_ms;
        h.send(v, p::Send{*w.conv, "k1", sixty});
        CHECK(h.next<p::Ack>(v).seq == 1);
        h.send(v, p::Send{*w.conv, "k4", std::string(100, 'z')});  // the resend took nothing
        CHECK(h.next<p::Ack>(v).seq == 2);
    }
}

TEST_CASE("a reconfigured Hub holds the new quota from the next hello, keeping what was counted",
          "[hub][quotas][config]") {
    HubConfig config = HubHarness::config();
    config.quotas.new_visitors_per_hour = 5;
    config.quotas.new_conversations_per_hour = 0;
    HubHarness h(config);
    CHECK(hello_from(h, "203.0.113.9"));
    CHECK(hello_from(h, "203.0.113.9"));

    HubConfig next;  // a reload: only the live parts are read
    next.quotas = config.quotas;
    next.quotas.new_visitors_per_hour = 2;  // the two already welcomed count
    h.hub.reconfigure(next);
    ConnId refused = 0;
    CHECK_FALSE(hello_from(h, "203.0.113.9", &refused));
    CHECK(h.error(refused).code == ErrorCode::new_visitor_quota);

    next.quotas.new_visitors_per_hour = 0;  // switched off
    h.hub.reconfigure(next);
    CHECK(hello_from(h, "203.0.113.9"));
}
