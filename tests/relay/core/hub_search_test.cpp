// Inbox search through the Hub (issue 17, relay/core/hub_search.cpp): an agent finds
// stored conversations — closed ones the live inbox no longer holds — by the visitor's
// name, claimed e-mail or message text, in any letter case of any script (accents
// count), only those the access rule lets them look at;
// each frame does bounded work and pages on with a cursor; one search per 250 ms per
// connection; visitors cannot search.
#include <catch2/catch.hpp>

#include <cstdio>

#include "support/hub_harness.hpp"

using namespace parley::relay;
using namespace parley::relay::test;
using parley::protocol::ErrorCode;

namespace {

// The documented bounds (docs/protocol.md §4 `search`), pinned here as the contract.
constexpr std::int64_t kSearchIntervalMs = 250;
constexpr int kSearchScanConversations = 200;
constexpr int kSearchScanMessages = 2000;

// Team general: Ann; team billing: Bill; Gil supervises. Ada ("Ada Lovelace", e-mail
// ada@example.com) wrote to general about her parcel; Ann had the conversation and
// closed it, so it is in nobody's live inbox.
struct World {
    HubHarness h;
    ConnId ann = 0, bill = 0, gil = 0, ada = 0;
    std::string conv;

    World() {
        ann = h.agent(h.make_agent("a_ann", "ann@example.com", "Ann", {"general"}));
        bill = h.agent(h.make_agent("a_bill", "bill@example.com", "Bill", {"billing"}));
        gil = h.agent(h.make_agent("a_gil", "gil@example.com", "Gil", {"ops"}, true));
        ada = h.open();
        p::Hello hello{"visitor", std::nullopt, std::string("Ada Lovelace")};
        hello.user_id = "u-42";
        hello.email = "ada@example.com";
        h.send(ada, hello);
        conv = *h.next<p::Welcome>(ada).conv;
        h.send(ada, p::Send{conv, "v.1", "Where is my PARCEL 4711?"});
        h.send(ada, p::Send{conv, "v.2", "Thanks, bye"});
        h.send(ann, p::CloseConv{conv});
        for (ConnId c : {ann, bill, gil, ada}) h.drain(c);
    }

    p::Found search(ConnId who, const std::string& q, const std::string& status = "closed", const std::string& cursor = {}) {
        h.now += kSearchIntervalMs;
        h.send(who, p::Search{q, status, cursor, 20});
        return h.next<p::Found>(who);
    }
};

// A conversation id as the relay makes them ("c_" + 16 hex digits) for test number n.
std::string conv_id(int n) {
    char buf[19];
    std::snprintf(buf, sizeof buf, "c_%016x", n);
    return buf;
}

std::vector<std::string> convs_of(const p::Found& f) {
    std::vector<std::string> out;
    for (const auto& s : f.convs) out.push_back(s.conv);
    return out;
}

// A stored conversation the router never saw (a supervisor may look at it): `messages`
// messages, the last one `last`, updated at kT0 + `age_rank` (higher: newer).
void stored_conversation(HubHarness& h, const std::string& id, int messages, const std::string& last,
                         std::int64_t age_rank, const std::string& status = "closed") {
    const std::string visitor = "v_" + id.substr(2);
    REQUIRE(h.store.create_visitor(Visitor{visitor, "Visitor " + id, kT0}).ok());
    REQUIRE(h.store.create_conversation(id, visitor, kT0).ok());
    for (int i = 1; i <= messages; ++i) {
        NewMessage m{id, "c" + std::to_string(i), p::Party{"visitor", visitor, ""},
                     i == messages ? last : "hello " + std::to_string(i), kT0 + age_rank};
        REQUIRE(h.store.append_message(m).ok());
    }
    REQUIRE(h.store.set_conversation_status(id, status).ok());
}

// A stored, closed conversation of a visitor named `name` whose messages are `texts`
// (oldest first), updated at kT0 + `age_rank`.
void stored_texts(HubHarness& h, const std::string& id, const std::string& name,
                  const std::vector<std::string>& texts, std::int64_t age_rank) {
    const std::string visitor = "v_" + id.substr(2);
    REQUIRE(h.store.create_visitor(Visitor{visitor, name, kT0}).ok());
    REQUIRE(h.store.create_conversation(id, visitor, kT0).ok());
    for (std::size_t i = 0; i < texts.size(); ++i) {
        NewMessage m{id, "c" + std::to_string(i), p::Party{"visitor", visitor, ""}, texts[i], kT0 + age_rank};
        REQUIRE(h.store.append_message(m).ok());
    }
    REQUIRE(h.store.set_conversation_status(id, "closed").ok());
}

}  // namespace

