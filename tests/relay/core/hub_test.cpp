// The Hub, rule by rule (docs/protocol.md §4–8), on a MemoryStore with a fake clock.
#include <catch2/catch.hpp>

#include "support/hub_harness.hpp"

using namespace parley::relay;
using namespace parley::relay::test;
namespace p = parley::protocol;
using p::ErrorCode;

// ---- handshake ----------------------------------------------------------------------

TEST_CASE("a visitor's first hello creates their identity and conversation", "[hub][hello]") {
    HubHarness h;
    const ConnId v = h.open();
    h.send(v, p::Hello{"visitor", std::nullopt, std::string("Ada")});
    auto w = h.next<p::Welcome>(v);
    CHECK(w.role == "visitor");
    CHECK(w.me.role == "visitor");
    CHECK(w.me.id.rfind("v_", 0) == 0);
    CHECK(w.me.name == "Ada");
    REQUIRE(w.conv);
    CHECK(w.conv->rfind("c_", 0) == 0);
    CHECK(w.last_seq == 0);
    CHECK_FALSE(w.token.empty());
    auto conv = h.store.find_conversation(*w.conv).value();
    REQUIRE(conv);
    CHECK(conv->visitor.id == w.me.id);
}

TEST_CASE("a second hello with the token returns the same identity and conversation", "[hub][hello]") {
    HubHarness h;
    p::Welcome first;
    h.visitor(&first);

    SECTION("with a valid token") {
        h.now += 24 * 3600'000;
        p::Welcome again;
        h.visitor(&again, first.token, std::nullopt);
        CHECK(again.me == first.me);
        CHECK(again.conv == first.conv);
    }
    SECTION("with a new name, which is kept") {
        p::Welcome again;
        h.visitor(&again, first.token, std::string("Ada L."));
        CHECK(again.me.id == first.me.id);
        CHECK(again.me.name == "Ada L.");
        CHECK(h.store.find_visitor(first.me.id).value()->name == "Ada L.");
    }
    SECTION("with an expired token: a new identity") {
        h.now += 31LL * 24 * 3600'000;
        p::Welcome again;
        h.visitor(&again, first.token);
        CHECK(again.me.id != first.me.id);
        CHECK(again.conv != first.conv);
    }
    SECTION("with a forged token: a new identity") {
        p::Welcome again;
        h.visitor(&again, first.token + "x");
        CHECK(again.me.id != first.me.id);
    }
}

TEST_CASE("frames before welcome get 2001 and are not processed; ping is answered", "[hub][hello]") {
    HubHarness h;
    p::Welcome w;
    h.visitor(&w);
    const ConnId c = h.open();
    h.send(c, p::Send{*w.conv, "k1", "sneaky"});
    auto e = h.error(c);
    CHECK(e.code == ErrorCode::not_authenticated);
    CHECK(e.ref == "k1");
    CHECK(h.store.messages_after(*w.conv, 0, 10).value().empty());
    h.send(c, p::Sync{*w.conv, 0});
    CHECK(h.error(c).code == ErrorCode::not_authenticated);
    h.send(c, p::SetPresence{"away"});
    CHECK(h.error(c).code == ErrorCode::not_authenticated);
    h.send(c, p::Ping{42});
    CHECK(h.next<p::Pong>(c).n == 42);
}

TEST_CASE("hello or login after welcome gets 2005", "[hub][hello]") {
    HubHarness h;
    const ConnId v = h.visitor();
    h.send(v, p::Hello{"visitor", std::nullopt, std::nullopt});
    CHECK(h.error(v).code == ErrorCode::already_authenticated);
    h.send(v, p::Login{"a@b.c", "x"});
    CHECK(h.error(v).code == ErrorCode::already_authenticated);
    CHECK(h.idle(v));
}

