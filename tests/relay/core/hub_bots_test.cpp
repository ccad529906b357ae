// Bots through the Hub (issue 16, core/hub_bots.cpp): a bot's hello with an API key,
// routing while a bot is online, the bot's handoff and an agent's handback, take-over,
// the relay's own rules (bot_gone, bot_slow, bot_looping) with a fake clock, and the
// visibility rule's bot rows.
#include <catch2/catch.hpp>

#include "auth/bot_keys.hpp"
#include "core/message_triage.hpp"
#include "support/hub_harness.hpp"

using namespace parley::relay;
using namespace parley::relay::test;
using parley::protocol::ErrorCode;

namespace {

const std::string kKey = "pk_" + std::string(43, 'A');

HubConfig bot_config() {
    HubConfig c = HubHarness::config();
    c.bots.grace_ms = 10'000;
    c.bots.reply_ms = 15'000;
    c.bots.max_turns_unanswered = 5;
    return c;
}

// The last conv frame `id` got about `conv`.
std::optional<p::ConvSummary> last_conv(HubHarness& h, ConnId id, const std::string& conv) {
    std::optional<p::ConvSummary> out;
    for (const auto& c : frames<p::ConvUpdate>(h, id))
        if (c.summary.conv == conv) out = c.summary;
    return out;
}

std::vector<p::Message> msgs(HubHarness& h, ConnId id) {
    std::vector<p::Message> out;
    for (const auto& m : frames<p::Msg>(h, id)) out.push_back(m.message);
    return out;
}

// Ann (general), Sue (supervisor), the bot "helper" online, and Ada, whose first
// message opened her conversation with the bot.
struct BotWorld {
    HubHarness h{bot_config()};
    ConnId ann = 0, sue = 0, bot = 0, ada = 0;
    std::string conv;

    explicit BotWorld(bool bot_online = true) {
        REQUIRE(h.store.create_bot_key(BotKey{"helper", "Helper", bot_key_hash(kKey), h.now, 0}).ok());
        ann = h.agent(h.make_agent("a_ann", "ann@example.com", "Ann", {"general"}));
        sue = h.agent(h.make_agent("a_sue", "sue@example.com", "Sue", {"ops"}, true));
        if (bot_online) bot = connect_bot();
        p::Welcome w;
        ada = h.visitor(&w);
        conv = *w.conv;
        h.send(ada, p::Send{conv, "v.1", "what does the pro plan cost?"});
    }
    ConnId connect_bot() {
        const ConnId id = h.open();
        h.send(id, p::Hello{"bot", std::nullopt, std::nullopt, std::nullopt, kKey});
        h.next<p::Welcome>(id);
        h.next<p::Inbox>(id);
        h.drain(id);
        return id;
    }
    // The conversation's state as the supervisor last heard it (across drains).
    std::string state() {
        auto v = last_conv(h, sue, conv);
        return v ? v->state : remembered;
    }
    void drain_all() {
        remembered = state();
        for (ConnId c : {ann, sue, bot, ada})
            if (c) h.drain(c);
    }
    std::string remembered;
};

}  // namespace

TEST_CASE("a bot with a valid key is welcomed as its bot party, with the conversations that are with it",
          "[hub][bots]") {
    BotWorld world;
    const ConnId again = world.h.open();
    world.h.send(again, p::Hello{"bot", std::nullopt, std::nullopt, std::nullopt, kKey});
    const p::Welcome w = world.h.next<p::Welcome>(again);
    CHECK(w.role == "bot");
    CHECK(w.me == p::Party{"bot", "b_helper", "Helper"});
    const p::Inbox inbox = world.h.next<p::Inbox>(again);
    REQUIRE(inbox.convs.size() == 1);
    CHECK(inbox.convs[0].conv == world.conv);
    CHECK(inbox.convs[0].state == "bot");
    CHECK(world.h.store.find_bot_key(bot_key_hash(kKey)).value()->last_used == world.h.now);
}

