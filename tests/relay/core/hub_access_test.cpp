// The visibility rule (core/access_rule.hpp) through the Hub: every frame that names a
// conversation × every relation of the party to it, in each routing state, with the
// outcome each cell must have. A refusal changes nothing (no message stored, no status
// changed, no typing relayed); an allowed frame gets its usual answer.
//
// The world: team general has Ann (preferred 3) and Gus (preferred 0: he never gets a
// new conversation, only claims one); Bill is in team billing; Sue is a supervisor in
// team ops; Ada is the conversation's visitor, Bo another visitor. Ada's first message
// goes to general, so to Ann.
#include <catch2/catch.hpp>

#include "support/hub_harness.hpp"

using namespace parley::relay;
using namespace parley::relay::test;
using parley::protocol::ErrorCode;

namespace {

enum class State { not_started, active, queued, closed };
enum class Frame { send, typing, read, sync, history, note, transfer, transfer_to_self, close, reopen };
enum class Who { owner, same_team, other_team, supervisor, visitor, other_visitor };

const char* name(State s) {
    switch (s) {
        case State::not_started: return "not started";
        case State::active: return "active (Ann's)";
        case State::queued: return "queued in general";
        case State::closed: return "closed (Ann held it)";
    }
    return "";
}
const char* name(Frame f) {
    const char* names[] = {"send", "typing", "read", "sync", "history", "note", "transfer to team billing",
                           "transfer to self", "close", "reopen"};
    return names[static_cast<int>(f)];
}
const char* name(Who w) {
    const char* names[] = {"owner", "same-team agent", "other-team agent", "supervisor", "the visitor",
                           "another visitor"};
    return names[static_cast<int>(w)];
}

constexpr int ok = 0;     // allowed: the frame's usual answer, no error
constexpr int none = -1;  // no such relation in this state (nobody owns it)
constexpr int E2004 = static_cast<int>(ErrorCode::forbidden);
constexpr int E3001 = static_cast<int>(ErrorCode::unknown_conversation);
constexpr int E3006 = static_cast<int>(ErrorCode::not_allowed);

struct Row {
    State state;
    Frame frame;
    // owner, same team, other team, supervisor, visitor, other visitor
    std::array<int, 6> expect;
};

// clang-format off
const Row kMatrix[] = {
    //                                            owner  same   other  super  visitor other-v
    {State::active, Frame::send,             {{ok,    E2004, E2004, ok,    ok,    E2004}}},
    {State::active, Frame::typing,           {{ok,    E2004, E2004, ok,    ok,    E2004}}},
    {State::active, Frame::read,             {{ok,    ok,    E2004, ok,    ok,    E2004}}},
    {State::active, Frame::sync,             {{ok,    ok,    E2004, ok,    ok,    E2004}}},
    {State::active, Frame::history,          {{ok,    ok,    E2004, ok,    ok,    E2004}}},
    {State::active, Frame::note,             {{ok,    E2004, E2004, ok,    E2004, E2004}}},
    {State::active, Frame::transfer,         {{ok,    E2004, E2004, ok,    E2004, E2004}}},
    {State::active, Frame::transfer_to_self, {{E3006, E2004, E2004, ok,    E2004, E2004}}},  // owner: already theirs
    {State::active, Frame::close,            {{ok,    E2004, E2004, ok,    E2004, E2004}}},
    {State::active, Frame::reopen,           {{ok,    E2004, E2004, ok,    E2004, E2004}}},  // not closed: no-op

    // Queued: nobody owns it; the team may take it (answering or transfer-to-self claims).
    {State::queued, Frame::send,             {{none,  ok,    E2004, ok,    ok,    E2004}}},
    {State::queued, Frame::typing,           {{none,  ok,    E2004, ok,    ok,    E2004}}},
    {State::queued, Frame::read,             {{none,  ok,    E2004, ok,    ok,    E2004}}},
    {State::queued, Frame::sync,             {{none,  ok,    E2004, ok,    ok,    E2004}}},
    {State::queued, Frame::history,          {{none,  ok,    E2004, ok,    ok,    E2004}}},
    {State::queued, Frame::note,             {{none,  ok,    E2004, ok,    E2004, E2004}}},
    {State::queued, Frame::transfer,         {{none,  ok,    E2004, ok,    E2004, E2004}}},
    {State::queued, Frame::transfer_to_self, {{none,  ok,    E2004, ok,    E2004, E2004}}},
    {State::queued, Frame::close,            {{none,  ok,    E2004, ok,    E2004, E2004}}},
    {State::queued, Frame::reopen,           {{none,  ok,    E2004, ok,    E2004, E2004}}},  // not closed: no-op

    // Closed: the last holder and the team may reopen it; agents' sends wait for that.
    {State::closed, Frame::send,             {{E3001, E3001, E2004, E3001, ok,    E2004}}},  // visitors may write on
    {State::closed, Frame::typing,           {{ok,    ok,    E2004, ok,    ok,    E2004}}},
    {State::closed, Frame::read,             {{ok,    ok,    E2004, ok,    ok,    E2004}}},
    {State::closed, Frame::sync,             {{ok,    ok,    E2004, ok,    ok,    E2004}}},
    {State::closed, Frame::history,          {{ok,    ok,    E2004, ok,    ok,    E2004}}},
    {State::closed, Frame::note,             {{ok,    ok,    E2004, ok,    E2004, E2004}}},
    {State::closed, Frame::transfer,         {{E3006, E3006, E2004, E3006, E2004, E2004}}},  // reopen first
    {State::closed, Frame::transfer_to_self, {{E3006, E3006, E2004, E3006, E2004, E2004}}},
    {State::closed, Frame::close,            {{ok,    ok,    E2004, ok,    E2004, E2004}}},  // already: no-op
    {State::closed, Frame::reopen,           {{ok,    ok,    E2004, ok,    E2004, E2004}}},

    // Not started (the widget is open, nothing was sent): nobody's work but supervisors'.
    {State::not_started, Frame::send,             {{none, E2004, E2004, ok,    ok,    E2004}}},
    {State::not_started, Frame::typing,           {{none, E2004, E2004, ok,    ok,    E2004}}},
    {State::not_started, Frame::read,             {{none, E2004, E2004, ok,    ok,    E2004}}},
    {State::not_started, Frame::sync,             {{none, E2004, E2004, ok,    ok,    E2004}}},
    {State::not_started, Frame::history,          {{none, E2004, E2004, ok,    ok,    E2004}}},
    {State::not_started, Frame::note,             {{none, E2004, E2004, ok,    E2004, E2004}}},
    {State::not_started, Frame::transfer,         {{none, E2004, E2004, E3006, E2004, E2004}}},  // not started
    {State::not_started, Frame::transfer_to_self, {{none, E2004, E2004, E3006, E2004, E2004}}},
    {State::not_started, Frame::close,            {{none, E2004, E2004, ok,    E2004, E2004}}},
    {State::not_started, Frame::reopen,           {{none, E2004, E2004, E3006, E2004, E2004}}},
};
// clang-format on

struct World {
    HubHarness h;
    ConnId ann = 0, gus = 0, bill = 0, sue = 0, ada = 0, bo = 0;
    std::string conv;
    p::Party ada_party;