TEST_CASE("login with a wrong e-mail or a wrong password gets the same 2002", "[hub][login]") {
    HubHarness h;
    h.make_agent("a_1", "sam@example.com", "Sam");
    const ConnId c = h.open();
    h.send(c, p::Login{"nobody@example.com", "agent-password"});
    auto unknown = h.error(c);
    h.send(c, p::Login{"sam@example.com", "wrong-password"});
    auto wrong = h.error(c);
    CHECK(unknown.code == ErrorCode::bad_credentials);
    CHECK(wrong.code == ErrorCode::bad_credentials);
    CHECK(unknown.message == wrong.message);

    SECTION("the right password logs in with a session token for later hellos") {
        h.send(c, p::Login{"SAM@example.com", "agent-password"});
        auto w = h.next<p::Welcome>(c);
        CHECK(w.role == "agent");
        CHECK(w.me == p::Party{"agent", "a_1", "Sam"});
        CHECK_FALSE(w.conv);
        h.next<p::Inbox>(c);

        const ConnId again = h.open();
        h.send(again, p::Hello{"agent", w.token, std::nullopt});
        CHECK(h.next<p::Welcome>(again).me.id == "a_1");
    }
}

TEST_CASE("an agent hello with an unknown or expired token gets 2003", "[hub][hello]") {
    HubHarness h;
    const std::string token = h.make_agent("a_1", "sam@example.com", "Sam");
    const ConnId c = h.open();
    h.send(c, p::Hello{"agent", std::string("made-up"), std::nullopt});
    CHECK(h.error(c).code == ErrorCode::bad_token);
    h.now += 3600'000;  // the session's hour is over
    h.send(c, p::Hello{"agent", token, std::nullopt});
    CHECK(h.error(c).code == ErrorCode::bad_token);
    h.send(c, p::Sync{"c_0000000000000000", 0});
    CHECK(h.error(c).code == ErrorCode::not_authenticated);
}

// ---- messages -----------------------------------------------------------------------

TEST_CASE("send is acknowledged, then delivered to every connection of the conversation in order",
          "[hub][send]") {
    HubHarness h;
    const std::string token = h.make_agent("a_1", "sam@example.com", "Sam");
    p::Welcome w;
    const ConnId tab1 = h.visitor(&w);
    const ConnId tab2 = h.visitor(nullptr, w.token);
    const ConnId stranger = h.visitor();
    const ConnId agent = h.agent(token);
    h.drain(tab1);
    h.drain(tab2);
    h.drain(stranger);

    h.send(tab1, p::Send{*w.conv, "k1", "Hello"});
    h.send(tab1, p::Send{*w.conv, "k2", "Anyone?"});

    auto ack1 = h.next<p::Ack>(tab1);
    CHECK(ack1.conv == *w.conv);
    CHECK(ack1.cid == "k1");
    CHECK(ack1.seq == 1);
    CHECK(ack1.ts == h.now);
    auto own1 = h.next<p::Msg>(tab1);
    CHECK(own1.message.seq == 1);
    CHECK(own1.message.text == "Hello");
    CHECK(own1.message.from == w.me);
    CHECK(h.next<p::Ack>(tab1).seq == 2);
    CHECK(h.next<p::Msg>(tab1).message.seq == 2);

    for (ConnId other : {tab2, agent}) {
        CAPTURE(other);
        auto m1 = h.next<p::Msg>(other);
        CHECK(m1.message.seq == 1);
        CHECK(m1.message.cid == "k1");
        if (other == agent) {
            CHECK(h.next<p::ConvUpdate>(agent).summary.last_seq == 1);
            // Routing (P4): the assignment's summary and the agents' board come next.
            auto& q = h.received[agent];
            while (!q.empty() && !std::holds_alternative<p::Msg>(q.front())) q.pop_front();
        }
        CHECK(h.next<p::Msg>(other).message.seq == 2);
    }
    CHECK(h.idle(stranger));

    SECTION("an agent's reply reaches the visitor") {
        h.drain(agent);
        h.drain(tab2);
        h.send(agent, p::Send{*w.conv, "r1", "Hi Ada"});
        CHECK(h.next<p::Ack>(agent).seq == 3);
        auto m = h.next<p::Msg>(tab1);
        CHECK(m.message.from == p::Party{"agent", "a_1", "Sam"});
        CHECK(h.next<p::Msg>(tab2).message.seq == 3);
    }
}

