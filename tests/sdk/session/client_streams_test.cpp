// The client core and issue 16: a stream's deltas become "stream" events in order, a
// missed one drops the stream, its final message or stream_end ends it, a lost
// transport drops every open stream; parts and replies ride on messages and sends.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "parley/protocol/codec.hpp"
#include "parley/session/client.hpp"

using namespace parley;
using namespace parley::session;
namespace p = parley::protocol;

namespace {

const std::string C = "c_00000000000000aa";
const p::Party kSam{"agent", "a_1", "Sam"};
const std::string kParts = R"([{"kind":"quick_replies","options":[{"id":"pricing","label":"Pricing"}]}])";

// A client welcomed by its relay, outputs drained.
struct Ready {
    Client client;
    std::int64_t now = 1000;
    explicit Ready(const std::string& role = "visitor") : client(config(role)) {
        client.connect(now);
        client.opened(now);
        p::Welcome w{role, "tok", role == "visitor" ? p::Party{"visitor", "v_1", "Ada"} : kSam};
        if (role == "visitor") w.conv = C;
        client.receive(p::encode(p::RelayFrame{w}), now);
        client.take_events();
        client.take_outgoing();
    }
    static Config config(const std::string& role) {
        Config c;
        c.role = role;
        c.instance = "t1";
        if (role == "agent") c.token = "tok";
        return c;
    }
    void receive(const p::RelayFrame& f) { REQUIRE(client.receive(p::encode(f), now).ok()); }
    std::vector<std::string> names() {
        std::vector<std::string> out;
        for (const Event& e : client.take_events()) out.push_back(event_name(e));
        return out;
    }
    template <class T>
    std::vector<T> events() {
        std::vector<T> out;
        for (Event& e : client.take_events())
            if (auto* x = std::get_if<T>(&e)) out.push_back(std::move(*x));
        return out;
    }
};

}  // namespace

TEST_CASE("deltas become stream events in order and the final message replaces them", "[client][streams]") {
    Ready r;
    r.receive(p::StreamNotice{C, "b1", kSam, "Our plans ", 0});
    r.receive(p::StreamNotice{C, "b1", kSam, "start", 10});
    auto deltas = r.events<p::StreamNotice>();
    REQUIRE(deltas.size() == 2);
    CHECK(deltas[1].delta == "start");
    CHECK(deltas[1].offset == 10);
    p::Message final{C, 1, "b1", 5, kSam, "Our plans start at $9."};
    r.receive(p::Msg{final});
    CHECK(r.names() == std::vector<std::string>{"message"});
    // The stream is over: a late delta of it is a new stream only from offset 0.
    r.receive(p::StreamNotice{C, "b1", kSam, "late", 15});
    CHECK(r.names().empty());
}

TEST_CASE("a missed delta drops the stream with a local stream_end, and the rest of it is ignored",
          "[client][streams]") {
    Ready r;
    r.receive(p::StreamNotice{C, "b1", kSam, "Our ", 0});
    r.client.take_events();
    r.receive(p::StreamNotice{C, "b1", kSam, "start", 10});  // 4..9 went missing
    auto ends = r.events<p::StreamEndNotice>();
    REQUIRE(ends.size() == 1);
    CHECK(ends[0].reason == "dropped");
    CHECK(ends[0].cid == "b1");
    r.receive(p::StreamNotice{C, "b1", kSam, " at", 15});
    CHECK(r.names().empty());
}

TEST_CASE("a stream first seen past its start is not shown", "[client][streams]") {
    Ready r;
    r.receive(p::StreamNotice{C, "b1", kSam, "middle", 40});
    r.receive(p::StreamEndNotice{C, "b1", kSam, "cancelled"});
    CHECK(r.names().empty());
}

TEST_CASE("the relay's stream_end ends the stream with its reason", "[client][streams]") {
    Ready r;
    for (const char* reason : {"cancelled", "sender_gone", "timeout"}) {
        r.receive(p::StreamNotice{C, reason, kSam, "half", 0});
        r.client.take_events();
        r.receive(p::StreamEndNotice{C, reason, kSam, reason});
        auto ends = r.events<p::StreamEndNotice>();
        REQUIRE(ends.size() == 1);
        CHECK(ends[0].reason == reason);
    }
}

