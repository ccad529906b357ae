// The Hub's streams (hub_streams.cpp) and rich messages with a fake clock: deltas fan
// out with their offsets to those who see the conversation, nothing of a stream is
// stored, a stream ends by its final message, a cancel, its sender going, or a timeout;
// parts and replies are checked before anything is stored.
#include <catch2/catch.hpp>

#include "support/hub_harness.hpp"

using namespace parley::relay;
using namespace parley::relay::test;

namespace {

// Ann owns the visitor's conversation (the only agent online at its first message);
// Bob is another agent who does not see it.
struct Streaming {
    HubHarness h;
    std::string ann_token, bob_token;
    ConnId ann = 0, bob = 0, visitor = 0;
    std::string conv;

    Streaming() {
        ann_token = h.make_agent("a_ann", "ann@example.com", "Ann");
        ann = h.agent(ann_token);
        p::Welcome w;
        visitor = h.visitor(&w);
        conv = *w.conv;
        h.send(visitor, p::Send{conv, "v.1", "hello"});
        bob_token = h.make_agent("a_bob", "bob@example.com", "Bob");
        bob = h.agent(bob_token);
        for (ConnId id : {ann, bob, visitor}) h.drain(id);
    }
    void delta(ConnId from, const std::string& cid, const std::string& text) {
        h.send(from, p::Stream{conv, cid, text});
    }
    std::size_t stored() {
        auto msgs = h.store.messages_after(conv, 0, 100);
        REQUIRE(msgs.ok());
        return msgs.value().size();
    }
};

const std::string kQuickReplies = R"([{"kind":"quick_replies","options":[{"id":"pricing","label":"Pricing"}]}])";
const std::string kLeadForm =
    R"([{"kind":"form","id":"lead","submit":"Send","fields":[)"
    R"({"name":"email","label":"Work email","type":"email","required":true}]}])";

}  // namespace

TEST_CASE("a stream's deltas reach the visitor with their offsets, and only those who see the conversation",
          "[hub][streams]") {
    Streaming s;
    const std::size_t before = s.stored();
    s.delta(s.ann, "b1.7", "Our plans ");
    s.delta(s.ann, "b1.7", "start at $9");
    auto first = s.h.next<p::StreamNotice>(s.visitor);
    CHECK(first.conv == s.conv);
    CHECK(first.cid == "b1.7");
    CHECK(first.from.id == "a_ann");
    CHECK(first.delta == "Our plans ");
    CHECK(first.offset == 0);
    auto second = s.h.next<p::StreamNotice>(s.visitor);
    CHECK(second.delta == "start at $9");
    CHECK(second.offset == 10);
    CHECK(s.h.idle(s.ann));  // no ack, no echo to the sender
    CHECK(s.h.idle(s.bob));  // not his conversation
    CHECK(s.stored() == before);  // nothing of a stream is stored
    CHECK(s.h.hub.open_streams() == 1);
}

TEST_CASE("a send with the stream's cid finalises it: stored, acked, one msg, and the stream forgotten",
          "[hub][streams]") {
    Streaming s;
    s.delta(s.ann, "b1.7", "Our plans");
    s.h.drain(s.visitor);
    s.h.send(s.ann, p::Send{s.conv, "b1.7", "Our plans start at $9."});
    CHECK(s.h.next<p::Ack>(s.ann).cid == "b1.7");
    auto msg = s.h.next<p::Msg>(s.visitor);
    CHECK(msg.message.cid == "b1.7");
    CHECK(msg.message.text == "Our plans start at $9.");
    CHECK(frames<p::StreamEndNotice>(s.h, s.visitor).empty());
    CHECK(s.h.hub.open_streams() == 0);
    CHECK_FALSE(s.h.hub.next_deadline() == std::optional<std::int64_t>(s.h.now + Hub::kStreamTimeoutMs));
}

TEST_CASE("a stream holds at most 8000 bytes of deltas, each at most 2000", "[hub][streams]") {
    Streaming s;
    for (int i = 0; i < 4; ++i) s.delta(s.ann, "long", std::string(2000, 'x'));
    CHECK(frames<p::StreamNotice>(s.h, s.visitor).size() == 4);
    s.delta(s.ann, "long", "y");
    auto e = s.h.error(s.ann);
    CHECK(e.code == p::ErrorCode::text_too_long);
    CHECK(e.ref == "long");
    s.h.text(s.ann, R"({"v":1,"type":"stream","conv":")" + s.conv + R"(","cid":"c2","delta":")" +
                        std::string(2001, 'z') + "\"}");
    CHECK(s.h.error(s.ann).code == p::ErrorCode::text_too_long);
    s.h.text(s.ann, R"({"v":1,"type":"stream","conv":")" + s.conv + R"(","cid":"c2","delta":""})");
    CHECK(s.h.error(s.ann).code == p::ErrorCode::bad_field);
}

