// Triage in the relay (P5, P7): the Hub masks per the storage policy, computes meta
// itself for visitor messages and ignores a client's, and tells the widget what to mask;
// the outbound function masks what leaves for webhooks and bots.
#include <algorithm>
#include <fstream>
#include <iterator>

#include <catch2/catch.hpp>

#include "core/message_triage.hpp"
#include "core/outbound.hpp"
#include "parley/triage/analysis.hpp"
#include "support/default_model.hpp"
#include "support/hub_harness.hpp"

using namespace parley::relay;
using namespace parley::relay::test;
namespace p = parley::protocol;
namespace tri = parley::triage;

namespace {

const char* const kCardText = "my card is 4111 1111 1111 1111 and I want a refund";

tri::MaskOptions kinds(const char* list) {
    tri::MaskOptions o;
    REQUIRE(tri::parse_mask_kinds(list, o));
    return o;
}

// The next frame of type T for `id`, skipping others (presence, routing's queue and
// conv updates): these tests are about what triage adds, not about their order.
template <class T>
T first(HubHarness& h, ConnId id) {
    auto& q = h.received[id];
    while (!q.empty() && !std::holds_alternative<T>(q.front())) q.pop_front();
    return h.next<T>(id);
}

struct TriageHub {
    MessageTriage triage;
    HubHarness h;
    explicit TriageHub(MaskPolicy policy, const tri::Model* model = &default_model())
        : triage(model, policy), h(config(triage)) {}
    static HubConfig config(const MessageTriage& t) {
        HubConfig c = HubHarness::config();
        c.triage = &t;
        return c;
    }
};

}  // namespace

TEST_CASE("a visitor's message is stored and fanned out with the relay's own meta", "[hub][triage]") {
    TriageHub t(default_mask_policy());
    HubHarness& h = t.h;
    const std::string token = h.make_agent("a_1", "sam@example.com", "Sam");
    p::Welcome w;
    const ConnId v = h.visitor(&w);
    const ConnId a = h.agent(token);

    // The client claims another intent; the relay never reads it.
    p::Send send{*w.conv, "w1.1", "I want a refund for my last invoice please", std::nullopt};
    send.meta = p::Meta{"pricing", 0.99, {"urgent"}};
    h.send(v, send);
    first<p::Ack>(h, v);
    const p::Msg to_agent = first<p::Msg>(h, a);
    REQUIRE(to_agent.message.meta);
    CHECK(to_agent.message.meta->intent == "refund");
    CHECK(to_agent.message.meta->confidence > 0.3);
    CHECK(to_agent.message.meta->confidence <= 1.0);
    CHECK(to_agent.message.meta->signals.empty());
    CHECK(first<p::Msg>(h, v).message.meta == to_agent.message.meta);
    // The agents' inbox entry carries the latest intent.
    CHECK(first<p::ConvUpdate>(h, a).summary.intent == "refund");

    SECTION("the meta is stored: sync and history return it") {
        auto stored = h.store.messages_after(*w.conv, 0, 10).value();
        REQUIRE(stored.size() == 1);
        CHECK(stored[0].meta == to_agent.message.meta);
    }
    SECTION("an agent's message carries no meta") {
        h.send(a, p::Send{*w.conv, "a1.1", "Sure, I can help with that refund.", std::nullopt});
        first<p::Ack>(h, a);
        CHECK_FALSE(first<p::Msg>(h, a).message.meta);
    }
}

TEST_CASE("signals name a human request, frustration, urgency and personal data", "[hub][triage]") {
    const tri::Model& m = default_model();
    CHECK(compute_meta(m, "can I talk to a human please").signals == std::vector<std::string>{"human"});
    CHECK(compute_meta(m, "production is down, urgent!").signals ==
          std::vector<std::string>{"urgent"});
    auto pii = compute_meta(m, "email me at ada@example.com").signals;
    CHECK(std::find(pii.begin(), pii.end(), "pii") != pii.end());
    // A text masked in the browser still tells the agent personal data was there.
    auto masked = compute_meta(m, "my card is [card] and I want a refund");
    CHECK(masked.intent == "refund");
    CHECK(std::find(masked.signals.begin(), masked.signals.end(), "pii") != masked.signals.end());
}