TEST_CASE("an agent finds a closed conversation by the visitor's name, e-mail and message text",
          "[hub][search]") {
    World w;
    CHECK(convs_of(w.search(w.ann, "lovelace")) == std::vector<std::string>{w.conv});
    CHECK(convs_of(w.search(w.ann, "ADA@EXAMPLE")) == std::vector<std::string>{w.conv});
    CHECK(convs_of(w.search(w.ann, "parcel 4711")) == std::vector<std::string>{w.conv});  // not the last message
    CHECK(convs_of(w.search(w.ann, "")) == std::vector<std::string>{w.conv});             // all closed ones
    CHECK(w.search(w.ann, "refund").convs.empty());
    CHECK(w.search(w.ann, "parcel", "open").convs.empty());  // it is closed

    const p::Found found = w.search(w.ann, "parcel");
    REQUIRE(found.convs.size() == 1);
    CHECK(found.q == "parcel");
    CHECK(found.status == "closed");
    CHECK(found.cursor.empty());  // nothing more to look at
    CHECK(found.convs[0].status == "closed");
    CHECK(found.convs[0].state == "closed");
    REQUIRE(found.convs[0].contact);
    CHECK(found.convs[0].contact->email == "ada@example.com");
}

TEST_CASE("a search lists only the conversations the agent may look at", "[hub][search]") {
    World w;
    CHECK(w.search(w.bill, "parcel").convs.empty());                                      // another team's
    CHECK(convs_of(w.search(w.gil, "parcel")) == std::vector<std::string>{w.conv});        // a supervisor: all
}

TEST_CASE("visitors may not search", "[hub][search]") {
    World w;
    w.h.send(w.ada, p::Search{"parcel", "closed", "", 20});
    CHECK(w.h.error(w.ada).code == ErrorCode::forbidden);
}

TEST_CASE("a connection searches at most once per 250 ms; the refusal says how long to wait",
          "[hub][search]") {
    World w;
    w.search(w.ann, "parcel");
    w.h.now += 100;
    w.h.send(w.ann, p::Search{"parcel", "closed", "", 20});
    const p::ErrorFrame e = w.h.error(w.ann);
    CHECK(e.code == ErrorCode::rate_limited);
    CHECK(e.frame == "search");
    REQUIRE(e.retry_after_ms);
    CHECK(*e.retry_after_ms == kSearchIntervalMs - 100);
    CHECK(convs_of(w.search(w.ann, "parcel")) == std::vector<std::string>{w.conv});  // after the wait
}

TEST_CASE("a search looks at a bounded number of conversations per frame and goes on from its cursor",
          "[hub][search]") {
    World w;
    // 250 closed conversations, the oldest of them the only one that mentions the needle.
    const int n = kSearchScanConversations + 50;
    for (int i = 0; i < n; ++i)
        stored_conversation(w.h, conv_id(1000 + i), 1, i == 0 ? "a needle here" : "hay", 1 + i);

    const p::Found first = w.search(w.gil, "needle");
    CHECK(first.convs.empty());
    REQUIRE_FALSE(first.cursor.empty());  // stopped after kSearchScanConversations
    const p::Found second = w.search(w.gil, "needle", "closed", first.cursor);
    CHECK(convs_of(second) == std::vector<std::string>{conv_id(1000)});
    CHECK(second.cursor.empty());
}

TEST_CASE("a search reads a bounded number of messages per frame and never stops inside a conversation",
          "[hub][search]") {
    World w;
    // Three long conversations: two fill a frame's message budget, the third (the
    // oldest, the needle in its last message) waits whole for the next frame.
    const int each = kSearchScanMessages / 2 - 100;
    stored_conversation(w.h, conv_id(1), each, "hay", 30);
    stored_conversation(w.h, conv_id(2), each, "hay", 20);
    stored_conversation(w.h, conv_id(3), each, "the needle", 10);
    const p::Found a = w.search(w.gil, "needle");
    CHECK(a.convs.empty());
    REQUIRE_FALSE(a.cursor.empty());
    const p::Found b = w.search(w.gil, "needle", "closed", a.cursor);
    CHECK(convs_of(b) == std::vector<std::string>{conv_id(3)});
}

