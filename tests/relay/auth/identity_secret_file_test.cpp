// auth/identity_secret_file: the site's identity secret, made by --create-identity-secret
// in a private file; a new one keeps the previous one verifying (rotation).
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>

#include "auth/identity_secret_file.hpp"
#include "support/deterministic_random.hpp"
#include "support/store_backends.hpp"

using namespace parley::relay;
using namespace parley::relay::test;

TEST_CASE("no identity secret file means no secret; a created one is private and kept with the previous",
          "[identity][keyfile]") {
    TempDir dir;
    DeterministicRandom random;
    const std::string path = default_identity_secret_path(dir.file("data"));
    CHECK(read_identity_secrets(path).value().empty());

    auto first = create_identity_secret(path, random);
    REQUIRE(first.ok());
    CHECK(first.value().size() == 64);
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(read_identity_secrets(path).value() == std::vector<std::string>{first.value()});

    auto second = create_identity_secret(path, random);
    REQUIRE(second.ok());
    CHECK(second.value() != first.value());
    CHECK(read_identity_secrets(path).value() == std::vector<std::string>{second.value(), first.value()});

    auto third = create_identity_secret(path, random);  // the oldest is dropped
    CHECK(read_identity_secrets(path).value() == std::vector<std::string>{third.value(), second.value()});

    SECTION("a file readable by others is refused") {
        ::chmod(path.c_str(), 0644);
        auto read = read_identity_secrets(path);
        REQUIRE_FALSE(read.ok());
        CHECK(read.error().detail.find("chmod 600") != std::string::npos);
    }
    SECTION("a short secret or three lines is refused") {
        for (const char* text : {"short\n", "0123456789abcdef0123456789abcdef\na1234567890abcdef0123456789abcdef\n"
                                            "b1234567890abcdef0123456789abcdef\n"}) {
            std::ofstream(path, std::ios::trunc) << text;
            CHECK_FALSE(read_identity_secrets(path).ok());
        }
    }
}