TEST_CASE("the storage policy masks personal data the widget did not, before it is stored",
          "[hub][triage][mask]") {
    MaskPolicy policy = default_mask_policy();  // card, iban before storage
    SECTION("default: cards and IBANs, not e-mails") {
        TriageHub t(policy);
        p::Welcome w;
        const ConnId v = t.h.visitor(&w);
        // A client that bypasses the widget's masking.
        t.h.send(v, p::Send{*w.conv, "w1.1", std::string(kCardText) + ", mail ada@example.com", std::nullopt});
        first<p::Ack>(t.h, v);
        const p::Msg echo = first<p::Msg>(t.h, v);
        CHECK(echo.message.text == "my card is [card] and I want a refund, mail ada@example.com");
        const auto stored = t.h.store.messages_after(*w.conv, 0, 10).value();
        REQUIRE(stored.size() == 1);
        CHECK(stored[0].text == echo.message.text);
        CHECK(stored[0].text.find("4111") == std::string::npos);
        // Meta is computed on what the visitor wrote: the intent, and "pii".
        REQUIRE(echo.message.meta);
        CHECK(echo.message.meta->intent == "refund");
        CHECK(echo.message.meta->signals == std::vector<std::string>{"pii"});
    }
    SECTION("configured: e-mails too") {
        policy.before_storage = kinds("email,card");
        TriageHub t(policy);
        p::Welcome w;
        const ConnId v = t.h.visitor(&w);
        t.h.send(v, p::Send{*w.conv, "w1.1", "write to ada@example.com", std::nullopt});
        first<p::Ack>(t.h, v);
        CHECK(first<p::Msg>(t.h, v).message.text == "write to [email]");
    }
    SECTION("none: stored as sent") {
        policy.before_storage = kinds("none");
        TriageHub t(policy);
        p::Welcome w;
        const ConnId v = t.h.visitor(&w);
        t.h.send(v, p::Send{*w.conv, "w1.1", kCardText, std::nullopt});
        first<p::Ack>(t.h, v);
        CHECK(first<p::Msg>(t.h, v).message.text == kCardText);
    }
}

TEST_CASE("a visitor's welcome carries the in-browser masking policy", "[hub][triage][mask]") {
    MaskPolicy policy = default_mask_policy();
    policy.in_browser = kinds("email,card,iban,phone");
    TriageHub t(policy);
    p::Welcome w;
    t.h.visitor(&w);
    CHECK(w.mask_client == std::vector<std::string>{"email", "phone", "card", "iban"});

    SECTION("agents get no policy") {
        const std::string token = t.h.make_agent("a_1", "sam@example.com", "Sam");
        const ConnId a = t.h.open();
        t.h.send(a, p::Hello{"agent", token, std::nullopt});
        CHECK(t.h.next<p::Welcome>(a).mask_client.empty());
    }
}

TEST_CASE("without a model the relay still masks but sends no meta", "[hub][triage]") {
    TriageHub t(default_mask_policy(), nullptr);
    p::Welcome w;
    const ConnId v = t.h.visitor(&w);
    t.h.send(v, p::Send{*w.conv, "w1.1", kCardText, std::nullopt});
    first<p::Ack>(t.h, v);
    const p::Msg echo = first<p::Msg>(t.h, v);
    CHECK(echo.message.text == "my card is [card] and I want a refund");
    CHECK_FALSE(echo.message.meta);
}

TEST_CASE("outbound messages are masked per the outbound policy, meta kept", "[triage][outbound]") {
    p::Message m{"c_0123456789abcdef", 3, "w1.3", 9, p::Party{"visitor", "v_1", "Ada"},
                 "call +44 20 7946 0958 or ada@example.com, card 4111 1111 1111 1111"};
    m.meta = p::Meta{"refund", 0.9, {"pii"}};
    const MaskPolicy policy = default_mask_policy();  // outbound: all kinds

    const p::Message out = for_outbound(m, policy.outbound);
    CHECK(out.text == "call [phone] or [email], card [card]");
    CHECK(out.seq == 3);
    CHECK(out.meta == m.meta);

    SECTION("a narrower policy masks only its kinds") {
        CHECK(for_outbound(m, kinds("card")).text == "call +44 20 7946 0958 or ada@example.com, card [card]");
    }
    SECTION("none leaves the text alone") { CHECK(for_outbound(m, kinds("none")).text == m.text); }
}

// ---- notes, transfer notes and names (issue 15: they leaked what masking hides) --------

