// Hub, identity (issue 17): a site's logged-in user, vouched for by the site's server
// (user_hash or a JWT), is one visitor on every device; an unverified claim is stored as
// such and never reaches anyone else's identity or conversation.
#include <catch2/catch.hpp>

#include "auth/base64url.hpp"
#include "auth/bot_keys.hpp"
#include "auth/identity_verifier.hpp"
#include "support/hub_harness.hpp"

using namespace parley::relay;
using namespace parley::relay::test;

namespace {

const std::string kSecret = "0123456789abcdef0123456789abcdef";

// Both proofs accepted (the relay's default is user_hash alone), so each is exercised.
HubConfig identity_config(bool with_secret = true) {
    HubConfig c = HubHarness::config();
    if (with_secret) c.identity_secrets = {kSecret};
    c.identity_proofs = IdentityProofs::both;
    return c;
}

p::Hello claim(const std::string& user, std::optional<std::string> hash, std::optional<std::string> token = {}) {
    p::Hello h{"visitor", std::move(token), std::string("Ada")};
    h.user_id = user;
    h.email = user + "@example.com";
    h.attributes = {{"plan", "pro"}};
    h.user_hash = std::move(hash);
    return h;
}
std::string hash_of(const std::string& user) { return identity_hmac_hex(kSecret, user); }

std::string jwt(const std::string& payload) {
    const std::string signing = base64url_encode(R"({"alg":"HS256","typ":"JWT"})") + "." + base64url_encode(payload);
    const std::string hex = identity_hmac_hex(kSecret, signing);
    std::string mac;
    for (std::size_t i = 0; i < hex.size(); i += 2) mac += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    return signing + "." + base64url_encode(mac);
}

// Says hello and returns the welcome (presence and queue frames drained).
p::Welcome hello(HubHarness& h, ConnId id, const p::Hello& f) {
    h.send(id, f);
    p::Welcome w = h.next<p::Welcome>(id);
    h.drain(id);
    return w;
}

// The last contact a supervisor was sent for `conv`.
std::optional<p::Contact> contact_seen(HubHarness& h, ConnId agent, const std::string& conv) {
    std::optional<p::Contact> seen;
    for (auto& f : h.received[agent])
        if (auto* u = std::get_if<p::ConvUpdate>(&f); u && u->summary.conv == conv) seen = u->summary.contact;
    return seen;
}

}  // namespace

TEST_CASE("a claim with the right user_hash is welcomed as verified and agents see the contact verified",
          "[identity]") {
    HubHarness h(identity_config());
    const ConnId sup = h.agent(h.make_agent("a_1", "sup@example.com", "Sue", {}, true));
    const ConnId v = h.open();
    const p::Welcome w = hello(h, v, claim("u_42", hash_of("u_42")));
    REQUIRE(w.identity);
    CHECK(w.identity->user_id == "u_42");
    CHECK(w.identity->verified);
    CHECK(w.identity->reason.empty());
    auto seen = contact_seen(h, sup, *w.conv);
    REQUIRE(seen);
    CHECK(seen->verified);
    CHECK(seen->user_id == "u_42");
    CHECK(seen->email == "u_42@example.com");
    CHECK_FALSE(seen->email_verified);  // a user_hash vouches for the user id alone
    CHECK(seen->attributes == p::Attributes{{"plan", "pro"}});
}

TEST_CASE("a forged user_hash is welcomed as unverified (bad_hash) and agents see the claims unverified",
          "[identity]") {
    HubHarness h(identity_config());
    const ConnId sup = h.agent(h.make_agent("a_1", "sup@example.com", "Sue", {}, true));
    const ConnId v = h.open();
    std::string forged = hash_of("u_42");
    forged[0] = forged[0] == 'a' ? 'b' : 'a';
    const p::Welcome w = hello(h, v, claim("u_42", forged));
    REQUIRE(w.identity);
    CHECK_FALSE(w.identity->verified);
    CHECK(w.identity->reason == "bad_hash");
    auto seen = contact_seen(h, sup, *w.conv);
    REQUIRE(seen);
    CHECK_FALSE(seen->verified);
    CHECK(seen->user_id == "u_42");
    SECTION("and a claim without any proof is no_proof") {
        const ConnId other = h.open();
        CHECK(hello(h, other, claim("u_7", std::nullopt)).identity->reason == "no_proof");
    }
}

TEST_CASE("without an identity secret every claim is unverified, even with the right hash", "[identity]") {
    HubHarness h(identity_config(false));
    const ConnId v = h.open();
    const p::Welcome w = hello(h, v, claim("u_42", hash_of("u_42")));
    REQUIRE(w.identity);
    CHECK_FALSE(w.identity->verified);
    CHECK(w.identity->reason == "no_secret");
    auto stored = h.store.find_contact(w.me.id);
    REQUIRE(stored.value());
    CHECK_FALSE(stored.value()->verified);
}

