// The audit frames (P7, issue 15): the supervisors' `audit` query and its `audit` page,
// byte for byte, with the documented errors.
#include <catch2/catch.hpp>

#include "parley/protocol/codec.hpp"
#include "codec_checks.hpp"

using namespace parley::protocol;
using namespace parley::test;

TEST_CASE("the audit query has a pinned wire form, a default limit and a bounded one", "[codec][audit]") {
    CHECK(encode(ClientFrame{AuditQuery{}}) == R"({"v":1,"type":"audit","limit":50})");
    CHECK(encode(ClientFrame{AuditQuery{41, 200}}) == R"({"v":1,"type":"audit","before":41,"limit":200})");

    auto d = decode_client(R"({"v":1,"type":"audit"})");
    REQUIRE(d.ok());
    const auto& q = std::get<AuditQuery>(d.value());
    CHECK_FALSE(q.before);
    CHECK(q.limit == 50);
    d = decode_client(R"({"v":1,"type":"audit","before":7,"limit":1})");
    REQUIRE(d.ok());
    CHECK(std::get<AuditQuery>(d.value()).before == std::optional<std::int64_t>(7));
    CHECK(std::get<AuditQuery>(d.value()).limit == 1);

    CHECK(client_error(R"({"v":1,"type":"audit","limit":201})") == ErrorCode::bad_field);
    CHECK(client_error(R"({"v":1,"type":"audit","limit":0})") == ErrorCode::bad_field);
    CHECK(client_error(R"({"v":1,"type":"audit","before":0})") == ErrorCode::bad_field);
    CHECK(client_error(R"({"v":1,"type":"audit","before":"7"})") == ErrorCode::bad_field);
}

TEST_CASE("the audit page has a pinned wire form, leaves empty members out and round-trips", "[codec][audit]") {
    AuditEntry full{12, 1700000000000, "agent", "a_1", "Sam", "conv.transfer", "c_0123456789abcdef",
                    "team:billing", "", "10.0.0.1"};
    AuditEntry bare{11, 1699999999000, "anonymous", "", "", "login.failed", "", "email:00112233aabbccdd",
                    "unknown_email", ""};
    const std::string wire = encode(RelayFrame{AuditPage{{full, bare}, true}});
    CHECK(wire ==
          R"({"v":1,"type":"audit","entries":[)"
          R"({"id":12,"ts":1700000000000,"actor_role":"agent","actor_id":"a_1","actor_name":"Sam",)"
          R"("action":"conv.transfer","conv":"c_0123456789abcdef","target":"team:billing","address":"10.0.0.1"},)"
          R"({"id":11,"ts":1699999999000,"actor_role":"anonymous","action":"login.failed",)"
          R"("target":"email:00112233aabbccdd","detail":"unknown_email"}],"more":true})");
    auto d = decode_relay(wire);
    REQUIRE(d.ok());
    const auto& page = std::get<AuditPage>(d.value());
    CHECK(page.more);
    REQUIRE(page.entries.size() == 2);
    CHECK(page.entries[0].actor_name == "Sam");
    CHECK(page.entries[0].conv == "c_0123456789abcdef");
    CHECK(page.entries[0].detail.empty());
    CHECK(page.entries[1].actor_id.empty());
    CHECK(page.entries[1].detail == "unknown_email");
    CHECK(page.entries[1].address.empty());

    CHECK(encode(RelayFrame{AuditPage{}}) == R"({"v":1,"type":"audit","entries":[],"more":false})");
    CHECK_FALSE(decode_relay(R"({"v":1,"type":"audit","entries":[{"id":1,"ts":0,"actor_role":"relay"}]})").ok());
}