namespace {

// Every stored message of `conv`, internal ones included, as one string.
std::string stored_texts(HubHarness& h, const std::string& conv) {
    const auto stored = h.store.messages_after(conv, 0, 100);  // kept: value() refers into it
    REQUIRE(stored.ok());
    std::string out;
    for (const auto& m : stored.value()) out += m.text + "\n";
    return out;
}

// A started conversation owned by Ann, with Bob available to take it.
struct TwoAgents {
    TriageHub t{default_mask_policy()};
    ConnId ann = 0, bob = 0, visitor = 0;
    std::string conv;
    TwoAgents() {
        ann = t.h.agent(t.h.make_agent("a_ann", "ann@example.com", "Ann"));
        p::Welcome w;
        visitor = t.h.visitor(&w);
        conv = *w.conv;
        t.h.send(visitor, p::Send{conv, "v.1", "hello", std::nullopt});
        // Bob signs in after the assignment, under a name an operator pasted a card into.
        bob = t.h.agent(t.h.make_agent("a_bob", "bob@example.com", "Bob 4111 1111 1111 1111"));
        for (ConnId id : {ann, bob, visitor}) t.h.drain(id);
    }
};

}  // namespace

TEST_CASE("an internal note is masked per the storage policy before it is stored and shown",
          "[hub][triage][mask]") {
    TwoAgents r;
    r.t.h.send(r.ann, p::Note{r.conv, "n.1", "card 4111.1111.1111.1111 IBAN DE89 3704 0044 0532 0130 00"});
    const p::Ack ack = first<p::Ack>(r.t.h, r.ann);
    const p::Msg shown = first<p::Msg>(r.t.h, r.ann);
    CHECK(shown.message.internal);
    CHECK(shown.message.text == "card [card] IBAN [iban]");
    const std::string stored = stored_texts(r.t.h, r.conv);
    CHECK(stored.find("card [card] IBAN [iban]") != std::string::npos);
    CHECK(stored.find("4111") == std::string::npos);
    CHECK(stored.find("DE89") == std::string::npos);
    CHECK(ack.seq == shown.message.seq);
}

TEST_CASE("a transfer note and the transcript lines built from it are masked before they are stored",
          "[hub][triage][mask]") {
    TwoAgents r;
    r.t.h.send(r.ann, p::Transfer{r.conv, std::string("a_bob"), std::nullopt,
                                  "VIP, card 4111\u00A01111\u00A01111\u00A01111"});
    std::string bob_saw;
    for (const auto& f : r.t.h.received[r.bob])
        if (const auto* m = std::get_if<p::Msg>(&f)) bob_saw += m->message.text + "\n";
    CHECK(bob_saw.find("VIP, card [card]") != std::string::npos);  // the InternalNote
    CHECK(bob_saw.find("Transferred to Bob [card] by Ann") != std::string::npos);
    CHECK(bob_saw.find("4111") == std::string::npos);
    const std::string stored = stored_texts(r.t.h, r.conv);
    CHECK(stored.find("VIP, card [card]") != std::string::npos);
    CHECK(stored.find("4111") == std::string::npos);
}

TEST_CASE("a visitor's name is masked with every kind before it is stored or shown", "[hub][triage][mask]") {
    TriageHub t(default_mask_policy());  // the storage policy leaves e-mails: names do not
    const ConnId a = t.h.agent(t.h.make_agent("a_ann", "ann@example.com", "Ann"));
    const ConnId v = t.h.open();
    t.h.send(v, p::Hello{"visitor", std::nullopt, std::string("jane@example.com ４１１１ 1111 1111 1111")});
    const p::Welcome w = t.h.next<p::Welcome>(v);
    CHECK(w.me.name == "[email] [card]");
    CHECK(t.h.store.find_visitor(w.me.id).value()->name == "[email] [card]");
    const p::PresenceNotice seen = first<p::PresenceNotice>(t.h, a);
    CHECK(seen.who.name == "[email] [card]");

    SECTION("also when a returning visitor renames themselves") {
        const ConnId again = t.h.open();
        t.h.send(again, p::Hello{"visitor", w.token, std::string("call me on +44 20 7946 0958")});
        CHECK(t.h.next<p::Welcome>(again).me.name == "call me on [phone]");
        CHECK(t.h.store.find_visitor(w.me.id).value()->name == "call me on [phone]");
    }
    SECTION("and without triage configured") {
        HubHarness plain;
        const ConnId pv = plain.open();
        plain.send(pv, p::Hello{"visitor", std::nullopt, std::string("jane@example.com")});
        CHECK(plain.next<p::Welcome>(pv).me.name == "[email]");
    }
    SECTION("an ordinary name is kept as written") {
        const ConnId other = t.h.open();
        t.h.send(other, p::Hello{"visitor", std::nullopt, std::string("Zoë O'Brien-Smith 3rd")});
        CHECK(t.h.next<p::Welcome>(other).me.name == "Zoë O'Brien-Smith 3rd");
    }
}
