// The data-subject export (privacy/visitor_export.hpp) carries what a rich message
// offered and the visitor's answers to it: form values are the visitor's data.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "privacy/visitor_export.hpp"

using namespace parley::relay;
namespace p = parley::protocol;

TEST_CASE("a visitor's export holds the parts offered and the form values answered", "[privacy][rich]") {
    VisitorRecord record;
    record.visitor = Visitor{"v_1", "Ada", 1};
    p::ConvSummary conv;
    conv.conv = "c_0123456789abcdef";
    conv.status = "open";
    record.conversations.push_back(conv);
    p::Message ask{conv.conv, 1, "b1", 2, p::Party{"agent", "a_1", "Sam"}, "Your e-mail?"};
    ask.parts = R"([{"kind":"form","id":"lead","fields":[{"name":"email","label":"E-mail","type":"email"}]}])";
    p::Message answer{conv.conv, 2, "w1", 3, p::Party{"visitor", "v_1", "Ada"}, "ada@example.com"};
    answer.reply = p::Reply{1, "", "lead", {{"email", "ada@example.com"}}};
    record.messages = {ask, answer};

    const auto doc = nlohmann::json::parse(visitor_export_json(record, 9));
    const auto& msgs = doc["conversations"][0]["messages"];
    REQUIRE(msgs.size() == 2);
    CHECK(msgs[0]["parts"][0]["id"] == "lead");
    CHECK(msgs[1]["reply"]["values"]["email"] == "ada@example.com");
    CHECK(msgs[1]["reply"]["to"] == 1);
}