TEST_CASE("a bot's hello with a malformed, unknown or revoked key gets 2003 and is closed with 4100",
          "[hub][bots]") {
    HubHarness h{bot_config()};
    REQUIRE(h.store.create_bot_key(BotKey{"helper", "Helper", bot_key_hash(kKey), h.now, 0}).ok());
    const std::string key = GENERATE(std::string("pk_short"), "pk_" + std::string(43, 'B'), std::string("revoked"));
    CAPTURE(key);
    std::string sent = key;
    if (key == "revoked") {
        REQUIRE(h.store.delete_bot_key("helper").value());
        sent = kKey;
    }
    const ConnId c = h.open();
    h.send(c, p::Hello{"bot", std::nullopt, std::nullopt, std::nullopt, sent});
    CHECK(h.error(c).code == ErrorCode::bad_token);
    CHECK(h.closed[c] == p::close_code::auth_refused);
    CHECK(h.idle(c));
}

TEST_CASE("while a bot is online a new conversation opens with the bot: the bot hears it and answers",
          "[hub][bots]") {
    BotWorld world;
    auto& h = world.h;
    CHECK(world.state() == "bot");
    CHECK(frames<p::QueueNotice>(h, world.ada).empty());  // no queue, no agent
    CHECK(msgs(h, world.ann).empty());                    // not a human's yet
    REQUIRE(msgs(h, world.bot).size() == 1);
    CHECK(msgs(h, world.bot)[0].text == "what does the pro plan cost?");
    REQUIRE(last_conv(h, world.bot, world.conv));
    CHECK(last_conv(h, world.bot, world.conv)->state == "bot");
    world.drain_all();

    h.send(world.bot, p::Send{world.conv, "b.1", "The pro plan is 20 EUR a month."});
    CHECK(h.next<p::Ack>(world.bot).seq == 2);
    REQUIRE(msgs(h, world.ada).size() == 1);
    CHECK(msgs(h, world.ada)[0].from == p::Party{"bot", "b_helper", "Helper"});
    CHECK(msgs(h, world.sue).size() == 1);  // supervisors see it too
    CHECK(msgs(h, world.ann).empty());
    SECTION("the visitor's typing reaches the bot") {
        h.send(world.ada, p::Typing{world.conv, true});
        CHECK(frames<p::TypingNotice>(h, world.bot).size() == 1);
    }
}

TEST_CASE("with no bot online a new conversation is routed to humans as before", "[hub][bots]") {
    BotWorld world(/*bot_online=*/false);
    CHECK(world.state() == "active");
    CHECK(msgs(world.h, world.ann).size() == 1);
}

TEST_CASE("a bot's handoff gives the conversation to humans with its reason and summary, and pauses the bot",
          "[hub][bots]") {
    BotWorld world;
    auto& h = world.h;
    world.drain_all();
    h.send(world.bot, p::Handoff{world.conv, "asks_human", "Wants the pro plan price for 40 seats.", std::nullopt});

    // The visitor learns that a human comes (Ann is available: at once).
    const auto q = frames<p::QueueNotice>(h, world.ada);
    REQUIRE(q.size() == 1);
    CHECK(q[0].position == 0);
    // Ann owns it, with why and what the bot learned.
    const auto mine = last_conv(h, world.ann, world.conv);
    REQUIRE(mine);
    CHECK(mine->state == "active");
    CHECK(mine->agent == "a_ann");
    REQUIRE(mine->handoff);
    CHECK(mine->handoff->by == p::Party{"bot", "b_helper", "Helper"});
    CHECK(mine->handoff->reason == "asks_human");
    CHECK(mine->handoff->summary == "Wants the pro plan price for 40 seats.");
    CHECK(mine->handoff->ts == h.now);
    CHECK(mine->bot == "paused");
    // An internal line for the agents, never the visitor.
    const auto lines = msgs(h, world.ann);
    REQUIRE_FALSE(lines.empty());
    CHECK(lines.back().internal);
    CHECK(lines.back().text == "Handed over by Helper: asks_human \u2014 Wants the pro plan price for 40 seats.");
    for (const auto& m : msgs(h, world.ada)) CHECK_FALSE(m.internal);
    // The bot got one last conv naming the new state, and nothing more of it.
    const auto last = last_conv(h, world.bot, world.conv);
    REQUIRE(last);
    CHECK(last->state == "active");
    CHECK(msgs(h, world.bot).empty());
    world.drain_all();
    h.send(world.ada, p::Send{world.conv, "v.2", "hello?"});
    CHECK(h.idle(world.bot));
    h.send(world.bot, p::Send{world.conv, "b.2", "still here"});
    CHECK(h.error(world.bot).code == ErrorCode::forbidden);
    h.send(world.bot, p::Handoff{world.conv, "asks_human", "", std::nullopt});
    CHECK(h.error(world.bot).code == ErrorCode::forbidden);
}