SCENARIO("a verified user's second device resumes the user's conversation with its history", "[identity]") {
    HubHarness h(identity_config());
    GIVEN("the user wrote from a first device") {
        const ConnId laptop = h.open();
        const p::Welcome first = hello(h, laptop, claim("u_42", hash_of("u_42")));
        h.send(laptop, p::Send{*first.conv, "k1", "Where is my order?"});
        h.drain(laptop);
        WHEN("a second device (no token of its own) identifies as the same verified user") {
            const ConnId phone = h.open();
            const p::Welcome second = hello(h, phone, claim("u_42", hash_of("u_42")));
            THEN("it is the same visitor, in the same conversation, and sees the first message") {
                CHECK(second.me.id == first.me.id);
                CHECK(second.conv == first.conv);
                CHECK(second.last_seq == 1);
                CHECK(second.identity->verified);
                h.send(phone, p::History{*second.conv, std::nullopt, 50});
                const p::Page page = h.next<p::Page>(phone);
                REQUIRE(page.msgs.size() == 1);
                CHECK(page.msgs[0].text == "Where is my order?");
            }
            AND_THEN("the audit log names the device that joined the user (identity.joined), once") {
                auto entries = h.store.audit_after(0, 100);
                REQUIRE(entries);
                int joined = 0;
                for (const auto& e : entries.value())
                    if (e.action == "identity.joined") {
                        ++joined;
                        CHECK(e.target == first.me.id);
                        CHECK(e.actor_role == "visitor");
                    }
                CHECK(joined == 1);  // the first device founded the user; it did not join one
            }
        }
        WHEN("the second device had a token and an anonymous conversation of its own") {
            const ConnId phone = h.open();
            p::Welcome anon = hello(h, phone, p::Hello{"visitor", std::nullopt, std::string("Ada")});
            h.send(phone, p::Send{*anon.conv, "k1", "hi from the phone"});
            h.close(phone);
            const ConnId again = h.open();
            const p::Welcome second = hello(h, again, claim("u_42", hash_of("u_42"), anon.token));
            THEN("it becomes the user's visitor; the anonymous conversation stays with the anonymous identity") {
                CHECK(second.me.id == first.me.id);
                CHECK(second.conv == first.conv);
                auto kept = h.store.find_conversation(*anon.conv);
                REQUIRE(kept.value());
                CHECK(kept.value()->visitor.id == anon.me.id);
            }
        }
    }
}

TEST_CASE("an unverified claim of a verified user's id reveals and joins none of their conversations",
          "[identity]") {
    HubHarness h(identity_config());
    const ConnId victim = h.open();
    const p::Welcome owner = hello(h, victim, claim("u_42", hash_of("u_42")));
    h.send(victim, p::Send{*owner.conv, "k1", "my address is 1 Secret Lane"});
    h.drain(victim);

    std::string forged = hash_of("u_42");
    forged[5] = forged[5] == 'f' ? 'e' : 'f';
    const std::optional<p::Hello> attempts[] = {
        claim("u_42", forged),          // a forged hash
        claim("u_42", std::nullopt),    // no proof at all
        claim("u_42", hash_of("u_43")), // another user's genuine hash
    };
    for (const auto& attempt : attempts) {
        const ConnId attacker = h.open();
        const p::Welcome w = hello(h, attacker, *attempt);
        CHECK_FALSE(w.identity->verified);
        CHECK(w.me.id != owner.me.id);
        CHECK(w.conv != owner.conv);
        CHECK(w.last_seq == 0);
        h.send(attacker, p::History{*owner.conv, std::nullopt, 50});
        CHECK(h.error(attacker).code == p::ErrorCode::forbidden);
        h.send(attacker, p::Sync{*owner.conv, 0});
        CHECK(h.error(attacker).code == p::ErrorCode::forbidden);
    }
    // And the victim's verified contact is still theirs, verified.
    auto holder = h.store.verified_visitor("u_42");
    REQUIRE(holder.value());
    CHECK(*holder.value() == owner.me.id);
    CHECK(h.store.find_contact(owner.me.id).value()->verified);
}

TEST_CASE("a visitor who chatted anonymously, then logs in, keeps that conversation as the user's", "[identity]") {
    HubHarness h(identity_config());
    p::Welcome anon;
    const ConnId tab = h.visitor(&anon);
    h.send(tab, p::Send{*anon.conv, "k1", "question before logging in"});
    h.close(tab);
    const ConnId tab2 = h.open();
    const p::Welcome w = hello(h, tab2, claim("u_42", hash_of("u_42"), anon.token));
    CHECK(w.me.id == anon.me.id);
    CHECK(w.conv == anon.conv);
    CHECK(w.identity->verified);
    // ... and the user's other devices find it.
    const ConnId phone = h.open();
    CHECK(hello(h, phone, claim("u_42", hash_of("u_42"))).conv == anon.conv);
}

