// Transcript files: visitor turns and expectations, parsed without any bot.
#include <catch2/catch.hpp>

#include "replay/transcript.hpp"

using namespace parley::bot::replay;
using K = Expectation::Kind;

TEST_CASE("A transcript reads as turns, each with its expectations", "[bot][replay]") {
    const char* text =
        "# A refund, then a person.\n"
        "> I was charged twice for order #48213\n"
        "< contains: 48213\n"
        "< no handoff\n"
        "\n"
        "> [press human] Talk to a person\n"
        "< handoff: asks_human\n"
        "< quick replies: human, no_human\n"
        "> [form lead] email=ada@acme.io timeline=now\n"
        "< summary contains: Acme\n"
        "< silent\n";
    auto t = parse_transcript("refund", text);
    REQUIRE(t.ok());
    const Transcript& tr = t.value();
    CHECK(tr.title == "A refund, then a person.");
    REQUIRE(tr.turns.size() == 3);
    CHECK(tr.turns[0].text == "I was charged twice for order #48213");
    REQUIRE(tr.turns[0].expect.size() == 2);
    CHECK(tr.turns[0].expect[0].kind == K::contains);
    CHECK(tr.turns[0].expect[0].arg == "48213");
    CHECK(tr.turns[0].expect[0].line == 3);
    CHECK(tr.turns[0].expect[1].kind == K::no_handoff);
    CHECK(tr.turns[1].option == "human");
    CHECK(tr.turns[1].text == "Talk to a person");
    CHECK(tr.turns[1].expect[1].ids == std::vector<std::string>{"human", "no_human"});
    CHECK(tr.turns[2].form == "lead");
    CHECK(tr.turns[2].values == std::map<std::string, std::string>{{"email", "ada@acme.io"}, {"timeline", "now"}});
    CHECK(tr.turns[2].text == "email: ada@acme.io, timeline: now");
    CHECK(tr.turns[2].expect[1].kind == K::silent);
}

TEST_CASE("A malformed transcript line is refused with its line number", "[bot][replay]") {
    using R = std::pair<const char*, const char*>;
    auto [text, expected] = GENERATE(table<const char*, const char*>({
        R{"< contains: x\n", "t:1: an expectation before any visitor turn"},
        R{"> hi\n< smiles\n", "t:2: unknown expectation: smiles"},
        R{"> hi\n< contains:\n", "t:2: `contains:` needs a value"},
        R{"> [press human Talk\n", "t:1: missing ']'"},
        R{"> [form lead] email\n", "t:1: form values are name=value"},
        R{"hello\n", "t:1: a line must start with '#', '>' or '<'"},
        R{"# only a title\n", "t: no visitor turns"},
    }));
    auto t = parse_transcript("t", text);
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().detail == expected);
}
