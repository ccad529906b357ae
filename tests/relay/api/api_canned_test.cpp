// /api/v1/canned (relay/api/api_canned.cpp): team canned responses managed by a key
// acting as a supervisor, through the `canned` frame's rules (core/canned_responses.hpp).
#include <catch2/catch.hpp>

#include "api_harness.hpp"

namespace {

struct CannedApi : ApiHarness {
    std::string admin_key = make_key("ops", api::Scope::admin);
    std::string kim = (h.make_agent("a_kim", "kim@example.com", "Kim", {"billing"}), "token-of-a_kim");
    std::string lead = h.make_agent("a_lead", "lead@example.com", "Lena", {"general"}, true);
};

}  // namespace

TEST_CASE("a key creates, lists, updates and deletes team canned responses, and agents see them live", "[api]") {
    CannedApi a;
    auto made = a.call("POST", "/api/v1/canned", a.admin_key, {},
                       R"({"team":"billing","shortcut":"refund","text":"Refunds take 5 days."})");
    REQUIRE(made.status == 201);
    const std::string id = body_of(made).find("id")->as_string();
    CHECK(body_of(made).find("scope")->as_string() == "team");

    // Kim, in billing, gets it in the console's own list.
    const ConnId kim = a.h.agent(a.kim);
    a.h.send(kim, p::CannedOp{"list"});
    const p::CannedList list = a.h.next<p::CannedList>(kim);
    REQUIRE(list.items.size() == 1);
    CHECK(list.items[0].shortcut == "refund");

    auto listed = a.call("GET", "/api/v1/canned", a.admin_key, {{"team", "billing"}});
    REQUIRE(listed.status == 200);
    CHECK(body_of(listed).find("canned")->elements().size() == 1);

    auto changed = a.call("PATCH", "/api/v1/canned/" + id, a.admin_key, {}, R"({"text":"Refunds take 3 days."})");
    REQUIRE(changed.status == 200);
    CHECK(body_of(changed).find("text")->as_string() == "Refunds take 3 days.");
    CHECK(body_of(changed).find("shortcut")->as_string() == "refund");  // unchanged

    REQUIRE(a.call("DELETE", "/api/v1/canned/" + id, a.admin_key).status == 200);
    CHECK(a.call("DELETE", "/api/v1/canned/" + id, a.admin_key).status == 404);
    bool saved = false, deleted = false;
    auto entries = a.h.store.audit_before(INT64_MAX, 50);
    REQUIRE(entries.ok());
    for (const auto& e : entries.value()) {
        if (e.action == "canned.save" && e.target == id && e.actor_role == "api_key") saved = true;
        if (e.action == "canned.delete" && e.target == id) deleted = true;
    }
    CHECK(saved);
    CHECK(deleted);
}

TEST_CASE("bad canned bodies get 400 naming the member", "[api]") {
    CannedApi a;
    using Row = std::tuple<std::string, std::string>;
    const auto [body, field] = GENERATE(table<std::string, std::string>({
        Row{R"({"team":"billing","shortcut":"Bad Shortcut","text":"x"})", "shortcut"},
        Row{R"({"shortcut":"hi","text":"x"})", "team"},
        Row{R"({"team":"billing","shortcut":"hi","text":""})", "text"},
        Row{R"({"team":"billing","shortcut":"hi","text":7})", "text"},
        Row{R"({"scope":"shared","team":"billing","shortcut":"hi","text":"x"})", "scope"},
        Row{R"({"scope":"personal","shortcut":"hi","text":"x"})", "scope"},  // a key has no personal ones
        Row{R"({"team":"billing","shortcut":"hi","text":"x","owner":"a_kim"})", "owner"},
    }));
    CAPTURE(body);
    auto refused = a.call("POST", "/api/v1/canned", a.admin_key, {}, body);
    CHECK(refused.status == 400);
    CHECK(body_of(refused).find("field")->as_string() == field);
}

TEST_CASE("a key cannot read or change an agent's personal responses, a supervisor session keeps its own", "[api]") {
    CannedApi a;
    const ConnId kim = a.h.agent(a.kim);
    p::CannedOp mine{"save"};
    mine.scope = "personal";
    mine.shortcut = "hi";
    mine.text = "Hi, Kim here.";
    a.h.send(kim, mine);
    const std::string id = a.h.next<p::CannedList>(kim).items.at(0).id;

    CHECK(body_of(a.call("GET", "/api/v1/canned", a.admin_key)).find("canned")->elements().empty());
    CHECK(a.call("PATCH", "/api/v1/canned/" + id, a.admin_key, {}, R"({"text":"changed"})").status == 403);
    CHECK(a.call("DELETE", "/api/v1/canned/" + id, a.admin_key).status == 403);

    auto own = a.call("POST", "/api/v1/canned", a.lead, {}, R"({"scope":"personal","shortcut":"bye","text":"Bye!"})");
    REQUIRE(own.status == 201);
    const json::Value listed = body_of(a.call("GET", "/api/v1/canned", a.lead));
    REQUIRE(listed.find("canned")->elements().size() == 1);
    CHECK(listed.find("canned")->elements()[0].find("scope")->as_string() == "personal");
}

TEST_CASE("read and write keys get 403 from the canned routes", "[api]") {
    CannedApi a;
    CHECK(a.call("GET", "/api/v1/canned", a.read_key).status == 403);
    CHECK(a.call("POST", "/api/v1/canned", a.write_key, {}, R"({"team":"billing","shortcut":"a","text":"x"})").status ==
          403);
    CHECK(a.call("DELETE", "/api/v1/canned/cr_x", a.write_key).status == 403);
}
