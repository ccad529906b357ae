// The pre-chat form and contact capture (issue 17; core/prechat_form.hpp, hub_prechat.cpp):
// the operator's questions reach the visitor's welcome before their first message, the
// relay checks the answers whatever the widget did, stores them on the contact agents
// see, never asks a verified visitor what the site told us, and marks a conversation
// whose visitor left an e-mail because nobody was there.
#include <catch2/catch.hpp>

#include <algorithm>

#include "auth/identity_verifier.hpp"
#include "core/prechat_form.hpp"
#include "support/hub_harness.hpp"

using namespace parley::relay;
using namespace parley::relay::test;

namespace {

const std::string kSecret = "0123456789abcdef0123456789abcdef";

HubConfig prechat_config(const std::string& spec = "name*,email*,order=Your order number") {
    HubConfig c = HubHarness::config();
    c.prechat = parse_prechat_fields(spec).value();
    c.identity_secrets = {kSecret};
    return c;
}

std::optional<p::Contact> contact_seen(HubHarness& h, ConnId agent, const std::string& conv) {
    std::optional<p::Contact> seen;
    for (auto& f : h.received[agent])
        if (auto* u = std::get_if<p::ConvUpdate>(&f); u && u->summary.conv == conv) seen = u->summary.contact;
    return seen;
}

std::string attribute(const p::Contact& c, const std::string& key) {
    for (const auto& [k, v] : c.attributes)
        if (k == key) return v;
    return "";
}

}  // namespace

TEST_CASE("the pre-chat option (--prechat-fields) reads built-in and own questions, required marks, and refuses what it cannot show",
          "[prechat]") {
    auto form = parse_prechat_fields(" name* , email, order=Your order number, size*=Shoe size ");
    REQUIRE(form);
    REQUIRE(form.value().size() == 4);
    CHECK(form.value()[0] == p::PrechatField{"name", "", true});
    CHECK(form.value()[1] == p::PrechatField{"email", "", false});
    CHECK(form.value()[2] == p::PrechatField{"order", "Your order number", false});
    CHECK(form.value()[3] == p::PrechatField{"size", "Shoe size", true});
    CHECK(parse_prechat_fields("").value().empty());
    for (const char* bad : {"order", "email=Mail", "Name", "name,name", "a=1,b=2,c=3,d=4,e=5,f=6,g=7", "x="}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_prechat_fields(bad));
    }
}

TEST_CASE("an e-mail must look like one", "[prechat]") {
    for (const char* ok : {"ada@example.com", "a.b+c@mail.example.org"}) CHECK(looks_like_email(ok));
    for (const char* bad : {"", "ada", "ada@", "@example.com", "ada@example", "ada@@example.com", "a da@example.com",
                            "ada@example.com.", "ada@.com"}) {
        CAPTURE(bad);
        CHECK_FALSE(looks_like_email(bad));
    }
}

TEST_CASE("a new visitor's welcome carries the form; once they wrote, it does not", "[prechat]") {
    HubHarness h(prechat_config());
    p::Welcome w;
    const ConnId v = h.visitor(&w, std::nullopt, std::nullopt);
    REQUIRE(w.prechat.size() == 3);
    CHECK(w.prechat[0] == p::PrechatField{"name", "", true});
    CHECK(w.prechat[2].label == "Your order number");
    h.send(v, p::Send{*w.conv, "v.1", "hello"});
    h.drain(v);
    const std::string token = w.token;
    p::Welcome again;
    h.visitor(&again, token, std::nullopt);
    CHECK(again.prechat.empty());
}

TEST_CASE("a display name the page gave is not asked again", "[prechat]") {
    HubHarness h(prechat_config());
    p::Welcome w;
    h.visitor(&w);  // named Ada by the page
    REQUIRE(w.prechat.size() == 2);
    CHECK(w.prechat[0].name == "email");
}

TEST_CASE("without --prechat-fields no welcome carries a form", "[prechat]") {
    HubHarness h(prechat_config(""));
    p::Welcome w;
    h.visitor(&w);
    CHECK(w.prechat.empty());
}

