// The frames of streaming and rich messages (issue 16): stream / stream_end both ways,
// `parts` and `reply` on send, msg and page, and invalid_form's `fields`, byte for byte,
// with the documented errors for bad input.
#include <catch2/catch.hpp>

#include "parley/protocol/codec.hpp"

using namespace parley::protocol;

namespace {
const std::string C = "c_0123456789abcdef";
const Party sam{"agent", "a_1", "Sam"};
const std::string kParts = R"([{"kind":"quick_replies","options":[{"id":"pricing","label":"Pricing"}]}])";

parley::Error client_error(const std::string& text) {
    auto d = decode_client(text);
    REQUIRE_FALSE(d.ok());
    return d.error();
}
}  // namespace

TEST_CASE("stream and stream_end have pinned wire forms both ways and round-trip", "[codec][streams]") {
    const std::vector<std::pair<ClientFrame, std::string>> client = {
        {Stream{C, "b1.7", "Our plans start"},
         R"({"v":1,"type":"stream","conv":"c_0123456789abcdef","cid":"b1.7","delta":"Our plans start"})"},
        {StreamCancel{C, "b1.7"}, R"({"v":1,"type":"stream_end","conv":"c_0123456789abcdef","cid":"b1.7"})"},
    };
    for (const auto& [frame, bytes] : client) {
        CHECK(encode(frame) == bytes);
        auto d = decode_client(bytes);
        REQUIRE(d.ok());
        CHECK(encode(d.value()) == bytes);
    }
    const std::vector<std::pair<RelayFrame, std::string>> relay = {
        {StreamNotice{C, "b1.7", sam, " at $9", 15},
         R"({"v":1,"type":"stream","conv":"c_0123456789abcdef","cid":"b1.7","from":{"role":"agent","id":"a_1","name":"Sam"},"delta":" at $9","offset":15})"},
        {StreamEndNotice{C, "b1.7", sam, "sender_gone"},
         R"({"v":1,"type":"stream_end","conv":"c_0123456789abcdef","cid":"b1.7","from":{"role":"agent","id":"a_1","name":"Sam"},"reason":"sender_gone"})"},
    };
    for (const auto& [frame, bytes] : relay) {
        CHECK(encode(frame) == bytes);
        auto d = decode_relay(bytes);
        REQUIRE(d.ok());
        CHECK(encode(d.value()) == bytes);
    }
}

TEST_CASE("a delta is 1 to 2000 bytes", "[codec][streams]") {
    const std::string head = R"({"v":1,"type":"stream","conv":"c_0123456789abcdef","cid":"b1","delta":")";
    CHECK(decode_client(head + std::string(2000, 'x') + "\"}").ok());
    CHECK(client_error(head + std::string(2001, 'x') + "\"}").code == ErrorCode::text_too_long);
    CHECK(client_error(head + "\"}").code == ErrorCode::bad_field);
    CHECK(client_error(R"({"v":1,"type":"stream","conv":"c_0123456789abcdef","cid":"b1"})").code ==
          ErrorCode::missing_field);
    CHECK(client_error(R"({"v":1,"type":"stream","conv":"c_0123456789abcdef","cid":"b 1","delta":"x"})").code ==
          ErrorCode::bad_field);
    CHECK(client_error(R"({"v":1,"type":"stream_end","conv":"c_0123456789abcdef"})").code == ErrorCode::missing_field);
}