TEST_CASE("a party has at most 8 streams open; the 9th is refused with 3007 until one ends", "[hub][streams]") {
    Streaming s;
    for (int i = 0; i < 8; ++i) s.delta(s.ann, "s" + std::to_string(i), "x");
    CHECK(s.h.idle(s.ann));
    s.delta(s.ann, "s8", "x");
    auto e = s.h.error(s.ann);
    CHECK(e.code == p::ErrorCode::too_many_streams);
    CHECK(e.ref == "s8");
    s.h.send(s.ann, p::StreamCancel{s.conv, "s0"});
    s.delta(s.ann, "s8", "x");
    CHECK(s.h.idle(s.ann));
    CHECK(s.h.hub.open_streams() == 8);
}

TEST_CASE("a stream without a delta for 15 s ends with stream_end timeout", "[hub][streams]") {
    Streaming s;
    s.delta(s.ann, "b1", "thinking");
    s.h.drain(s.visitor);
    REQUIRE(s.h.hub.next_deadline());
    CHECK(*s.h.hub.next_deadline() <= s.h.now + Hub::kStreamTimeoutMs);
    s.h.now += Hub::kStreamTimeoutMs - 1;
    s.h.hub.tick(s.h.now);
    s.h.pump();
    CHECK(frames<p::StreamEndNotice>(s.h, s.visitor).empty());
    s.h.now += 1;
    s.h.hub.tick(s.h.now);
    s.h.pump();
    auto end = s.h.next<p::StreamEndNotice>(s.visitor);
    CHECK(end.reason == "timeout");
    CHECK(end.cid == "b1");
    CHECK(end.from.id == "a_ann");
    CHECK(s.h.hub.open_streams() == 0);
}

TEST_CASE("a stream ends with sender_gone when its sender's last connection closes", "[hub][streams]") {
    Streaming s;
    const ConnId second = s.h.agent(s.ann_token);  // Ann in a second tab
    s.delta(s.ann, "b1", "half a");
    s.h.drain(s.visitor);
    s.h.close(s.ann);
    CHECK(frames<p::StreamEndNotice>(s.h, s.visitor).empty());  // Ann is still here
    s.h.close(second);
    auto end = s.h.next<p::StreamEndNotice>(s.visitor);
    CHECK(end.reason == "sender_gone");
    CHECK(s.h.hub.open_streams() == 0);
}

TEST_CASE("a stream_end from its sender cancels the stream; from anyone else it does nothing", "[hub][streams]") {
    Streaming s;
    s.delta(s.ann, "b1", "half a");
    s.h.drain(s.visitor);
    s.h.send(s.bob, p::StreamCancel{s.conv, "b1"});  // not Bob's stream
    CHECK(s.h.hub.open_streams() == 1);
    s.h.send(s.ann, p::StreamCancel{s.conv, "b1"});
    CHECK(s.h.next<p::StreamEndNotice>(s.visitor).reason == "cancelled");
    CHECK(s.h.hub.open_streams() == 0);
}

TEST_CASE("a visitor may not stream or send parts, an agent may not stream where it may not write",
          "[hub][streams]") {
    Streaming s;
    s.delta(s.visitor, "v.2", "x");
    CHECK(s.h.error(s.visitor).code == p::ErrorCode::forbidden);
    p::Send parts{s.conv, "v.3", "look", std::nullopt, kQuickReplies};
    s.h.send(s.visitor, parts);
    auto e = s.h.error(s.visitor);
    CHECK(e.code == p::ErrorCode::forbidden);
    CHECK(e.ref == "v.3");
    s.delta(s.bob, "b1", "x");  // Bob does not have this conversation
    CHECK(s.h.error(s.bob).code == p::ErrorCode::forbidden);
    CHECK(s.h.hub.open_streams() == 0);
    CHECK(s.h.idle(s.visitor));
}

