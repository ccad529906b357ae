#include <catch2/catch.hpp>

#include "auth/base64url.hpp"
#include "auth/session_token.hpp"
#include "auth/visitor_token.hpp"
#include "support/deterministic_random.hpp"

using namespace parley::relay;

namespace {
const std::string kSecret(32, 'k');
const VisitorKeyRing kKeys = VisitorKeyRing::single(kSecret);
constexpr std::int64_t T0 = 1'700'000'000'000;
}  // namespace

TEST_CASE("base64url round-trips bytes without padding", "[auth][base64url]") {
    const std::string bytes("\x00\xff\xfe\x01?>", 6);
    const std::string text = base64url_encode(bytes);
    CHECK(text.find_first_of("+/=") == std::string::npos);
    CHECK(base64url_decode(text) == std::optional<std::string>(bytes));
    CHECK_FALSE(base64url_decode("ab+c"));
    CHECK_FALSE(base64url_decode("abc="));
}

TEST_CASE("a visitor token carries the visitor id until it expires", "[auth][token]") {
    const std::string token = issue_visitor_token(kKeys, VisitorClaims{"v_0123456789abcdef", T0 + 1000});
    CHECK(token.rfind("k1.", 0) == 0);  // names the key that signed it
    auto claims = verify_visitor_token(kKeys, token, T0);
    REQUIRE(claims);
    CHECK(claims->visitor_id == "v_0123456789abcdef");
    CHECK(claims->expires == T0 + 1000);

    SECTION("expired") {
        CHECK_FALSE(verify_visitor_token(kKeys, token, T0 + 1000));
        CHECK_FALSE(verify_visitor_token(kKeys, token, T0 + 5000));
    }
    SECTION("signed with another secret") {
        CHECK_FALSE(verify_visitor_token(VisitorKeyRing::single(std::string(32, 'x')), token, T0));
    }
    SECTION("payload swapped for another visitor's") {
        const auto dot = token.rfind('.');
        const std::string forged =
            "k1." + base64url_encode("v_ffffffffffffffff:" + std::to_string(T0 + 1000)) + token.substr(dot);
        CHECK_FALSE(verify_visitor_token(kKeys, forged, T0));
    }
    SECTION("any single character changed") {
        for (std::size_t i = 0; i < token.size(); ++i) {
            std::string t = token;
            t[i] = t[i] == 'A' ? 'B' : 'A';
            CAPTURE(i);
            CHECK_FALSE(verify_visitor_token(kKeys, t, T0));
        }
    }
    SECTION("malformed") {
        for (const char* bad : {"", ".", "abc", "abc.", ".abc", "a.b.c", "!!!.???", "k1..", "k.a.b", "k01.a.b",
                                "k-1.a.b", "k99999999999.a.b", "k1.a.b.c"})
            CHECK_FALSE(verify_visitor_token(kKeys, bad, T0));
    }
}

TEST_CASE("session tokens are random and stored only as a SHA-256 hash", "[auth][session]") {
    test::DeterministicRandom random;
    const std::string a = new_session_token(random);
    const std::string b = new_session_token(random);
    CHECK(a != b);
    CHECK(base64url_decode(a)->size() == 32);
    const std::string h = session_token_hash(a);
    CHECK(h.size() == 64);
    CHECK(h.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(h == session_token_hash(a));
    CHECK(h != session_token_hash(b));
    // SHA-256("abc"), the FIPS 180-2 test vector.
    CHECK(session_token_hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