    explicit World(State state) {
        ann = h.agent(h.make_agent("a_ann", "ann@example.com", "Ann", {"general"}));
        gus = h.agent(h.make_agent("a_gus", "gus@example.com", "Gus", {"general"}, false, 0));
        bill = h.agent(h.make_agent("a_bill", "bill@example.com", "Bill", {"billing"}));
        sue = h.agent(h.make_agent("a_sue", "sue@example.com", "Sue", {"ops"}, true));
        p::Welcome w;
        ada = h.visitor(&w);
        conv = *w.conv;
        ada_party = w.me;
        bo = h.visitor(nullptr, std::nullopt, std::string("Bo"));
        if (state == State::queued) h.send(ann, p::SetPresence{"away"});
        if (state != State::not_started) h.send(ada, p::Send{conv, "v.1", "hello"});
        if (state == State::closed) h.send(ann, p::CloseConv{conv});
        for (ConnId c : all()) h.drain(c);
    }
    std::vector<ConnId> all() const { return {ann, gus, bill, sue, ada, bo}; }
    ConnId conn(Who w) const {
        switch (w) {
            case Who::owner: return ann;
            case Who::same_team: return gus;
            case Who::other_team: return bill;
            case Who::supervisor: return sue;
            case Who::visitor: return ada;
            case Who::other_visitor: return bo;
        }
        return 0;
    }
    std::string id_of(Who w) const {
        const char* ids[] = {"a_ann", "a_gus", "a_bill", "a_sue", "a_sue", "a_sue"};  // visitors: any agent
        return ids[static_cast<int>(w)];
    }
    std::int64_t last_seq() { return h.store.find_conversation(conv).value()->last_seq; }
    std::string status() { return h.store.find_conversation(conv).value()->status; }

    p::ClientFrame frame(Frame f, Who w) {
        switch (f) {
            case Frame::send: return p::Send{conv, "x.1", "hi"};
            case Frame::typing: return p::Typing{conv, true};
            case Frame::read: return p::Read{conv, last_seq()};
            case Frame::sync: return p::Sync{conv, 0};
            case Frame::history: return p::History{conv, std::nullopt, 50};
            case Frame::note: return p::Note{conv, "n.1", "a note"};
            case Frame::transfer: return p::Transfer{conv, std::nullopt, std::string("billing"), ""};
            case Frame::transfer_to_self: return p::Transfer{conv, id_of(w), std::nullopt, ""};
            case Frame::close: return p::CloseConv{conv};
            case Frame::reopen: return p::Reopen{conv};
        }
        return p::Ping{0};
    }
};

// The error code the connection got (0: none), and whether it got the frame's answer.
struct Seen {
    int error = 0;
    bool answered = false;
};
Seen seen(HubHarness& h, ConnId id, Frame f) {
    Seen s;
    for (const auto& x : h.received[id]) {
        if (const auto* e = std::get_if<p::ErrorFrame>(&x)) s.error = s.error ? s.error : static_cast<int>(e->code);
        if ((f == Frame::send || f == Frame::note) && std::holds_alternative<p::Ack>(x)) s.answered = true;
        if (f == Frame::sync && std::holds_alternative<p::Synced>(x)) s.answered = true;
        if (f == Frame::history && std::holds_alternative<p::Page>(x)) s.answered = true;
    }
    const bool has_answer = f == Frame::send || f == Frame::note || f == Frame::sync || f == Frame::history;
    if (!has_answer) s.answered = s.error == 0;
    return s;
}

}  // namespace

