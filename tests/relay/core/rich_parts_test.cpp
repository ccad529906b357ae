// core/rich_parts: every limit of docs/protocol.md "Rich messages", and every bad input,
// each with the path its 1005 names; a form answer's values with 1011 reasons.
#include <catch2/catch.hpp>

#include "core/rich_parts.hpp"

using namespace parley::relay;
namespace p = parley::protocol;

namespace {

std::string repeat(char c, std::size_t n) { return std::string(n, c); }

// A quick_replies part of n options, a buttons part of n postbacks, a form of n fields.
std::string options(std::size_t n) {
    std::string out = "[";
    for (std::size_t i = 0; i < n; ++i) out += (i ? "," : "") + std::string(R"({"id":"o)") + std::to_string(i) + R"(","label":"L"})";
    return out + "]";
}
std::string buttons(std::size_t n) {
    std::string out = "[";
    for (std::size_t i = 0; i < n; ++i) out += (i ? "," : "") + std::string(R"({"id":"b)") + std::to_string(i) + R"(","label":"L"})";
    return out + "]";
}
std::string fields(std::size_t n) {
    std::string out = "[";
    for (std::size_t i = 0; i < n; ++i)
        out += (i ? "," : "") + std::string(R"({"name":"f)") + std::to_string(i) + R"(","label":"L","type":"text"})";
    return out + "]";
}
std::string parts_of(std::size_t n) {
    std::string out = "[";
    for (std::size_t i = 0; i < n; ++i) out += (i ? "," : "") + std::string(R"({"kind":"quick_replies","options":)") + options(1) + "}";
    return out + "]";
}

const std::string kLeadForm =
    R"([{"kind":"form","id":"lead","submit":"Send","fields":[)"
    R"({"name":"email","label":"Work email","type":"email","required":true},)"
    R"({"name":"timeline","label":"When?","type":"choice","options":[{"id":"now","label":"This month"}]},)"
    R"({"name":"company","label":"Company","type":"text"}]}])";

}  // namespace

TEST_CASE("parts that follow every rule of every kind are accepted", "[rich_parts]") {
    const std::string good = GENERATE(
        std::string(R"([{"kind":"quick_replies","options":[{"id":"pricing","label":"Pricing"}]}])"),
        std::string(R"([{"kind":"buttons","buttons":[{"id":"yes","label":"Yes"},{"label":"Docs","url":"https://example.com/docs"}]}])"),
        std::string(R"([{"kind":"card","title":"Pro plan","text":"All of it","image":"https://example.com/p.png",)"
                    R"("buttons":[{"label":"Buy","url":"http://example.com/buy"}]}])"),
        std::string(R"([{"kind":"card","title":"Just a title"}])"),
        kLeadForm,
        "[" + std::string(R"({"kind":"quick_replies","options":)") + options(10) + "}]",
        "[" + std::string(R"({"kind":"buttons","buttons":)") + buttons(5) + "}]",
        "[" + std::string(R"({"kind":"form","id":"f","fields":)") + fields(8) + "}]",
        std::string(R"([{"kind":"card","title":")") + repeat('t', 80) + R"(","text":")" + repeat('x', 1000) + R"("}])",
        std::string(R"([{"kind":"buttons","buttons":[{"label":"L","url":"https://e.com/)") + repeat('u', 2048 - 14) + R"("}]}])",
        std::string(R"([{"kind":"quick_replies","options":[{"id":")") + repeat('i', 64) + R"(","label":"L"}]}])",
        parts_of(8));
    CAPTURE(good);
    CHECK_FALSE(rich::check_parts(good));
}

TEST_CASE("bad parts are refused with 1005 naming the path of the first bad member", "[rich_parts]") {
    using Row = std::tuple<std::string, std::string>;  // parts, the path named
    auto row = GENERATE(table<std::string, std::string>({
        Row{"[]", "parts"},
        Row{parts_of(9), "parts"},
        Row{"[1]", "parts[0]"},
        Row{R"([{"kind":"carousel"}])", "parts[0].kind"},
        Row{R"([{"options":[]}])", "parts[0].kind"},
        Row{R"([{"kind":"quick_replies","options":[]}])", "parts[0].options"},
        Row{"[" + std::string(R"({"kind":"quick_replies","options":)") + options(11) + "}]", "parts[0].options"},
        Row{R"([{"kind":"quick_replies","options":[{"label":"L"}]}])", "parts[0].options[0].id"},
        Row{R"([{"kind":"quick_replies","options":[{"id":"has space","label":"L"}]}])", "parts[0].options[0].id"},
        Row{R"([{"kind":"quick_replies","options":[{"id":")" + repeat('i', 65) + R"(","label":"L"}]}])",
            "parts[0].options[0].id"},
        Row{R"([{"kind":"quick_replies","options":[{"id":"a","label":""}]}])", "parts[0].options[0].label"},
        Row{R"([{"kind":"quick_replies","options":[{"id":"a","label":")" + repeat('l', 81) + R"("}]}])",
            "parts[0].options[0].label"},
        Row{R"([{"kind":"quick_replies","options":[{"id":"a","label":"L","color":"red"}]}])",
            "parts[0].options[0].color"},
        Row{R"([{"kind":"quick_replies","options":[{"id":"a","id":"b","label":"L"}]}])", "parts[0].options[0].id"},
        Row{R"([{"kind":"quick_replies","options":[{"id":"a","label":"L"}],"extra":1}])", "parts[0].extra"},
        Row{"[" + std::string(R"({"kind":"buttons","buttons":)") + buttons(6) + "}]", "parts[0].buttons"},
        Row{R"([{"kind":"buttons","buttons":[{"label":"L"}]}])", "parts[0].buttons[0].id"},
        Row{R"([{"kind":"buttons","buttons":[{"id":"a","label":"L","url":"https://e.com"}]}])",
            "parts[0].buttons[0].url"},
        Row{R"x([{"kind":"buttons","buttons":[{"label":"L","url":"javascript:alert(1)"}]}])x",
            "parts[0].buttons[0].url"},
        Row{R"([{"kind":"buttons","buttons":[{"label":"L","url":"https://"}]}])", "parts[0].buttons[0].url"},
        Row{R"([{"kind":"buttons","buttons":[{"label":"L","url":"https://e.com/a b"}]}])",
            "parts[0].buttons[0].url"},
        Row{R"([{"kind":"buttons","buttons":[{"label":"L","url":"https://e.com/)" + repeat('u', 2048 - 13) + R"("}]}])",
            "parts[0].buttons[0].url"},
        Row{R"([{"kind":"card"}])", "parts[0].title"},
        Row{R"([{"kind":"card","title":"T","text":")" + repeat('x', 1001) + R"("}])", "parts[0].text"},
        Row{R"([{"kind":"card","title":"T","image":"ftp://e.com/i.png"}])", "parts[0].image"},
        Row{R"([{"kind":"card","title":"T","buttons":[]}])", "parts[0].buttons"},
        Row{R"([{"kind":"card","title":"T","buttons":[{"label":"L","url":"file:///etc/passwd"}]}])",
            "parts[0].buttons[0].url"},
        Row{R"([{"kind":"form","fields":[{"name":"a","label":"A","type":"text"}]}])", "parts[0].id"},
        Row{R"([{"kind":"form","id":"f","fields":[]}])", "parts[0].fields"},
        Row{"[" + std::string(R"({"kind":"form","id":"f","fields":)") + fields(9) + "}]", "parts[0].fields"},
        Row{R"([{"kind":"form","id":"f","submit":"","fields":[{"name":"a","label":"A","type":"text"}]}])",
            "parts[0].submit"},
        Row{R"([{"kind":"form","id":"f","fields":[{"name":"a","label":"A","type":"date"}]}])",
            "parts[0].fields[0].type"},
        Row{R"([{"kind":"form","id":"f","fields":[{"name":"a","label":"A","type":"text","required":"yes"}]}])",
            "parts[0].fields[0].required"},
        Row{R"([{"kind":"form","id":"f","fields":[{"name":"a","label":"A","type":"choice"}]}])",
            "parts[0].fields[0].options"},
        Row{R"([{"kind":"form","id":"f","fields":[{"name":"a","label":"A","type":"text","options":[{"id":"x","label":"X"}]}]}])",
            "parts[0].fields[0].options"},
        Row{R"([{"kind":"form","id":"f","fields":[{"name":"a","label":"A","type":"text"},{"name":"a","label":"B","type":"text"}]}])",
            "parts[0].fields[1].name"},
        Row{R"([{"kind":"card","title":"T"},{"kind":"buttons","buttons":[{"label":"L","url":"https://e.com","id":"x"}]}])",
            "parts[1].buttons[0].url"},
    }));
    const auto& [parts, path] = row;
    CAPTURE(parts);
    auto problem = rich::check_parts(parts);
    REQUIRE(problem);
    CHECK(problem->code == p::ErrorCode::bad_field);
    CHECK(problem->detail == "bad field: " + path);
}

TEST_CASE("an option answer must name a quick reply or postback button of the message", "[rich_parts]") {
    const std::string parts = R"([{"kind":"quick_replies","options":[{"id":"pricing","label":"Pricing"}]},)"
                              R"({"kind":"card","title":"T","buttons":[{"id":"buy","label":"Buy"},{"label":"Docs","url":"https://e.com"}]}])";
    CHECK_FALSE(rich::check_reply(p::Reply{3, "pricing", "", {}}, parts, "c1"));
    CHECK_FALSE(rich::check_reply(p::Reply{3, "buy", "", {}}, parts, "c1"));
    auto none = rich::check_reply(p::Reply{3, "refunds", "", {}}, parts, "c1");
    REQUIRE(none);
    CHECK(none->code == p::ErrorCode::bad_field);
    CHECK(none->message == "bad field: reply.option");
    CHECK(none->ref == "c1");
    auto plain = rich::check_reply(p::Reply{3, "pricing", "", {}}, "", "c1");  // a message without parts
    REQUIRE(plain);
    CHECK(plain->message == "bad field: reply.to");
    auto form = rich::check_reply(p::Reply{3, "", "lead", {}}, parts, "c1");  // no such form there
    REQUIRE(form);
    CHECK(form->message == "bad field: reply.form");
}

TEST_CASE("form values are validated all at once, one reason per bad field", "[rich_parts]") {
    using Values = std::vector<std::pair<std::string, std::string>>;
    using Reasons = std::vector<std::pair<std::string, std::string>>;
    using Row = std::tuple<Values, Reasons>;
    auto row = GENERATE(table<Values, Reasons>({
        Row{{{"email", "ada@example.com"}, {"timeline", "now"}, {"company", "Acme"}}, {}},
        Row{{{"email", "ada@example.com"}}, {}},
        Row{{{"email", "ada@example.com"}, {"company", ""}}, {}},
        Row{{{"email", "not-an-address"}}, {{"email", "not an e-mail address"}}},
        Row{{{"timeline", "now"}}, {{"email", "required"}}},
        Row{{{"email", ""}}, {{"email", "required"}}},
        Row{{{"email", "ada@example.com"}, {"timeline", "someday"}}, {{"timeline", "not one of the choices"}}},
        Row{{{"email", "ada@example.com"}, {"company", repeat('c', 501)}}, {{"company", "longer than 500 bytes"}}},
        Row{{{"email", "ada@example.com"}, {"company", repeat('c', 500)}}, {}},
        Row{{{"email", "ada@example.com"}, {"phone", "555"}}, {{"phone", "unknown field"}}},
        Row{{{"email", "x"}, {"timeline", "later"}}, {{"email", "not an e-mail address"}, {"timeline", "not one of the choices"}}},
    }));
    const auto& [values, reasons] = row;
    auto problem = rich::check_reply(p::Reply{7, "", "lead", values}, kLeadForm, "c9");
    if (reasons.empty()) {
        CHECK_FALSE(problem);
        return;
    }
    REQUIRE(problem);
    CHECK(problem->code == p::ErrorCode::invalid_form);
    CHECK(problem->ref == "c9");
    CHECK(problem->fields == reasons);
}

TEST_CASE("a form answer naming a field twice, or a name no field could have, is a bad field", "[rich_parts]") {
    for (const auto& values : {std::vector<std::pair<std::string, std::string>>{{"email", "a@b.co"}, {"email", "c@d.co"}},
                               std::vector<std::pair<std::string, std::string>>{{"email", "a@b.co"}, {"<script>", "x"}}}) {
        auto problem = rich::check_reply(p::Reply{7, "", "lead", values}, kLeadForm, "c9");
        REQUIRE(problem);
        CHECK(problem->code == p::ErrorCode::bad_field);
        CHECK(problem->message == "bad field: reply.values");
    }
}

TEST_CASE("an e-mail address is local@domain with a dotted domain", "[rich_parts]") {
    for (const char* good : {"ada@example.com", "a.b+tag@sub.example.co.uk", "o'brien@x-y.io", "a@b.c"})
        CHECK(rich::is_email(good));
    for (const char* bad : {"", "ada", "ada@", "@example.com", "ada@example", "ada@@example.com", "a@b@c.com",
                            ".ada@example.com", "ada.@example.com", "a..b@example.com", "ada @example.com",
                            "ada@-example.com", "ada@example-.com", "ada@exa_mple.com", "ada@example..com",
                            "ädä@example.com"})
        CHECK_FALSE(rich::is_email(bad));
    CHECK_FALSE(rich::is_email(repeat('a', 65) + "@example.com"));
    CHECK_FALSE(rich::is_email("a@" + repeat('d', 63) + "." + repeat('e', 63) + "." + repeat('f', 63) + "." + repeat('g', 63)));
}