TEST_CASE("a device verified as one user that identifies as another gets a fresh identity", "[identity]") {
    HubHarness h(identity_config());
    const ConnId a = h.open();
    const p::Welcome alice = hello(h, a, claim("alice", hash_of("alice")));
    h.send(a, p::Send{*alice.conv, "k1", "alice's question"});
    h.close(a);
    // Bob logs in on the same browser (Alice's visitor token).
    const ConnId b = h.open();
    const p::Welcome bob = hello(h, b, claim("bob", hash_of("bob"), alice.token));
    CHECK(bob.identity->verified);
    CHECK(bob.me.id != alice.me.id);
    CHECK(bob.conv != alice.conv);
    CHECK(bob.last_seq == 0);
    CHECK(*h.store.verified_visitor("alice").value() == alice.me.id);
    CHECK(*h.store.verified_visitor("bob").value() == bob.me.id);
    SECTION("an unverified claim with Alice's token stays Alice's visitor and leaves her contact verified") {
        const ConnId c = h.open();
        const p::Welcome w = hello(h, c, claim("mallory", std::nullopt, alice.token));
        CHECK(w.me.id == alice.me.id);  // the token is the proof of this device
        CHECK_FALSE(w.identity->verified);
        auto contact = h.store.find_contact(alice.me.id).value();
        CHECK(contact->user_id == "alice");
        CHECK(contact->verified);
    }
}

TEST_CASE("an identity token (JWT) vouches for the user id, the e-mail and the name; an expired one does not",
          "[identity]") {
    HubHarness h(identity_config());
    const ConnId sup = h.agent(h.make_agent("a_1", "sup@example.com", "Sue", {}, true));
    const std::int64_t now_s = h.now / 1000;
    p::Hello f{"visitor", std::nullopt, std::nullopt};
    f.identity_token = jwt(R"({"sub":"u_9","email":"grace@example.com","name":"Grace","exp":)" +
                           std::to_string(now_s + 300) + "}");
    const ConnId v = h.open();
    const p::Welcome w = hello(h, v, f);
    CHECK(w.identity->verified);
    CHECK(w.identity->user_id == "u_9");
    CHECK(w.me.name == "Grace");
    auto seen = contact_seen(h, sup, *w.conv);
    REQUIRE(seen);
    CHECK(seen->verified);
    CHECK(seen->email == "grace@example.com");
    CHECK(seen->email_verified);

    p::Hello late{"visitor", std::nullopt, std::nullopt};
    late.identity_token = jwt(R"({"sub":"u_9","exp":)" + std::to_string(now_s - 120) + "}");
    const ConnId other = h.open();
    const p::Welcome expired = hello(h, other, late);
    CHECK_FALSE(expired.identity->verified);
    CHECK(expired.identity->reason == "expired");
    CHECK(expired.me.id != w.me.id);
}

TEST_CASE("bots are not sent a visitor's claims; agents are", "[identity]") {
    HubHarness h(identity_config());
    const std::string key = "pk_" + std::string(43, 'A');
    REQUIRE(h.store.create_bot_key(BotKey{"helper", "Helper", bot_key_hash(key), h.now, 0}).ok());
    const ConnId sup = h.agent(h.make_agent("a_1", "sup@example.com", "Sue", {}, true));
    const ConnId bot = h.open();
    h.send(bot, p::Hello{"bot", std::nullopt, std::nullopt, std::nullopt, key});
    h.next<p::Welcome>(bot);
    h.drain(bot);
    const ConnId v = h.open();
    const p::Welcome w = hello(h, v, claim("u_42", hash_of("u_42")));
    h.send(v, p::Send{*w.conv, "k1", "hello bot"});
    bool bot_told = false;
    for (auto& f : h.received[bot])
        if (auto* u = std::get_if<p::ConvUpdate>(&f); u && u->summary.conv == *w.conv) {
            bot_told = true;
            CHECK_FALSE(u->summary.contact);
        }
    CHECK(bot_told);
    CHECK(contact_seen(h, sup, *w.conv));
}

