#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "../protocol/pinned_frames.hpp"
#include "fake_relay.hpp"
#include "parley/session/client.hpp"

using namespace parley;
using namespace parley::session;
using parley::test::FakeRelay;

namespace {

const std::string C = "c_00000000000000aa";

Config visitor_config() {
    Config c;
    c.role = "visitor";
    c.name = "Ada";
    c.instance = "t1";
    c.seed = 42;
    return c;
}

Config agent_config() {
    Config c;
    c.role = "agent";
    c.email = "sam@example.com";
    c.password = "secret";
    c.instance = "a1";
    c.seed = 7;
    return c;
}

// A client joined to a FakeRelay by a link the test opens and drops, with a clock the
// test advances. Frames cross only while the link is up; a frame written while it is
// down is lost, as on a real socket.
struct Harness {
    Client client;
    FakeRelay relay;
    std::int64_t now = 1'000'000;
    bool up = false;
    std::vector<std::string> wire;  // every frame the client wrote, in order

    explicit Harness(Config c = visitor_config()) : client(std::move(c)) {}

    void pump() {
        for (int rounds = 0; rounds < 100; ++rounds) {
            auto out = client.take_outgoing();
            if (out.empty()) return;
            for (const auto& f : out) {
                wire.push_back(f);
                if (!up) continue;
                for (const auto& answer : relay.handle(f, now)) client.receive(answer, now);
            }
        }
    }
    void connect() {
        client.connect(now);
        open();
    }
    void open() {
        up = true;
        client.opened(now);
        pump();
    }
    void drop(int code = 1006) {
        up = false;
        client.closed(code, now);
    }
    void deliver(const protocol::RelayFrame& f) {
        client.receive(protocol::encode(f), now);
        pump();
    }
    // The client's frames written since the last call, decoded.
    std::vector<protocol::ClientFrame> written() {
        pump();
        std::vector<protocol::ClientFrame> out;
        for (const auto& f : wire) out.push_back(protocol::decode_client(f).value());
        wire.clear();
        return out;
    }
    std::vector<Event> events() { return client.take_events(); }
};

std::vector<std::string> names(const std::vector<Event>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(event_name(e));
    return out;
}

std::vector<std::string> types(const std::vector<protocol::ClientFrame>& frames) {
    std::vector<std::string> out;
    for (const auto& f : frames) out.push_back(protocol::frame_type(f));
    return out;
}

template <class T>
std::vector<T> only(const std::vector<Event>& events) {
    std::vector<T> out;
    for (const auto& e : events)
        if (auto* p = std::get_if<T>(&e)) out.push_back(*p);
    return out;
}

template <class T>
std::vector<T> only(const std::vector<protocol::ClientFrame>& frames) {
    std::vector<T> out;
    for (const auto& f : frames)
        if (auto* p = std::get_if<T>(&f)) out.push_back(*p);
    return out;
}

std::vector<std::int64_t> seqs(const std::vector<Event>& events) {
    std::vector<std::int64_t> out;
    for (const auto& d : only<Delivered>(events)) out.push_back(d.message.seq);
    return out;
}

protocol::Message msg(std::int64_t seq, const protocol::Party& from, std::string text = "hi") {
    return protocol::Message{C, seq, "x." + std::to_string(seq), 5, from, std::move(text)};
}

}  // namespace

SCENARIO("a visitor connects, is welcomed and learns their conversation", "[client]") {
    Harness h;
    REQUIRE(h.client.state() == State::offline);

    WHEN("the app calls connect") {
        h.client.connect(h.now);
        THEN("the host is asked to open the transport and the state is connecting") {
            CHECK(names(h.events()) == std::vector<std::string>{"state", "connect"});
            CHECK(h.client.state() == State::connecting);
            CHECK(h.client.take_outgoing().empty());
        }
        AND_WHEN("the transport opens") {
            h.events();
            h.up = true;
            h.client.opened(h.now);
            THEN("exactly one hello goes out, with the visitor's name and no token") {
                auto frames = h.client.take_outgoing();
                REQUIRE(frames.size() == 1);
                auto hello = std::get<protocol::Hello>(protocol::decode_client(frames[0]).value());
                CHECK(hello.role == "visitor");
                CHECK(hello.name == std::optional<std::string>("Ada"));
                CHECK_FALSE(hello.token);
            }
            AND_WHEN("the relay welcomes it") {
                h.pump();
                auto events = h.events();
                THEN("the client is connected and reports the welcome") {
                    CHECK(h.client.state() == State::connected);
                    CHECK(names(events) == std::vector<std::string>{"state", "welcome", "synced"});
                    auto w = only<protocol::Welcome>(events).at(0);
                    CHECK(w.conv == std::optional<std::string>(C));
                    CHECK(h.client.token() == std::optional<std::string>("vt-1"));
                    CHECK(h.client.known().at(C) == 0);
                }
            }
        }
    }
}

TEST_CASE("a sent message is acknowledged, leaves the outbox and comes back as mine", "[client]") {
    Harness h;
    h.connect();
    h.events();
    h.written();

    auto cid = h.client.send(C, "Hello", h.now);
    REQUIRE(cid.ok());
    CHECK(cid.value() == "t1.1");
    h.pump();
    auto events = h.events();
    CHECK(names(events) == std::vector<std::string>{"queued", "ack", "message"});
    auto ack = only<protocol::Ack>(events).at(0);
    CHECK(ack.cid == "t1.1");
    CHECK(ack.seq == 1);
    auto m = only<Delivered>(events).at(0);
    CHECK(m.mine);
    CHECK(m.message.text == "Hello");
    CHECK(h.client.outbox().empty());
    CHECK(h.client.known().at(C) == 1);
}

TEST_CASE("a visitor may address their own conversation with an empty conv", "[client]") {
    Harness h;
    auto cid = h.client.send("", "before we know the conv", h.now);
    REQUIRE(cid.ok());
    CHECK(only<Queued>(h.events()).at(0).conv.empty());
    h.connect();
    auto sends = only<protocol::Send>(h.written());
    REQUIRE(sends.size() == 1);
    CHECK(sends[0].conv == C);
}

