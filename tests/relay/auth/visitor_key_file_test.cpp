// The visitor token keys on disk (auth/visitor_key_file.hpp): made on first start in a
// private file, moved out of a database that still holds the secret, rotated and pruned.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "auth/base64url.hpp"
#include "auth/visitor_key_file.hpp"
#include "auth/visitor_token.hpp"
#include "store/memory_store.hpp"
#include "support/deterministic_random.hpp"
#include "support/store_backends.hpp"

using namespace parley::relay;
using namespace parley::relay::test;

namespace {

constexpr std::int64_t T0 = 1'700'000'000'000;
constexpr std::int64_t kDay = 24LL * 60 * 60 * 1000;

unsigned mode_of(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0;
}

}  // namespace

TEST_CASE("The token key is made on first start in a private file, then kept", "[auth][keyfile]") {
    TempDir dir;
    MemoryStore store;
    DeterministicRandom random;
    const std::string path = default_visitor_key_path(dir.file("data"));

    auto first = load_or_create_visitor_keys(path, store, random, T0);
    REQUIRE(first.ok());
    CHECK(first.value().note.find("created") != std::string::npos);
    CHECK(mode_of(path) == 0600);
    CHECK(mode_of(std::filesystem::path(path).parent_path().string()) == 0700);
    CHECK(first.value().ring.keys().size() == 1);
    CHECK_FALSE(first.value().ring.signing().legacy);  // nothing to be compatible with

    auto second = load_or_create_visitor_keys(path, store, random, T0 + kDay);
    REQUIRE(second.ok());
    CHECK(second.value().note.empty());
    CHECK(second.value().ring.signing().secret == first.value().ring.signing().secret);
    CHECK_FALSE(store.get_setting("visitor_token_secret").value());  // never in the database
}

TEST_CASE("A secret kept in the database by an older relay moves to the key file, and its tokens still verify",
          "[auth][keyfile]") {
    TempDir dir;
    MemoryStore store;
    DeterministicRandom random;
    const std::string old_secret(32, 'o');
    REQUIRE(store.put_setting("visitor_token_secret", base64url_encode(old_secret)).ok());
    const std::string old_token = issue_legacy_visitor_token(old_secret, VisitorClaims{"v_1", T0 + kDay});
    const std::string path = dir.file("keys/visitor-token.key");

    auto keys = load_or_create_visitor_keys(path, store, random, T0);
    REQUIRE(keys.ok());
    CHECK(keys.value().note.find("moved from the database") != std::string::npos);
    CHECK(keys.value().ring.signing().secret == old_secret);
    CHECK(keys.value().ring.signing().legacy);
    CHECK(store.get_setting("visitor_token_secret").value() == std::optional<std::string>(""));
    CHECK(verify_visitor_token(keys.value().ring, old_token, T0));

    SECTION("and after the next start, read from the file alone") {
        auto again = load_or_create_visitor_keys(path, store, random, T0);
        REQUIRE(again.ok());
        CHECK(verify_visitor_token(again.value().ring, old_token, T0));
    }
    SECTION("and after a rotation") {
        auto rotated = rotate_visitor_key(path, store, random, T0 + 1);
        REQUIRE(rotated.ok());
        CHECK(verify_visitor_token(rotated.value().ring, old_token, T0 + 1));
    }
}

TEST_CASE("Rotation adds a signing key, keeps the old one 30 days, and prunes it after", "[auth][keyfile]") {
    TempDir dir;
    MemoryStore store;
    DeterministicRandom random;
    const std::string path = dir.file("visitor.key");
    auto made = load_or_create_visitor_keys(path, store, random, T0);
    REQUIRE(made.ok());
    const std::string first_token = issue_visitor_token(made.value().ring, VisitorClaims{"v_1", T0 + kVisitorTokenTtlMs});

    auto rotated = rotate_visitor_key(path, store, random, T0 + kDay);
    REQUIRE(rotated.ok());
    CHECK(rotated.value().ring.signing().id == 2);
    auto reloaded = load_or_create_visitor_keys(path, store, random, T0 + kDay);
    REQUIRE(reloaded.ok());
    CHECK(reloaded.value().ring.keys().size() == 2);
    CHECK(verify_visitor_token(reloaded.value().ring, first_token, T0 + 2 * kDay));

    // At the start 30 days after the rotation, key 1 goes (its tokens have all expired).
    auto later = load_or_create_visitor_keys(path, store, random, T0 + kDay + kVisitorTokenTtlMs);
    REQUIRE(later.ok());
    CHECK(later.value().note.find("pruned 1") != std::string::npos);
    REQUIRE(later.value().ring.keys().size() == 1);
    CHECK(later.value().ring.signing().id == 2);
    auto on_disk = load_or_create_visitor_keys(path, store, random, T0 + kDay + kVisitorTokenTtlMs);
    CHECK(on_disk.value().ring.keys().size() == 1);
}

TEST_CASE("A key file readable by others, or malformed, stops the relay with its path", "[auth][keyfile]") {
    TempDir dir;
    MemoryStore store;
    DeterministicRandom random;
    const std::string path = dir.file("visitor.key");
    REQUIRE(load_or_create_visitor_keys(path, store, random, T0).ok());

    SECTION("mode 0644") {
        std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                                               std::filesystem::perms::group_read |
                                               std::filesystem::perms::others_read);
        auto refused = load_or_create_visitor_keys(path, store, random, T0);
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().detail.find("readable by others (mode 0644)") != std::string::npos);
    }
    SECTION("garbage") {
        std::ofstream(path) << "1 2 not-a-key\n";
        auto refused = load_or_create_visitor_keys(path, store, random, T0);
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().detail.find(path + ": visitor key file, line 1") != std::string::npos);
    }
}