TEST_CASE("a handoff to a team that does not exist is 3004, and only a bot may hand off", "[hub][bots]") {
    BotWorld world;
    auto& h = world.h;
    world.drain_all();
    h.send(world.bot, p::Handoff{world.conv, "asks_human", "", std::string("nosuchteam")});
    CHECK(h.error(world.bot).code == ErrorCode::unknown_agent);
    CHECK(world.state() == "bot");
    h.send(world.ada, p::Handoff{world.conv, "asks_human", "", std::nullopt});
    CHECK(h.error(world.ada).code == ErrorCode::forbidden);
    h.send(world.sue, p::Handoff{world.conv, "asks_human", "", std::nullopt});
    CHECK(h.error(world.sue).code == ErrorCode::forbidden);
    CHECK(world.state() == "bot");
}

TEST_CASE("a handoff to a team queues it there when nobody of the team is available", "[hub][bots]") {
    BotWorld world;
    auto& h = world.h;
    world.drain_all();
    h.send(world.bot, p::Handoff{world.conv, "qualified_lead", "Lead.", std::string("ops")});
    // Sue (ops) is a supervisor with seats: she gets it; else it waits in ops.
    const auto v = last_conv(h, world.sue, world.conv);
    REQUIRE(v);
    CHECK(v->team == "ops");
    CHECK(v->handoff->reason == "qualified_lead");
}

TEST_CASE("the agent who has it hands it back to the bot, which then hears the visitor again", "[hub][bots]") {
    BotWorld world;
    auto& h = world.h;
    h.send(world.bot, p::Handoff{world.conv, "asks_human", "", std::nullopt});
    world.drain_all();
    SECTION("by its owner") {
        h.send(world.ann, p::Handback{world.conv});
        CHECK(frames<p::ErrorFrame>(h, world.ann).empty());
        CHECK(world.state() == "bot");
        const auto line = msgs(h, world.ann);
        REQUIRE_FALSE(line.empty());
        CHECK(line.back().text == "Handed back to the bot by Ann");
        CHECK(line.back().internal);
        const auto to_bot = last_conv(h, world.bot, world.conv);
        REQUIRE(to_bot);
        CHECK(to_bot->state == "bot");
        CHECK(to_bot->bot.empty());  // no longer paused
        CHECK(last_conv(h, world.ann, world.conv)->state == "bot");  // Ann's last frame of it
        world.drain_all();
        h.send(world.ada, p::Send{world.conv, "v.2", "one more question"});
        CHECK(msgs(h, world.bot).size() == 1);
        CHECK(msgs(h, world.ann).empty());
        h.send(world.bot, p::Send{world.conv, "b.2", "Sure."});
        CHECK(frames<p::Ack>(h, world.bot).size() == 1);
    }
    SECTION("by a supervisor") {
        h.send(world.sue, p::Handback{world.conv});
        CHECK(frames<p::ErrorFrame>(h, world.sue).empty());
        CHECK(world.state() == "bot");
    }
    SECTION("not by a visitor, nor by the bot") {
        h.send(world.ada, p::Handback{world.conv});
        CHECK(h.error(world.ada).code == ErrorCode::forbidden);
        h.send(world.bot, p::Handback{world.conv});
        CHECK(h.error(world.bot).code == ErrorCode::forbidden);
        CHECK(world.state() == "active");
    }
    SECTION("not while no bot is online (3006)") {
        h.close(world.bot);
        h.drain(world.ann);  // the bot's presence: offline
        h.send(world.ann, p::Handback{world.conv});
        CHECK(h.error(world.ann).code == ErrorCode::not_allowed);
        CHECK(world.state() == "active");
    }
    SECTION("not a conversation that is already with the bot (3006)") {
        h.send(world.ann, p::Handback{world.conv});
        world.drain_all();
        h.send(world.sue, p::Handback{world.conv});
        CHECK(h.error(world.sue).code == ErrorCode::not_allowed);
    }
}