TEST_CASE("bad answers are refused with a reason per field and nothing is stored", "[prechat]") {
    HubHarness h(prechat_config());
    const ConnId sup = h.agent(h.make_agent("a_1", "sup@example.com", "Sue", {}, true));
    p::Welcome w;
    const ConnId v = h.visitor(&w, std::nullopt, std::nullopt);
    h.drain(sup);
    h.send(v, p::Prechat{*w.conv, {{"name", " "}, {"email", "ada@example"}, {"shoe", "42"}}});
    const p::ErrorFrame e = h.error(v);
    CHECK(e.code == p::ErrorCode::invalid_form);
    CHECK(e.frame == "prechat");
    CHECK(e.fields == PrechatValues{{"name", "required"}, {"email", "email"}, {"shoe", "unknown"}});
    CHECK_FALSE(h.store.find_contact(w.me.id).value());
    CHECK_FALSE(contact_seen(h, sup, *w.conv));
    SECTION("a name longer than a display name is too_long") {
        h.send(v, p::Prechat{*w.conv, {{"name", std::string(81, 'a')}, {"email", "ada@example.com"}}});
        CHECK(h.error(v).fields == PrechatValues{{"name", "too_long"}});
    }
}

TEST_CASE("good answers land on the contact the agents see, and rename the visitor", "[prechat]") {
    HubHarness h(prechat_config());
    const ConnId sup = h.agent(h.make_agent("a_1", "sup@example.com", "Sue", {}, true));
    p::Welcome w;
    const ConnId v = h.visitor(&w, std::nullopt, std::nullopt);
    h.drain(sup);
    h.send(v, p::Prechat{*w.conv, {{"name", "Ada Lovelace"}, {"email", " ada@example.com "}, {"order", "A-17"}}});
    const auto saved = h.next<p::PrechatSaved>(v);
    CHECK(saved.conv == *w.conv);
    CHECK_FALSE(saved.offline);
    auto seen = contact_seen(h, sup, *w.conv);
    REQUIRE(seen);
    CHECK_FALSE(seen->verified);
    CHECK(seen->name == "Ada Lovelace");
    CHECK(seen->email == "ada@example.com");
    CHECK(attribute(*seen, "prechat.order") == "A-17");
    CHECK(h.store.find_visitor(w.me.id).value()->name == "Ada Lovelace");
    SECTION("a reload before the first message asks only what is still unknown") {
        p::Welcome again;
        h.visitor(&again, w.token, std::nullopt);
        CHECK(again.prechat.empty());
    }
}

TEST_CASE("a verified visitor is never asked what the site told us, and a later claim keeps the answers",
          "[prechat]") {
    HubHarness h(prechat_config());
    const ConnId v = h.open();
    p::Hello hello{"visitor", std::nullopt, std::nullopt};
    hello.user_id = "u_42";
    hello.email = "ada@example.com";
    hello.user_hash = identity_hmac_hex(kSecret, "u_42");
    h.send(v, hello);
    const p::Welcome w = h.next<p::Welcome>(v);
    h.drain(v);
    REQUIRE(w.identity);
    REQUIRE(w.identity->verified);
    // The site told us the e-mail, not the name.
    REQUIRE(w.prechat.size() == 2);
    CHECK(w.prechat[0].name == "name");
    CHECK(w.prechat[1].name == "order");
    h.send(v, p::Prechat{*w.conv, {{"name", "Ada"}, {"order", "A-17"}}});
    h.next<p::PrechatSaved>(v);
    // The same claim again (a reload): the answers stay, and nothing is asked.
    const ConnId again = h.open();
    h.send(again, hello);
    const p::Welcome w2 = h.next<p::Welcome>(again);
    CHECK(w2.prechat.empty());
    const auto stored = h.store.find_contact(w.me.id).value();
    REQUIRE(stored);
    CHECK(stored->verified);
    CHECK(attribute(*stored, "prechat.order") == "A-17");
}

