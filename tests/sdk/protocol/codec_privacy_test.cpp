// The privacy frames (P7, issue 15): the supervisors' `export_visitor` / `erase_visitor`
// and their answers `visitor_export` / `erased`, byte for byte, with the documented
// errors (docs/protocol.md §4, "Bad input").
#include <catch2/catch.hpp>

#include "parley/protocol/codec.hpp"

using namespace parley::protocol;

namespace {
parley::Error client_error(const std::string& text) {
    auto d = decode_client(text);
    REQUIRE_FALSE(d.ok());
    return d.error();
}
}  // namespace

TEST_CASE("export_visitor and erase_visitor name exactly one of a visitor and a conversation", "[codec][privacy]") {
    CHECK(encode(ClientFrame{ExportVisitor{"v_1", ""}}) == R"({"v":1,"type":"export_visitor","visitor":"v_1"})");
    CHECK(encode(ClientFrame{EraseVisitor{"", "c_0123456789abcdef"}}) ==
          R"({"v":1,"type":"erase_visitor","conv":"c_0123456789abcdef"})");
    for (const std::string type : {"export_visitor", "erase_visitor"}) {
        CAPTURE(type);
        const std::string head = R"({"v":1,"type":")" + type + "\"";
        auto by_id = decode_client(head + R"(,"visitor":"v_00ff"})");
        REQUIRE(by_id.ok());
        CHECK(encode(by_id.value()) == head + R"(,"visitor":"v_00ff"})");
        auto by_conv = decode_client(head + R"(,"conv":"c_0123456789abcdef"})");
        REQUIRE(by_conv.ok());
        CHECK(encode(by_conv.value()) == head + R"(,"conv":"c_0123456789abcdef"})");

        CHECK(client_error(head + "}").code == ErrorCode::missing_field);
        const parley::Error both = client_error(head + R"(,"visitor":"v_1","conv":"c_0123456789abcdef"})");
        CHECK(both.code == ErrorCode::bad_field);
        CHECK(both.detail == "bad field: conv");
        CHECK(client_error(head + R"(,"visitor":""})").code == ErrorCode::bad_field);
        CHECK(client_error(head + R"(,"visitor":")" + std::string(65, 'v') + "\"}").code == ErrorCode::bad_field);
        CHECK(client_error(head + R"(,"visitor":7})").code == ErrorCode::bad_field);
        CHECK(client_error(head + R"(,"conv":"c_0123"})").code == ErrorCode::bad_field);
    }
}

TEST_CASE("visitor_export and erased have a pinned wire form and round-trip", "[codec][privacy]") {
    const RelayFrame chunk = VisitorExport{"v_1", "{\n  \"format\": \"parley.visitor-export.v1\",", false};
    const std::string chunk_text =
        R"({"v":1,"type":"visitor_export","visitor":"v_1","data":"{\n  \"format\": \"parley.visitor-export.v1\",","done":false})";
    CHECK(encode(chunk) == chunk_text);
    auto d = decode_relay(chunk_text);
    REQUIRE(d.ok());
    CHECK(encode(d.value()) == chunk_text);

    const RelayFrame erased = VisitorErased{"v_1", {"c_0123456789abcdef", "c_fedcba9876543210"}, 41};
    const std::string erased_text =
        R"({"v":1,"type":"erased","visitor":"v_1","convs":["c_0123456789abcdef","c_fedcba9876543210"],"messages":41})";
    CHECK(encode(erased) == erased_text);
    d = decode_relay(erased_text);
    REQUIRE(d.ok());
    CHECK(encode(d.value()) == erased_text);
}

TEST_CASE("3010 is unknown_visitor, a do-not-resend code", "[codec][privacy]") {
    CHECK(std::string(error_name(ErrorCode::unknown_visitor)) == "unknown_visitor");
    CHECK_FALSE(is_retryable(ErrorCode::unknown_visitor));
}
