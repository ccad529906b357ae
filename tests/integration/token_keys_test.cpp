// Visitor token keys on disk (P7, docs/operations.md "Data directory"): a data directory
// whose database still holds the token secret (an older relay's) is upgraded without
// logging any visitor out, the secret leaves the database, and an operator's
// --rotate-visitor-key makes new tokens carry the new key while every older token still
// resumes its conversation.
#include <catch2/catch.hpp>

#include <sodium.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "protocol_peer.hpp"
#include "relay_process.hpp"

using namespace parley::test;
namespace fs = std::filesystem;

namespace {

std::string b64url(const std::string& bytes) {
    std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    out.resize(std::strlen(out.c_str()));
    return out;
}

// A token as relays before key ids issued it: base64url(payload) "." base64url(HMAC(secret, payload)).
std::string legacy_token(const std::string& secret, const std::string& visitor, std::int64_t expires) {
    const std::string payload = visitor + ":" + std::to_string(expires);
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
    crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(payload.data()), payload.size());
    crypto_auth_hmacsha256_final(&st, mac);
    return b64url(payload) + "." + b64url(std::string(reinterpret_cast<char*>(mac), sizeof mac));
}

// Runs one statement on the relay's (stopped) database; the first column of the first row.
std::string sql(const RelayProcess& relay, const std::string& statement) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open((fs::path(relay.data_dir()) / "parley.db").c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, statement.c_str(), -1, &st, nullptr) == SQLITE_OK);
    std::string out = "<none>";
    const int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_text(st, 0)) out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    CHECK((rc == SQLITE_ROW || rc == SQLITE_DONE));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

struct Resumed {
    std::string conv, visitor, token;
};

// hello with `token`; the conversation, visitor and new token the welcome gives.
Resumed hello_with(const RelayProcess& relay, const std::string& token) {
    ProtocolPeer peer;
    REQUIRE(peer.connect(relay.host(), relay.port()));
    REQUIRE(peer.send({{"type", "hello"}, {"role", "visitor"}, {"token", token}}));
    auto welcome = peer.wait_type("welcome");
    REQUIRE(welcome);
    return {(*welcome)["conv"], (*welcome)["me"]["id"], (*welcome)["token"]};
}

unsigned mode_of(const fs::path& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0;
}

std::int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

TEST_CASE("Visitor tokens survive the move of the secret out of the database and a key rotation",
          "[integration][at-rest][token-keys]") {
    REQUIRE(sodium_init() >= 0);
    RelayProcess relay;
    REQUIRE(relay.start());
    ProtocolPeer visitor;
    REQUIRE(visitor.connect(relay.host(), relay.port()));
    auto first = visitor.hello_new_visitor();
    REQUIRE(first);
    REQUIRE(visitor.send({{"type", "send"}, {"conv", first->conv}, {"cid", "c1"}, {"text", "hello"}}));
    REQUIRE(visitor.wait_type("ack"));
    visitor.close();
    const Resumed me = hello_with(relay, first->token);
    REQUIRE(me.conv == first->conv);
    const fs::path key_file = fs::path(relay.data_dir()) / "keys" / "visitor-token.key";
    CHECK(mode_of(key_file) == 0600);
    CHECK(mode_of(key_file.parent_path()) == 0700);
    CHECK(sql(relay, "SELECT value FROM settings WHERE key = 'visitor_token_secret'") == "<none>");

    SECTION("rotation refuses to run beside the relay") {
        const auto refused = relay.command("--rotate-visitor-key");
        CHECK(refused.status == 1);
        CHECK(refused.out.find("stop it first") != std::string::npos);
    }
    REQUIRE(relay.stop());

    // The data directory as an older relay left it: the secret in the settings, no key
    // file, and visitors holding tokens without a key id.
    const std::string old_secret(32, '\x5a');
    fs::remove_all(key_file.parent_path());
    sql(relay, "INSERT OR REPLACE INTO settings(key, value) VALUES('visitor_token_secret', '" + b64url(old_secret) + "')");
    const std::string old_token = legacy_token(old_secret, me.visitor, now_ms() + 24LL * 3600 * 1000);

    REQUIRE(relay.start());
    CHECK(relay.log().find("moved from the database") != std::string::npos);
    const Resumed upgraded = hello_with(relay, old_token);
    CHECK(upgraded.conv == me.conv);
    CHECK(upgraded.visitor == me.visitor);
    CHECK(upgraded.token.rfind("k1.", 0) == 0);
    REQUIRE(relay.stop());
    // A copy of the database no longer signs anything.
    CHECK(sql(relay, "SELECT value FROM settings WHERE key = 'visitor_token_secret'") == "");
    CHECK(mode_of(key_file) == 0600);

    const auto rotated = relay.command("--rotate-visitor-key");
    INFO(rotated.out);
    REQUIRE(rotated.status == 0);
    CHECK(rotated.out.find("key 2 now signs") != std::string::npos);

    REQUIRE(relay.start());
    const Resumed from_legacy = hello_with(relay, old_token);
    CHECK(from_legacy.conv == me.conv);
    const Resumed from_k1 = hello_with(relay, upgraded.token);
    CHECK(from_k1.conv == me.conv);
    CHECK(from_k1.token.rfind("k2.", 0) == 0);
    const Resumed from_k2 = hello_with(relay, from_k1.token);
    CHECK(from_k2.conv == me.conv);

    // A key id the relay never made: a new identity, as for any bad token.
    const std::string forged = "k3" + from_k1.token.substr(2);
    const Resumed stranger = hello_with(relay, forged);
    CHECK(stranger.conv != me.conv);
    CHECK(stranger.visitor != me.visitor);
}