TEST_CASE("every frame that names a conversation obeys the visibility rule, for every relation",
          "[hub][access]") {
    for (const Row& row : kMatrix) {
        for (int w = 0; w < 6; ++w) {
            const int expect = row.expect[static_cast<std::size_t>(w)];
            if (expect == none) continue;
            const Who who = static_cast<Who>(w);
            CAPTURE(name(row.state), name(row.frame), name(who), expect);
            World world(row.state);
            const std::int64_t seq_before = world.last_seq();
            const std::string status_before = world.status();
            const ConnId asker = world.conn(who);
            world.h.send(asker, world.frame(row.frame, who));
            const Seen got = seen(world.h, asker, row.frame);
            CHECK(got.error == expect);
            if (expect == ok) {
                CHECK(got.answered);
                continue;
            }
            CHECK_FALSE(got.answered);
            // A refusal changes nothing and tells nobody anything.
            CHECK(world.last_seq() == seq_before);
            CHECK(world.status() == status_before);
            for (ConnId other : world.all())
                if (other != asker) CHECK(world.h.idle(other));
        }
    }
}

TEST_CASE("an agent gets the same 2004 for another team's conversation and for an id that does not exist",
          "[hub][access]") {
    World world(State::active);
    for (const std::string& target : {world.conv, std::string("c_00000000deadbeef")}) {
        CAPTURE(target);
        world.h.send(world.bill, p::Sync{target, 0});
        const p::ErrorFrame e = world.h.error(world.bill);
        CHECK(e.code == ErrorCode::forbidden);
        CHECK(e.message == "not your conversation");
        world.h.send(world.bill, p::Send{target, "b.1", "hi"});
        const p::ErrorFrame s = world.h.error(world.bill);
        CHECK(s.code == ErrorCode::forbidden);
        CHECK(s.ref == "b.1");
    }
    SECTION("a supervisor, who may see every conversation, is told the id is unknown") {
        world.h.send(world.sue, p::Sync{"c_00000000deadbeef", 0});
        CHECK(world.h.error(world.sue).code == ErrorCode::unknown_conversation);
    }
}

TEST_CASE("a visitor's typing before their first message reaches supervisors only", "[hub][access][typing]") {
    World world(State::not_started);
    world.h.send(world.ada, p::Typing{world.conv, true});
    CHECK(world.h.next<p::TypingNotice>(world.sue).conv == world.conv);
    for (ConnId agent : {world.ann, world.gus, world.bill}) {
        CAPTURE(agent);
        CHECK(world.h.idle(agent));
    }
    SECTION("after the first message, the owner hears it too, the rest of the team does not") {
        world.h.send(world.ada, p::Send{world.conv, "v.1", "hello"});
        for (ConnId c : world.all()) world.h.drain(c);
        world.h.send(world.ada, p::Typing{world.conv, true});
        CHECK(world.h.next<p::TypingNotice>(world.ann).from == world.ada_party);
        CHECK(world.h.next<p::TypingNotice>(world.sue).conv == world.conv);
        CHECK(world.h.idle(world.gus));
        CHECK(world.h.idle(world.bill));
    }
}

TEST_CASE("a teammate reads a colleague's conversation but cannot take it by answering", "[hub][access]") {
    World world(State::active);
    world.h.send(world.gus, p::History{world.conv, std::nullopt, 50});
    const p::Page page = world.h.next<p::Page>(world.gus);
    REQUIRE(page.msgs.size() == 1);
    CHECK(page.msgs[0].text == "hello");
    world.h.send(world.gus, p::Send{world.conv, "g.1", "I'll take it"});
    CHECK(world.h.error(world.gus).code == ErrorCode::forbidden);
    world.h.send(world.gus, p::Transfer{world.conv, std::string("a_gus"), std::nullopt, ""});
    CHECK(world.h.error(world.gus).code == ErrorCode::forbidden);
    world.h.drain(world.ann);
    world.h.send(world.ann, p::Send{world.conv, "a.1", "still mine"});  // nothing moved to Gus
    CHECK(world.h.next<p::Ack>(world.ann).seq == 2);
    world.h.drain(world.sue);
    world.h.send(world.sue, p::History{world.conv, std::nullopt, 50});
    CHECK(world.h.next<p::Page>(world.sue).msgs.size() == 2);
}
