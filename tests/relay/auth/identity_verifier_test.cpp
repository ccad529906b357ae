// auth/identity_verifier: a site's server vouches for its user with an HMAC of the user
// id or an HS256 JWT, under the relay's identity secret. Known vectors (RFC 4231, a JWT
// made with openssl), then every way a claim can fail.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "auth/base64url.hpp"
#include "auth/identity_verifier.hpp"

using namespace parley::relay;

namespace {

const std::string kSecret = "0123456789abcdef0123456789abcdef";
const std::vector<std::string> kSecrets{kSecret};

// A JWT made by hand: base64url(header).base64url(payload).base64url(HMAC(secret, both)).
std::string jwt(const std::string& header, const std::string& payload, const std::string& secret = kSecret) {
    const std::string signing = base64url_encode(header) + "." + base64url_encode(payload);
    std::string mac;
    const std::string hex = identity_hmac_hex(secret, signing);
    for (std::size_t i = 0; i < hex.size(); i += 2) mac += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    return signing + "." + base64url_encode(mac);
}

const std::string kHs256 = R"({"alg":"HS256","typ":"JWT"})";
constexpr std::int64_t kNow = 1'800'000'000'000;  // ms; 2027-01-15

std::string payload_exp(std::int64_t exp_s, const std::string& extra = "") {
    return R"({"sub":"u_42",)" + extra + R"("exp":)" + std::to_string(exp_s) + "}";
}

}  // namespace