TEST_CASE("a search's answer stays under the frame limit whatever the summaries hold", "[hub][search]") {
    World w;
    const std::string big(p::kMaxTextBytes - 10, 'x');
    for (int i = 0; i < 20; ++i) stored_conversation(w.h, conv_id(10 + i), 1, big + " match", 100 + i);
    const p::Found f = w.search(w.gil, "match");
    CHECK(p::encode(p::RelayFrame{f}).size() <= p::kMaxFrameBytes);
    CHECK_FALSE(f.convs.empty());
    CHECK(f.convs.size() < 20);
    REQUIRE_FALSE(f.cursor.empty());
    const p::Found rest = w.search(w.gil, "match", "closed", f.cursor);
    CHECK(f.convs.size() + rest.convs.size() <= 20);
    CHECK_FALSE(rest.convs.empty());
}

TEST_CASE("a search frame's bad fields are refused with their documented codes", "[hub][search]") {
    World w;
    w.h.now += kSearchIntervalMs;
    w.h.text(w.ann, R"({"v":1,"type":"search","q":"x","status":"closed","cursor":"not-a-cursor"})");
    CHECK(w.h.error(w.ann).code == ErrorCode::bad_field);
    w.h.text(w.ann, R"({"v":1,"type":"search","q":"x","status":"deleted"})");
    CHECK(w.h.error(w.ann).code == ErrorCode::bad_field);
    w.h.text(w.ann, R"({"v":1,"type":"search","q":")" + std::string(101, 'a') + R"("})");
    CHECK(w.h.error(w.ann).code == ErrorCode::text_too_long);
    w.h.text(w.ann, R"({"v":1,"type":"search","limit":51})");
    CHECK(w.h.error(w.ann).code == ErrorCode::bad_field);
}

TEST_CASE("a search compares letters whatever their case, in any script, but not without their accents",
          "[hub][search]") {
    World w;
    using Convs = std::vector<std::string>;
    stored_texts(w.h, conv_id(1), "Élodie Martin", {"Bonjour"}, 10);
    stored_texts(w.h, conv_id(2), "ÉLODIE DURAND", {"Salut"}, 20);
    stored_texts(w.h, conv_id(3), "Hans", {"Ich wohne in der Goethestraße 5", "danke"}, 30);  // not the last
    stored_texts(w.h, conv_id(4), "Luc", {"ÇA NE MARCHE PAS"}, 40);
    stored_texts(w.h, conv_id(5), "Νίκος", {"ΤΕΛΟΣ ΠΑΡΑΓΓΕΛΙΑΣ"}, 50);
    stored_texts(w.h, conv_id(6), "Олег", {"ЗАКАЗ не пришёл"}, 60);
    stored_texts(w.h, conv_id(7), "Anne", {"Le\xcc\x81on est parti"}, 70);  // "e" + combining acute

    CHECK(convs_of(w.search(w.gil, "élodie")) == Convs{conv_id(2), conv_id(1)});  // newest first
    CHECK(convs_of(w.search(w.gil, "ÉLODIE")) == Convs{conv_id(2), conv_id(1)});
    CHECK(w.search(w.gil, "elodie").convs.empty());  // an accent is part of the letter
    CHECK(convs_of(w.search(w.gil, "strasse")) == Convs{conv_id(3)});  // full folding: ß is ss
    CHECK(convs_of(w.search(w.gil, "GOETHESTRASSE")) == Convs{conv_id(3)});
    CHECK(convs_of(w.search(w.gil, "goethestraße")) == Convs{conv_id(3)});
    CHECK(convs_of(w.search(w.gil, "ça ne")) == Convs{conv_id(4)});
    CHECK(convs_of(w.search(w.gil, "τελος")) == Convs{conv_id(5)});  // final ς and Σ alike
    CHECK(convs_of(w.search(w.gil, "νίκος")) == Convs{conv_id(5)});
    CHECK(convs_of(w.search(w.gil, "заказ")) == Convs{conv_id(6)});
    CHECK(convs_of(w.search(w.gil, "ОЛЕГ")) == Convs{conv_id(6)});
    CHECK(convs_of(w.search(w.gil, "LÉON")) == Convs{conv_id(7)});  // composed query, decomposed text
}

TEST_CASE("a search of text that is not valid UTF-8 neither fails nor hides the valid text around it",
          "[hub][search]") {
    World w;
    stored_texts(w.h, conv_id(1), "Ana", {"PACKAGE \xff\xfe 4712 \xc3 Élodie \xe2\x82", "bye"}, 10);
    using Convs = std::vector<std::string>;
    CHECK(convs_of(w.search(w.gil, "package")) == Convs{conv_id(1)});
    CHECK(convs_of(w.search(w.gil, "4712")) == Convs{conv_id(1)});
    CHECK(convs_of(w.search(w.gil, "élodie")) == Convs{conv_id(1)});
    CHECK(w.search(w.gil, "refund").convs.empty());
}
