// Sealed column values (store/sealed_column.hpp) and the data key file
// (store/data_key_file.hpp): a sealed value opens only under its key and in its own
// place; anything else is a storage error, never other text.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "store/data_key_file.hpp"
#include "store/sealed_column.hpp"
#include "support/deterministic_random.hpp"
#include "support/store_backends.hpp"

using namespace parley::relay;
using namespace parley::relay::test;

namespace {

const DataKey kKey = DataKey::from_bytes(std::string(32, 'K'));
const DataKey kOther = DataKey::from_bytes(std::string(32, 'O'));
const std::string kText = "My card ends in 4242 and I live at 1 Privet Drive";

std::string message_text(const std::string& conv, const std::string& seq) {
    return seal_binding("messages.text", {conv, seq});
}

}  // namespace

TEST_CASE("A sealed value opens to its plaintext in its own row, under its own key", "[store][sealed]") {
    DeterministicRandom random;
    const std::string sealed = seal_value(kKey, kText, message_text("c_1", "7"), random);
    CHECK(sealed.size() == kText.size() + kSealOverhead);
    CHECK(sealed.find("Privet") == std::string::npos);
    CHECK(sealed_key_id(sealed) == kKey.id);
    auto opened = open_value({kKey}, sealed, message_text("c_1", "7"));
    REQUIRE(opened.ok());
    CHECK(opened.value() == kText);

    SECTION("the empty string too") {
        auto empty = open_value({kKey}, seal_value(kKey, "", message_text("c_1", "8"), random), message_text("c_1", "8"));
        REQUIRE(empty.ok());
        CHECK(empty.value().empty());
    }
    SECTION("sealing twice gives unrelated bytes (a fresh nonce each time)") {
        const std::string again = seal_value(kKey, kText, message_text("c_1", "7"), random);
        CHECK(again != sealed);
        CHECK(open_value({kKey}, again, message_text("c_1", "7")).value() == kText);
    }
}

TEST_CASE("A sealed value moved to another row or column, or changed, fails to open", "[store][sealed]") {
    DeterministicRandom random;
    const std::string sealed = seal_value(kKey, kText, message_text("c_1", "7"), random);
    auto refused = [&](const std::string& bytes, const std::string& binding) {
        auto r = open_value({kKey, kOther}, bytes, binding);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == parley::protocol::ErrorCode::storage_failed);
        return r.error().detail;
    };
    SECTION("another seq of the same conversation") {
        CHECK(refused(sealed, message_text("c_1", "8")).find("moved from another row") != std::string::npos);
    }
    SECTION("the same seq of another conversation") { refused(sealed, message_text("c_2", "7")); }
    SECTION("another column of the same row") { refused(sealed, seal_binding("messages.from_name", {"c_1", "7"})); }
    SECTION("row key parts that concatenate alike") { refused(sealed, message_text("c_17", "")); }
    SECTION("any byte changed") {
        for (std::size_t i = 0; i < sealed.size(); ++i) {
            std::string bent = sealed;
            bent[i] = static_cast<char>(bent[i] ^ 0x01);
            CAPTURE(i);
            refused(bent, message_text("c_1", "7"));
        }
    }
    SECTION("cut short, or plaintext") {
        refused(sealed.substr(0, kSealOverhead - 1), message_text("c_1", "7"));
        CHECK(refused(kText, message_text("c_1", "7")).find("not a sealed value") != std::string::npos);
    }
    SECTION("a key the relay was not given") {
        auto r = open_value({kOther}, sealed, message_text("c_1", "7"));
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().detail.find("data key " + std::to_string(kKey.id)) != std::string::npos);
    }
}

TEST_CASE("During a rotation both keys open, and a value re-sealed names the new key", "[store][sealed]") {
    DeterministicRandom random;
    const std::string binding = seal_binding("visitors.name", {"v_1"});
    const std::string old_sealed = seal_value(kKey, "Ada", binding, random);
    auto plain = open_value({kKey, kOther}, old_sealed, binding);
    REQUIRE(plain.ok());
    const std::string resealed = seal_value(kOther, plain.value(), binding, random);
    CHECK(sealed_key_id(resealed) == kOther.id);
    CHECK(open_value({kOther}, resealed, binding).value() == "Ada");
    CHECK_FALSE(open_value({kOther}, old_sealed, binding).ok());
    CHECK(kKey.id != kOther.id);
}

TEST_CASE("A data key file is 32 random bytes, 0600, never overwritten", "[store][sealed][keyfile]") {
    TempDir dir;
    DeterministicRandom random;
    const std::string path = dir.file("data.key");
    auto made = generate_data_key_file(path, random);
    REQUIRE(made.ok());
    CHECK(std::filesystem::file_size(path) == 32);
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    auto read = read_data_key_file(path);
    REQUIRE(read.ok());
    CHECK(read.value().id == made.value().id);
    CHECK(read.value().bytes == made.value().bytes);

    SECTION("a second generate refuses to replace it") {
        auto again = generate_data_key_file(path, random);
        REQUIRE_FALSE(again.ok());
        CHECK(again.error().detail.find("never overwritten") != std::string::npos);
        CHECK(read_data_key_file(path).value().bytes == made.value().bytes);
    }
    SECTION("readable by others") {
        std::filesystem::permissions(path, std::filesystem::perms::others_read, std::filesystem::perm_options::add);
        CHECK(read_data_key_file(path).error().detail.find("readable by others") != std::string::npos);
    }
    SECTION("the wrong size") {
        std::ofstream(path, std::ios::app) << "x";
        CHECK(read_data_key_file(path).error().detail.find("exactly 32 bytes") != std::string::npos);
    }
}
