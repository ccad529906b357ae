// The frames of customer context and canned responses (issue 17; docs/protocol.md
// "Customer context", "Canned responses"): hello's title, navigate, context and canned
// both ways, a summary's page and user_agent, byte for byte, with the documented errors.
#include <catch2/catch.hpp>

#include "parley/protocol/codec.hpp"

using namespace parley::protocol;

namespace {
const std::string C = "c_0123456789abcdef";

parley::Error client_error(const std::string& text) {
    auto d = decode_client(text);
    REQUIRE_FALSE(d.ok());
    return d.error();
}
}  // namespace

TEST_CASE("navigate, context and canned have pinned wire forms and round-trip", "[codec][context][canned]") {
    const std::vector<std::pair<ClientFrame, std::string>> client = {
        {Navigate{"https://shop.example/cart", "Your cart"},
         R"({"v":1,"type":"navigate","url":"https://shop.example/cart","title":"Your cart"})"},
        {Navigate{"https://shop.example/", ""}, R"({"v":1,"type":"navigate","url":"https://shop.example/"})"},
        {ContextQuery{C}, R"({"v":1,"type":"context","conv":"c_0123456789abcdef"})"},
        {CannedOp{"list", "", "", "", "", ""}, R"({"v":1,"type":"canned","op":"list"})"},
        {CannedOp{"save", "cr_1", "team", "billing", "refund", "Hi {first_name}"},
         R"({"v":1,"type":"canned","op":"save","id":"cr_1","scope":"team","team":"billing","shortcut":"refund","text":"Hi {first_name}"})"},
        {CannedOp{"delete", "cr_1", "", "", "", ""}, R"({"v":1,"type":"canned","op":"delete","id":"cr_1"})"},
    };
    for (const auto& [frame, bytes] : client) {
        CHECK(encode(frame) == bytes);
        auto d = decode_client(bytes);
        REQUIRE(d.ok());
        CHECK(encode(d.value()) == bytes);
    }
    const std::vector<std::pair<RelayFrame, std::string>> relay = {
        {ContextInfo{C, {{C, "closed", 5, "Rated 4/5", "billing", 4}, {"c_00000000000000ff", "open", 3, "hi", "", 0}}},
         R"({"v":1,"type":"context","conv":"c_0123456789abcdef","convs":[{"conv":"c_0123456789abcdef","status":"closed","updated":5,"last_text":"Rated 4/5","intent":"billing","csat":4},{"conv":"c_00000000000000ff","status":"open","updated":3,"last_text":"hi"}]})"},
        {CannedList{{{"cr_1", "personal", "", "hi", "Hi", 7}, {"cr_2", "team", "billing", "refund", "5 days", 8}}},
         R"({"v":1,"type":"canned","items":[{"id":"cr_1","scope":"personal","shortcut":"hi","text":"Hi","updated":7},{"id":"cr_2","scope":"team","team":"billing","shortcut":"refund","text":"5 days","updated":8}]})"},
    };
    for (const auto& [frame, bytes] : relay) {
        CHECK(encode(frame) == bytes);
        auto d = decode_relay(bytes);
        REQUIRE(d.ok());
        CHECK(encode(d.value()) == bytes);
    }
}

TEST_CASE("a summary carries the visitor's page and browser when set, and a hello its title", "[codec][context]") {
    ConvSummary s;
    s.conv = C;
    s.visitor = Party{"visitor", "v_1", "Ada"};
    s.status = "open";
    s.page = VisitorPage{"https://shop.example/billing", "Billing", 9};
    s.user_agent = "Mozilla/5.0";
    const std::string bytes = encode(ConvUpdate{s});
    CHECK(bytes.find(R"("page":{"url":"https://shop.example/billing","title":"Billing","ts":9},"user_agent":"Mozilla/5.0")") !=
          std::string::npos);
    auto d = decode_relay(bytes);
    REQUIRE(d.ok());
    const ConvSummary& back = std::get<ConvUpdate>(d.value()).summary;
    REQUIRE(back.page);
    CHECK(*back.page == *s.page);
    CHECK(back.user_agent == "Mozilla/5.0");

    Hello h{"visitor", std::nullopt, std::nullopt, std::string("https://shop.example/")};
    h.title = "Shop";
    CHECK(encode(h) == R"({"v":1,"type":"hello","role":"visitor","page":"https://shop.example/","title":"Shop"})");
}

TEST_CASE("bad navigate, canned and hello titles get the documented errors", "[codec][context][canned]") {
    CHECK(client_error(R"({"v":1,"type":"navigate","url":""})").detail == "bad field: url");
    CHECK(client_error(R"({"v":1,"type":"navigate","url":")" + std::string(513, 'a') + R"("})").detail == "bad field: url");
    CHECK(client_error(R"({"v":1,"type":"navigate","url":"https://a.example/","title":")" + std::string(201, 't') +
                       R"("})").detail == "bad field: title");
    CHECK(client_error(R"({"v":1,"type":"hello","role":"visitor","title":"no page"})").detail == "bad field: title");
    CHECK(client_error(R"({"v":1,"type":"canned"})").code == ErrorCode::missing_field);
    CHECK(client_error(R"({"v":1,"type":"canned","op":"save","shortcut":"x","text":"y"})").detail == "missing field: scope");
    CHECK(client_error(R"({"v":1,"type":"canned","op":"save","scope":"team","shortcut":"x","text":"y"})").detail ==
          "missing field: team");
    CHECK(client_error(R"({"v":1,"type":"canned","op":"save","scope":"personal","text":"y"})").detail ==
          "missing field: shortcut");
    CHECK(client_error(R"({"v":1,"type":"context","conv":"nope"})").detail == "bad field: conv");
    CHECK(std::string(error_name(ErrorCode::canned_limit)) == "canned_limit");
    CHECK_FALSE(is_retryable(ErrorCode::canned_limit));
}
