#include <catch2/catch.hpp>

#include "auth/agent_accounts.hpp"
#include "auth/password.hpp"
#include "store/memory_store.hpp"
#include "support/deterministic_random.hpp"

using namespace parley::relay;

TEST_CASE("a password verifies against its hash and nothing else does", "[auth][password]") {
    auto hash = hash_password("correct horse");
    REQUIRE(hash);
    CHECK(hash->rfind("$argon2id$", 0) == 0);  // Argon2id, parameters in the string
    CHECK(verify_password("correct horse", *hash));
    CHECK_FALSE(verify_password("correct horsE", *hash));
    CHECK_FALSE(verify_password("", *hash));
    CHECK_FALSE(verify_password("correct horse", "not a hash"));
    CHECK_FALSE(verify_password("correct horse", ""));
    CHECK(*hash_password("correct horse") != *hash);  // salted
}

TEST_CASE("add_agent stores a hashed password and refuses bad input", "[auth][password]") {
    MemoryStore store;
    test::DeterministicRandom random;
    auto agent = add_agent(store, random, "sam@example.com", "Sam", "s3cret-pass", 1);
    REQUIRE(agent.ok());
    CHECK(agent.value().id.rfind("a_", 0) == 0);
    CHECK(agent.value().id.size() == 18);
    auto stored = store.find_agent_by_email("sam@example.com").value();
    REQUIRE(stored);
    CHECK(stored->password_hash != "s3cret-pass");
    CHECK(verify_password("s3cret-pass", stored->password_hash));

    CHECK_FALSE(add_agent(store, random, "sam@example.com", "Sam", "s3cret-pass", 1).ok());
    CHECK_FALSE(add_agent(store, random, "no-at-sign", "X", "s3cret-pass", 1).ok());
    CHECK_FALSE(add_agent(store, random, "x@example.com", "", "s3cret-pass", 1).ok());
    CHECK_FALSE(add_agent(store, random, "x@example.com", "X", "short", 1).ok());
}
