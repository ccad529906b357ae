// Store contacts (issue 17; store.hpp "contacts"): a visitor's identity claims, on every
// backend: stored and replaced, at most one verified visitor per user id, sealed
// details readable back, and gone with the visitor.
#include <catch2/catch.hpp>

#include "support/store_backends.hpp"

using namespace parley::relay;
using namespace parley::relay::test;
using parley::protocol::Contact;

namespace {
constexpr std::int64_t T0 = 1'700'000'000'000;
}

TEMPLATE_TEST_CASE("a visitor's contact is stored, replaced, and at most one visitor is verified per user id",
                   "[store][identity]", MemoryBackend, SqliteBackend, CachedSqliteBackend, SealedSqliteBackend) {
    TestType b;
    Store& s = *b.store;
    REQUIRE(s.create_visitor(Visitor{"v_1", "Ada", T0}).ok());
    REQUIRE(s.create_visitor(Visitor{"v_2", "Eve", T0}).ok());
    CHECK_FALSE(s.find_contact("v_1").value());
    CHECK_FALSE(s.verified_visitor("u_42").value());

    const Contact ada{"u_42", "ada@example.com", "Ada", {{"plan", "pro"}, {"seats", "3"}}, true, false};
    REQUIRE(s.put_contact("v_1", ada, T0).ok());
    CHECK(*s.find_contact("v_1").value() == ada);
    CHECK(*s.verified_visitor("u_42").value() == "v_1");

    SECTION("an unverified claim of the same user id by another visitor is stored, and changes nothing for v_1") {
        REQUIRE(s.put_contact("v_2", Contact{"u_42", "eve@example.com", "", {}, false, false}, T0).ok());
        CHECK(*s.verified_visitor("u_42").value() == "v_1");
        CHECK_FALSE(s.find_contact("v_2").value()->verified);
    }
    SECTION("a second verified visitor for the same user id is refused") {
        CHECK_FALSE(s.put_contact("v_2", Contact{"u_42", "", "", {}, true, false}, T0).ok());
        CHECK_FALSE(s.find_contact("v_2").value());
    }
    SECTION("a contact is replaced whole") {
        const Contact again{"u_42", "", "", {}, true, false};
        REQUIRE(s.put_contact("v_1", again, T0 + 1).ok());
        CHECK(*s.find_contact("v_1").value() == again);
    }
    SECTION("a contact of a visitor that does not exist is refused") {
        CHECK_FALSE(s.put_contact("v_9", ada, T0).ok());
    }
    SECTION("the visitor's record (the data-subject export) holds the contact") {
        auto record = s.visitor_record("v_1");
        REQUIRE(record.value());
        REQUIRE(record.value()->contact);
        CHECK(*record.value()->contact == ada);
    }
    SECTION("erasing the visitor erases the contact") {
        REQUIRE(s.erase_visitor("v_1").ok());
        CHECK_FALSE(s.find_contact("v_1").value());
        CHECK_FALSE(s.verified_visitor("u_42").value());
        REQUIRE(s.create_visitor(Visitor{"v_1", "Ada", T0}).ok());
        CHECK_FALSE(s.find_contact("v_1").value());
    }
    SECTION("retention erasing the visitor's last conversation erases the contact") {
        REQUIRE(s.create_conversation("c_1", "v_1", T0).ok());
        REQUIRE(s.erase_conversations({"c_1"}).ok());
        CHECK_FALSE(s.find_contact("v_1").value());
    }
}
