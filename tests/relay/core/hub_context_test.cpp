// Customer context and canned responses in the Hub (hub_context.cpp, issue 17): the
// visitor's page, title and browser reach their agents in the summary and stay stored;
// `context` lists the visitor's conversations the agent may open, with CSAT and intent;
// `canned` manages responses over the wire.
#include <catch2/catch.hpp>

#include "support/hub_harness.hpp"

using namespace parley::relay;
using namespace parley::relay::test;

namespace {

constexpr const char* kChrome =
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";

// A visitor whose hello names a page and title, over a handshake with this User-Agent.
ConnId visitor_on(HubHarness& h, const std::string& page, const std::string& title, const std::string& ua,
                  std::string* conv, std::optional<std::string> token = {}) {
    const ConnId id = h.next_conn++;
    h.hub.on_open(id, h.now, {}, ua);
    h.pump();
    p::Hello hello{"visitor", token, std::string("Ada")};
    hello.page = page;
    hello.title = title;
    h.send(id, hello);
    p::Welcome w = h.next<p::Welcome>(id);
    if (conv) *conv = *w.conv;
    h.drain(id);
    return id;
}

// Ann (general) is connected; a visitor on the billing page of the shop writes in.
struct Shop {
    HubHarness h;
    ConnId ann = 0, ada = 0;
    std::string conv;

    Shop() {
        ann = h.agent(h.make_agent("a_ann", "ann@example.com", "Ann"));
        ada = visitor_on(h, "https://shop.example/billing?token=SECRET#x", "Billing — Shop", kChrome, &conv);
        h.send(ada, p::Send{conv, "v.1", "my invoice is wrong"});
        h.drain(ada);
    }
    p::ConvSummary last_conv(ConnId id) {
        const auto convs = frames<p::ConvUpdate>(h, id);
        REQUIRE_FALSE(convs.empty());
        return convs.back().summary;
    }
};

}  // namespace

TEST_CASE("the visitor's page, its title and their browser reach the agent without the query", "[context]") {
    Shop t;
    const p::ConvSummary s = t.last_conv(t.ann);
    REQUIRE(s.page);
    CHECK(s.page->url == "https://shop.example/billing");
    CHECK(s.page->title == "Billing — Shop");
    CHECK(s.page->ts == t.h.now);
    CHECK(s.user_agent == kChrome);
    const auto stored = t.h.store.find_conv_context(t.conv);
    REQUIRE(stored.value());
    CHECK(stored.value()->page_url == "https://shop.example/billing");  // never the token

    SECTION("an agent who signs in later (a reload) finds it in the inbox") {
        const ConnId again = t.h.open();
        t.h.send(again, p::Hello{"agent", std::string("token-of-a_ann"), std::nullopt});
        t.h.next<p::Welcome>(again);
        const auto inbox = t.h.next<p::Inbox>(again);
        REQUIRE(inbox.convs.size() == 1);
        REQUIRE(inbox.convs[0].page);
        CHECK(inbox.convs[0].page->title == "Billing — Shop");
        CHECK(inbox.convs[0].user_agent == kChrome);
    }
    SECTION("a navigation updates it, live, for the agent") {
        t.h.drain(t.ann);
        t.h.now += 1000;
        t.h.send(t.ada, p::Navigate{"https://shop.example/cart?step=2", "Your cart"});
        CHECK(t.h.idle(t.ada));
        const p::ConvSummary moved = t.last_conv(t.ann);
        REQUIRE(moved.page);
        CHECK(moved.page->url == "https://shop.example/cart");
        CHECK(moved.page->title == "Your cart");
        CHECK(moved.page->ts == t.h.now);
        SECTION("the same page again tells nobody anything") {
            t.h.drain(t.ann);
            t.h.send(t.ada, p::Navigate{"https://shop.example/cart", "Your cart"});
            CHECK(frames<p::ConvUpdate>(t.h, t.ann).empty());
        }
    }
    SECTION("an agent or a bot cannot navigate") {
        t.h.drain(t.ann);
        t.h.send(t.ann, p::Navigate{"https://evil.example/", "x"});
        CHECK(t.h.error(t.ann).code == p::ErrorCode::forbidden);
        CHECK(t.h.store.find_conv_context(t.conv).value()->page_url == "https://shop.example/billing");
    }
    SECTION("the visitor never gets the page or browser back in a summary, nor does a bot") {
        for (const auto& f : t.h.received[t.ada]) CHECK_FALSE(std::holds_alternative<p::ConvUpdate>(f));
    }
}

TEST_CASE("a User-Agent longer than 400 bytes is cut on a character boundary", "[context]") {
    HubHarness h;
    const std::string ua = std::string(399, 'a') + "é and more";  // é straddles byte 400
    std::string conv;
    visitor_on(h, "https://shop.example/", "", ua, &conv);
    const auto stored = h.store.find_conv_context(conv);
    REQUIRE(stored.value());
    CHECK(stored.value()->user_agent == std::string(399, 'a'));
}

TEST_CASE("a hello's title is bounded and needs a page; navigate's url is bounded", "[context]") {
    HubHarness h;
    const ConnId id = h.open();
    p::Hello hello{"visitor", std::nullopt, std::string("Ada")};
    hello.title = "no page";
    h.send(id, hello);
    auto e = h.error(id);
    CHECK(e.code == p::ErrorCode::bad_field);
    CHECK(e.message == "bad field: title");
    hello.page = "https://shop.example/";
    hello.title = std::string(p::kMaxPageTitleBytes + 1, 't');
    h.send(id, hello);
    CHECK(h.error(id).code == p::ErrorCode::bad_field);
    h.text(id, R"({"v":1,"type":"navigate","url":""})");
    CHECK(h.error(id).message == "bad field: url");
}