TEST_CASE("a resend with the same cid is acknowledged with the same seq and not delivered again",
          "[hub][send]") {
    HubHarness h;
    const ConnId agent = h.agent(h.make_agent("a_1", "sam@example.com", "Sam"));
    p::Welcome w;
    const ConnId v = h.visitor(&w);
    h.drain(agent);
    h.send(v, p::Send{*w.conv, "k1", "Hello"});
    const auto first = h.next<p::Ack>(v);
    h.drain(v);
    h.drain(agent);
    h.now += 5000;
    h.send(v, p::Send{*w.conv, "k1", "Hello (resent, even with other text)"});
    const auto again = h.next<p::Ack>(v);
    CHECK(again.seq == first.seq);
    CHECK(again.ts == first.ts);
    CHECK(h.idle(v));
    CHECK(h.idle(agent));
    CHECK(h.store.messages_after(*w.conv, 0, 10).value().size() == 1);
}

TEST_CASE("a visitor naming another's conversation gets 2004 and nothing is stored", "[hub][send]") {
    HubHarness h;
    p::Welcome ada, bo;
    const ConnId a = h.visitor(&ada);
    h.visitor(&bo);
    const std::string conv = GENERATE(std::string("theirs"), std::string("c_00000000deadbeef"));
    const std::string target = conv == "theirs" ? *bo.conv : conv;
    CAPTURE(target);

    h.send(a, p::Send{target, "k1", "hi"});
    auto e = h.error(a);
    CHECK(e.code == ErrorCode::forbidden);
    CHECK(e.ref == "k1");
    h.send(a, p::Sync{target, 0});
    CHECK(h.error(a).code == ErrorCode::forbidden);
    h.send(a, p::History{target, std::nullopt, 10});
    CHECK(h.error(a).code == ErrorCode::forbidden);
    h.send(a, p::Typing{target, true});
    CHECK(h.error(a).code == ErrorCode::forbidden);
    h.send(a, p::Read{target, 1});
    CHECK(h.error(a).code == ErrorCode::forbidden);
    CHECK(h.store.messages_after(*bo.conv, 0, 10).value().empty());
}

TEST_CASE("a supervisor naming a conversation that does not exist gets 3001", "[hub][send]") {
    // Other agents get 2004, as for another team's conversation (hub_access_test.cpp).
    HubHarness h;
    const ConnId agent = h.agent(h.make_agent("a_1", "sam@example.com", "Sam", {}, /*supervisor=*/true));
    h.send(agent, p::Send{"c_00000000deadbeef", "k1", "hi"});
    auto e = h.error(agent);
    CHECK(e.code == ErrorCode::unknown_conversation);
    CHECK(e.ref == "k1");
    h.send(agent, p::Sync{"c_00000000deadbeef", 0});
    CHECK(h.error(agent).code == ErrorCode::unknown_conversation);
}

TEST_CASE("a storage failure gets 5001 and nothing is acknowledged or delivered", "[hub][send]") {
    HubHarness h;
    const ConnId agent = h.agent(h.make_agent("a_1", "sam@example.com", "Sam"));
    p::Welcome w;
    const ConnId v = h.visitor(&w);
    h.drain(agent);
    h.store.fail_appends = true;
    h.send(v, p::Send{*w.conv, "k1", "Hello"});
    auto e = h.error(v);
    CHECK(e.code == ErrorCode::storage_failed);
    CHECK(e.ref == "k1");
    CHECK(p::is_retryable(e.code));
    CHECK(h.idle(v));
    CHECK(h.idle(agent));

    SECTION("the resend after recovery is stored as seq 1") {
        h.store.fail_appends = false;
        h.send(v, p::Send{*w.conv, "k1", "Hello"});
        CHECK(h.next<p::Ack>(v).seq == 1);
    }
    SECTION("a failing read is 5001 too, and the connection stays usable") {
        h.store.fail_reads = true;
        h.send(v, p::Sync{*w.conv, 0});
        CHECK(h.error(v).code == ErrorCode::storage_failed);
        h.send(v, p::Ping{3});
        CHECK(h.next<p::Pong>(v).n == 3);
    }
}

// ---- typing, read, sync, history --------------------------------------------------------