TEST_CASE("an agent who takes a bot's conversation by transfer to themselves pauses the bot", "[hub][bots]") {
    BotWorld world;
    auto& h = world.h;
    world.drain_all();
    h.send(world.sue, p::Transfer{world.conv, std::string("a_ann"), std::nullopt, ""});
    const auto v = last_conv(h, world.ann, world.conv);
    REQUIRE(v);
    CHECK(v->state == "active");
    REQUIRE(v->handoff);
    CHECK(v->handoff->reason == "agent_took_over");
    CHECK(v->handoff->by.id == "a_sue");
    CHECK(v->bot == "paused");
    CHECK(last_conv(h, world.bot, world.conv)->state == "active");
    world.drain_all();
    h.send(world.ada, p::Send{world.conv, "v.2", "hi"});
    CHECK(h.idle(world.bot));
}

TEST_CASE("bot_gone: with no bot connection for the grace period its conversations go to humans",
          "[hub][bots]") {
    BotWorld world;
    auto& h = world.h;
    h.close(world.bot);
    world.drain_all();
    h.now += 9'999;
    h.hub.tick(h.now);
    h.pump();
    CHECK(world.state() == "bot");  // not yet
    REQUIRE(h.hub.next_deadline());
    CHECK(*h.hub.next_deadline() <= h.now + 1);
    h.now += 1;
    h.hub.tick(h.now);
    h.pump();
    const auto v = last_conv(h, world.ann, world.conv);
    REQUIRE(v);
    CHECK(v->state == "active");
    CHECK(v->handoff->reason == "bot_gone");
    CHECK(v->handoff->by == p::Party{"system", "system", "Parley"});
    CHECK(frames<p::QueueNotice>(h, world.ada).size() == 1);
    SECTION("and a new conversation meanwhile goes to humans at once") {
        p::Welcome w;
        const ConnId bo = h.visitor(&w, std::nullopt, std::string("Bo"));
        h.send(bo, p::Send{*w.conv, "v.1", "hi"});
        CHECK(last_conv(h, world.ann, *w.conv)->state == "active");
    }
}

TEST_CASE("a bot that reconnects within the grace period keeps its conversations", "[hub][bots]") {
    BotWorld world;
    auto& h = world.h;
    h.close(world.bot);
    h.now += 5'000;
    world.bot = world.connect_bot();
    h.now += 6'000;  // past the grace period of the first connection, before bot_slow
    h.hub.tick(h.now);
    h.pump();
    h.drain(world.bot);
    h.send(world.bot, p::Send{world.conv, "b.1", "Here it is."});
    CHECK(h.next<p::Ack>(world.bot).seq == 2);
}

TEST_CASE("bot_slow: a visitor's message the bot leaves unanswered for the reply time goes to humans",
          "[hub][bots]") {
    BotWorld world;
    auto& h = world.h;
    world.drain_all();
    h.now += 14'999;
    h.hub.tick(h.now);
    h.pump();
    CHECK(world.state() == "bot");
    h.now += 1;
    h.hub.tick(h.now);
    h.pump();
    REQUIRE(last_conv(h, world.ann, world.conv));
    CHECK(last_conv(h, world.ann, world.conv)->handoff->reason == "bot_slow");
    SECTION("but an answer in time disarms it") {
        BotWorld fast;
        fast.h.now += 10'000;
        fast.h.send(fast.bot, p::Send{fast.conv, "b.1", "Here."});
        fast.h.now += 10'000;
        fast.h.hub.tick(fast.h.now);
        fast.h.pump();
        CHECK(fast.state() == "bot");
    }
}