TEST_CASE("context lists the visitor's conversations the agent may open, newest first, with CSAT and intent",
          "[context]") {
    Shop t;
    auto& h = t.h;
    // Ada's first conversation: answered, closed and rated 2, then a new one opens.
    h.send(t.ann, p::Send{t.conv, "a.1", "Let me check"});
    h.send(t.ann, p::CloseConv{t.conv});
    h.send(t.ada, p::Rate{t.conv, 2, ""});
    h.send(t.ada, p::Rate{t.conv, 4, "better now"});  // the last one counts
    h.now += 60'000;
    const std::string first = t.conv;
    // A closed conversation leaves Ada without an open one: her next hello opens another.
    REQUIRE(h.store.create_conversation("c_5ec0000000000002", t.h.store.find_conversation(first).value()->visitor.id, h.now).ok());
    REQUIRE(h.store.append_message(NewMessage{"c_5ec0000000000002", "v.9", {"visitor", "", "Ada"}, "still wrong", h.now}).ok());
    h.drain(t.ann);

    h.send(t.ann, p::ContextQuery{first});
    const auto info = h.next<p::ContextInfo>(t.ann);
    CHECK(info.conv == first);
    // c_5ec0000000000002 was never routed: nobody's work yet, so not Ann's to open (a supervisor's).
    REQUIRE(info.convs.size() == 1);
    CHECK(info.convs[0].conv == first);
    CHECK(info.convs[0].status == "closed");
    CHECK(info.convs[0].csat == 4);
    CHECK(info.convs[0].last_text.find("Rated 4/5") != std::string::npos);

    SECTION("a supervisor sees them all") {
        const ConnId sue = h.agent(h.make_agent("a_sue", "sue@example.com", "Sue", {}, true));
        h.send(sue, p::ContextQuery{first});
        const auto all = h.next<p::ContextInfo>(sue);
        REQUIRE(all.convs.size() == 2);
        CHECK(all.convs[0].conv == "c_5ec0000000000002");
        CHECK(all.convs[0].csat == 0);
        CHECK(all.convs[1].conv == first);
    }
    SECTION("another team's agent may not ask, as for history") {
        const ConnId bob = h.agent(h.make_agent("a_bob", "bob@example.com", "Bob", {"billing"}));
        h.send(bob, p::ContextQuery{first});
        CHECK(h.error(bob).code == p::ErrorCode::forbidden);
    }
    SECTION("a visitor may not ask") {
        const ConnId ada2 = h.visitor();
        h.drain(ada2);
        h.send(ada2, p::ContextQuery{first});
        CHECK(h.error(ada2).code == p::ErrorCode::forbidden);
    }
}

TEST_CASE("canned responses are saved, listed and deleted over the wire; limits and rights answer errors",
          "[canned]") {
    HubConfig config = HubHarness::config();
    config.canned = CannedLimits{1, 5};
    HubHarness h{config};
    const ConnId ann = h.agent(h.make_agent("a_ann", "ann@example.com", "Ann"));
    const ConnId sue = h.agent(h.make_agent("a_sue", "sue@example.com", "Sue", {}, true));
    h.drain(ann);

    h.send(ann, p::CannedOp{"list", "", "", "", "", ""});
    CHECK(h.next<p::CannedList>(ann).items.empty());

    h.send(ann, p::CannedOp{"save", "", "personal", "", "hi", "Hi {first_name}, {agent_name} here."});
    const auto saved = h.next<p::CannedList>(ann);
    REQUIRE(saved.items.size() == 1);
    CHECK(saved.items[0].text == "Hi {first_name}, {agent_name} here.");

    h.send(ann, p::CannedOp{"save", "", "personal", "", "bye", "Bye"});
    const auto full = h.error(ann);
    CHECK(full.code == p::ErrorCode::canned_limit);
    CHECK(full.message == "you have 1 canned responses, the most allowed (1); delete one first");

    h.send(ann, p::CannedOp{"save", "", "team", "general", "hours", "9-17"});
    CHECK(h.error(ann).code == p::ErrorCode::forbidden);
    h.send(sue, p::CannedOp{"save", "", "team", "general", "hours", "We answer 9-17."});
    CHECK(h.next<p::CannedList>(sue).items.size() == 1);  // Sue's view: the team's one

    h.send(ann, p::CannedOp{"list", "", "", "", "", ""});
    const auto both = h.next<p::CannedList>(ann);
    REQUIRE(both.items.size() == 2);
    CHECK(both.items[1].scope == "team");
    CHECK(both.items[1].team == "general");

    h.send(ann, p::CannedOp{"delete", saved.items[0].id, "", "", "", ""});
    CHECK(h.next<p::CannedList>(ann).items.size() == 1);

    const ConnId ada = h.visitor();
    h.drain(ada);
    h.send(ada, p::CannedOp{"list", "", "", "", "", ""});
    CHECK(h.error(ada).code == p::ErrorCode::forbidden);
}

TEST_CASE("a canned frame's shape is checked before the relay looks at it", "[canned]") {
    HubHarness h;
    const ConnId ann = h.agent(h.make_agent("a_ann", "ann@example.com", "Ann"));
    h.text(ann, R"({"v":1,"type":"canned","op":"rename"})");
    CHECK(h.error(ann).message == "bad field: op");
    h.text(ann, R"({"v":1,"type":"canned","op":"delete"})");
    CHECK(h.error(ann).message == "missing field: id");
    h.text(ann, R"({"v":1,"type":"canned","op":"save","scope":"personal","shortcut":"hi"})");
    CHECK(h.error(ann).message == "missing field: text");
    h.text(ann, R"({"v":1,"type":"canned","op":"save","scope":"everyone","shortcut":"hi","text":"x"})");
    CHECK(h.error(ann).message == "bad field: scope");
}