TEST_CASE("typing is relayed to the other parties and never stored", "[hub][typing]") {
    HubHarness h;
    // Sam gets the conversation; Kim, a supervisor of another team, watches every one.
    const ConnId sam = h.agent(h.make_agent("a_1", "sam@example.com", "Sam"));
    const ConnId kim = h.agent(h.make_agent("a_2", "kim@example.com", "Kim", {"ops"}, /*supervisor=*/true));
    p::Welcome w;
    const ConnId tab1 = h.visitor(&w);
    const ConnId tab2 = h.visitor(nullptr, w.token);
    h.send(tab1, p::Send{*w.conv, "k1", "Hello"});
    for (ConnId c : {sam, kim, tab1, tab2}) h.drain(c);

    h.send(tab1, p::Typing{*w.conv, true});
    for (ConnId agent : {sam, kim}) {
        auto t = h.next<p::TypingNotice>(agent);
        CHECK(t.conv == *w.conv);
        CHECK(t.from == w.me);
        CHECK(t.on);
    }
    CHECK(h.idle(tab1));
    CHECK(h.idle(tab2));  // the visitor's own other tab does not see themselves typing

    h.send(sam, p::Typing{*w.conv, false});
    for (ConnId other : {kim, tab1, tab2}) {
        auto t = h.next<p::TypingNotice>(other);
        CHECK(t.from.id == "a_1");
        CHECK_FALSE(t.on);
    }
    CHECK(h.idle(sam));
    CHECK(h.store.find_conversation(*w.conv).value()->last_seq == 1);
}

TEST_CASE("read receipts keep the highest seq and are relayed when it grows", "[hub][read]") {
    HubHarness h;
    const ConnId agent = h.agent(h.make_agent("a_1", "sam@example.com", "Sam"));
    p::Welcome w;
    const ConnId v = h.visitor(&w);
    for (int i = 1; i <= 3; ++i) h.send(v, p::Send{*w.conv, "k" + std::to_string(i), "m"});
    h.drain(v);
    h.drain(agent);

    h.send(agent, p::Read{*w.conv, 2});
    auto r = h.next<p::ReadNotice>(v);
    CHECK(r.conv == *w.conv);
    CHECK(r.from.id == "a_1");
    CHECK(r.seq == 2);
    CHECK(h.idle(agent));
    CHECK(h.store.read_mark(*w.conv, "a_1").value() == 2);

    h.send(agent, p::Read{*w.conv, 1});  // lower: ignored
    CHECK(h.idle(v));
    CHECK(h.store.read_mark(*w.conv, "a_1").value() == 2);

    h.send(agent, p::Read{*w.conv, 4});  // beyond the last message
    CHECK(h.error(agent).code == ErrorCode::seq_out_of_range);
    CHECK(h.store.read_mark(*w.conv, "a_1").value() == 2);

    h.send(v, p::Read{*w.conv, 3});
    CHECK(h.next<p::ReadNotice>(agent).from == w.me);
}

TEST_CASE("sync sends exactly the missed messages, then synced", "[hub][sync]") {
    HubHarness h;
    p::Welcome w;
    const ConnId v = h.visitor(&w);
    for (int i = 1; i <= 5; ++i) h.send(v, p::Send{*w.conv, "k" + std::to_string(i), "m" + std::to_string(i)});
    h.drain(v);

    const std::int64_t after = GENERATE(0, 2, 5);
    CAPTURE(after);
    h.send(v, p::Sync{*w.conv, after});
    for (std::int64_t seq = after + 1; seq <= 5; ++seq) {
        auto m = h.next<p::Msg>(v);
        CHECK(m.message.seq == seq);
        CHECK(m.message.text == "m" + std::to_string(seq));
    }
    auto s = h.next<p::Synced>(v);
    CHECK(s.conv == *w.conv);
    CHECK(s.last_seq == 5);
    CHECK(h.idle(v));
}

TEST_CASE("sync after the last seq gets 3003", "[hub][sync]") {
    HubHarness h;
    p::Welcome w;
    const ConnId v = h.visitor(&w);
    h.send(v, p::Sync{*w.conv, 1});
    CHECK(h.error(v).code == ErrorCode::seq_out_of_range);
    h.send(v, p::Sync{*w.conv, 0});
    CHECK(h.next<p::Synced>(v).last_seq == 0);
}

