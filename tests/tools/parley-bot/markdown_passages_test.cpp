// split_markdown: one passage per section, plain text, stable ids.
#include <catch2/catch.hpp>

#include "markdown_passages.hpp"

using namespace parley::bot;

TEST_CASE("An article splits into one passage per section, the intro named after the title",
          "[bot][kb]") {
    const char* md =
        "# Refunds and cancellations\n"
        "\n"
        "Read this before you cancel.\n"
        "\n"
        "## Refund policy\n"
        "\n"
        "Monthly plans are refunded **in full** within 14 days.\n"
        "See [the billing page](https://x.example/billing).\n"
        "\n"
        "### Steps\n"
        "1. Open `Settings`.\n"
        "2. Click Cancel.\n"
        "## Empty section\n"
        "## Last\n"
        "- one\n"
        "- two\n";
    const auto ps = split_markdown("refunds.md", md);
    REQUIRE(ps.size() == 4);
    CHECK(ps[0].id == "refunds.1");
    CHECK(ps[0].heading == "Refunds and cancellations");
    CHECK(ps[0].body == "Read this before you cancel.");
    CHECK(ps[1].id == "refunds.2");
    CHECK(ps[1].heading == "Refund policy");
    CHECK(ps[1].title == "Refunds and cancellations");
    CHECK(ps[1].body == "Monthly plans are refunded in full within 14 days. See the billing page.");
    CHECK(ps[2].heading == "Steps");
    CHECK(ps[2].body == "- Open Settings.\n- Click Cancel.");
    CHECK(ps[3].heading == "Last");
    CHECK(ps[3].body == "- one\n- two");
    for (const Passage& p : ps) CHECK(p.file == "refunds.md");
}

TEST_CASE("A heading inside a code fence is text, not a section", "[bot][kb]") {
    const auto ps = split_markdown("x.md", "# T\n## A\n```\n# not a heading\n```\nafter\n");
    REQUIRE(ps.size() == 1);
    CHECK(ps[0].heading == "A");
    CHECK_THAT(ps[0].body, Catch::Contains("# not a heading"));
}

TEST_CASE("Passage ids use only the bytes a quick-reply id allows", "[bot][kb]") {
    const auto ps = split_markdown("Getting Started (v2).md", "# T\n## A\ntext\n");
    REQUIRE(ps.size() == 1);
    CHECK(ps[0].id == "Getting-Started--v2-.1");
    CHECK(ps[0].file == "Getting Started (v2).md");
    const auto longer = split_markdown(std::string(100, 'x') + ".md", "text\n");
    REQUIRE(longer.size() == 1);
    CHECK(("kb:" + longer[0].id).size() <= 64);
}