TEST_CASE("a lost transport ends every open stream with disconnected", "[client][streams]") {
    Ready r;
    r.receive(p::StreamNotice{C, "b1", kSam, "one", 0});
    r.receive(p::StreamNotice{C, "b2", kSam, "two", 0});
    r.client.take_events();
    r.client.closed(1006, r.now);
    auto ends = r.events<p::StreamEndNotice>();
    REQUIRE(ends.size() == 2);
    CHECK(ends[0].reason == "disconnected");
    CHECK(ends[1].reason == "disconnected");
    CHECK(event_json(Event{ends[0]}) ==
          R"({"event":"stream_end","conv":"c_00000000000000aa","cid":"b1","from":{"role":"agent","id":"a_1","name":"Sam"},"reason":"disconnected"})");
}

TEST_CASE("an agent streams deltas, cancels, and finalises with parts under the same cid", "[client][streams]") {
    Ready r("agent");
    auto cid = r.client.stream(C, "", "Our plans", r.now);
    REQUIRE(cid.ok());
    REQUIRE(r.client.stream(C, cid.value(), " start", r.now).ok());
    REQUIRE(r.client.cancel_stream(C, "other", r.now).ok());
    auto sent = r.client.send_rich(C, "Our plans start. Which one?", kParts, cid.value(), r.now);
    REQUIRE(sent.ok());
    CHECK(sent.value() == cid.value());
    auto out = r.client.take_outgoing();
    REQUIRE(out.size() == 4);
    CHECK(out[0] == R"({"v":1,"type":"stream","conv":"c_00000000000000aa","cid":")" + cid.value() +
                        R"(","delta":"Our plans"})");
    CHECK(out[2] == R"({"v":1,"type":"stream_end","conv":"c_00000000000000aa","cid":"other"})");
    CHECK(out[3] == R"({"v":1,"type":"send","conv":"c_00000000000000aa","cid":")" + cid.value() +
                        R"(","text":"Our plans start. Which one?","parts":)" + kParts + "}");

    CHECK(r.client.stream(C, "", "", r.now).error().code == p::ErrorCode::bad_field);
    CHECK(r.client.stream(C, "", std::string(2001, 'x'), r.now).error().code == p::ErrorCode::text_too_long);
    CHECK(r.client.send_rich(C, "x", "{not json", "", r.now).error().code == p::ErrorCode::bad_field);
    CHECK(r.client.send_rich(C, "x", R"({"kind":"card"})", "", r.now).error().code == p::ErrorCode::bad_field);
    r.client.closed(1006, r.now);
    CHECK(r.client.stream(C, "", "x", r.now).error().code == p::ErrorCode::not_authenticated);
}

TEST_CASE("a visitor's reply is queued like a message and carries the reply", "[client][rich]") {
    Ready r;
    auto cid = r.client.reply("", "Pricing", p::Reply{13, "pricing", "", {}}, r.now);
    REQUIRE(cid.ok());
    auto out = r.client.take_outgoing();
    REQUIRE(out.size() == 1);
    CHECK(out[0] == R"({"v":1,"type":"send","conv":"c_00000000000000aa","cid":")" + cid.value() +
                        R"(","text":"Pricing","reply":{"to":13,"option":"pricing"}})");
    REQUIRE(r.client.outbox().size() == 1);
    CHECK(r.client.outbox()[0].reply);
    // invalid_form is final for that entry: it leaves the outbox, its fields reach the app.
    p::ErrorFrame e{p::ErrorCode::invalid_form, "some answers of the form are not valid", cid.value()};
    e.fields = {{"email", "not an e-mail address"}};
    r.receive(e);
    CHECK(r.client.outbox().empty());
    auto errors = r.events<p::ErrorFrame>();
    REQUIRE(errors.size() == 1);
    CHECK(event_json(Event{errors[0]}).find(R"("fields":{"email":"not an e-mail address"})") != std::string::npos);

    CHECK(r.client.reply("", "x", p::Reply{13, "", "", {}}, r.now).error().code == p::ErrorCode::bad_field);
    CHECK(r.client.reply("", "x", p::Reply{13, "a", "f", {}}, r.now).error().code == p::ErrorCode::bad_field);
}

TEST_CASE("a message event carries its parts and reply", "[client][rich]") {
    Ready r;
    p::Message m{C, 1, "b1", 5, kSam, "Which one?"};
    m.parts = kParts;
    r.receive(p::Msg{m});
    auto events = r.client.take_events();
    REQUIRE(events.size() == 1);
    CHECK(event_json(events[0]) ==
          R"({"event":"message","conv":"c_00000000000000aa","seq":1,"cid":"b1","ts":5,"from":{"role":"agent","id":"a_1","name":"Sam"},"text":"Which one?","mine":false,"parts":)" +
              kParts + "}");
}