TEST_CASE("messages written while offline are sent in order after the welcome", "[client]") {
    Harness h;
    for (const char* text : {"one", "two", "three"}) REQUIRE(h.client.send(C, text, h.now).ok());
    CHECK(h.client.take_outgoing().empty());
    CHECK(names(h.events()) == std::vector<std::string>{"queued", "queued", "queued"});

    h.connect();
    auto frames = h.written();
    CHECK(types(frames) == std::vector<std::string>{"hello", "sync", "send", "send", "send"});
    auto sends = only<protocol::Send>(frames);
    CHECK(sends[0].cid == "t1.1");
    CHECK(sends[1].cid == "t1.2");
    CHECK(sends[2].cid == "t1.3");
    CHECK(sends[2].text == "three");
    CHECK(h.client.outbox().empty());
    CHECK(seqs(h.events()) == std::vector<std::int64_t>{1, 2, 3});
}

TEST_CASE("an unacknowledged message is resent with the same cid after a reconnect", "[client]") {
    Harness h;
    h.connect();
    h.written();

    SECTION("lost before reaching the relay") {
        h.up = false;  // the frame is written into a dead socket
        REQUIRE(h.client.send(C, "lost", h.now).ok());
        h.pump();
        REQUIRE(h.relay.stored.empty());
    }
    SECTION("stored by the relay, but the ack was lost") {
        REQUIRE(h.client.send(C, "stored", h.now).ok());
        auto out = h.client.take_outgoing();
        h.relay.handle(out.at(0), h.now);  // stored; answers never reach the client
        REQUIRE(h.relay.stored.size() == 1);
    }
    h.drop();
    h.events();
    h.wire.clear();
    REQUIRE(h.client.outbox().size() == 1);

    h.now = *h.client.next_deadline();
    h.client.tick(h.now);
    CHECK(names(h.events()) == std::vector<std::string>{"connect"});
    h.open();
    auto frames = h.written();
    // §3.2: sync first, then the outbox.
    CHECK(types(frames) == std::vector<std::string>{"hello", "sync", "send"});
    CHECK(only<protocol::Send>(frames).at(0).cid == "t1.1");
    CHECK(h.relay.stored.size() == 1);  // never stored twice
    CHECK(h.client.outbox().empty());
    auto events = h.events();
    CHECK(only<protocol::Ack>(events).size() == 1);
    CHECK(seqs(events) == std::vector<std::int64_t>{1});  // delivered exactly once
}

TEST_CASE("the second hello reuses the token from the first welcome", "[client]") {
    Harness h;
    h.connect();
    h.drop(1001);
    h.now = *h.client.next_deadline();
    h.client.tick(h.now);
    h.written();
    h.open();
    auto hello = only<protocol::Hello>(h.written()).at(0);
    CHECK(hello.token == std::optional<std::string>("vt-1"));
}

TEST_CASE("received messages are delivered once and in order across gaps and duplicates",
          "[client]") {
    Config c = visitor_config();
    c.known[C] = 5;
    Harness h(c);
    for (int i = 0; i < 5; ++i) h.relay.post(h.relay.agent, "old", 1);
    h.connect();
    h.written();
    h.events();
    const auto& sam = h.relay.agent;

    SECTION("a duplicate at or below the last seen seq is dropped") {
        h.deliver(protocol::Msg{msg(5, sam)});
        h.deliver(protocol::Msg{msg(3, sam)});
        CHECK(only<Delivered>(h.events()).empty());
    }
    SECTION("the next seq is delivered and advances") {
        h.deliver(protocol::Msg{msg(6, sam)});
        auto events = h.events();
        CHECK(seqs(events) == std::vector<std::int64_t>{6});
        CHECK_FALSE(only<Delivered>(events).at(0).mine);
        CHECK(h.client.known().at(C) == 6);
    }
    SECTION("a gap requests one sync and drops the early message until it comes in order") {
        h.up = false;  // hold the relay's answers back to see the in-flight rule
        h.deliver(protocol::Msg{msg(8, sam)});
        h.deliver(protocol::Msg{msg(9, sam)});
        auto frames = h.written();
        REQUIRE(frames.size() == 1);
        CHECK(std::get<protocol::Sync>(frames[0]).after == 5);
        CHECK(only<Delivered>(h.events()).empty());

        // The relay answers the sync: 6..9 in order, then synced.
        for (int s = 6; s <= 9; ++s) h.deliver(protocol::Msg{msg(s, sam)});
        h.deliver(protocol::Synced{C, 9});
        auto events = h.events();
        CHECK(seqs(events) == std::vector<std::int64_t>{6, 7, 8, 9});
        CHECK(names(events).back() == "synced");

        SECTION("and a later gap may ask again") {
            h.deliver(protocol::Msg{msg(11, sam)});
            CHECK(std::get<protocol::Sync>(h.written().at(0)).after == 9);
        }
    }
    SECTION("a sync answer that runs past the gap-revealing message (§8: the relay streams on to "
            "the current last seq) is delivered whole; live delivery resumes after synced") {
        h.up = false;
        h.deliver(protocol::Msg{msg(8, sam)});  // reveals the gap: not counted as seen
        CHECK(h.client.known().at(C) == 5);
        REQUIRE(h.written().size() == 1);
        for (int s = 6; s <= 12; ++s) h.deliver(protocol::Msg{msg(s, sam)});  // 10–12 posted meanwhile
        h.deliver(protocol::Synced{C, 12});
        CHECK(seqs(h.events()) == std::vector<std::int64_t>{6, 7, 8, 9, 10, 11, 12});
        CHECK(h.client.known().at(C) == 12);
        h.deliver(protocol::Msg{msg(13, sam)});
        CHECK(seqs(h.events()) == std::vector<std::int64_t>{13});
        CHECK(h.written().empty());  // no new sync: nothing was missing
    }
}

