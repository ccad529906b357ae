// The Hub's routing half (hub_routing.cpp) with a fake clock: who gets a new
// conversation, who hears its messages, and the rule that an internal note never
// reaches a visitor connection — live, through sync, or through history.
#include <catch2/catch.hpp>

#include "support/hub_harness.hpp"

using namespace parley::relay;
using namespace parley::relay::test;

namespace {

HubConfig routing_config() {
    HubConfig c = HubHarness::config();
    c.routing.inactive_after_ms = 60'000;
    return c;
}

// Every frame received by `id` so far, encoded, for substring checks.
std::string all_text(HubHarness& h, ConnId id) {
    std::string out;
    for (const auto& f : h.received[id]) out += p::encode(f) + "\n";
    return out;
}

struct Routed {
    HubHarness h{routing_config()};
    ConnId ann = 0, bob = 0, visitor = 0;
    std::string conv;

    Routed() {
        const std::string ta = h.make_agent("a_ann", "ann@example.com", "Ann");
        const std::string tb = h.make_agent("a_bob", "bob@example.com", "Bob");
        ann = h.agent(ta);
        bob = h.agent(tb);
        p::Welcome w;
        visitor = h.visitor(&w);
        conv = *w.conv;
        h.send(visitor, p::Send{conv, "v.1", "hello"});
    }
    // The agent that owns the conversation after the first message.
    ConnId owner() {
        for (ConnId a : {ann, bob})
            for (const auto& c : frames<p::ConvUpdate>(h, a))
                if (c.summary.conv == conv && !c.summary.agent.empty())
                    return c.summary.agent == "a_ann" ? ann : bob;
        return 0;
    }
};

}  // namespace

TEST_CASE("a new conversation is assigned to one agent and only that agent hears it", "[hub][routing]") {
    Routed r;
    const ConnId owner = r.owner();
    REQUIRE(owner != 0);
    const ConnId other = owner == r.ann ? r.bob : r.ann;
    CHECK_FALSE(frames<p::Msg>(r.h, owner).empty());
    CHECK(frames<p::Msg>(r.h, other).empty());
    CHECK(frames<p::QueueNotice>(r.h, r.visitor).empty());  // no wait, nothing to tell
}

TEST_CASE("a visitor who must wait is told their place, then that the wait is over", "[hub][routing]") {
    HubHarness h{routing_config()};
    p::Welcome w;
    const ConnId visitor = h.visitor(&w);
    h.send(visitor, p::Send{*w.conv, "v.1", "hello"});
    auto q = frames<p::QueueNotice>(h, visitor);
    REQUIRE(q.size() == 1);
    CHECK(q[0].position == 1);
    CHECK(q[0].team == "general");
    CHECK(q[0].expected_wait_ms == -1);  // nobody available: no made-up number
    h.agent(h.make_agent("a_ann", "ann@example.com", "Ann"));
    q = frames<p::QueueNotice>(h, visitor);
    REQUIRE(q.size() == 2);
    CHECK(q[1].position == 0);
}

TEST_CASE("a visitor who reconnects while waiting is told their place again", "[hub][routing]") {
    HubHarness h{routing_config()};
    p::Welcome w;
    const ConnId first = h.visitor(&w);
    h.send(first, p::Send{*w.conv, "v.1", "hello"});
    REQUIRE(frames<p::QueueNotice>(h, first).size() == 1);
    h.close(first);
    const ConnId again = h.open();  // the page was reloaded
    h.send(again, p::Hello{"visitor", w.token, std::string("Ada")});
    auto q = frames<p::QueueNotice>(h, again);
    REQUIRE(q.size() == 1);
    CHECK(q[0].conv == *w.conv);
    CHECK(q[0].position == 1);
    CHECK(q[0].team == "general");

    SECTION("one who is not waiting hears nothing of a queue") {
        h.agent(h.make_agent("a_ann", "ann@example.com", "Ann"));
        h.close(again);
        const ConnId served = h.open();
        h.send(served, p::Hello{"visitor", w.token, std::string("Ada")});
        CHECK(frames<p::Welcome>(h, served).size() == 1);
        CHECK(frames<p::QueueNotice>(h, served).empty());
    }
}

