// CSAT in the Hub (hub_csat.cpp, issue 17): a visitor rates their closed conversation;
// the rating is a conversation event reports read and an internal line for the agents,
// masked like message text; only that visitor, only while closed, the last one counts.
#include <catch2/catch.hpp>

#include "core/message_triage.hpp"
#include "reports/report.hpp"
#include "reports/report_source.hpp"
#include "support/hub_harness.hpp"

using namespace parley::relay;
using namespace parley::relay::test;

namespace {

// Ann answered Ada's conversation and closed it. Stored text is masked per the default
// policy (cards), as a relay started with triage does.
struct Closed {
    const MessageTriage triage{nullptr, default_mask_policy()};
    HubHarness h{config(triage)};
    ConnId ann = 0, ada = 0;
    std::string conv;

    static HubConfig config(const MessageTriage& t) {
        HubConfig c = HubHarness::config();
        c.triage = &t;
        return c;
    }
    Closed() {
        ann = h.agent(h.make_agent("a_ann", "ann@example.com", "Ann"));
        p::Welcome w;
        ada = h.visitor(&w);
        conv = *w.conv;
        h.send(ada, p::Send{conv, "v.1", "hello"});
        h.send(ann, p::Send{conv, "a.1", "Hi, Ann here"});
        h.send(ann, p::CloseConv{conv});
        h.drain(ann);
        h.drain(ada);
    }
    std::vector<ConvEvent> csat_events() {
        std::vector<ConvEvent> out;
        const auto events = h.store.events_of_conversations_opened(0, h.now + 1);
        REQUIRE(events);
        for (const auto& e : events.value())
            if (e.kind == "csat") out.push_back(e);
        return out;
    }
};

}  // namespace

TEST_CASE("a visitor's rating of their closed conversation is an event, an internal line and a rated answer",
          "[hub][csat]") {
    Closed t;
    t.h.send(t.ada, p::Rate{t.conv, 4, "Quick, but my card 4111 1111 1111 1111 was read aloud"});
    const auto rated = frames<p::Rated>(t.h, t.ada);
    REQUIRE(rated.size() == 1);
    CHECK(rated[0].conv == t.conv);
    CHECK(rated[0].score == 4);
    CHECK(frames<p::Msg>(t.h, t.ada).empty());  // the line is the agents' alone

    const auto events = t.csat_events();
    REQUIRE(events.size() == 1);
    CHECK(events[0].conv == t.conv);
    CHECK(events[0].detail == "4");
    CHECK(events[0].team == "general");
    CHECK(events[0].agent == "a_ann");

    const auto lines = frames<p::Msg>(t.h, t.ann);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].message.internal);
    CHECK(lines[0].message.from.role == "system");
    CHECK(lines[0].message.text == "Rated 4/5: Quick, but my card [card] was read aloud");
    auto stored = t.h.store.messages_after(t.conv, 0, 100);
    REQUIRE(stored);
    CHECK(stored.value().back().text == "Rated 4/5: Quick, but my card [card] was read aloud");
    CHECK(stored.value().back().internal);
}

TEST_CASE("a rating without a comment is the score alone", "[hub][csat]") {
    Closed t;
    t.h.send(t.ada, p::Rate{t.conv, 5, "  "});
    const auto lines = frames<p::Msg>(t.h, t.ann);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].message.text == "Rated 5/5");
}

TEST_CASE("an open conversation cannot be rated: 3006, nothing stored", "[hub][csat]") {
    Closed t;
    t.h.send(t.ada, p::Send{t.conv, "v.2", "one more thing"});  // writing reopens it
    t.h.drain(t.ada);
    t.h.drain(t.ann);
    const auto before = t.h.store.messages_after(t.conv, 0, 100).value().size();
    t.h.send(t.ada, p::Rate{t.conv, 2, ""});
    CHECK(t.h.error(t.ada).code == p::ErrorCode::not_allowed);
    CHECK(t.csat_events().empty());
    CHECK(t.h.store.messages_after(t.conv, 0, 100).value().size() == before);
    CHECK(frames<p::Msg>(t.h, t.ann).empty());
}

TEST_CASE("only the conversation's visitor may rate it: an agent or another visitor gets 2004", "[hub][csat]") {
    Closed t;
    t.h.send(t.ann, p::Rate{t.conv, 5, ""});
    CHECK(t.h.error(t.ann).code == p::ErrorCode::forbidden);
    const ConnId eve = t.h.visitor();
    t.h.send(eve, p::Rate{t.conv, 1, "bad"});
    CHECK(t.h.error(eve).code == p::ErrorCode::forbidden);
    CHECK(t.csat_events().empty());
}

TEST_CASE("a new rating replaces the earlier one: the report counts the last", "[hub][csat][reports]") {
    Closed t;
    t.h.send(t.ada, p::Rate{t.conv, 2, ""});
    t.h.now += 1000;
    t.h.send(t.ada, p::Rate{t.conv, 5, "Actually, all good"});
    CHECK(frames<p::Rated>(t.h, t.ada).size() == 2);
    CHECK(t.csat_events().size() == 2);
    auto histories = reports::load_histories(t.h.store, 0, t.h.now + 1);
    REQUIRE(histories);
    const auto rows = reports::compute_report(histories.value(), reports::GroupBy::agent);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].key == "a_ann");
    CHECK(rows[0].csat_responses == 1);
    CHECK(rows[0].csat_average() == 5.0);
    CHECK(rows[0].csat_satisfied == 1);
}