TEST_CASE("with nobody available a visitor leaves an e-mail: stored, the conversation marked, agents told",
          "[prechat]") {
    HubHarness h(prechat_config(""));
    const ConnId sup = h.agent(h.make_agent("a_1", "sup@example.com", "Sue", {}, true));
    p::Welcome w;
    const ConnId v = h.visitor(&w);
    h.send(v, p::Send{*w.conv, "v.1", "anyone there?"});
    h.drain(v);
    h.drain(sup);
    SECTION("a bad e-mail is refused") {
        h.send(v, p::Prechat{*w.conv, {{"email", "ada"}}, true});
        CHECK(h.error(v).fields == PrechatValues{{"email", "email"}});
        h.send(v, p::Prechat{*w.conv, {{"name", "Ada"}}, true});
        CHECK(h.error(v).fields == PrechatValues{{"email", "required"}, {"name", "unknown"}});
    }
    SECTION("a good one is stored and marks the conversation") {
        h.send(v, p::Prechat{*w.conv, {{"email", "ada@example.com"}}, true});
        CHECK(h.next<p::PrechatSaved>(v).offline);
        auto seen = contact_seen(h, sup, *w.conv);
        REQUIRE(seen);
        CHECK(seen->email == "ada@example.com");
        CHECK(attribute(*seen, "reply_by_email") == *w.conv);
        bool line = false;
        for (auto& f : h.received[sup])
            if (auto* m = std::get_if<p::Msg>(&f))
                line = line || (m->message.internal && m->message.text == "The visitor asked to be answered by e-mail");
        CHECK(line);
        // The visitor is not shown the internal line.
        for (auto& f : h.received[v]) CHECK_FALSE(std::holds_alternative<p::Msg>(f));
    }
}

TEST_CASE("only the visitor of the conversation answers its form", "[prechat]") {
    HubHarness h(prechat_config());
    const ConnId ann = h.agent(h.make_agent("a_1", "ann@example.com", "Ann"));
    p::Welcome w, other;
    h.visitor(&w);
    const ConnId eve = h.visitor(&other);
    h.send(eve, p::Prechat{*w.conv, {{"email", "eve@example.com"}}, true});
    CHECK(h.error(eve).code == p::ErrorCode::forbidden);
    h.drain(ann);
    h.send(ann, p::Prechat{*w.conv, {{"email", "ann@example.com"}}, true});
    CHECK(h.error(ann).code == p::ErrorCode::forbidden);
    CHECK_FALSE(h.store.find_contact(w.me.id).value());
}

TEST_CASE("erasing a visitor erases their pre-chat answers and the e-mail left for a reply", "[prechat]") {
    HubHarness h(prechat_config());
    const ConnId sup = h.agent(h.make_agent("a_1", "sup@example.com", "Sue", {}, true));
    p::Welcome w;
    const ConnId v = h.visitor(&w, std::nullopt, std::nullopt);
    h.send(v, p::Prechat{*w.conv, {{"name", "Ada"}, {"email", "ada@example.com"}, {"order", "A-17"}}});
    h.next<p::PrechatSaved>(v);
    h.send(v, p::Prechat{*w.conv, {{"email", "ada@example.com"}}, true});
    h.next<p::PrechatSaved>(v);
    REQUIRE(h.store.find_contact(w.me.id).value());
    h.drain(sup);
    h.send(sup, p::EraseVisitor{w.me.id, ""});
    bool erased = false;
    for (auto& f : h.received[sup]) erased = erased || std::holds_alternative<p::VisitorErased>(f);
    CHECK(erased);
    CHECK_FALSE(h.store.find_contact(w.me.id).value());
}