TEST_CASE("bot_looping: too many bot messages in a row, or the same text three times, go to humans",
          "[hub][bots]") {
    BotWorld world;
    auto& h = world.h;
    SECTION("more than five in a row") {
        for (int i = 1; i <= 5; ++i) h.send(world.bot, p::Send{world.conv, "b." + std::to_string(i), "tip " + std::to_string(i)});
        CHECK(world.state() == "bot");
        h.send(world.bot, p::Send{world.conv, "b.6", "tip 6"});
        CHECK(last_conv(h, world.ann, world.conv)->handoff->reason == "bot_looping");
    }
    SECTION("a visitor's message between them resets the count") {
        for (int i = 1; i <= 5; ++i) h.send(world.bot, p::Send{world.conv, "b." + std::to_string(i), "tip " + std::to_string(i)});
        h.send(world.ada, p::Send{world.conv, "v.2", "ok"});
        h.send(world.bot, p::Send{world.conv, "b.6", "tip 6"});
        CHECK(world.state() == "bot");
    }
    SECTION("the same text three times in a row") {
        h.send(world.bot, p::Send{world.conv, "b.1", "Sorry, I did not get that."});
        h.send(world.ada, p::Send{world.conv, "v.2", "??"});
        h.send(world.bot, p::Send{world.conv, "b.2", "Sorry, I did not get that."});
        CHECK(world.state() == "bot");
        h.send(world.bot, p::Send{world.conv, "b.3", "Sorry, I did not get that."});
        CHECK(world.state() == "bot");
        h.send(world.bot, p::Send{world.conv, "b.4", "Sorry, I did not get that."});
        CHECK(last_conv(h, world.ann, world.conv)->handoff->reason == "bot_looping");
    }
}

TEST_CASE("a revoked key's live bot connection is closed with 4102 at the next session check", "[hub][bots]") {
    BotWorld world;
    auto& h = world.h;
    h.hub.tick(h.now);  // the first check
    h.pump();
    CHECK_FALSE(h.closed.count(world.bot));
    REQUIRE(h.store.delete_bot_key("helper").value());
    h.now += 10'000;
    h.hub.tick(h.now);
    h.pump();
    CHECK(h.closed[world.bot] == p::close_code::session_ended);
}

// The visibility rule's bot rows: what a bot may do with a conversation in each state.
namespace {
enum class BotFrame { send, typing, read, sync, history, note, transfer, close, reopen, handoff, handback };
constexpr int ok = 0;
constexpr int E2004 = static_cast<int>(ErrorCode::forbidden);
struct BotRow {
    const char* state;  // "bot" | "handed_over" | "not_started"
    BotFrame frame;
    int expect;
};
// clang-format off
const BotRow kBotMatrix[] = {
    {"bot", BotFrame::send, ok},      {"bot", BotFrame::typing, ok},    {"bot", BotFrame::read, ok},
    {"bot", BotFrame::sync, ok},      {"bot", BotFrame::history, ok},   {"bot", BotFrame::note, E2004},
    {"bot", BotFrame::transfer, E2004}, {"bot", BotFrame::close, E2004}, {"bot", BotFrame::reopen, E2004},
    {"bot", BotFrame::handoff, ok},   {"bot", BotFrame::handback, E2004},
    {"handed_over", BotFrame::send, E2004},    {"handed_over", BotFrame::typing, E2004},
    {"handed_over", BotFrame::read, E2004},    {"handed_over", BotFrame::sync, E2004},
    {"handed_over", BotFrame::history, E2004}, {"handed_over", BotFrame::note, E2004},
    {"handed_over", BotFrame::transfer, E2004}, {"handed_over", BotFrame::close, E2004},
    {"handed_over", BotFrame::reopen, E2004},  {"handed_over", BotFrame::handoff, E2004},
    {"handed_over", BotFrame::handback, E2004},
    {"not_started", BotFrame::send, E2004},    {"not_started", BotFrame::sync, E2004},
    {"not_started", BotFrame::handoff, E2004},
};
// clang-format on
}  // namespace