TEST_CASE("a hello with malformed identity fields gets its documented error and creates nothing", "[identity]") {
    HubHarness h(identity_config());
    struct Row {
        const char* frame;
        p::ErrorCode code;
        const char* message;
    };
    const std::string long_id(129, 'u');
    const std::string many = [] {
        std::string a = "{";
        for (int i = 0; i < 21; ++i) a += (i ? "," : "") + std::string("\"k") + std::to_string(i) + "\":\"v\"";
        return a + "}";
    }();
    const std::vector<std::pair<std::string, std::pair<p::ErrorCode, std::string>>> rows = {
        {R"({"v":1,"type":"hello","role":"visitor","user_id":""})", {p::ErrorCode::bad_field, "bad field: user_id"}},
        {R"({"v":1,"type":"hello","role":"visitor","user_id":")" + long_id + R"("})",
         {p::ErrorCode::bad_field, "bad field: user_id"}},
        {R"({"v":1,"type":"hello","role":"visitor","user_id":42})", {p::ErrorCode::bad_field, "bad field: user_id"}},
        {R"({"v":1,"type":"hello","role":"visitor","user_id":"u","attributes":)" + many + "}",
         {p::ErrorCode::bad_field, "bad field: attributes"}},
        {R"({"v":1,"type":"hello","role":"visitor","user_id":"u","attributes":{"a b":"x"}})",
         {p::ErrorCode::bad_field, "bad field: attributes"}},
        {R"({"v":1,"type":"hello","role":"visitor","user_id":"u","attributes":{"n":1}})",
         {p::ErrorCode::bad_field, "bad field: attributes"}},
        {R"({"v":1,"type":"hello","role":"visitor","user_id":"u","attributes":{"n":")" + std::string(257, 'x') + R"("}})",
         {p::ErrorCode::bad_field, "bad field: attributes"}},
        {R"({"v":1,"type":"hello","role":"visitor","user_id":"u","attributes":["x"]})",
         {p::ErrorCode::bad_field, "bad field: attributes"}},
        {R"({"v":1,"type":"hello","role":"visitor","user_hash":"00"})", {p::ErrorCode::missing_field, "missing field: user_id"}},
        {R"({"v":1,"type":"hello","role":"visitor","email":"a@b.c"})", {p::ErrorCode::missing_field, "missing field: user_id"}},
        {R"({"v":1,"type":"hello","role":"visitor","user_id":"u","user_hash":"00","identity_token":"a.b.c"})",
         {p::ErrorCode::bad_field, "bad field: identity_token"}},
        {R"({"v":1,"type":"hello","role":"visitor","identity_token":")" + std::string(2049, 'a') + R"("})",
         {p::ErrorCode::bad_field, "bad field: identity_token"}},
        {R"({"v":1,"type":"hello","role":"agent","token":"t","user_id":"u"})", {p::ErrorCode::bad_field, "bad field: user_id"}},
    };
    for (const auto& [frame, expected] : rows) {
        CAPTURE(frame);
        const ConnId c = h.open();
        h.text(c, frame);
        const p::ErrorFrame e = h.error(c);
        CHECK(e.code == expected.first);
        CHECK(e.message == expected.second);
        CHECK(h.idle(c));
    }
    CHECK_FALSE(h.store.verified_visitor("u").value());
}

TEST_CASE("a relay accepts user_hash alone by default, and one kind of proof leaves the other unverified",
          "[identity]") {
    CHECK(HubConfig{}.identity_proofs == IdentityProofs::user_hash);
    // Why (core/identity_claim.hpp): a site whose users choose their own ids, rendering
    // user_hash, would otherwise sign any JWT signing input a user picked as a "user id".
    HubConfig c = identity_config();
    c.identity_proofs = IdentityProofs::identity_token;
    HubHarness h(c);
    const std::string signing = base64url_encode(R"({"alg":"HS256"})") + "." +
                                base64url_encode(R"({"sub":"victim","exp":)" + std::to_string(h.now / 1000 + 300) + "}");
    // The attack: the site computed user_hash for a user who named themselves `signing`,
    // and the hash is a valid signature of a token claiming to be "victim".
    const std::string hex = hash_of(signing);
    std::string mac;
    for (std::size_t i = 0; i < hex.size(); i += 2) mac += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    p::Hello forged_token{"visitor", std::nullopt, std::nullopt};
    forged_token.identity_token = signing + "." + base64url_encode(mac);
    SECTION("with both proofs accepted the forged token would verify: the reason for the option") {
        HubHarness both(identity_config());
        CHECK(hello(both, both.open(), forged_token).identity->verified);
    }
    SECTION("a user_hash is not checked when only tokens are accepted") {
        const p::Welcome w = hello(h, h.open(), claim("u_42", hash_of("u_42")));
        CHECK_FALSE(w.identity->verified);
        CHECK(w.identity->reason == "proof_not_accepted");
    }
    SECTION("a token is not checked when only user_hash is accepted") {
        HubConfig hc = identity_config();
        hc.identity_proofs = IdentityProofs::user_hash;
        HubHarness hh(hc);
        const p::Welcome w = hello(hh, hh.open(), forged_token);
        CHECK_FALSE(w.identity->verified);
        CHECK(w.identity->reason == "proof_not_accepted");
    }
}
