#include <catch2/catch.hpp>

#include "net/origin_policy.hpp"

using parley::relay::OriginPolicy;

TEST_CASE("a missing Origin (a native client) is allowed", "[origin]") {
    CHECK(OriginPolicy({"https://shop.example"}).allows(""));
}

TEST_CASE("only listed origins are allowed, ignoring case and a trailing slash", "[origin]") {
    OriginPolicy policy({"https://shop.example", "http://localhost:8080"});
    CHECK(policy.allows("https://shop.example"));
    CHECK(policy.allows("HTTPS://Shop.Example/"));
    CHECK(policy.allows("http://localhost:8080"));
    CHECK_FALSE(policy.allows("http://shop.example"));
    CHECK_FALSE(policy.allows("https://shop.example.evil.test"));
    CHECK_FALSE(policy.allows("http://localhost:8081"));
    CHECK_FALSE(policy.allows("null"));
}

TEST_CASE("the default allow-list is the relay's own origins", "[origin]") {
    CHECK(OriginPolicy::defaults("127.0.0.1", 9000) ==
          std::vector<std::string>{"http://127.0.0.1:9000", "http://localhost:9000"});
    CHECK(OriginPolicy::defaults("chat.local", 8080) ==
          std::vector<std::string>{"http://chat.local:8080", "http://127.0.0.1:8080",
                                   "http://localhost:8080"});
    CHECK(OriginPolicy({OriginPolicy::defaults("chat.local", 80)}).allows("http://chat.local"));
}

TEST_CASE("with TLS the default allow-list is the relay's own https:// origins", "[origin][tls]") {
    CHECK(OriginPolicy::defaults("chat.local", 8443, true) ==
          std::vector<std::string>{"https://chat.local:8443", "https://127.0.0.1:8443",
                                   "https://localhost:8443"});
    const OriginPolicy on_443(OriginPolicy::defaults("chat.local", 443, true));
    CHECK(on_443.allows("https://chat.local"));
    CHECK_FALSE(on_443.allows("http://chat.local"));
    CHECK_FALSE(on_443.allows("http://chat.local:443"));
}
