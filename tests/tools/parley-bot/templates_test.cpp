// Templates: the first variant whose entities are known, placeholders filled in.
#include <catch2/catch.hpp>

#include "templates.hpp"

using namespace parley::bot;

TEST_CASE("The first template whose needs are all known is chosen", "[bot][templates]") {
    const std::vector<ReplyTemplate> replies = {
        {{"order", "amount"}, "order {order}, {amount}"},
        {{"order"}, "order {order}"},
        {{}, "no details"},
    };
    CHECK(choose_template(replies, {{"order", "1"}, {"amount", "$2"}})->text == "order {order}, {amount}");
    CHECK(choose_template(replies, {{"order", "1"}})->text == "order {order}");
    CHECK(choose_template(replies, {{"amount", "$2"}})->text == "no details");
    CHECK(choose_template({{{"order"}, "x"}}, {}) == nullptr);
}

TEST_CASE("Placeholders are filled in; unknown ones stay visible", "[bot][templates]") {
    CHECK(render_template("About {order} ({amount}).", {{"order", "48213"}, {"amount", "$49"}}) ==
          "About 48213 ($49).");
    CHECK(render_template("Hi {nmae}", {{"name", "Ada"}}) == "Hi {nmae}");
    CHECK(render_template("a { b", {}) == "a { b");
}