TEST_CASE("a bot may name only the conversations that are with it", "[hub][bots][access]") {
    for (const BotRow& row : kBotMatrix) {
        CAPTURE(row.state, static_cast<int>(row.frame), row.expect);
        HubHarness h{bot_config()};
        REQUIRE(h.store.create_bot_key(BotKey{"helper", "Helper", bot_key_hash(kKey), h.now, 0}).ok());
        h.agent(h.make_agent("a_ann", "ann@example.com", "Ann", {"general"}));
        const ConnId bot = h.open();
        h.send(bot, p::Hello{"bot", std::nullopt, std::nullopt, std::nullopt, kKey});
        p::Welcome w;
        const ConnId ada = h.visitor(&w);
        const std::string conv = *w.conv;
        if (std::string(row.state) != "not_started") h.send(ada, p::Send{conv, "v.1", "hello"});
        if (std::string(row.state) == "handed_over") h.send(bot, p::Handoff{conv, "asks_human", "", std::nullopt});
        h.drain(bot);
        const std::int64_t seq = h.store.find_conversation(conv).value()->last_seq;
        p::ClientFrame f = p::Ping{0};
        switch (row.frame) {
            case BotFrame::send: f = p::Send{conv, "b.9", "hi"}; break;
            case BotFrame::typing: f = p::Typing{conv, true}; break;
            case BotFrame::read: f = p::Read{conv, seq}; break;
            case BotFrame::sync: f = p::Sync{conv, 0}; break;
            case BotFrame::history: f = p::History{conv, std::nullopt, 50}; break;
            case BotFrame::note: f = p::Note{conv, "n.1", "note"}; break;
            case BotFrame::transfer: f = p::Transfer{conv, std::nullopt, std::string("general"), ""}; break;
            case BotFrame::close: f = p::CloseConv{conv}; break;
            case BotFrame::reopen: f = p::Reopen{conv}; break;
            case BotFrame::handoff: f = p::Handoff{conv, "asks_human", "", std::nullopt}; break;
            case BotFrame::handback: f = p::Handback{conv}; break;
        }
        h.send(bot, f);
        int got = 0;
        for (const auto& x : h.received[bot])
            if (const auto* e = std::get_if<p::ErrorFrame>(&x)) got = got ? got : static_cast<int>(e->code);
        CHECK(got == row.expect);
        if (row.expect != ok) CHECK(h.store.find_conversation(conv).value()->last_seq == seq);
    }
}

TEST_CASE("after a restart agents still see why the bot handed a conversation over", "[hub][bots]") {
    BotWorld world;
    auto& h = world.h;
    h.send(world.bot, p::Handoff{world.conv, "frustrated", "Third time asking.", std::nullopt});
    // A new Hub on the same store: the relay restarted.
    Hub again(h.store, h.random, bot_config());
    again.on_open(100, h.now);
    again.on_text(100, p::encode(p::ClientFrame{p::Hello{"agent", std::string("token-of-a_ann"), std::nullopt}}), h.now);
    std::optional<p::Inbox> inbox;
    for (const Output& out : again.take_outputs()) {
        if (out.kind != Output::Kind::frame) continue;
        auto f = p::decode_relay(out.text());
        REQUIRE(f.ok());
        if (auto* in = std::get_if<p::Inbox>(&f.value())) inbox = *in;
    }
    REQUIRE(inbox);
    REQUIRE(inbox->convs.size() == 1);
    const p::ConvSummary& s = inbox->convs[0];
    REQUIRE(s.handoff);
    CHECK(s.handoff->reason == "frustrated");
    CHECK(s.handoff->summary == "Third time asking.");
    CHECK(s.handoff->by.id == "b_helper");
    CHECK(s.bot == "paused");
}

