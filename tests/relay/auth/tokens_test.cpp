#include <catch2/catch.hpp>

#include "auth/base64url.hpp"
#include "auth/session_token.hpp"
#include "auth/visitor_token.hpp"
#include "store/memory_store.hpp"
#include "support/deterministic_random.hpp"

using namespace parley::relay;

namespace {
const std::string kSecret(32, 'k');
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
    const std::string token = issue_visitor_token(kSecret, VisitorClaims{"v_0123456789abcdef", T0 + 1000});
    auto claims = verify_visitor_token(kSecret, token, T0);
    REQUIRE(claims);
    CHECK(claims->visitor_id == "v_0123456789abcdef");
    CHECK(claims->expires == T0 + 1000);

    SECTION("expired") {
        CHECK_FALSE(verify_visitor_token(kSecret, token, T0 + 1000));
        CHECK_FALSE(verify_visitor_token(kSecret, token, T0 + 5000));
    }
    SECTION("signed with another secret") {
        CHECK_FALSE(verify_visitor_token(std::string(32, 'x'), token, T0));
    }
    SECTION("payload swapped for another visitor's") {
        const auto dot = token.find('.');
        const std::string forged =
            base64url_encode("v_ffffffffffffffff:" + std::to_string(T0 + 1000)) + token.substr(dot);
        CHECK_FALSE(verify_visitor_token(kSecret, forged, T0));
    }
    SECTION("any single character changed") {
        for (std::size_t i = 0; i < token.size(); ++i) {
            std::string t = token;
            t[i] = t[i] == 'A' ? 'B' : 'A';
            CAPTURE(i);
            CHECK_FALSE(verify_visitor_token(kSecret, t, T0));
        }
    }
    SECTION("malformed") {
        for (const char* bad : {"", ".", "abc", "abc.", ".abc", "a.b.c", "!!!.???"})
            CHECK_FALSE(verify_visitor_token(kSecret, bad, T0));
    }
}

TEST_CASE("the visitor secret is made once and then kept", "[auth][token]") {
    MemoryStore store;
    test::DeterministicRandom random;
    auto first = load_or_create_visitor_secret(store, random);
    REQUIRE(first.ok());
    CHECK(first.value().size() == 32);
    auto second = load_or_create_visitor_secret(store, random);
    REQUIRE(second.ok());
    CHECK(second.value() == first.value());
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