TEST_CASE("a verified user's welcome lists their closed conversations, which they read but cannot write",
          "[prechat][identity]") {
    HubHarness h(prechat_config(""));
    const ConnId ann = h.agent(h.make_agent("a_ann", "ann@example.com", "Ann"));
    p::Hello hello{"visitor", std::nullopt, std::string("Ada")};
    hello.user_id = "u_42";
    hello.user_hash = identity_hmac_hex(kSecret, "u_42");
    const ConnId laptop = h.open();
    h.send(laptop, hello);
    const p::Welcome first = h.next<p::Welcome>(laptop);
    CHECK(first.past.empty());
    const std::string old = *first.conv;
    h.send(laptop, p::Send{old, "v.1", "where is order 1042?"});
    h.send(ann, p::Send{old, "a.1", "It ships today."});
    h.send(ann, p::Note{old, "n.1", "internal: VIP"});
    h.send(ann, p::CloseConv{old});
    h.drain(ann);
    h.close(laptop);

    // Another device of the same user, later: a new conversation, and the old one listed.
    const ConnId phone = h.open();
    h.send(phone, hello);
    const p::Welcome w = h.next<p::Welcome>(phone);
    h.drain(phone);
    REQUIRE(w.identity);
    REQUIRE(w.identity->verified);
    CHECK(*w.conv != old);
    REQUIRE(w.past.size() == 1);
    CHECK(w.past[0].conv == old);
    CHECK(w.past[0].updated > 0);
    // The last words said to the visitor: not the note after them, nor "Conversation closed".
    CHECK(h.store.find_conversation(old).value()->last_text != "It ships today.");
    CHECK(w.past[0].preview == "It ships today.");

    h.send(phone, p::History{old, std::nullopt, 50});
    const auto page = h.next<p::Page>(phone);
    CHECK(page.conv == old);
    std::vector<std::string> texts;
    for (const auto& m : page.msgs) texts.push_back(m.text);
    CHECK(std::find(texts.begin(), texts.end(), "It ships today.") != texts.end());
    CHECK(std::find(texts.begin(), texts.end(), "internal: VIP") == texts.end());  // never the agents' notes

    h.send(phone, p::Send{old, "v.2", "one more thing"});
    CHECK(h.error(phone).code == p::ErrorCode::forbidden);

    SECTION("another visitor can neither read it nor learn it exists") {
        p::Welcome other;
        const ConnId eve = h.visitor(&other);
        CHECK(other.past.empty());
        h.send(eve, p::History{old, std::nullopt, 50});
        CHECK(h.error(eve).code == p::ErrorCode::forbidden);
    }
    SECTION("an unverified claim of the same user id lists nothing") {
        p::Hello forged = hello;
        forged.user_hash = std::string(64, '0');
        const ConnId forger = h.open();
        h.send(forger, forged);
        CHECK(h.next<p::Welcome>(forger).past.empty());
    }
}

TEST_CASE("a past conversation's preview is cut to 140 bytes on a character boundary, and never shows a note",
          "[prechat][identity]") {
    HubHarness h(prechat_config(""));
    const ConnId ann = h.agent(h.make_agent("a_ann", "ann@example.com", "Ann"));
    p::Hello hello{"visitor", std::nullopt, std::string("Ada")};
    hello.user_id = "u_42";
    hello.user_hash = identity_hmac_hex(kSecret, "u_42");
    auto conversation = [&](const std::vector<std::string>& visitor_says, const std::string& note) {
        const ConnId v = h.open();
        h.send(v, hello);
        const std::string conv = *h.next<p::Welcome>(v).conv;
        for (std::size_t i = 0; i < visitor_says.size(); ++i)
            h.send(v, p::Send{conv, "v." + std::to_string(i), visitor_says[i]});
        if (!note.empty()) h.send(ann, p::Note{conv, "n." + conv, note});
        h.send(ann, p::CloseConv{conv});
        h.drain(ann);
        h.close(v);
        return conv;
    };
    std::string accents = "a";
    for (int i = 0; i < 100; ++i) accents += "é";  // 201 bytes; byte 140 is inside an "é"
    const std::string long_one = conversation({accents}, "");
    const std::string short_one = conversation({"exactly this", std::string(p::kPastPreviewBytes, 'x')}, "secret note");

    const ConnId phone = h.open();
    h.send(phone, hello);
    const p::Welcome w = h.next<p::Welcome>(phone);
    REQUIRE(w.past.size() == 2);
    CHECK(w.past[0].conv == short_one);  // newest first
    CHECK(w.past[0].preview == std::string(p::kPastPreviewBytes, 'x'));  // 140 bytes: whole, no "…"
    CHECK(w.past[1].conv == long_one);
    std::string cut = "a";
    for (int i = 0; i < 69; ++i) cut += "é";  // 139 bytes: the 70th "é" would end at byte 141
    CHECK(w.past[1].preview == cut + "…");
    for (const p::PastConv& past : w.past) CHECK(past.preview.find("secret") == std::string::npos);
}
