// SecurityHeaders (relay/net/security_headers.hpp): which Content-Security-Policy each
// static page gets.
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <sstream>

#include "net/security_headers.hpp"

using namespace parley::relay;

namespace {
const std::vector<std::string> kOrigins = {"http://127.0.0.1:8080", "https://shop.example"};
}

TEST_CASE("the widget frame may be framed by the allowed origins only", "[security_headers]") {
    const std::string csp = content_security_policy("/widget/frame.html", kOrigins);
    CHECK(csp.find(std::string(kAppPagePolicy)) == 0);
    CHECK(csp.find("; frame-ancestors http://127.0.0.1:8080 https://shop.example") != std::string::npos);
    SECTION("an entry that is not a plain origin is left out, so it cannot add a directive") {
        const std::string bad = content_security_policy(
            "/widget/frame.html", {"https://a.example; script-src *", "https://ok.example"});
        CHECK(bad.find("script-src *") == std::string::npos);
        CHECK(bad.find("frame-ancestors https://ok.example") != std::string::npos);
    }
    SECTION("no usable origin: nobody may frame it") {
        CHECK(content_security_policy("/widget/frame.html", {}).find("frame-ancestors 'none'") != std::string::npos);
    }
}

TEST_CASE("the console and every other path may not be framed", "[security_headers]") {
    for (const char* path : {"/console/", "/console", "/console/index.html"}) {
        CAPTURE(path);
        const std::string csp = content_security_policy(path, kOrigins);
        CHECK(csp.find(std::string(kAppPagePolicy)) == 0);
        CHECK(csp.find("frame-ancestors 'none'") != std::string::npos);
    }
    for (const char* path : {"/", "/index.html", "/loader.js", "/widget/app.js", "/widget/frame.htm"}) {
        CAPTURE(path);
        CHECK(content_security_policy(path, kOrigins) == "frame-ancestors 'none'");
    }
}

TEST_CASE("every response's baseline policy allows no more framing than the widget frame's",
          "[security_headers]") {
    CHECK(baseline_security_policy(kOrigins) ==
          "frame-ancestors http://127.0.0.1:8080 https://shop.example; object-src 'none'; base-uri 'self'");
    CHECK(baseline_security_policy({}) == "frame-ancestors 'none'; object-src 'none'; base-uri 'self'");
}

TEST_CASE("the header policy is the one the pages declare in their <meta> tag", "[security_headers]") {
    for (const char* page : {"/web/widget/frame.html", "/web/console/index.html"}) {
        CAPTURE(page);
        std::ifstream in(std::string(PARLEY_SOURCE_DIR) + page);
        REQUIRE(in);
        std::stringstream html;
        html << in.rdbuf();
        std::smatch m;
        const std::string text = html.str();
        REQUIRE(std::regex_search(text, m, std::regex("http-equiv=\"Content-Security-Policy\" content=\"([^\"]*)\"")));
        CHECK(m[1].str() == kAppPagePolicy);
    }
}