TEST_CASE("after a reconnect every known conversation is synced from its last seq", "[client]") {
    Config c = visitor_config();
    c.known[C] = 2;
    c.known["c_00000000000000bb"] = 7;
    Harness h(c);
    for (int i = 0; i < 4; ++i) h.relay.post(h.relay.agent, "m", 1);
    h.connect();
    auto syncs = only<protocol::Sync>(h.written());
    REQUIRE(syncs.size() == 2);
    CHECK(syncs[0].conv == C);
    CHECK(syncs[0].after == 2);
    CHECK(syncs[1].after == 7);
    CHECK(seqs(h.events()) == std::vector<std::int64_t>{3, 4});
}

TEST_CASE("outgoing typing is throttled and stopped once", "[client]") {
    Harness h;
    h.connect();
    h.written();
    auto typing_frames = [&] { return only<protocol::Typing>(h.written()); };

    h.client.typing(C, true, h.now);
    CHECK(typing_frames().size() == 1);
    h.client.typing(C, true, h.now + 1000);
    h.client.typing(C, true, h.now + 1999);
    CHECK(typing_frames().empty());
    h.client.typing(C, true, h.now + 2000);
    auto refresh = typing_frames();
    REQUIRE(refresh.size() == 1);
    CHECK(refresh[0].on);

    h.client.typing(C, false, h.now + 2500);
    auto off = typing_frames();
    REQUIRE(off.size() == 1);
    CHECK_FALSE(off[0].on);
    h.client.typing(C, false, h.now + 2600);
    CHECK(typing_frames().empty());

    SECTION("typing again after stopping is sent at once") {
        h.client.typing(C, true, h.now + 2700);
        CHECK(typing_frames().size() == 1);
    }
    SECTION("sending a message stops typing first") {
        h.client.typing(C, true, h.now + 3000);
        h.written();
        REQUIRE(h.client.send(C, "done", h.now + 3100).ok());
        auto frames = h.written();
        REQUIRE(frames.size() >= 2);
        CHECK_FALSE(std::get<protocol::Typing>(frames[0]).on);
        CHECK(std::holds_alternative<protocol::Send>(frames[1]));
    }
    SECTION("typing is not sent while offline") {
        h.drop();
        h.client.typing(C, true, h.now + 5000);
        CHECK(h.client.take_outgoing().empty());
    }
}

TEST_CASE("a peer's typing indicator expires 6 s after its last refresh", "[client]") {
    Config c = visitor_config();
    c.heartbeat_interval_ms = c.heartbeat_timeout_ms = 0;  // only typing sets deadlines here
    Harness h(c);
    h.connect();
    h.events();
    const auto sam = h.relay.agent;
    const std::int64_t t0 = h.now;

    h.deliver(protocol::TypingNotice{C, sam, true});
    CHECK(only<protocol::TypingNotice>(h.events()).at(0).on);
    CHECK(h.client.next_deadline() == t0 + 6000);

    h.now = t0 + 3000;
    h.deliver(protocol::TypingNotice{C, sam, true});  // refresh
    h.events();
    CHECK(h.client.next_deadline() == t0 + 9000);

    h.client.tick(t0 + 8999);
    CHECK(h.events().empty());

    SECTION("expiry emits typing off at the deadline") {
        h.client.tick(t0 + 9000);
        auto off = only<protocol::TypingNotice>(h.events());
        REQUIRE(off.size() == 1);
        CHECK_FALSE(off[0].on);
        CHECK(off[0].from == sam);
        CHECK_FALSE(h.client.next_deadline());
    }
    SECTION("an explicit off clears the deadline") {
        h.deliver(protocol::TypingNotice{C, sam, false});
        CHECK_FALSE(h.client.next_deadline());
    }
    SECTION("a message from the typist ends the indicator") {
        h.deliver(protocol::Msg{msg(1, sam)});
        CHECK(names(h.events()) == std::vector<std::string>{"typing", "message"});
        CHECK_FALSE(h.client.next_deadline());
    }
    SECTION("a dropped connection ends the indicator") {
        h.drop();
        auto off = only<protocol::TypingNotice>(h.events());
        REQUIRE(off.size() == 1);
        CHECK_FALSE(off[0].on);
    }
}

TEST_CASE("several typists are tracked apart and end in (conversation, id) order", "[client]") {
    Config c = visitor_config();
    c.heartbeat_interval_ms = c.heartbeat_timeout_ms = 0;
    Harness h(c);
    h.connect();
    h.events();
    const std::int64_t t0 = h.now;
    const protocol::Party zoe{"agent", "a_9", "Zoe"}, bob{"agent", "a_2", "Bob"}, amy{"agent", "a_5", "Amy"};
    const std::string D = "c_00000000000000bb";

    // Arrive out of order, in two conversations; Bob's refresh keeps one entry.
    h.deliver(protocol::TypingNotice{D, amy, true});
    h.deliver(protocol::TypingNotice{C, zoe, true});
    h.now = t0 + 1000;
    h.deliver(protocol::TypingNotice{C, bob, true});
    h.deliver(protocol::TypingNotice{C, bob, true});
    h.events();
    CHECK(h.client.next_deadline() == t0 + 6000);

    SECTION("expiry ends the ones due, in order") {
        h.client.tick(t0 + 6000);
        auto off = only<protocol::TypingNotice>(h.events());
        REQUIRE(off.size() == 2);
        CHECK((off[0].conv == C && off[0].from == zoe));
        CHECK((off[1].conv == D && off[1].from == amy));
        CHECK(h.client.next_deadline() == t0 + 7000);
    }
    SECTION("a message ends only its author's indicator") {
        h.deliver(protocol::Msg{msg(1, zoe)});
        auto off = only<protocol::TypingNotice>(h.events());
        REQUIRE(off.size() == 1);
        CHECK(off[0].from == zoe);
        h.drop();
        off = only<protocol::TypingNotice>(h.events());
        REQUIRE(off.size() == 2);
        CHECK(off[0].from == bob);
        CHECK(off[1].from == amy);
    }
    SECTION("a dropped connection ends them all, in order") {
        h.drop();
        auto off = only<protocol::TypingNotice>(h.events());
        REQUIRE(off.size() == 3);
        CHECK(off[0].from == bob);
        CHECK(off[1].from == zoe);
        CHECK(off[2].from == amy);
    }
}

