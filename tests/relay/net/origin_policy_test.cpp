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

TEST_CASE("the relay's own pages are allowed by whatever name the browser reached it",
          "[origin]") {
    // An operator listed only the embedding site; the widget's frame and the console
    // are served by the relay at chat.shop.example, a name the relay was never told.
    const OriginPolicy policy({"https://shop.example"});
    CHECK(policy.allows("https://chat.shop.example", "chat.shop.example"));
    CHECK(policy.allows("http://chat.shop.example:8080", "chat.shop.example:8080"));
    CHECK(policy.allows("HTTPS://Chat.Shop.Example", "chat.shop.example"));  // behind a TLS proxy
    // Not the same host: another site, a different port, a suffix or prefix trick.
    CHECK_FALSE(policy.allows("https://evil.example", "chat.shop.example"));
    CHECK_FALSE(policy.allows("https://chat.shop.example:8443", "chat.shop.example"));
    CHECK_FALSE(policy.allows("https://chat.shop.example.evil.example", "chat.shop.example"));
    CHECK_FALSE(policy.allows("https://xchat.shop.example", "chat.shop.example"));
    CHECK_FALSE(policy.allows("ftp://chat.shop.example", "chat.shop.example"));
    CHECK_FALSE(policy.allows("null", "null"));
    // Without a Host header only the list counts.
    CHECK_FALSE(policy.allows("https://chat.shop.example", ""));
    CHECK(policy.allows("https://shop.example", "chat.shop.example"));
}

TEST_CASE("a relay that speaks TLS itself takes only https:// pages of its host as its own", "[origin][tls]") {
    const OriginPolicy policy({"https://shop.example"}, /*tls=*/true);
    CHECK(policy.allows("https://chat.shop.example", "chat.shop.example"));
    CHECK_FALSE(policy.allows("http://chat.shop.example", "chat.shop.example"));  // a downgraded page
}