TEST_CASE("send carries parts and reply, and they round-trip in msg and page", "[codec][rich]") {
    Send with_parts{C, "b1.7", "Which topic?", std::nullopt, kParts};
    CHECK(encode(ClientFrame{with_parts}) ==
          R"({"v":1,"type":"send","conv":"c_0123456789abcdef","cid":"b1.7","text":"Which topic?","parts":)" + kParts + "}");
    Send option{C, "v.2", "Pricing"};
    option.reply = Reply{13, "pricing", "", {}};
    CHECK(encode(ClientFrame{option}) ==
          R"({"v":1,"type":"send","conv":"c_0123456789abcdef","cid":"v.2","text":"Pricing","reply":{"to":13,"option":"pricing"}})");
    Send form{C, "v.3", "ada@example.com, this month"};
    form.reply = Reply{13, "", "lead", {{"email", "ada@example.com"}, {"timeline", "now"}}};
    const std::string form_bytes =
        R"({"v":1,"type":"send","conv":"c_0123456789abcdef","cid":"v.3","text":"ada@example.com, this month",)"
        R"("reply":{"to":13,"form":"lead","values":{"email":"ada@example.com","timeline":"now"}}})";
    CHECK(encode(ClientFrame{form}) == form_bytes);
    for (const ClientFrame& f : {ClientFrame{with_parts}, ClientFrame{option}, ClientFrame{form}}) {
        auto d = decode_client(encode(f));
        REQUIRE(d.ok());
        const Send& s = std::get<Send>(d.value());
        CHECK(s.parts == std::get<Send>(f).parts);
        CHECK(s.reply == std::get<Send>(f).reply);
    }

    Message m{C, 14, "v.3", 1732200000000, Party{"visitor", "v_1", "Ada"}, "ada@example.com"};
    m.reply = form.reply;
    Message asked{C, 13, "b1.7", 1732200000000, sam, "Which topic?"};
    asked.parts = kParts;
    for (const RelayFrame& f : {RelayFrame{Msg{m}}, RelayFrame{Msg{asked}}, RelayFrame{Page{C, {asked, m}, false}}}) {
        const std::string text = encode(f);
        CAPTURE(text);
        auto d = decode_relay(text);
        REQUIRE(d.ok());
        CHECK(encode(d.value()) == text);
    }
    auto d = decode_relay(encode(RelayFrame{Page{C, {asked, m}, false}}));
    const Page& page = std::get<Page>(d.value());
    CHECK(page.msgs[0].parts == kParts);
    CHECK(page.msgs[1].reply == m.reply);
}

TEST_CASE("parts must be an array and a reply names one option or one form", "[codec][rich]") {
    const std::string head = R"({"v":1,"type":"send","conv":"c_0123456789abcdef","cid":"v.2","text":"x",)";
    auto e = client_error(head + R"("parts":{"kind":"card"}})");
    CHECK(e.code == ErrorCode::bad_field);
    CHECK(e.detail == "bad field: parts");
    CHECK(e.ref == "v.2");
    CHECK(client_error(head + R"("reply":{"option":"a"}})").detail == "missing field: reply.to");
    CHECK(client_error(head + R"("reply":{"to":0,"option":"a"}})").detail == "bad field: reply.to");
    CHECK(client_error(head + R"("reply":{"to":1}})").code == ErrorCode::missing_field);
    CHECK(client_error(head + R"("reply":{"to":1,"option":"a","form":"f","values":{}}})").code == ErrorCode::missing_field);
    CHECK(client_error(head + R"("reply":{"to":1,"form":"f"}})").detail == "missing field: reply.values");
    CHECK(client_error(head + R"("reply":{"to":1,"option":""}})").detail == "bad field: reply.option");
    CHECK(client_error(head + R"("reply":{"to":1,"form":"","values":{}}})").detail == "bad field: reply.form");
    CHECK(client_error(head + R"("reply":{"to":1,"form":"f","values":{"a":1}}})").detail == "bad field: reply.values");
    CHECK(client_error(head + R"("reply":{"to":1,"form":"f","values":["a"]}})").detail == "bad field: reply.values");
    std::string nine = R"("reply":{"to":1,"form":"f","values":{)";
    for (int i = 0; i < 9; ++i) nine += (i ? "," : "") + std::string("\"f") + std::to_string(i) + "\":\"x\"";
    CHECK(client_error(head + nine + "}}}").detail == "bad field: reply.values");
    CHECK(client_error(head + R"("reply":"pricing"})").detail == "bad field: reply");
}

TEST_CASE("invalid_form names each bad field with its reason; the names are escaped", "[codec][rich]") {
    ErrorFrame e{ErrorCode::invalid_form, "some answers of the form are not valid", "v.2"};
    e.fields = {{"email", "not an e-mail address"}, {"we\"ird", "unknown field"}};
    const std::string bytes =
        R"({"v":1,"type":"error","code":1011,"message":"some answers of the form are not valid","ref":"v.2",)"
        R"("fields":{"email":"not an e-mail address","we\"ird":"unknown field"}})";
    CHECK(encode(RelayFrame{e}) == bytes);
    auto d = decode_relay(bytes);
    REQUIRE(d.ok());
    CHECK(std::get<ErrorFrame>(d.value()).fields == e.fields);
    CHECK(std::string(error_name(ErrorCode::invalid_form)) == "invalid_form");
    CHECK(std::string(error_name(ErrorCode::too_many_streams)) == "too_many_streams");
    CHECK_FALSE(is_retryable(ErrorCode::too_many_streams));
}