TEST_CASE("the HMAC is HMAC-SHA256 in lowercase hex (RFC 4231 test cases 1 and 2)", "[identity]") {
    CHECK(identity_hmac_hex(std::string(20, '\x0b'), "Hi There") ==
          "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    CHECK(identity_hmac_hex("Jefe", "what do ya want for nothing?") ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("a user_hash verifies when it is the HMAC of the user id under a secret", "[identity]") {
    // `printf u_42 | openssl dgst -sha256 -hmac 0123456789abcdef0123456789abcdef`
    const std::string hash = "6c853b3245b7ce4ecea1e172226356c538229426b871636ca77cc7871b172561";
    CHECK(verify_user_hash(kSecrets, "u_42", hash) == IdentityCheck::verified);
    SECTION("in upper case too") {
        std::string upper = hash;
        for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        CHECK(verify_user_hash(kSecrets, "u_42", upper) == IdentityCheck::verified);
    }
    SECTION("under the previous secret kept by a rotation") {
        CHECK(verify_user_hash({std::string(40, 'n'), kSecret}, "u_42", hash) == IdentityCheck::verified);
    }
    SECTION("not for another user id, a changed digit, a short or non-hex hash, another secret") {
        CHECK(verify_user_hash(kSecrets, "u_43", hash) == IdentityCheck::bad_hash);
        std::string changed = hash;
        changed[10] = changed[10] == '0' ? '1' : '0';
        CHECK(verify_user_hash(kSecrets, "u_42", changed) == IdentityCheck::bad_hash);
        CHECK(verify_user_hash(kSecrets, "u_42", hash.substr(0, 62)) == IdentityCheck::bad_hash);
        CHECK(verify_user_hash(kSecrets, "u_42", hash.substr(0, 63) + "g") == IdentityCheck::bad_hash);
        CHECK(verify_user_hash(kSecrets, "u_42", "") == IdentityCheck::bad_hash);
        CHECK(verify_user_hash({std::string(40, 'n')}, "u_42", hash) == IdentityCheck::bad_hash);
    }
    SECTION("never without a secret") {
        CHECK(verify_user_hash({}, "u_42", hash) == IdentityCheck::no_secret);
    }
}

TEST_CASE("a JWT made with openssl verifies and gives its claims", "[identity]") {
    // header {"alg":"HS256","typ":"JWT"}, payload
    // {"sub":"u_42","email":"ada@example.com","name":"Ada","exp":2000000000}, signed with
    // `openssl dgst -sha256 -hmac 0123456789abcdef0123456789abcdef -binary`.
    const std::string token =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
        "eyJzdWIiOiJ1XzQyIiwiZW1haWwiOiJhZGFAZXhhbXBsZS5jb20iLCJuYW1lIjoiQWRhIiwiZXhwIjoyMDAwMDAwMDAwfQ."
        "_rm30yk1uwokYt28WYmsZO9w5oHZkWV63VLIUUgfrGo";
    const TokenCheck r = verify_identity_token(kSecrets, token, kNow);
    REQUIRE(r.check == IdentityCheck::verified);
    CHECK(r.claims.user_id == "u_42");
    CHECK(r.claims.email == std::optional<std::string>("ada@example.com"));
    CHECK(r.claims.name == std::optional<std::string>("Ada"));
    CHECK(jwt(kHs256, R"({"sub":"u_42","email":"ada@example.com","name":"Ada","exp":2000000000})") == token);

    SECTION("a tampered payload, header or signature is bad_token") {
        std::string other_sub = token;
        const std::string forged_payload = base64url_encode(R"({"sub":"u_1","exp":2000000000})");
        other_sub.replace(token.find('.') + 1, token.rfind('.') - token.find('.') - 1, forged_payload);
        CHECK(verify_identity_token(kSecrets, other_sub, kNow).check == IdentityCheck::bad_token);
        std::string flipped = token;
        flipped.back() = flipped.back() == 'o' ? 'p' : 'o';
        CHECK(verify_identity_token(kSecrets, flipped, kNow).check == IdentityCheck::bad_token);
        CHECK(verify_identity_token({std::string(40, 'n')}, token, kNow).check == IdentityCheck::bad_token);
    }
    SECTION("never without a secret") {
        CHECK(verify_identity_token({}, token, kNow).check == IdentityCheck::no_secret);
    }
}

TEST_CASE("a JWT is checked against its exp and nbf with a minute of skew", "[identity]") {
    const std::int64_t now_s = kNow / 1000;
    CHECK(verify_identity_token(kSecrets, jwt(kHs256, payload_exp(now_s - 30)), kNow).check == IdentityCheck::verified);
    CHECK(verify_identity_token(kSecrets, jwt(kHs256, payload_exp(now_s - 61)), kNow).check == IdentityCheck::expired);
    CHECK(verify_identity_token(kSecrets, jwt(kHs256, payload_exp(now_s + 600, R"("nbf":)" + std::to_string(now_s + 30) + ",")), kNow)
              .check == IdentityCheck::verified);
    CHECK(verify_identity_token(kSecrets, jwt(kHs256, payload_exp(now_s + 600, R"("nbf":)" + std::to_string(now_s + 120) + ",")), kNow)
              .check == IdentityCheck::not_yet_valid);
    CHECK(verify_identity_token(kSecrets, jwt(kHs256, payload_exp(now_s + 600, R"("iat":)" + std::to_string(now_s + 120) + ",")), kNow)
              .check == IdentityCheck::not_yet_valid);
    // A fractional NumericDate is allowed (RFC 7519 §2).
    CHECK(verify_identity_token(kSecrets, jwt(kHs256, R"({"sub":"u_42","exp":)" + std::to_string(now_s + 60) + ".5}"), kNow)
              .check == IdentityCheck::verified);
}

TEST_CASE("a JWT with another alg, no exp, bad claims or beyond the size cap is bad_token", "[identity]") {
    const std::string ok_payload = payload_exp(kNow / 1000 + 600);
    const auto check = [](const std::string& token) { return verify_identity_token(kSecrets, token, kNow).check; };
    REQUIRE(check(jwt(kHs256, ok_payload)) == IdentityCheck::verified);

    // alg none (unsigned: an empty signature), and alg none even when signed.
    const std::string none = base64url_encode(R"({"alg":"none","typ":"JWT"})") + "." + base64url_encode(ok_payload) + ".";
    CHECK(check(none) == IdentityCheck::bad_token);
    CHECK(check(jwt(R"({"alg":"none"})", ok_payload)) == IdentityCheck::bad_token);
    for (const char* alg : {"HS384", "HS512", "RS256", "ES256", "hs256", "PS256"})
        CHECK(check(jwt(std::string(R"({"alg":")") + alg + R"("})", ok_payload)) == IdentityCheck::bad_token);
    CHECK(check(jwt(R"({"typ":"JWT"})", ok_payload)) == IdentityCheck::bad_token);                     // no alg
    CHECK(check(jwt(R"({"alg":"HS256","crit":["exp"]})", ok_payload)) == IdentityCheck::bad_token);   // crit
    CHECK(check(jwt(R"({"alg":"HS256","typ":"JWE"})", ok_payload)) == IdentityCheck::bad_token);
    CHECK(check(jwt("not json", ok_payload)) == IdentityCheck::bad_token);

    CHECK(check(jwt(kHs256, R"({"sub":"u_42"})")) == IdentityCheck::bad_token);                     // no exp
    CHECK(check(jwt(kHs256, R"({"exp":2000000000})")) == IdentityCheck::bad_token);                 // no sub
    CHECK(check(jwt(kHs256, R"({"sub":42,"exp":2000000000})")) == IdentityCheck::bad_token);
    CHECK(check(jwt(kHs256, R"({"sub":"","exp":2000000000})")) == IdentityCheck::bad_token);
    CHECK(check(jwt(kHs256, R"({"sub":"u_42","exp":"2000000000"})")) == IdentityCheck::bad_token);
    CHECK(check(jwt(kHs256, R"({"sub":"u_42","exp":1e300})")) == IdentityCheck::bad_token);
    CHECK(check(jwt(kHs256, R"({"sub":"u_42","exp":2000000000,"email":7})")) == IdentityCheck::bad_token);
    CHECK(check(jwt(kHs256, R"({"sub":")" + std::string(129, 'u') + R"(","exp":2000000000})")) == IdentityCheck::bad_token);
    CHECK(check(jwt(kHs256, R"(["sub","u_42"])")) == IdentityCheck::bad_token);
    CHECK(check(jwt(kHs256, R"({"sub":"u_42","exp":2000000000} x)")) == IdentityCheck::bad_token);

    // Shape: two parts, four parts, padding, and one byte over the size cap.
    const std::string good = jwt(kHs256, ok_payload);
    CHECK(check(good.substr(0, good.rfind('.'))) == IdentityCheck::bad_token);
    CHECK(check(good + ".x") == IdentityCheck::bad_token);
    CHECK(check(good + "=") == IdentityCheck::bad_token);
    const std::string padded = payload_exp(kNow / 1000 + 600, R"("name":")" + std::string(40, 'a') + R"(",)");
    CHECK(check(jwt(kHs256, padded)) == IdentityCheck::verified);
    const std::string big = jwt(kHs256, payload_exp(kNow / 1000 + 600, R"("pad":")" + std::string(1600, 'a') + R"(",)"));
    REQUIRE(big.size() > kMaxIdentityTokenBytes);
    CHECK(check(big) == IdentityCheck::bad_token);
}
