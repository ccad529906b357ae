#include "parley/triage/dataset.hpp"

#include <catch2/catch.hpp>

using namespace parley::triage;

TEST_CASE("parse_csv_examples reads text and label columns by name", "[triage][dataset]") {
    auto r = parse_csv_examples("id,label,text\n1,pricing,how much\r\n2,refund,\"money back, \"\"now\"\"\"\n");
    REQUIRE(r.ok());
    REQUIRE(r.value().size() == 2);
    CHECK(r.value()[0].text == "how much");
    CHECK(r.value()[0].label == "pricing");
    CHECK(r.value()[1].text == "money back, \"now\"");
}

TEST_CASE("parse_csv_examples keeps line breaks inside quotes and skips blank lines", "[triage][dataset]") {
    auto r = parse_csv_examples("\xEF\xBB\xBFtext,label\n\"two\nlines\",bug_report\n\n");
    REQUIRE(r.ok());
    REQUIRE(r.value().size() == 1);
    CHECK(r.value()[0].text == "two\nlines");
}

TEST_CASE("parse_csv_examples reports malformed files", "[triage][dataset]") {
    CHECK(parse_csv_examples("").error().code == TriageErrc::invalid_argument);
    CHECK(parse_csv_examples("words,label\nx,y\n").error().detail.find("header") != std::string::npos);
    CHECK(parse_csv_examples("text,label\nonly one field\n").error().detail.find("record 2") != std::string::npos);
    CHECK(!parse_csv_examples("text,label\n\"open quote,x\n").ok());
}