TEST_CASE("the page the visitor is on chooses the team by the page rules", "[hub][routing]") {
    HubConfig config = routing_config();
    config.routing.rules = {parley::route::TeamRule{"", "/billing", "billing", {}},
                            parley::route::TeamRule{"", "token=", "secrets", {}}};
    HubHarness h{config};
    auto first_queue_team = [&](std::optional<std::string> page) {
        const ConnId v = h.open();
        h.send(v, p::Hello{"visitor", std::nullopt, std::string("Ada"), page});
        const p::Welcome w = h.next<p::Welcome>(v);
        h.drain(v);
        h.send(v, p::Send{*w.conv, "v.1", "hello there"});
        auto q = frames<p::QueueNotice>(h, v);
        return q.empty() ? std::string("(not queued)") : q[0].team;
    };
    CHECK(first_queue_team(std::string("https://shop.example/billing/invoices")) == "billing");
    CHECK(first_queue_team(std::string("https://shop.example/pricing")) == "general");
    CHECK(first_queue_team(std::nullopt) == "general");
    // The query and fragment never reach the rules, whatever a client sends.
    CHECK(first_queue_team(std::string("https://shop.example/x?token=abc#token=def")) == "general");
}

TEST_CASE("a note never reaches a visitor connection", "[hub][routing]") {
    Routed r;
    const ConnId owner = r.owner();
    r.h.drain(r.visitor);
    r.h.send(owner, p::Note{r.conv, "n.1", "TOP-SECRET note"});
    auto acks = frames<p::Ack>(r.h, owner);
    REQUIRE_FALSE(acks.empty());
    bool agent_saw = false;
    for (const auto& m : frames<p::Msg>(r.h, owner)) agent_saw |= m.message.internal && m.message.text == "TOP-SECRET note";
    CHECK(agent_saw);
    CHECK(all_text(r.h, r.visitor).find("TOP-SECRET") == std::string::npos);

    SECTION("nor through sync, where prev bridges the hidden seq") {
        r.h.send(owner, p::Send{r.conv, "a.1", "visible reply"});
        r.h.drain(r.visitor);
        r.h.send(r.visitor, p::Sync{r.conv, 1});
        const std::string text = all_text(r.h, r.visitor);
        CHECK(text.find("TOP-SECRET") == std::string::npos);
        auto msgs = frames<p::Msg>(r.h, r.visitor);
        REQUIRE(msgs.size() == 1);
        CHECK(msgs[0].message.text == "visible reply");
        CHECK(msgs[0].message.prev == std::optional<std::int64_t>(1));
    }
    SECTION("nor through history") {
        r.h.drain(r.visitor);
        r.h.send(r.visitor, p::History{r.conv, std::nullopt, 50});
        auto pages = frames<p::Page>(r.h, r.visitor);
        REQUIRE(pages.size() == 1);
        for (const auto& m : pages[0].msgs) CHECK_FALSE(m.internal);
        CHECK(all_text(r.h, r.visitor).find("TOP-SECRET") == std::string::npos);
    }
    SECTION("a visitor may not write a note") {
        r.h.drain(r.visitor);
        r.h.send(r.visitor, p::Note{r.conv, "v.n", "sneaky"});
        CHECK(r.h.error(r.visitor).code == p::ErrorCode::forbidden);
    }
}

TEST_CASE("a sync streamed in chunks never shows a visitor an internal note, and prev bridges each",
          "[hub][routing][reads]") {
    Routed r;
    const ConnId owner = r.owner();
    REQUIRE(owner != 0);
    // 60 rounds of a long note and a long visible reply: several chunks' worth.
    for (int i = 0; i < 60; ++i) {
        r.h.send(owner, p::Note{r.conv, "n." + std::to_string(i), "TOP-SECRET " + std::string(6000, 'n')});
        r.h.send(owner, p::Send{r.conv, "a." + std::to_string(i), "reply " + std::string(6000, 'r')});
    }
    r.h.drain(r.visitor);
    r.h.received[owner].clear();
    r.h.auto_drain = false;
    r.h.send(r.visitor, p::Sync{r.conv, 1});
    int chunks = 0;
    while (r.h.pulling.count(r.visitor)) {
        r.h.pull_chunk(r.visitor);
        ++chunks;
    }
    CHECK(chunks > 1);
    CHECK(all_text(r.h, r.visitor).find("TOP-SECRET") == std::string::npos);
    auto msgs = frames<p::Msg>(r.h, r.visitor);
    REQUIRE(msgs.size() == 60);
    std::int64_t prev = 1;
    for (const auto& m : msgs) {
        CHECK_FALSE(m.message.internal);
        CHECK(m.message.seq == prev + 2);  // a note sits before each reply
        CHECK(m.message.prev == std::optional<std::int64_t>(prev));
        prev = m.message.seq;
    }
    auto synced = frames<p::Synced>(r.h, r.visitor);
    REQUIRE(synced.size() == 1);
    CHECK(synced[0].last_seq == 121);
}