TEST_CASE("reconnect delays are full jitter within the exponential bound", "[client]") {
    auto delays = [](std::uint64_t seed) {
        Config c = visitor_config();
        c.seed = seed;
        Client client(c);
        std::int64_t now = 0;
        std::vector<std::int64_t> out;
        client.connect(now);
        for (int attempt = 0; attempt < 12; ++attempt) {
            client.closed(1006, now);
            auto at = client.next_deadline();
            REQUIRE(at);
            out.push_back(*at - now);
            now = *at;
            client.tick(now);
            REQUIRE(client.state() == State::reconnecting);
        }
        return out;
    };

    const auto a = delays(1);
    for (std::size_t n = 0; n < a.size(); ++n) {
        const std::int64_t bound = std::min<std::int64_t>(30000, 500LL << n);
        CAPTURE(n);
        CHECK(a[n] >= 0);
        CHECK(a[n] < bound);
    }
    CHECK(delays(1) == a);  // same seed, same delays
    CHECK(delays(2) != a);
    // Not stuck at the bottom of the window: jitter spreads out over a few seeds.
    std::int64_t largest = 0;
    for (std::uint64_t s = 0; s < 20; ++s) largest = std::max(largest, delays(s)[11]);
    CHECK(largest > 15000);
}

TEST_CASE("a welcome resets the backoff attempt", "[client]") {
    Harness h;
    h.client.connect(h.now);
    for (int i = 0; i < 8; ++i) {
        h.drop();
        h.now = *h.client.next_deadline();
        h.client.tick(h.now);
    }
    h.open();
    REQUIRE(h.client.state() == State::connected);
    h.drop();
    CHECK(*h.client.next_deadline() - h.now < 500);
}

TEST_CASE("close codes decide between stopping, going offline and reconnecting", "[client]") {
    Harness h;
    h.connect();
    h.events();
    SECTION("4100-4199 stop for good") {
        const int code = GENERATE(4100, 4101, 4199);
        h.drop(code);
        CHECK(h.client.state() == State::stopped);
        CHECK_FALSE(h.client.next_deadline());
        h.client.tick(h.now + 3'600'000);
        CHECK(names(h.events()) == std::vector<std::string>{"state"});
        SECTION("until the app connects again") {
            h.client.connect(h.now);
            CHECK(names(h.events()) == std::vector<std::string>{"state", "connect"});
        }
    }
    SECTION("1000 goes offline, reconnecting only on user action") {
        h.drop(1000);
        CHECK(h.client.state() == State::offline);
        CHECK_FALSE(h.client.next_deadline());
    }
    SECTION("anything else reconnects") {
        const int code = GENERATE(1001, 1006, 1007, 1009, 4000, 4001, 4099);
        h.drop(code);
        CHECK(h.client.state() == State::reconnecting);
        CHECK(h.client.next_deadline());
    }
}

TEST_CASE("disconnect asks the host to close and ignores the close that follows", "[client]") {
    Harness h;
    h.connect();
    h.events();
    h.client.disconnect(h.now);
    CHECK(names(h.events()) == std::vector<std::string>{"state", "disconnect"});
    CHECK(h.client.state() == State::offline);
    h.drop(1006);
    CHECK(h.client.state() == State::offline);
    CHECK_FALSE(h.client.next_deadline());
    CHECK(h.events().empty());
}

TEST_CASE("an agent logs in with a password, then reuses the session token", "[client]") {
    Harness h(agent_config());
    h.connect();
    auto first = h.written();
    REQUIRE(first.size() >= 1);
    auto login = std::get<protocol::Login>(first[0]);
    CHECK(login.email == "sam@example.com");
    auto events = h.events();
    CHECK(h.client.state() == State::connected);
    CHECK(only<protocol::Welcome>(events).at(0).token == "st-1");
    CHECK(names(events).back() == "inbox");

    h.drop(4000);
    h.now = *h.client.next_deadline();
    h.client.tick(h.now);
    h.open();
    auto second = h.written();
    auto hello = std::get<protocol::Hello>(second.at(0));
    CHECK(hello.role == "agent");
    CHECK(hello.token == std::optional<std::string>("st-1"));
}

TEST_CASE("an agent whose token is refused falls back to the password", "[client]") {
    Config c = agent_config();
    c.token = "expired";
    Harness h(c);
    h.client.connect(h.now);
    h.open();
    auto frames = h.written();
    CHECK(types(frames) == std::vector<std::string>{"hello", "login"});
    CHECK(only<protocol::Hello>(frames).at(0).token == std::optional<std::string>("expired"));
    CHECK(h.client.state() == State::connected);
    CHECK(h.client.token() == std::optional<std::string>("st-1"));
    CHECK(only<protocol::ErrorFrame>(h.events()).empty());
}

TEST_CASE("refused credentials during the handshake stop the client", "[client]") {
    Config c = agent_config();
    c.password = "wrong";
    Harness h(c);
    h.connect();
    auto events = h.events();
    CHECK(h.client.state() == State::stopped);
    auto err = only<protocol::ErrorFrame>(events);
    REQUIRE(err.size() == 1);
    CHECK(err[0].code == protocol::ErrorCode::bad_credentials);
    CHECK(names(events).back() == "disconnect");
    h.drop(1000);
    CHECK(h.client.state() == State::stopped);
    CHECK_FALSE(h.client.next_deadline());
}