TEST_CASE("history pages backwards with a more flag", "[hub][history]") {
    HubHarness h;
    p::Welcome w;
    const ConnId v = h.visitor(&w);
    for (int i = 1; i <= 7; ++i) h.send(v, p::Send{*w.conv, "k" + std::to_string(i), "m"});
    h.drain(v);
    auto seqs = [](const p::Page& page) {
        std::vector<std::int64_t> out;
        for (const auto& m : page.msgs) out.push_back(m.seq);
        return out;
    };

    h.send(v, p::History{*w.conv, std::nullopt, 3});
    auto newest = h.next<p::Page>(v);
    CHECK(newest.conv == *w.conv);
    CHECK(seqs(newest) == std::vector<std::int64_t>{5, 6, 7});
    CHECK(newest.more);

    h.send(v, p::History{*w.conv, std::int64_t{5}, 3});
    auto middle = h.next<p::Page>(v);
    CHECK(seqs(middle) == std::vector<std::int64_t>{2, 3, 4});
    CHECK(middle.more);

    h.send(v, p::History{*w.conv, std::int64_t{2}, 3});
    auto oldest = h.next<p::Page>(v);
    CHECK(seqs(oldest) == std::vector<std::int64_t>{1});
    CHECK_FALSE(oldest.more);

    h.send(v, p::History{*w.conv, std::int64_t{9}, 3});
    CHECK(h.error(v).code == ErrorCode::seq_out_of_range);
}

TEST_CASE("history accepts before up to last + 1 and sync after up to last; one more is 3003",
          "[hub][history][sync]") {
    HubHarness h;
    p::Welcome w;
    const ConnId v = h.visitor(&w);
    for (int i = 1; i <= 3; ++i) h.send(v, p::Send{*w.conv, "k" + std::to_string(i), "m"});
    h.drain(v);
    // history: `before` = last + 1 ("after the last message", the default) is the end.
    h.send(v, p::History{*w.conv, std::int64_t{4}, 50});
    CHECK(h.next<p::Page>(v).msgs.size() == 3);
    h.send(v, p::History{*w.conv, std::int64_t{5}, 50});
    CHECK(h.error(v).code == ErrorCode::seq_out_of_range);
    h.send(v, p::History{*w.conv, std::int64_t{0}, 50});  // before the first: an empty page
    auto empty = h.next<p::Page>(v);
    CHECK(empty.msgs.empty());
    CHECK_FALSE(empty.more);
    // sync: `after` = last asks for nothing and gets synced alone.
    h.send(v, p::Sync{*w.conv, 3});
    CHECK(h.next<p::Synced>(v).last_seq == 3);
    CHECK(h.idle(v));
    h.send(v, p::Sync{*w.conv, 4});
    CHECK(h.error(v).code == ErrorCode::seq_out_of_range);
    // read: `seq` up to last.
    h.send(v, p::Read{*w.conv, 3});
    CHECK(h.idle(v));
    h.send(v, p::Read{*w.conv, 4});
    CHECK(h.error(v).code == ErrorCode::seq_out_of_range);
}

// ---- agents' view -------------------------------------------------------------------