TEST_CASE("a transfer moves the conversation, tells the visitor who joined, and keeps the rest internal", "[hub][routing]") {
    Routed r;
    const ConnId owner = r.owner();
    const ConnId other = owner == r.ann ? r.bob : r.ann;
    const std::string other_id = owner == r.ann ? "a_bob" : "a_ann";
    r.h.drain(r.visitor);
    r.h.drain(other);
    r.h.send(owner, p::Transfer{r.conv, other_id, std::nullopt, "VIP, be nice"});
    bool moved = false;
    for (const auto& c : frames<p::ConvUpdate>(r.h, other)) moved |= c.summary.agent == other_id && c.summary.state == "active";
    CHECK(moved);
    bool note_seen = false;
    for (const auto& m : frames<p::Msg>(r.h, other)) note_seen |= m.message.internal && m.message.text.find("VIP, be nice") != std::string::npos;
    CHECK(note_seen);
    const std::string seen = all_text(r.h, r.visitor);
    // The visitor hears who joined, in words meant for them; where it was sent and by
    // whom (internal labels) only the agents see.
    CHECK(seen.find(std::string(owner == r.ann ? "Bob" : "Ann") + " joined the conversation") != std::string::npos);
    CHECK(seen.find("Transferred to") == std::string::npos);
    CHECK(seen.find("VIP") == std::string::npos);
    bool agents_told = false;
    for (const auto& m : frames<p::Msg>(r.h, other))
        agents_told |= m.message.internal && m.message.text.find("Transferred to") != std::string::npos;
    CHECK(agents_told);

    SECTION("to an unknown agent is error 3004") {
        r.h.drain(other);
        r.h.send(other, p::Transfer{r.conv, std::string("a_nobody"), std::nullopt, ""});
        CHECK(r.h.error(other).code == p::ErrorCode::unknown_agent);
    }
}

TEST_CASE("the customer's silence makes the conversation inactive at the router's deadline", "[hub][routing]") {
    Routed r;
    const ConnId owner = r.owner();
    r.h.send(owner, p::Send{r.conv, "a.1", "How can I help?"});
    REQUIRE(r.h.hub.next_deadline().has_value());
    r.h.drain(owner);
    r.h.now += 61'000;
    r.h.hub.tick(r.h.now);
    r.h.pump();
    bool inactive = false;
    for (const auto& c : frames<p::ConvUpdate>(r.h, owner)) inactive |= c.summary.state == "inactive";
    CHECK(inactive);
}

TEST_CASE("closing and a customer's no to anything else are transcript events", "[hub][routing]") {
    Routed r;
    const ConnId owner = r.owner();
    r.h.send(owner, p::Send{r.conv, "a.1", "Done. Anything else?"});
    r.h.drain(r.visitor);
    r.h.send(r.visitor, p::Send{r.conv, "v.2", "no"});
    CHECK(all_text(r.h, r.visitor).find("Conversation closed") != std::string::npos);
    r.h.drain(owner);
    r.h.send(owner, p::Reopen{r.conv});
    CHECK(all_text(r.h, owner).find("Conversation reopened") != std::string::npos);
    r.h.send(owner, p::CloseConv{r.conv});
    bool closed = false;
    for (const auto& c : frames<p::ConvUpdate>(r.h, owner)) closed |= c.summary.status == "closed";
    CHECK(closed);
}