TEST_CASE("a throttled login stops the client and reports when to try again", "[client]") {
    const auto code = protocol::ErrorCode::login_throttled;
    Harness h(agent_config());
    h.client.connect(h.now);
    h.client.opened(h.now);  // the link is down: the login goes nowhere, the test answers
    REQUIRE(types(h.written()) == std::vector<std::string>{"login"});
    h.deliver(protocol::ErrorFrame{code, "retry later", "", 30'000});
    auto events = h.events();
    CHECK(h.client.state() == State::stopped);
    auto err = only<protocol::ErrorFrame>(events);
    REQUIRE(err.size() == 1);
    CHECK(err[0].code == code);
    CHECK(err[0].retry_after_ms == 30'000);
    CHECK(names(events).back() == "disconnect");
    CHECK(h.written().empty());  // no second try by itself
    CHECK_FALSE(h.client.next_deadline());
}

TEST_CASE("a login refused because the relay's checks are busy is sent again after retry_after_ms",
          "[client]") {
    Harness h(agent_config());
    h.client.connect(h.now);
    h.client.opened(h.now);
    REQUIRE(types(h.written()) == std::vector<std::string>{"login"});
    h.deliver(protocol::ErrorFrame{protocol::ErrorCode::login_busy, "busy", "", 1000});
    CHECK(h.client.state() == State::connecting);
    CHECK(only<protocol::ErrorFrame>(h.events()).size() == 1);
    CHECK(h.written().empty());
    REQUIRE(h.client.next_deadline() == std::optional<std::int64_t>(h.now + 1000));
    h.now += 1000;
    h.client.tick(h.now);
    CHECK(types(h.written()) == std::vector<std::string>{"login"});
}

TEST_CASE("a visitor's hello refused by a quota on new visitors is sent again after retry_after_ms",
          "[client][quotas]") {
    // 4050/4051 (docs/protocol.md §6): nothing was created; the connection stays open.
    const auto code = GENERATE(protocol::ErrorCode::new_visitor_quota, protocol::ErrorCode::new_conversation_quota);
    CAPTURE(static_cast<int>(code));
    Harness h;
    h.client.connect(h.now);
    h.client.opened(h.now);  // the link is down: the hello goes nowhere, the test answers
    REQUIRE(types(h.written()) == std::vector<std::string>{"hello"});
    h.deliver(protocol::ErrorFrame{code, "too many new visitors", "", 1500});
    auto events = h.events();
    CHECK(only<protocol::ErrorFrame>(events).size() == 1);
    CHECK(names(events).back() != "disconnect");
    CHECK(h.client.state() == State::connecting);
    CHECK(h.written().empty());  // not at once
    REQUIRE(h.client.next_deadline() == std::optional<std::int64_t>(h.now + 1500));
    h.now += 1499;
    h.client.tick(h.now);
    CHECK(h.written().empty());
    h.now += 1;
    h.client.tick(h.now);
    auto again = h.written();
    REQUIRE(types(again) == std::vector<std::string>{"hello"});
    CHECK(std::get<protocol::Hello>(again[0]).role == "visitor");
}

TEST_CASE("a storage failure keeps the message and resends it later with the same cid",
          "[client]") {
    Harness h;
    h.connect();
    h.written();
    h.events();
    h.relay.fail_storage = true;
    REQUIRE(h.client.send(C, "keep me", h.now).ok());
    h.pump();
    auto err = only<protocol::ErrorFrame>(h.events());
    REQUIRE(err.size() == 1);
    CHECK(err[0].ref == "t1.1");
    REQUIRE(h.client.outbox().size() == 1);
    auto at = h.client.next_deadline();
    REQUIRE(at);
    h.written();

    h.relay.fail_storage = false;
    h.now = *at;
    h.client.tick(h.now);
    auto sends = only<protocol::Send>(h.written());
    REQUIRE(sends.size() == 1);
    CHECK(sends[0].cid == "t1.1");
    CHECK(h.client.outbox().empty());
}

TEST_CASE("a message the relay refuses for good leaves the outbox", "[client]") {
    Harness h;
    h.connect();
    h.events();
    h.up = false;
    REQUIRE(h.client.send(C, "not yours", h.now).ok());
    h.deliver(protocol::ErrorFrame{protocol::ErrorCode::forbidden, "not your conversation", "t1.1"});
    CHECK(h.client.outbox().empty());
    CHECK(only<protocol::ErrorFrame>(h.events()).at(0).code == protocol::ErrorCode::forbidden);
}

TEST_CASE("user actions are checked locally with the relay's rules", "[client]") {
    Harness h;
    CHECK(h.client.send(C, "   ", h.now).error().code == protocol::ErrorCode::bad_field);
    CHECK(h.client.send(C, std::string(8001, 'a'), h.now).error().code ==
          protocol::ErrorCode::text_too_long);
    CHECK(h.client.send("c_nothex", "hi", h.now).error().code == protocol::ErrorCode::bad_field);
    CHECK(h.client.presence("available", h.now).error().code == protocol::ErrorCode::bad_field);
    CHECK(h.client.history(C, std::nullopt, 50, h.now).error().code ==
          protocol::ErrorCode::not_authenticated);
    h.connect();
    CHECK(h.client.history(C, std::nullopt, 0, h.now).error().code == protocol::ErrorCode::bad_field);
    CHECK(h.client.history(C, std::nullopt, 201, h.now).error().code == protocol::ErrorCode::bad_field);
    CHECK(h.client.outbox().empty());
}

TEST_CASE("read receipts and presence chosen offline are sent after the welcome", "[client]") {
    Harness h;
    REQUIRE(h.client.read(C, 3, h.now).ok());
    REQUIRE(h.client.read(C, 2, h.now).ok());
    REQUIRE(h.client.presence("away", h.now).ok());
    h.connect();
    auto frames = h.written();
    CHECK(types(frames) == std::vector<std::string>{"hello", "sync", "read", "presence"});
    CHECK(only<protocol::Read>(frames).at(0).seq == 3);
    h.client.read(C, 3, h.now);
    CHECK(h.written().empty());  // the relay already has 3
}

TEST_CASE("a history request is answered with a page of older messages", "[client]") {
    Harness h;
    for (int i = 0; i < 5; ++i) h.relay.post(h.relay.agent, "old", 1);
    h.connect();
    h.events();
    REQUIRE(h.client.history(C, 4, 2, h.now).ok());
    h.pump();
    auto pages = only<HistoryPage>(h.events());
    REQUIRE(pages.size() == 1);
    CHECK(pages[0].more);
    REQUIRE(pages[0].msgs.size() == 2);
    CHECK(pages[0].msgs[0].message.seq == 2);
    CHECK(pages[0].msgs[1].message.seq == 3);
    CHECK(h.client.known().at(C) == 5);  // history does not move the resume point
}

TEST_CASE("a malformed frame from the relay is reported and the session carries on",
          "[client]") {
    Harness h;
    h.connect();
    h.events();
    auto r = h.client.receive("{\"v\":1,\"type\":\"msg\"", h.now);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == protocol::ErrorCode::bad_json);
    CHECK(only<protocol::ErrorFrame>(h.events()).at(0).code == protocol::ErrorCode::bad_json);
    CHECK(h.client.state() == State::connected);
}

TEST_CASE("configs are validated before use", "[client]") {
    CHECK_FALSE(validate(visitor_config()));
    CHECK_FALSE(validate(agent_config()));
    Config c = visitor_config();
    SECTION("unknown role") { c.role = "admin"; }
    SECTION("instance unusable as a cid prefix") { c.instance = "has space"; }
    SECTION("empty instance") { c.instance = ""; }
    SECTION("agent without credentials") {
        c.role = "agent";
        c.name.reset();
    }
    SECTION("bad known conversation") { c.known["nope"] = 1; }
    SECTION("name too long") { c.name = std::string(81, 'n'); }
    CHECK(validate(c));
}

// ---- heartbeat and rate limits (issue 3) -------------------------------------------

TEST_CASE("a silent relay is pinged after the heartbeat interval and given up after the timeout",
          "[client][heartbeat]") {
    Config c = visitor_config();
    c.heartbeat_interval_ms = 20000;
    c.heartbeat_timeout_ms = 40000;
    Harness h(c);
    h.connect();
    h.written();
    h.events();
    const std::int64_t t0 = h.now;
    h.up = false;  // the link is dead but nobody said so: no close, no frames
    CHECK(h.client.next_deadline() == t0 + 20000);

    h.client.tick(t0 + 19999);
    CHECK(h.written().empty());
    h.client.tick(t0 + 20000);
    auto pings = only<protocol::Ping>(h.written());
    REQUIRE(pings.size() == 1);
    CHECK(h.client.next_deadline() == t0 + 40000);
    h.client.tick(t0 + 30000);
    CHECK(h.written().empty());  // one ping per silence, not one per tick

    h.client.tick(t0 + 40000);
    auto ev = h.events();
    CHECK(only<DisconnectRequest>(ev).size() == 1);
    CHECK(h.client.state() == State::reconnecting);
    // The next deadline is the backoff's, within the first window (base 500 ms).
    REQUIRE(h.client.next_deadline());
    CHECK(*h.client.next_deadline() < t0 + 40000 + 500);
}

TEST_CASE("any frame from the relay counts as a heartbeat", "[client][heartbeat]") {
    Config c = visitor_config();
    c.heartbeat_interval_ms = 20000;
    c.heartbeat_timeout_ms = 40000;
    Harness h(c);
    h.connect();
    h.written();
    const std::int64_t t0 = h.now;
    h.now = t0 + 15000;
    h.deliver(protocol::Pong{99});
    h.client.tick(t0 + 20000);
    CHECK(h.written().empty());
    h.client.tick(t0 + 35000);
    CHECK(only<protocol::Ping>(h.written()).size() == 1);
    SECTION("the pong answering our ping keeps the connection") {
        h.now = t0 + 35001;
        h.deliver(protocol::Pong{1});
        h.client.tick(t0 + 54999);
        CHECK(h.client.state() == State::connected);
    }
}

TEST_CASE("a zero heartbeat interval and timeout switch the heartbeat off", "[client][heartbeat]") {
    Config c = visitor_config();
    c.heartbeat_interval_ms = c.heartbeat_timeout_ms = 0;
    Harness h(c);
    h.connect();
    h.written();
    CHECK_FALSE(h.client.next_deadline());
    h.client.tick(h.now + 3'600'000);
    CHECK(h.written().empty());
    CHECK(h.client.state() == State::connected);
}

TEST_CASE("a message written while a refused one waits for its resend goes out behind it",
          "[client][rate_limit]") {
    Harness h;
    h.connect();
    h.written();
    h.up = false;  // the relay does not answer these sends; the test does
    auto first = h.client.send("", "first", h.now);
    REQUIRE(first);
    h.written();
    h.up = true;
    h.deliver(protocol::ErrorFrame{protocol::ErrorCode::rate_limited, "slow down", first.value(), 1000});
    auto second = h.client.send("", "second", h.now + 10);
    REQUIRE(second);
    CHECK(only<protocol::Send>(h.written()).empty());  // held back behind "first"
    h.client.tick(h.now + 1000);
    auto resent = only<protocol::Send>(h.written());
    REQUIRE(resent.size() == 2);
    CHECK(resent[0].cid == first.value());
    CHECK(resent[1].cid == second.value());
}

TEST_CASE("a send refused with 4029 rate_limited is resent with the same cid after retry_after_ms",
          "[client][rate_limit]") {
    Harness h;
    h.connect();
    h.written();
    h.up = false;  // the relay does not answer this send; the test does
    auto cid = h.client.send("", "hello", h.now);
    REQUIRE(cid);
    CHECK(only<protocol::Send>(h.written()).size() == 1);
    h.up = true;
    h.deliver(protocol::ErrorFrame{protocol::ErrorCode::rate_limited, "slow down", cid.value(), 1500});
    CHECK(h.client.outbox().size() == 1);  // kept: 4xxx is "resend later"
    h.client.tick(h.now + 1499);
    CHECK(h.written().empty());
    h.client.tick(h.now + 1500);
    auto resent = only<protocol::Send>(h.written());
    REQUIRE(resent.size() == 1);
    CHECK(resent[0].cid == cid.value());
    CHECK(h.client.outbox().empty());  // the FakeRelay acknowledged the resend
}

TEST_CASE("a sync refused with 4029 or 4040 is asked again after retry_after_ms, from the same seq",
          "[client][rate_limit]") {
    const auto code = GENERATE(protocol::ErrorCode::rate_limited, protocol::ErrorCode::too_many_reads);
    CAPTURE(static_cast<int>(code));
    Config c = visitor_config();
    c.known[C] = 5;
    Harness h(c);
    for (int i = 0; i < 5; ++i) h.relay.post(h.relay.agent, "old", 1);
    h.connect();
    h.written();
    h.events();
    h.up = false;  // the relay does not answer this sync; the test does
    h.deliver(protocol::Msg{protocol::Message{C, 8, "x.8", 1, h.relay.agent, "gap"}});
    REQUIRE(only<protocol::Sync>(h.written()).size() == 1);
    protocol::ErrorFrame refused{code, "slow down", "", 700};
    refused.frame = "sync";
    refused.conv = C;
    h.deliver(refused);
    h.client.tick(h.now + 699);
    CHECK(h.written().empty());
    h.client.tick(h.now + 700);
    auto again = only<protocol::Sync>(h.written());
    REQUIRE(again.size() == 1);
    CHECK(again[0].conv == C);
    CHECK(again[0].after == 5);
}

// ---- event JSON (session/event.cpp) ------------------------------------------------------
// What the C API hands the UI, byte for byte, for every event kind. Events carrying a
// frame are written by the codec's writers in their event shape (protocol/codec.hpp,
// Shape::event): `mine` and no `prev` in messages, every routing field of a routed
// summary, `mask` with a welcome's conversation, `ref` always in errors.

TEST_CASE("every event is written as its documented JSON, event first", "[client][event]") {
    using namespace parley::protocol;
    using namespace parley::test::pinned;
    const std::vector<parley::session::Event> events = {
        parley::session::ConnectRequest{},
        parley::session::DisconnectRequest{},
        parley::session::StateChanged{parley::session::State::reconnecting},
        Welcome{"visitor", "tok", kAda, kConv, 12},
        Welcome{"visitor", "tok", kAda, kConv, 12, {"card"}},
        Welcome{"agent", "tok", kSam, std::nullopt, 0},
        parley::session::Queued{"", "w1.1", "Hi"},
        Ack{kConv, "k3.17", 13, 1732200000000},
        parley::session::Delivered{kPlain, true},
        parley::session::Delivered{kFull, false},
        TypingNotice{kConv, kSam, false},
        ReadNotice{kConv, kSam, 13},
        PresenceNotice{kSam, "away"},
        parley::session::HistoryPage{kConv, {parley::session::Delivered{kPlain, false}, parley::session::Delivered{kFull, true}}, true},
        parley::session::HistoryPage{kConv, {}, false},
        Inbox{{kBare, kRouted, kPartial}},
        ConvUpdate{kBare},
        ConvUpdate{kPartial},
        Synced{kConv, 20},
        ErrorFrame{ErrorCode::missing_field, "missing field: text", ""},
        ErrorFrame{ErrorCode::rate_limited, "slow down", "k3.20", 1500},
        ErrorFrame{ErrorCode::rate_limited, "slow down", "", 250, "sync", kConv},
        QueueNotice{kConv, "general", 0, 120000},
        SupervisorBoard{{AgentLoad{kSam, "available", {"general"}, 2, 1, 3, 5}}, {TeamQueue{"general", {kConv}, 1}}, false},
    };
    const std::vector<std::string> expected = {
        R"x({"event":"connect"})x",
        R"x({"event":"disconnect"})x",
        R"x({"event":"state","state":"reconnecting"})x",
        R"x({"event":"welcome","role":"visitor","token":"tok","me":{"role":"visitor","id":"v_1","name":"Ada \"A\" é"},"conv":"c_0123456789abcdef","last_seq":12,"mask":{"client":[]}})x",
        R"x({"event":"welcome","role":"visitor","token":"tok","me":{"role":"visitor","id":"v_1","name":"Ada \"A\" é"},"conv":"c_0123456789abcdef","last_seq":12,"mask":{"client":["card"]}})x",
        R"x({"event":"welcome","role":"agent","token":"tok","me":{"role":"agent","id":"a_1","name":"Sam"}})x",
        R"x({"event":"queued","conv":"","cid":"w1.1","text":"Hi"})x",
        R"x({"event":"ack","conv":"c_0123456789abcdef","cid":"k3.17","seq":13,"ts":1732200000000})x",
        R"x({"event":"message","conv":"c_0123456789abcdef","seq":13,"cid":"k3.17","ts":1732200000000,"from":{"role":"visitor","id":"v_1","name":"Ada \"A\" é"},"text":"Hello\n\u0001 �","mine":true})x",
        R"x({"event":"message","conv":"c_0123456789abcdef","seq":14,"cid":"k3.18","ts":1732200000001,"from":{"role":"visitor","id":"v_1","name":"Ada \"A\" é"},"text":"Card 4111","mine":false,"internal":true,"meta":{"intent":"refund","confidence":0.8731,"signals":["human","pii"]}})x",
        R"x({"event":"typing","conv":"c_0123456789abcdef","from":{"role":"agent","id":"a_1","name":"Sam"},"on":false})x",
        R"x({"event":"read","conv":"c_0123456789abcdef","from":{"role":"agent","id":"a_1","name":"Sam"},"seq":13})x",
        R"x({"event":"presence","who":{"role":"agent","id":"a_1","name":"Sam"},"status":"away"})x",
        R"x({"event":"history","conv":"c_0123456789abcdef","msgs":[{"conv":"c_0123456789abcdef","seq":13,"cid":"k3.17","ts":1732200000000,"from":{"role":"visitor","id":"v_1","name":"Ada \"A\" é"},"text":"Hello\n\u0001 �","mine":false},{"conv":"c_0123456789abcdef","seq":14,"cid":"k3.18","ts":1732200000001,"from":{"role":"visitor","id":"v_1","name":"Ada \"A\" é"},"text":"Card 4111","mine":true,"internal":true,"meta":{"intent":"refund","confidence":0.8731,"signals":["human","pii"]}}],"more":true})x",
        R"x({"event":"history","conv":"c_0123456789abcdef","msgs":[],"more":false})x",
        R"x({"event":"inbox","convs":[{"conv":"c_0123456789abcdef","visitor":{"role":"visitor","id":"v_1","name":"Ada \"A\" é"},"last_seq":4,"last_text":"Hello","updated":1732200000000,"status":"open"},{"conv":"c_0123456789abcdef","visitor":{"role":"visitor","id":"v_1","name":"Ada \"A\" é"},"last_seq":5,"last_text":"Hi","updated":1732200000002,"status":"open","state":"active","agent":"a_1","team":"general","previous_agent":"","rank":2,"awaiting":"agent","intent":"refund"},{"conv":"c_0123456789abcdef","visitor":{"role":"visitor","id":"v_1","name":"Ada \"A\" é"},"last_seq":6,"last_text":"Hi","updated":1732200000003,"status":"closed","state":"closed","agent":"","team":"","previous_agent":"a_2","rank":0,"awaiting":"","intent":""}]})x",
        R"x({"event":"conv","conv":"c_0123456789abcdef","visitor":{"role":"visitor","id":"v_1","name":"Ada \"A\" é"},"last_seq":4,"last_text":"Hello","updated":1732200000000,"status":"open"})x",
        R"x({"event":"conv","conv":"c_0123456789abcdef","visitor":{"role":"visitor","id":"v_1","name":"Ada \"A\" é"},"last_seq":6,"last_text":"Hi","updated":1732200000003,"status":"closed","state":"closed","agent":"","team":"","previous_agent":"a_2","rank":0,"awaiting":"","intent":""})x",
        R"x({"event":"synced","conv":"c_0123456789abcdef","last_seq":20})x",
        R"x({"event":"error","code":1004,"message":"missing field: text","ref":""})x",
        R"x({"event":"error","code":4029,"message":"slow down","ref":"k3.20","retry_after_ms":1500})x",
        R"x({"event":"error","code":4029,"message":"slow down","ref":"","retry_after_ms":250,"frame":"sync","conv":"c_0123456789abcdef"})x",
        R"x({"event":"queue","conv":"c_0123456789abcdef","team":"general","position":0,"expected_wait_ms":120000})x",
        R"x({"event":"supervisor","agents":[{"agent":{"role":"agent","id":"a_1","name":"Sam"},"status":"available","teams":["general"],"load":2,"inactive":1,"preferred":3,"max":5}],"queues":[{"team":"general","convs":["c_0123456789abcdef"],"length":1}],"full":false})x",
    };
    REQUIRE(events.size() == expected.size());
    for (std::size_t i = 0; i < events.size(); ++i) {
        CAPTURE(i);
        CHECK(parley::session::event_json(events[i]) == expected[i]);
    }
}