TEST_CASE("an agent's welcome is followed by the inbox of started conversations; changes follow as conv",
          "[hub][inbox]") {
    HubHarness h;
    const std::string token = h.make_agent("a_1", "sam@example.com", "Sam");
    p::Welcome ada, bo;
    const ConnId a = h.visitor(&ada);
    h.now += 10;
    const ConnId b = h.visitor(&bo);
    h.now += 10;
    h.send(a, p::Send{*ada.conv, "k1", "Need help"});
    h.now += 10;
    h.send(b, p::Send{*bo.conv, "k1", "Hi"});
    h.now += 10;
    h.send(a, p::Send{*ada.conv, "k2", "Need help"});

    const ConnId agent = h.open();
    h.send(agent, p::Hello{"agent", token, std::nullopt});
    h.next<p::Welcome>(agent);
    auto inbox = h.next<p::Inbox>(agent);
    REQUIRE(inbox.convs.size() == 2);
    CHECK(inbox.convs[0].conv == *ada.conv);  // most recently updated first
    CHECK(inbox.convs[0].last_text == "Need help");
    CHECK(inbox.convs[0].last_seq == 2);
    CHECK(inbox.convs[0].visitor == ada.me);
    CHECK(inbox.convs[1].conv == *bo.conv);
    CHECK(inbox.convs[1].status == "open");
    h.drain(agent);

    p::Welcome cy;
    const ConnId c = h.visitor(&cy, std::nullopt, std::string("Cy"));
    CHECK(h.next<p::PresenceNotice>(agent).who == cy.me);
    CHECK(h.received[agent].empty());  // opening the widget alone is nobody's work yet
    h.send(c, p::Send{*cy.conv, "k1", "Hello?"});
    CHECK(h.next<p::Msg>(agent).message.text == "Hello?");
    auto started = h.next<p::ConvUpdate>(agent);
    CHECK(started.summary.conv == *cy.conv);
    CHECK(started.summary.last_seq == 1);
    CHECK(started.summary.visitor.name == "Cy");
}

// ---- presence -----------------------------------------------------------------------

TEST_CASE("presence: agents see everyone's, visitors see agents'", "[hub][presence]") {
    HubHarness h;
    const std::string token = h.make_agent("a_1", "sam@example.com", "Sam");
    p::Welcome w;
    const ConnId v = h.visitor(&w);
    const ConnId other = h.visitor();
    const ConnId agent = h.agent(token);

    auto arrived = h.next<p::PresenceNotice>(v);  // the agent came online
    CHECK(arrived.who == p::Party{"agent", "a_1", "Sam"});
    CHECK(arrived.status == "available");
    h.drain(other);

    h.send(v, p::SetPresence{"away"});
    auto away = h.next<p::PresenceNotice>(agent);
    CHECK(away.who == w.me);
    CHECK(away.status == "away");
    CHECK(h.idle(other));  // visitors do not see each other

    h.send(v, p::SetPresence{"available"});  // an agent's status, not a visitor's
    CHECK(h.error(v).code == ErrorCode::bad_field);

    h.send(agent, p::SetPresence{"away"});
    CHECK(h.next<p::PresenceNotice>(v).status == "away");
    CHECK(h.next<p::PresenceNotice>(other).status == "away");

    SECTION("the last connection closing makes the party offline") {
        const ConnId tab2 = h.visitor(nullptr, w.token);
        h.drain(agent);
        h.close(v);
        CHECK(h.idle(agent));  // tab2 still open
        h.close(tab2);
        auto gone = h.next<p::PresenceNotice>(agent);
        CHECK(gone.who.id == w.me.id);
        CHECK(gone.status == "offline");
    }
    SECTION("a visitor arriving later learns who is available") {
        const ConnId late = h.open();
        h.send(late, p::Hello{"visitor", std::nullopt, std::nullopt});
        h.next<p::Welcome>(late);
        auto known = h.next<p::PresenceNotice>(late);
        CHECK(known.who.id == "a_1");
        CHECK(known.status == "away");
    }
}

// ---- bad input ----------------------------------------------------------------------

