// The visitor token key ring (auth/visitor_key_ring.hpp) and the token format with key
// ids (auth/visitor_token.hpp): rotation logs no one out, pruning ends old keys, a token
// naming a key the ring does not hold fails like a forged one, and tokens from before
// key ids keep verifying under the key they were signed with.
#include <catch2/catch.hpp>

#include "auth/base64url.hpp"
#include "auth/visitor_key_ring.hpp"
#include "auth/visitor_token.hpp"

using namespace parley::relay;

namespace {

constexpr std::int64_t T0 = 1'700'000'000'000;
constexpr std::int64_t kDay = 24LL * 60 * 60 * 1000;
const std::string kFirst(32, 'a');
const std::string kSecond(32, 'b');
const VisitorClaims kAda{"v_00000000000000ad", T0 + kVisitorTokenTtlMs};

// The three parts of a current token.
struct Parts {
    std::string kid, payload, mac;
};
Parts split(const std::string& token) {
    const auto a = token.find('.');
    const auto b = token.find('.', a + 1);
    return {token.substr(0, a), token.substr(a + 1, b - a - 1), token.substr(b + 1)};
}

}  // namespace

TEST_CASE("After a rotation old tokens still verify and new ones are signed with the new key",
          "[auth][token][keyring]") {
    VisitorKeyRing ring = VisitorKeyRing::single(kFirst, T0);
    const std::string before = issue_visitor_token(ring, kAda);
    CHECK(split(before).kid == "k1");

    ring.rotate(kSecond, T0 + kDay);
    CHECK(ring.signing().id == 2);
    const std::string after = issue_visitor_token(ring, kAda);
    CHECK(split(after).kid == "k2");

    auto old_claims = verify_visitor_token(ring, before, T0 + kDay);
    REQUIRE(old_claims);
    CHECK(old_claims->visitor_id == kAda.visitor_id);
    auto new_claims = verify_visitor_token(ring, after, T0 + kDay);
    REQUIRE(new_claims);
    CHECK(new_claims->visitor_id == kAda.visitor_id);
    // The new key really is another key: the ring before rotation cannot verify it.
    CHECK_FALSE(verify_visitor_token(VisitorKeyRing::single(kFirst, T0), after, T0 + kDay));
}

TEST_CASE("A token naming another key id than the one that signed it is refused", "[auth][token][keyring]") {
    VisitorKeyRing ring = VisitorKeyRing::single(kFirst, T0);
    ring.rotate(kSecond, T0 + kDay);
    const Parts signed_by_2 = split(issue_visitor_token(ring, kAda));

    SECTION("relabelled as key 1, which the ring holds") {
        CHECK_FALSE(verify_visitor_token(ring, "k1." + signed_by_2.payload + "." + signed_by_2.mac, T0));
    }
    SECTION("a key id the ring never held") {
        CHECK_FALSE(verify_visitor_token(ring, "k3." + signed_by_2.payload + "." + signed_by_2.mac, T0));
    }
    SECTION("the key id dropped: the legacy two-part form") {
        CHECK_FALSE(verify_visitor_token(ring, signed_by_2.payload + "." + signed_by_2.mac, T0));
    }
}

TEST_CASE("A key is pruned once its successor is older than the token lifetime, and its tokens then fail",
          "[auth][token][keyring]") {
    VisitorKeyRing ring = VisitorKeyRing::single(kFirst, T0);
    const std::string old_token = issue_visitor_token(ring, VisitorClaims{"v_1", T0 + 2 * kVisitorTokenTtlMs});
    ring.rotate(kSecond, T0 + kDay);

    CHECK(ring.prune(T0 + kDay + kVisitorTokenTtlMs - 1, kVisitorTokenTtlMs) == 0);
    CHECK(ring.keys().size() == 2);
    CHECK(verify_visitor_token(ring, old_token, T0 + kDay));

    CHECK(ring.prune(T0 + kDay + kVisitorTokenTtlMs, kVisitorTokenTtlMs) == 1);
    REQUIRE(ring.keys().size() == 1);
    CHECK(ring.signing().id == 2);
    CHECK_FALSE(verify_visitor_token(ring, old_token, T0 + kDay));

    SECTION("the signing key is never pruned, however old") {
        CHECK(ring.prune(T0 + 100 * kVisitorTokenTtlMs, kVisitorTokenTtlMs) == 0);
        CHECK(ring.keys().size() == 1);
    }
}

TEST_CASE("A token from before key ids verifies only under the legacy key", "[auth][token][keyring]") {
    const std::string legacy_token = issue_legacy_visitor_token(kFirst, kAda);
    REQUIRE(legacy_token.find('.') == legacy_token.rfind('.'));  // two parts, as before

    SECTION("the migrated secret, marked legacy, verifies it, also after a rotation") {
        VisitorKeyRing ring = VisitorKeyRing::single(kFirst, T0, /*legacy=*/true);
        CHECK(verify_visitor_token(ring, legacy_token, T0));
        ring.rotate(kSecond, T0 + kDay);
        auto claims = verify_visitor_token(ring, legacy_token, T0 + kDay);
        REQUIRE(claims);
        CHECK(claims->visitor_id == kAda.visitor_id);
    }
    SECTION("the same secret not marked legacy does not") {
        CHECK_FALSE(verify_visitor_token(VisitorKeyRing::single(kFirst, T0), legacy_token, T0));
    }
    SECTION("nor once the legacy key is pruned") {
        VisitorKeyRing ring = VisitorKeyRing::single(kFirst, T0, true);
        ring.rotate(kSecond, T0);
        ring.prune(T0 + kVisitorTokenTtlMs, kVisitorTokenTtlMs);
        CHECK_FALSE(verify_visitor_token(ring, legacy_token, T0));
    }
    SECTION("a current token's MAC passed off as a legacy token is refused") {
        VisitorKeyRing ring = VisitorKeyRing::single(kFirst, T0, true);
        const Parts p = split(issue_visitor_token(ring, kAda));
        const std::string disguised =
            base64url_encode("parley-vt2.1." + *base64url_decode(p.payload)) + "." + p.mac;
        CHECK_FALSE(verify_visitor_token(ring, disguised, T0));
    }
}

TEST_CASE("The key file's text round-trips, and malformed text is refused with its line",
          "[auth][keyring]") {
    VisitorKeyRing ring = VisitorKeyRing::single(kFirst, T0, true);
    ring.rotate(kSecond, T0 + kDay);
    auto back = VisitorKeyRing::parse(ring.format());
    REQUIRE(back.ok());
    REQUIRE(back.value().keys().size() == 2);
    CHECK(back.value().keys()[0].secret == kFirst);
    CHECK(back.value().keys()[0].legacy);
    CHECK(back.value().keys()[1].id == 2);
    CHECK(back.value().keys()[1].created == T0 + kDay);
    CHECK_FALSE(back.value().keys()[1].legacy);

    const std::string good = base64url_encode(kFirst);
    const std::string short_secret = base64url_encode(std::string(31, 'a'));
    for (const std::string& bad :
         {std::string(""), std::string("# only a comment\n"), "1 " + std::to_string(T0) + " " + short_secret,
          "0 " + std::to_string(T0) + " " + good, "x " + std::to_string(T0) + " " + good, "1 " + good,
          "1 " + std::to_string(T0) + " " + good + " sticky",
          "2 0 " + good + "\n1 0 " + good}) {
        CAPTURE(bad);
        auto parsed = VisitorKeyRing::parse(bad);
        REQUIRE_FALSE(parsed.ok());
        CHECK(parsed.error().code == parley::protocol::ErrorCode::storage_failed);
    }
}