// ---- identity (issue 17) -------------------------------------------------------------

TEST_CASE("a visitor's identity goes with every hello, and identify restarts an open session", "[client][identity]") {
    Config c = visitor_config();
    c.identity = Identity{std::string("u_42"), std::string("ada@example.com"), {{"plan", "pro"}},
                          std::string(64, 'a'), std::nullopt};
    Harness h(c);
    h.connect();
    auto hello = only<protocol::Hello>(h.written());
    REQUIRE(hello.size() == 1);
    CHECK(hello[0].user_id == std::optional<std::string>("u_42"));
    CHECK(hello[0].email == std::optional<std::string>("ada@example.com"));
    CHECK(hello[0].attributes == protocol::Attributes{{"plan", "pro"}});
    CHECK(hello[0].user_hash == std::optional<std::string>(std::string(64, 'a')));
    h.events();

    WHEN("the page identifies another user while connected") {
        Identity other{std::nullopt, std::nullopt, {}, std::nullopt, std::string("a.b.c")};
        REQUIRE(h.client.identify(other, h.now));
        THEN("the session is restarted and the new hello carries the token alone") {
            const auto ev = names(h.events());
            CHECK(std::find(ev.begin(), ev.end(), "disconnect") != ev.end());
            CHECK(ev.back() == "connect");
            h.open();
            auto again = only<protocol::Hello>(h.written());
            REQUIRE(again.size() == 1);
            CHECK_FALSE(again[0].user_id);
            CHECK(again[0].identity_token == std::optional<std::string>("a.b.c"));
        }
    }
    WHEN("an identity breaks the relay's rules") {
        CHECK(h.client.identify(Identity{}, h.now).error().code == protocol::ErrorCode::missing_field);
        CHECK(h.client.identify(Identity{std::string(129, 'u'), {}, {}, {}, {}}, h.now).error().code == protocol::ErrorCode::bad_field);
        CHECK(h.client.identify(Identity{std::string("u"), {}, {}, std::string("h"), std::string("t")}, h.now).error().code ==
              protocol::ErrorCode::bad_field);
        CHECK(names(h.events()).empty());  // nothing restarted
    }
    WHEN("an agent identifies") {
        Client agent(agent_config());
        CHECK(agent.identify(Identity{std::string("u"), {}, {}, {}, {}}, 0).error().code == protocol::ErrorCode::forbidden);
    }
}