TEST_CASE("every malformed frame gets its documented error and the connection stays usable",
          "[hub][errors]") {
    HubHarness h;
    p::Welcome w;
    const ConnId v = h.visitor(&w);
    const std::string conv = *w.conv;
    const std::string deep = std::string(20, '[') + std::string(20, ']');
    auto [text, code, ref] = GENERATE_COPY(table<std::string, ErrorCode, std::string>({
        {"not json", ErrorCode::bad_json, ""},
        {"[1,2]", ErrorCode::bad_json, ""},
        {R"({"type":"ping"})", ErrorCode::bad_version, ""},
        {R"({"v":2,"type":"ping"})", ErrorCode::bad_version, ""},
        {R"({"v":1})", ErrorCode::unknown_type, ""},
        {R"({"v":1,"type":"dance"})", ErrorCode::unknown_type, ""},
        {R"({"v":1,"type":"send","conv":")" + conv + R"(","cid":"k9"})", ErrorCode::missing_field, "k9"},
        {R"({"v":1,"type":"send","conv":")" + conv + R"(","cid":"k9","text":7})", ErrorCode::bad_field, "k9"},
        {R"({"v":1,"type":"send","conv":")" + conv + R"(","cid":"k9","text":")" + std::string(8001, 'a') + "\"}",
         ErrorCode::text_too_long, "k9"},
        {R"({"v":1,"type":"ping","x":)" + deep + "}", ErrorCode::too_deep, ""},
        {R"({"v":1,"type":"ping","pad":")" + std::string(70000, 'p') + "\"}", ErrorCode::too_large, ""},
    }));
    CAPTURE(text.substr(0, 120));
    h.text(v, text);
    auto e = h.error(v);
    CHECK(e.code == code);
    CHECK(e.ref == ref);
    CHECK_FALSE(e.message.empty());
    CHECK(h.idle(v));
    CHECK(h.closed.empty());
    CHECK(h.store.messages_after(conv, 0, 10).value().empty());

    h.send(v, p::Send{conv, "after", "still here"});
    CHECK(h.next<p::Ack>(v).seq == 1);
}

TEST_CASE("binary and oversized messages get 1010 and 1006", "[hub][errors]") {
    HubHarness h;
    const ConnId v = h.visitor();
    h.hub.on_binary(v, h.now);
    h.hub.on_too_large(v, h.now);
    h.pump();
    CHECK(h.error(v).code == ErrorCode::binary_frame);
    CHECK(h.error(v).code == ErrorCode::too_large);
    h.send(v, p::Ping{1});
    CHECK(h.next<p::Pong>(v).n == 1);
}

TEST_CASE("shutdown asks to close every connection with 1001", "[hub]") {
    HubHarness h;
    const ConnId v = h.visitor();
    const ConnId pending = h.open();
    h.hub.shutdown(h.now);
    h.pump();
    CHECK(h.closed == std::map<ConnId, int>{{v, 1001}, {pending, 1001}});
    h.send(v, p::Ping{1});  // frames still in flight are not processed
    CHECK(h.idle(v));
}

TEST_CASE("frames for connections that closed are dropped", "[hub]") {
    HubHarness h;
    p::Welcome w;
    const ConnId v = h.visitor(&w);
    h.close(v);
    h.text(v, R"({"v":1,"type":"ping","n":1})");
    CHECK(h.idle(v));
    CHECK(h.hub.connection_count() == 0);
}

TEST_CASE("with group commit, frames handled together share one commit and nothing leaves before it",
          "[hub][batch]") {
    HubConfig config = HubHarness::config();
    config.group_commit = true;
    HubHarness h{config};
    p::Welcome w;
    const ConnId v = h.visitor(&w);
    const int begun = h.store.batches_begun, committed = h.store.batches_committed;
    // Two frames arrive in one event-loop pass: the adapter drains outputs once.
    h.hub.on_text(v, p::encode(p::Send{*w.conv, "v.1", "one"}), h.now);
    h.hub.on_text(v, p::encode(p::Send{*w.conv, "v.2", "two"}), h.now);
    CHECK(h.store.batches_begun == begun + 1);
    CHECK(h.store.batches_committed == committed);  // not yet: no output has gone out
    h.pump();                                        // take_outputs(): commit, then deliver
    CHECK(h.store.batches_committed == committed + 1);
    CHECK(h.next<p::Ack>(v).seq == 1);
    CHECK(h.next<p::Msg>(v).message.text == "one");
}

TEST_CASE("with group commit, a failed commit sends no ack and no message, and closes the senders with 1011",
          "[hub][batch]") {
    HubConfig config = HubHarness::config();
    config.group_commit = true;
    HubHarness h{config};
    p::Welcome w;
    const ConnId v = h.visitor(&w);
    const ConnId other = h.visitor();  // another visitor: hears nothing of the lost batch
    h.store.fail_commits = true;
    h.send(v, p::Send{*w.conv, "v.1", "lost with the batch"});
    CHECK(h.idle(v));
    CHECK(h.closed.at(v) == p::close_code::internal_error);
    CHECK_FALSE(h.closed.count(other));
    CHECK(h.idle(other));
}