TEST_CASE("an agent whose last connection closes has their conversations re-routed after the grace period",
          "[hub][routing]") {
    HubConfig c = routing_config();
    c.routing.offline_grace_ms = 30'000;
    HubHarness h{c};
    const ConnId ann = h.agent(h.make_agent("a_ann", "ann@example.com", "Ann"));
    p::Welcome w;
    const ConnId visitor = h.visitor(&w);
    h.send(visitor, p::Send{*w.conv, "v.1", "hello"});  // Ann is the only one: hers
    const ConnId bob = h.agent(h.make_agent("a_bob", "bob@example.com", "Bob"));
    h.close(ann);
    h.now += 10'000;
    h.hub.tick(h.now);
    h.pump();
    for (const auto& u : frames<p::ConvUpdate>(h, bob)) CHECK(u.summary.agent != "a_bob");  // not yet
    h.now += 21'000;
    REQUIRE(h.hub.next_deadline());
    h.hub.tick(h.now);
    h.pump();
    bool moved = false;
    for (const auto& u : frames<p::ConvUpdate>(h, bob)) moved |= u.summary.agent == "a_bob" && u.summary.state == "active";
    CHECK(moved);
}

TEST_CASE("an engaged customer overtakes a slow one in the agent's order as time passes, with no event",
          "[hub][routing][rank]") {
    HubConfig config = routing_config();
    config.rerank_every_ms = 5'000;
    HubHarness h{config};
    const ConnId ann = h.agent(h.make_agent("a_ann", "ann@example.com", "Ann"));
    p::Welcome wa, wb;
    const ConnId slow = h.visitor(&wa), engaged = h.visitor(&wb);
    const std::string a = *wa.conv, b = *wb.conv;
    auto at = [&](std::int64_t s) {
        h.now = kT0 + s * 1000;
        h.hub.tick(h.now);
        h.pump();
    };
    // The slow customer answers after 50 s each time, the engaged one after 2 s.
    at(0);   h.send(slow, p::Send{a, "s.1", "hi"});
    at(1);   h.send(ann, p::Send{a, "a.1", "Hello, how can I help?"});
    at(51);  h.send(slow, p::Send{a, "s.2", "my invoice"});
    at(52);  h.send(ann, p::Send{a, "a.2", "Which one?"});
    at(60);  h.send(engaged, p::Send{b, "e.1", "hi"});
    at(61);  h.send(ann, p::Send{b, "a.3", "Hello!"});
    at(63);  h.send(engaged, p::Send{b, "e.2", "quick question"});
    at(64);  h.send(ann, p::Send{b, "a.4", "Sure?"});
    at(102); h.send(slow, p::Send{a, "s.3", "the March one"});
    at(110); h.send(engaged, p::Send{b, "e.3", "about plans"});
    auto rank_of = [&](const std::string& conv) {
        std::int64_t rank = 0;
        for (const auto& c : frames<p::ConvUpdate>(h, ann))
            if (c.summary.conv == conv) rank = c.summary.rank;
        return rank;
    };
    // Both await Ann. Just now the slow customer, waiting longer, comes first.
    CHECK(rank_of(a) == 1);
    CHECK(rank_of(b) == 2);
    h.drain(ann);
    // Twenty seconds later, with nothing said, the engaged customer's wait weighs more
    // (docs/routing.md §3): the periodic re-rank tells Ann.
    REQUIRE(h.hub.next_deadline().has_value());
    CHECK(*h.hub.next_deadline() <= h.now + 5'000);
    at(130);
    CHECK(rank_of(b) == 1);
    CHECK(rank_of(a) == 2);
    // And when nothing moves, nothing is re-sent.
    h.drain(ann);
    at(136);
    CHECK(frames<p::ConvUpdate>(h, ann).empty());
}

TEST_CASE("a long queue is listed in part on the board, and counted whole", "[hub][routing][board]") {
    HubConfig config = routing_config();
    config.board_queue_convs = 3;  // the relay lists protocol::kMaxBoardQueueConvs (100)
    HubHarness h{config};
    // A supervisor of another team: sees every queue, takes nothing from general's.
    Agent sup{"a_sup", "sup@example.com", "Sue", agent_password_hash(), h.now};
    sup.teams = {"support"};
    sup.supervisor = true;
    REQUIRE(h.store.create_agent(sup).ok());
    REQUIRE(h.store.create_session(AgentSession{session_token_hash("token-of-sup"), "a_sup", h.now + 3600'000}).ok());
    const ConnId board_reader = h.agent("token-of-sup");
    const std::size_t waiting = 5;
    for (std::size_t i = 0; i < waiting; ++i) {
        p::Welcome w;
        const ConnId v = h.visitor(&w);
        h.send(v, p::Send{*w.conv, "v.1", "hello"});
    }
    auto boards = frames<p::SupervisorBoard>(h, board_reader);
    REQUIRE_FALSE(boards.empty());
    const p::SupervisorBoard& last = boards.back();
    bool seen = false;
    for (const auto& q : last.queues)
        if (q.team == "general") {
            seen = true;
            CHECK(q.length == static_cast<std::int64_t>(waiting));
            CHECK(q.convs.size() == 3);
        }
    CHECK(seen);
}

TEST_CASE("An agent who is away cannot answer a queued conversation: nothing is stored, the visitor keeps waiting",
          "[routing]") {
    HubHarness h;
    const ConnId ann = h.agent(h.make_agent("a_ann", "ann@example.com", "Ann"));
    h.send(ann, p::SetPresence{"away"});
    p::Welcome w;
    const ConnId visitor = h.visitor(&w);
    h.send(visitor, p::Send{*w.conv, "v.1", "hello?"});
    REQUIRE_FALSE(frames<p::QueueNotice>(h, visitor).empty());
    h.drain(visitor);
    h.drain(ann);

    h.send(ann, p::Send{*w.conv, "a.1", "Hi, Ann here"});
    auto errors = frames<p::ErrorFrame>(h, ann);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].code == parley::protocol::ErrorCode::agent_unavailable);
    CHECK(errors[0].message.find("set yourself available") != std::string::npos);
    CHECK(errors[0].ref == "a.1");
    CHECK(frames<p::Msg>(h, visitor).empty());
    CHECK(h.store.messages_after(*w.conv, 0, 10).value().size() == 1);  // the visitor's alone

    // Available again: the queue gives it to her, and her answer goes through.
    h.send(ann, p::SetPresence{"available"});
    h.send(ann, p::Send{*w.conv, "a.2", "Hi, Ann here"});
    CHECK(frames<p::Msg>(h, visitor).size() == 1);
}

TEST_CASE("Closing a conversation whose visitor waits in a queue tells them they no longer wait", "[routing]") {
    HubHarness h;
    const ConnId sue = h.agent(h.make_agent("a_sue", "sue@example.com", "Sue", {"general"}, true));
    h.send(sue, p::SetPresence{"away"});
    p::Welcome w;
    const ConnId visitor = h.visitor(&w);
    h.send(visitor, p::Send{*w.conv, "v.1", "hello?"});
    REQUIRE(frames<p::QueueNotice>(h, visitor).size() == 1);
    CHECK(frames<p::QueueNotice>(h, visitor)[0].position == 1);
    h.send(sue, p::CloseConv{*w.conv});
    auto q = frames<p::QueueNotice>(h, visitor);
    REQUIRE(q.size() == 2);
    CHECK(q[1].position == 0);
}

TEST_CASE("An agent at maximum load who answers a queued conversation takes it all the same", "[routing]") {
    HubHarness h;
    const ConnId ann = h.agent(h.make_agent("a_ann", "ann@example.com", "Ann"));
    std::vector<std::string> convs;
    std::vector<ConnId> visitors;
    for (int i = 0; i < 6; ++i) {  // her maximum load is 5: the sixth waits
        p::Welcome w;
        visitors.push_back(h.visitor(&w));
        convs.push_back(*w.conv);
        h.send(visitors.back(), p::Send{*w.conv, "v.1", "hello"});
    }
    REQUIRE_FALSE(frames<p::QueueNotice>(h, visitors[5]).empty());
    h.drain(ann);
    h.send(ann, p::Send{convs[5], "a.1", "I'll take this one too"});
    CHECK(frames<p::ErrorFrame>(h, ann).empty());
    CHECK(frames<p::Msg>(h, visitors[5]).size() == 2);  // hers after the visitor's own
    auto q = frames<p::QueueNotice>(h, visitors[5]);
    CHECK(q.back().position == 0);  // no longer told to wait
}