TEST_CASE("after a restart a conversation that was with the bot is with the bot again", "[hub][bots]") {
    BotWorld world;  // opened with the bot: no routing decision was ever applied to it
    auto& h = world.h;
    // A new Hub on the same store: the relay restarted; the bot is the first to return.
    Hub again(h.store, h.random, bot_config());
    again.on_open(100, h.now);
    again.on_text(100, p::encode(p::ClientFrame{p::Hello{"bot", std::nullopt, std::nullopt, std::nullopt, kKey}}), h.now);
    std::optional<p::Inbox> inbox;
    for (const Output& out : again.take_outputs()) {
        if (out.kind != Output::Kind::frame) continue;
        auto f = p::decode_relay(out.text());
        REQUIRE(f.ok());
        if (auto* in = std::get_if<p::Inbox>(&f.value())) inbox = *in;
    }
    REQUIRE(inbox);
    REQUIRE(inbox->convs.size() == 1);
    CHECK(inbox->convs[0].conv == world.conv);
    CHECK(inbox->convs[0].state == "bot");
}

TEST_CASE("a visitor who writes to a conversation the bot closed is answered by the bot again", "[hub][bots]") {
    BotWorld world;
    auto& h = world.h;
    h.send(world.bot, p::Send{world.conv, "b.1", "20 EUR a month. Anything else?"});
    h.send(world.ada, p::Send{world.conv, "v.2", "no"});
    REQUIRE(world.state() == "closed");
    world.drain_all();

    h.send(world.ada, p::Send{world.conv, "v.3", "One more: is there a yearly plan?"});
    CHECK(world.state() == "bot");
    CHECK(frames<p::QueueNotice>(h, world.ada).empty());  // nobody to wait for
    bool bot_heard = false;
    for (const auto& m : msgs(h, world.bot)) bot_heard = bot_heard || m.text == "One more: is there a yearly plan?";
    CHECK(bot_heard);
    CHECK(msgs(h, world.ann).empty());
    REQUIRE(last_conv(h, world.bot, world.conv));
    // Every conv frame since the message says open: none tells the bot it is over.
    for (const auto& c : frames<p::ConvUpdate>(h, world.bot)) {
        CHECK(c.summary.state == "bot");
        CHECK(c.summary.status == "open");
    }
    world.drain_all();
    h.send(world.bot, p::Send{world.conv, "b.2", "Yes: two months free."});
    CHECK(h.next<p::Ack>(world.bot).seq > 0);

    SECTION("with no bot online it goes to a human instead") {
        h.send(world.bot, p::Send{world.conv, "b.3", "Anything else?"});
        h.send(world.ada, p::Send{world.conv, "v.4", "no"});
        REQUIRE(world.state() == "closed");
        h.close(world.bot);
        world.bot = 0;
        h.send(world.ada, p::Send{world.conv, "v.5", "Actually, one more thing"});
        CHECK(world.state() == "active");
        CHECK(last_conv(h, world.sue, world.conv)->agent == "a_ann");
    }
}

TEST_CASE("a visitor who writes to a conversation a human closed goes back to the human, bot or not",
          "[hub][bots]") {
    BotWorld world;
    auto& h = world.h;
    h.send(world.bot, p::Handoff{world.conv, "asks_human", "", std::nullopt});
    REQUIRE(world.state() == "active");
    h.send(world.ann, p::Send{world.conv, "a.1", "Done, anything else?"});
    h.send(world.ann, p::CloseConv{world.conv});
    REQUIRE(world.state() == "closed");
    world.drain_all();
    h.send(world.ada, p::Send{world.conv, "v.2", "One more thing"});
    CHECK(world.state() == "active");
    CHECK(last_conv(h, world.sue, world.conv)->agent == "a_ann");
    CHECK(msgs(h, world.bot).empty());
}

TEST_CASE("a handoff and a handback are written to the audit log, without the summary", "[hub][bots][audit]") {
    BotWorld world;
    auto& h = world.h;
    h.send(world.bot, p::Handoff{world.conv, "asks_human", "Card 4111 1111 1111 1111 declined.", std::nullopt});
    h.send(world.ann, p::Handback{world.conv});
    const auto log = h.store.audit_before(0, 10).value();  // newest first
    REQUIRE(log.size() >= 2);
    CHECK(log[0].action == "conv.handback");
    CHECK(log[0].actor_id == "a_ann");
    CHECK(log[0].conv == world.conv);
    CHECK(log[1].action == "conv.handoff");
    CHECK(log[1].actor_role == "bot");
    CHECK(log[1].actor_id == "b_helper");
    CHECK(log[1].detail == "reason=asks_human");
    for (const auto& e : log) CHECK(e.detail.find("4111") == std::string::npos);
}