TEST_CASE("parts are stored with the message and come back in msg, sync and history", "[hub][rich]") {
    Streaming s;
    s.h.send(s.ann, p::Send{s.conv, "a.1", "What about?", std::nullopt, kQuickReplies});
    const auto ack = s.h.next<p::Ack>(s.ann);
    auto msg = s.h.next<p::Msg>(s.visitor);
    CHECK(msg.message.parts == kQuickReplies);
    s.h.send(s.visitor, p::Sync{s.conv, ack.seq - 1});
    CHECK(s.h.next<p::Msg>(s.visitor).message.parts == kQuickReplies);
    s.h.drain(s.visitor);
    s.h.send(s.visitor, p::History{s.conv, std::nullopt, 10});
    auto page = s.h.next<p::Page>(s.visitor);
    CHECK(page.msgs.back().parts == kQuickReplies);
}

TEST_CASE("bad parts are refused with 1005 naming their path, and nothing is stored", "[hub][rich]") {
    Streaming s;
    const std::size_t before = s.stored();
    s.h.send(s.ann, p::Send{s.conv, "a.1", "Links", std::nullopt,
                            R"x([{"kind":"buttons","buttons":[{"label":"x","url":"javascript:alert(1)"}]}])x"});
    auto e = s.h.error(s.ann);
    CHECK(e.code == p::ErrorCode::bad_field);
    CHECK(e.message == "bad field: parts[0].buttons[0].url");
    CHECK(e.ref == "a.1");
    CHECK(s.stored() == before);
}

TEST_CASE("a visitor's quick reply is stored with its reply; one naming no option of that message is refused",
          "[hub][rich]") {
    Streaming s;
    s.h.send(s.ann, p::Send{s.conv, "a.1", "What about?", std::nullopt, kQuickReplies});
    const std::int64_t seq = s.h.next<p::Ack>(s.ann).seq;
    s.h.drain(s.visitor);
    s.h.drain(s.ann);
    p::Send answer{s.conv, "v.2", "Pricing"};
    answer.reply = p::Reply{seq, "pricing", "", {}};
    s.h.send(s.visitor, answer);
    s.h.next<p::Ack>(s.visitor);
    s.h.drain(s.visitor);  // its own msg
    CHECK(s.h.next<p::Msg>(s.ann).message.reply == answer.reply);
    auto stored = s.h.store.messages_after(s.conv, seq, 1);
    REQUIRE(stored.ok());
    CHECK(stored.value().front().reply == answer.reply);

    answer.cid = "v.3";
    answer.reply = p::Reply{seq, "refunds", "", {}};
    s.h.send(s.visitor, answer);
    CHECK(s.h.error(s.visitor).message == "bad field: reply.option");
    answer.reply = p::Reply{1, "pricing", "", {}};  // the visitor's own "hello": no parts
    s.h.send(s.visitor, answer);
    CHECK(s.h.error(s.visitor).message == "bad field: reply.to");
    p::Send agent_reply{s.conv, "a.2", "Pricing"};
    agent_reply.reply = p::Reply{seq, "pricing", "", {}};
    s.h.drain(s.ann);
    s.h.send(s.ann, agent_reply);
    CHECK(s.h.error(s.ann).code == p::ErrorCode::forbidden);
}

TEST_CASE("a form answer with a bad e-mail gets 1011 with the field's reason; a good one is stored",
          "[hub][rich]") {
    Streaming s;
    s.h.send(s.ann, p::Send{s.conv, "a.1", "Your e-mail?", std::nullopt, kLeadForm});
    const std::int64_t seq = s.h.next<p::Ack>(s.ann).seq;
    s.h.drain(s.visitor);
    const std::size_t before = s.stored();
    p::Send answer{s.conv, "v.2", "Email: ada"};
    answer.reply = p::Reply{seq, "", "lead", {{"email", "ada"}}};
    s.h.send(s.visitor, answer);
    auto e = s.h.error(s.visitor);
    CHECK(e.code == p::ErrorCode::invalid_form);
    CHECK(e.ref == "v.2");
    CHECK(e.fields == std::vector<std::pair<std::string, std::string>>{{"email", "not an e-mail address"}});
    CHECK(s.stored() == before);
    answer.reply = p::Reply{seq, "", "lead", {{"email", "ada@example.com"}}};
    s.h.send(s.visitor, answer);
    CHECK(s.h.next<p::Ack>(s.visitor).cid == "v.2");
    CHECK(s.stored() == before + 1);
}