TEST_CASE("what a bot receives is masked per the outbound policy; agents see what was stored",
          "[hub][bots][triage]") {
    const MessageTriage triage(nullptr, default_mask_policy());  // stored: card, iban; outbound: all
    HubConfig config = bot_config();
    config.triage = &triage;
    HubHarness h{config};
    REQUIRE(h.store.create_bot_key(BotKey{"helper", "Helper", bot_key_hash(kKey), h.now, 0}).ok());
    const ConnId sue = h.agent(h.make_agent("a_sue", "sue@example.com", "Sue", {"ops"}, true));
    auto connect_bot = [&] {
        const ConnId id = h.open();
        h.send(id, p::Hello{"bot", std::nullopt, std::nullopt, std::nullopt, kKey});
        return id;
    };
    const ConnId bot = connect_bot();
    p::Welcome w;
    const ConnId ada = h.visitor(&w);
    h.send(ada, p::Send{*w.conv, "v.1", "Write to ada@example.com please", std::nullopt});
    const auto live = msgs(h, bot);
    REQUIRE(live.size() == 1);
    CHECK(live[0].text == "Write to [email] please");
    CHECK(msgs(h, sue).at(0).text == "Write to ada@example.com please");
    CHECK(last_conv(h, bot, *w.conv)->last_text == "Write to [email] please");
    SECTION("in a sync and a history answer too") {
        h.drain(bot);
        h.send(bot, p::Sync{*w.conv, 0});
        CHECK(msgs(h, bot).at(0).text == "Write to [email] please");
        h.send(bot, p::History{*w.conv, std::nullopt, 50});
        CHECK(frames<p::Page>(h, bot).at(0).msgs.at(0).text == "Write to [email] please");
    }
    SECTION("and in a new bot connection's inbox") {
        const ConnId again = connect_bot();
        h.next<p::Welcome>(again);
        CHECK(h.next<p::Inbox>(again).convs.at(0).last_text == "Write to [email] please");
    }
}

TEST_CASE("a bot is online to agents while connected, and may say it is away", "[hub][bots]") {
    BotWorld world;
    auto& h = world.h;
    world.drain_all();
    h.send(world.bot, p::SetPresence{"away"});
    CHECK(frames<p::ErrorFrame>(h, world.bot).empty());
    const auto seen = frames<p::PresenceNotice>(h, world.ann);
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].who.id == "b_helper");
    CHECK(seen[0].status == "away");
    h.send(world.bot, p::SetPresence{"available"});
    CHECK(h.error(world.bot).code == ErrorCode::bad_field);
}

TEST_CASE("a bot streams its answers in many conversations at once, past an agent's 8 open streams",
          "[hub][bots][streams]") {
    // At 50 new conversations a second about 20 answers are being streamed at any time.
    BotWorld world;
    REQUIRE(world.h.hub.bot_party(world.bot));
    CHECK(*world.h.hub.bot_party(world.bot) == "b_helper");
    CHECK_FALSE(world.h.hub.bot_party(world.ann));
    CHECK_FALSE(world.h.hub.bot_party(world.ada));
    std::vector<std::pair<ConnId, std::string>> visitors;
    for (int i = 0; i < 20; ++i) {
        p::Welcome w;
        const ConnId v = world.h.visitor(&w);
        world.h.send(v, p::Send{*w.conv, "v." + std::to_string(i), "how do I install the widget?"});
        visitors.emplace_back(v, *w.conv);
    }
    world.h.drain(world.bot);
    for (const auto& [v, conv] : visitors) {
        world.h.drain(v);
        world.h.send(world.bot, p::Stream{conv, "b.1", "Paste the snippet "});
    }
    CHECK(frames<p::ErrorFrame>(world.h, world.bot).empty());
    for (const auto& [v, conv] : visitors) CHECK(frames<p::StreamNotice>(world.h, v).size() == 1);
    CHECK(world.h.hub.open_streams() == 20);
}
