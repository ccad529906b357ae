// Transcripts sealed at rest (P7, store/column_sealer.hpp, docs/security.md "Sealed
// transcripts"): with a data key, what people wrote and are called never reaches the
// database file or its log in the clear; the store opens only with the keys that sealed
// it; a key rotates by resealing; a lost key costs the sealed text and nothing else.
// (That sealing changes nothing a caller sees is the conformance suite's job: it runs on
// SealedSqliteBackend too.)
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <fstream>
#include <iterator>
#include <string>

#include "store/webhook_store.hpp"
#include "support/store_backends.hpp"

using namespace parley::relay;
using namespace parley::relay::test;

namespace {

constexpr std::int64_t T0 = 1'700'000'000'000;

std::unique_ptr<SqliteStore> open_store(const TempDir& dir, std::optional<DataKey> key,
                                        std::vector<DataKey> old = {}) {
    SqliteOptions options;
    options.data_key = key;
    options.old_keys = std::move(old);
    auto s = SqliteStore::open(dir.file("parley.db"), options);
    REQUIRE(s.ok());
    return std::move(s).value();
}

// A visitor named `marker`-name with 50 messages `marker`-text-N, some long enough for
// overflow pages.
void fill(Store& s, const std::string& marker) {
    REQUIRE(s.create_visitor(Visitor{"v_1", marker + "-name", T0}).ok());
    REQUIRE(s.create_conversation("c_1", "v_1", T0).ok());
    for (int i = 0; i < 50; ++i) {
        const std::string text = marker + "-text-" + std::to_string(i) + std::string(i % 7 == 0 ? 5000 : 40, 'x');
        REQUIRE(s.append_message(NewMessage{"c_1", "m" + std::to_string(i), Party{"visitor", "v_1", marker + "-name"},
                                            text, T0 + i})
                    .ok());
    }
}

// Everything the store gives back of the visitor: name, summary, every message.
void check_readable(Store& s, const std::string& marker) {
    auto visitor = s.find_visitor("v_1");
    REQUIRE(visitor.ok());
    REQUIRE(visitor.value());
    CHECK(visitor.value()->name == marker + "-name");
    auto conv = s.find_conversation("c_1");
    REQUIRE(conv.ok());
    REQUIRE(conv.value());
    CHECK(conv.value()->visitor.name == marker + "-name");
    CHECK(conv.value()->last_text.rfind(marker + "-text-49", 0) == 0);
    auto msgs = s.messages_after("c_1", 0, 100);
    REQUIRE(msgs.ok());
    REQUIRE(msgs.value().size() == 50);
    CHECK(msgs.value()[7].text.rfind(marker + "-text-7x", 0) == 0);
    CHECK(msgs.value()[7].from.name == marker + "-name");
}

void exec(const TempDir& dir, const std::string& sql) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(dir.file("parley.db").c_str(), &db) == SQLITE_OK);
    char* err = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    INFO((err ? err : ""));
    sqlite3_free(err);
    sqlite3_close(db);
    REQUIRE(rc == SQLITE_OK);
}

}  // namespace

TEST_CASE("With a data key no text or name reaches the database file or its log in the clear",
          "[store][sealed][sqlite]") {
    SECTION("plain, the marker is there to be found (the grep can see)") {
        TempDir dir;
        auto s = open_store(dir, std::nullopt);
        fill(*s, "ZQXSEALME");
        CHECK(raw_files(dir).find("ZQXSEALME-text-3") != std::string::npos);
        CHECK(raw_files(dir).find("ZQXSEALME-name") != std::string::npos);
    }
    SECTION("sealed, it is nowhere, while open and after the final checkpoint, yet reads back") {
        TempDir dir;
        const DataKey key = random_data_key();
        {
            auto s = open_store(dir, key);
            fill(*s, "ZQXSEALME");
            CHECK(raw_files(dir).find("ZQXSEALME") == std::string::npos);
            check_readable(*s, "ZQXSEALME");
        }
        CHECK(raw_files(dir).find("ZQXSEALME") == std::string::npos);
        check_readable(*open_store(dir, key), "ZQXSEALME");
    }
}

TEST_CASE("A sealed store opens only with the key that sealed it, and says what to do",
          "[store][sealed][sqlite]") {
    TempDir dir;
    const DataKey key = random_data_key();
    fill(*open_store(dir, key), "ZQX");

    auto without = SqliteStore::open(dir.file("parley.db"));
    REQUIRE_FALSE(without.ok());
    CHECK(without.error().detail.find("--data-key-file") != std::string::npos);
    CHECK(without.error().detail.find(key_id_hex(key.id)) != std::string::npos);

    SqliteOptions wrong;
    wrong.data_key = random_data_key();
    auto other = SqliteStore::open(dir.file("parley.db"), wrong);
    REQUIRE_FALSE(other.ok());
    CHECK(other.error().detail.find("--old-data-key-file") != std::string::npos);
}

TEST_CASE("A sealed value moved to another row fails to open rather than show other text",
          "[store][sealed][sqlite]") {
    TempDir dir;
    const DataKey key = random_data_key();
    fill(*open_store(dir, key), "ZQX");
    // An attacker with write access swaps two messages' sealed texts.
    exec(dir, "UPDATE messages SET text = (SELECT text FROM messages WHERE seq = 2) WHERE seq = 1");
    auto s = open_store(dir, key);
    auto msgs = s->messages_after("c_1", 0, 10);
    REQUIRE_FALSE(msgs.ok());
    CHECK(msgs.error().code == parley::protocol::ErrorCode::storage_failed);
    CHECK(msgs.error().detail.find("text") != std::string::npos);
    // The rows not touched still read.
    auto rest = s->messages_after("c_1", 1, 10);
    REQUIRE(rest.ok());
    CHECK(rest.value().size() == 10);
}

TEST_CASE("A data key rotates: reseal under the new key, and the old one is no longer needed",
          "[store][sealed][sqlite]") {
    TempDir dir;
    const DataKey old_key = random_data_key(), new_key = random_data_key();
    fill(*open_store(dir, old_key), "ZQXROTATE");
    {
        // Started with the new key and the old one beside it: reads, and seals anew.
        auto s = open_store(dir, new_key, {old_key});
        check_readable(*s, "ZQXROTATE");
        REQUIRE(s->append_message(NewMessage{"c_1", "after", Party{"agent", "a_1", "Sam"}, "sealed anew", T0 + 99}).ok());
        auto done = s->reseal(false);
        REQUIRE(done.ok());
        // The visitor's name and each old message's two columns; last_text and the new
        // message are under the new key already.
        CHECK(done.value().values == 1 + 2 * 50);
        CHECK(done.value().unreadable == 0);
        // A second reseal finds everything under the new key already.
        auto again = s->reseal(false);
        REQUIRE(again.ok());
        CHECK(again.value().values == 0);
    }
    auto s = open_store(dir, new_key);  // the old key is not needed any more
    auto msgs = s->messages_after("c_1", 50, 10);
    REQUIRE(msgs.ok());
    REQUIRE(msgs.value().size() == 1);
    CHECK(msgs.value()[0].text == "sealed anew");
    auto old = s->messages_after("c_1", 0, 50);
    REQUIRE(old.ok());
    REQUIRE(old.value().size() == 50);
    CHECK(old.value()[7].text.rfind("ZQXROTATE-text-7x", 0) == 0);
    CHECK(old.value()[7].from.name == "ZQXROTATE-name");
    CHECK_FALSE(SqliteStore::open(dir.file("parley.db"), SqliteOptions{old_key, {}, false}).ok());
}

TEST_CASE("A store that was plain is sealed by reseal: afterwards no byte of it is in the clear",
          "[store][sealed][sqlite]") {
    TempDir dir;
    const DataKey key = random_data_key();
    fill(*open_store(dir, std::nullopt), "ZQXWASPLAIN");
    REQUIRE(raw_files(dir).find("ZQXWASPLAIN-text-3") != std::string::npos);
    {
        auto s = open_store(dir, key);
        check_readable(*s, "ZQXWASPLAIN");  // plain rows read beside sealed ones
        auto done = s->reseal(false);
        REQUIRE(done.ok());
        CHECK(done.value().values == 1 + 1 + 2 * 50);
        CHECK(raw_files(dir).find("ZQXWASPLAIN") == std::string::npos);
    }
    CHECK(raw_files(dir).find("ZQXWASPLAIN") == std::string::npos);
    check_readable(*open_store(dir, key), "ZQXWASPLAIN");
}

TEST_CASE("Resealing without a data key unseals the store", "[store][sealed][sqlite]") {
    TempDir dir;
    const DataKey key = random_data_key();
    fill(*open_store(dir, key), "ZQXUNSEAL");
    {
        auto s = open_store(dir, std::nullopt, {key});
        auto done = s->reseal(false);
        REQUIRE(done.ok());
        CHECK(done.value().values == 1 + 1 + 2 * 50);
    }
    check_readable(*open_store(dir, std::nullopt), "ZQXUNSEAL");  // no key needed any more
    CHECK(raw_files(dir).find("ZQXUNSEAL-text-3") != std::string::npos);
}

TEST_CASE("A lost data key costs the sealed text and nothing else", "[store][sealed][sqlite]") {
    TempDir dir;
    const DataKey lost = random_data_key(), fresh = random_data_key();
    fill(*open_store(dir, lost), "ZQXLOST");

    SqliteOptions options;
    options.data_key = fresh;
    // Without saying that losing the text is meant, resealing refuses.
    REQUIRE_FALSE(SqliteStore::open(dir.file("parley.db"), options).ok());
    options.allow_missing_keys = true;
    {
        auto s = SqliteStore::open(dir.file("parley.db"), options);
        REQUIRE(s.ok());
        CHECK_FALSE(s.value()->reseal(false).ok());
        auto done = s.value()->reseal(true);
        REQUIRE(done.ok());
        CHECK(done.value().unreadable == 1 + 1 + 2 * 50);
    }
    auto s = open_store(dir, fresh);
    auto conv = s->find_conversation("c_1");
    REQUIRE(conv.ok());
    REQUIRE(conv.value());
    CHECK(conv.value()->last_seq == 50);
    CHECK(conv.value()->last_text == SqliteStore::kUnreadableText);
    auto msgs = s->messages_after("c_1", 0, 100);
    REQUIRE(msgs.ok());
    REQUIRE(msgs.value().size() == 50);
    CHECK(msgs.value()[9].seq == 10);
    CHECK(msgs.value()[9].cid == "m9");
    CHECK(msgs.value()[9].text == SqliteStore::kUnreadableText);
    // New messages go on with the next seq, sealed under the fresh key.
    auto next = s->append_message(NewMessage{"c_1", "new", Party{"visitor", "v_1", "Ada"}, "hello again", T0 + 100});
    REQUIRE(next.ok());
    CHECK(next.value().seq == 51);
}

TEST_CASE("A visitor's form values are sealed like their text, and reseal rewrites them",
          "[store][sealed][sqlite][rich]") {
    TempDir dir;
    const DataKey key = random_data_key(), next = random_data_key();
    {
        auto s = open_store(dir, key);
        fill(*s, "ZQXFORM");
        NewMessage answer{"c_1", "form1", Party{"visitor", "v_1", "ZQXFORM-name"}, "Sent the form", T0 + 60};
        answer.reply = parley::protocol::Reply{1, "", "lead", {{"email", "zqxform-lead@example.com"}}};
        REQUIRE(s->append_message(answer).ok());
        CHECK(raw_files(dir).find("zqxform-lead") == std::string::npos);
        auto done = s->reseal(false);  // nothing to do: all under `key` already
        REQUIRE(done.ok());
        CHECK(done.value().values == 0);
    }
    auto s = open_store(dir, next, {key});
    auto done = s->reseal(false);
    REQUIRE(done.ok());
    CHECK(done.value().values == 1 + 1 + 2 * 51 + 1);  // name, last text, messages' two columns, the reply
    CHECK(raw_files(dir).find("zqxform-lead") == std::string::npos);
    auto msgs = s->messages_after("c_1", 50, 10);
    REQUIRE(msgs.ok());
    REQUIRE(msgs.value().size() == 1);
    REQUIRE(msgs.value()[0].reply);
    CHECK(msgs.value()[0].reply->form == "lead");
    CHECK(msgs.value()[0].reply->values.at(0).second == "zqxform-lead@example.com");
}

TEST_CASE("Reseal rewrites contacts too: after a rotation the old key is not needed for them",
          "[store][sealed][sqlite]") {
    TempDir dir;
    const DataKey old_key = random_data_key(), new_key = random_data_key();
    Contact ada;
    ada.user_id = "u_1";
    ada.email = "zqxcontact@example.com";
    ada.name = "Ada";
    ada.verified = true;
    {
        auto s = open_store(dir, std::nullopt);  // plain first: the e-mail is in the clear
        fill(*s, "ZQXCONTACT");
        REQUIRE(s->put_contact("v_1", ada, T0).ok());
    }
    REQUIRE(raw_files(dir).find("zqxcontact@example.com") != std::string::npos);
    {
        auto s = open_store(dir, old_key);
        REQUIRE(s->reseal(false).ok());
        CHECK(raw_files(dir).find("zqxcontact@example.com") == std::string::npos);
    }
    {
        auto s = open_store(dir, new_key, {old_key});
        REQUIRE(s->reseal(false).ok());
    }
    auto s = open_store(dir, new_key);  // the old key is not needed any more
    auto found = s->find_contact("v_1");
    REQUIRE(found.ok());
    REQUIRE(found.value());
    CHECK(found.value()->email == "zqxcontact@example.com");
    CHECK(found.value()->verified);
    CHECK(raw_files(dir).find("zqxcontact@example.com") == std::string::npos);
}

namespace {

// A subscription with a marked secret and one queued event with a marked body.
void fill_webhooks(Store& s, const std::string& marker) {
    WebhookStore* hooks = s.webhooks();
    REQUIRE(hooks);
    REQUIRE(hooks->add_subscription(WebhookSubscription{"wh_1", "http://127.0.0.1:9/hook", {"*"},
                                                        "whsec_" + marker + "-secret", true, T0})
                .ok());
    REQUIRE(hooks->enqueue(WebhookEvent{"msg_1", "message.created", "c_1", T0 + 5,
                                        R"({"text":")" + marker + R"(-body"})"})
                .ok());
}

void check_webhooks_readable(Store& s, const std::string& marker) {
    auto due = s.webhooks()->due(T0 + 10, 10);
    REQUIRE(due.ok());
    REQUIRE(due.value().size() == 1);
    CHECK(due.value()[0].secret == "whsec_" + marker + "-secret");
    CHECK(due.value()[0].event.payload == R"({"text":")" + marker + R"(-body"})");
    auto subs = s.webhooks()->list_subscriptions();
    REQUIRE(subs.ok());
    REQUIRE(subs.value().size() == 1);
    CHECK(subs.value()[0].secret == "whsec_" + marker + "-secret");
}

}  // namespace

TEST_CASE("Webhook bodies and signing secrets are sealed like transcripts, and reseal rewrites them",
          "[store][sealed][sqlite][webhooks]") {
    SECTION("with a data key neither reaches the files in the clear, yet both read back") {
        TempDir dir;
        const DataKey key = random_data_key();
        {
            auto s = open_store(dir, key);
            fill_webhooks(*s, "ZQXHOOK");
            CHECK(raw_files(dir).find("ZQXHOOK") == std::string::npos);
            check_webhooks_readable(*s, "ZQXHOOK");
        }
        CHECK(raw_files(dir).find("ZQXHOOK") == std::string::npos);
        check_webhooks_readable(*open_store(dir, key), "ZQXHOOK");
    }
    SECTION("a plain store's are sealed by reseal, rotate with the key, and unseal without one") {
        TempDir dir;
        const DataKey old_key = random_data_key(), new_key = random_data_key();
        fill_webhooks(*open_store(dir, std::nullopt), "ZQXHOOKPLAIN");
        REQUIRE(raw_files(dir).find("ZQXHOOKPLAIN-body") != std::string::npos);
        REQUIRE(raw_files(dir).find("ZQXHOOKPLAIN-secret") != std::string::npos);
        {
            auto s = open_store(dir, old_key);
            auto done = s->reseal(false);
            REQUIRE(done.ok());
            CHECK(done.value().values == 2);  // the secret and the body
            CHECK(raw_files(dir).find("ZQXHOOKPLAIN") == std::string::npos);
        }
        {
            auto s = open_store(dir, new_key, {old_key});
            auto done = s->reseal(false);
            REQUIRE(done.ok());
            CHECK(done.value().values == 2);
        }
        check_webhooks_readable(*open_store(dir, new_key), "ZQXHOOKPLAIN");  // the old key is not needed
        {
            auto s = open_store(dir, std::nullopt, {new_key});
            REQUIRE(s->reseal(false).ok());
        }
        check_webhooks_readable(*open_store(dir, std::nullopt), "ZQXHOOKPLAIN");
    }
    SECTION("a body moved to another event's row fails to open rather than be sent for it") {
        TempDir dir;
        const DataKey key = random_data_key();
        {
            auto s = open_store(dir, key);
            fill_webhooks(*s, "ZQXHOOKMOVE");
            REQUIRE(s->webhooks()->enqueue(WebhookEvent{"msg_2", "conversation.closed", "c_2", T0 + 6, "{}"}).ok());
        }
        exec(dir, "UPDATE webhook_deliveries SET payload = (SELECT payload FROM webhook_deliveries WHERE "
                  "event_id = 'msg_1') WHERE event_id = 'msg_2'");
        auto due = open_store(dir, key)->webhooks()->due(T0 + 10, 10);
        REQUIRE_FALSE(due.ok());
        CHECK(due.error().detail.find("payload") != std::string::npos);
    }
}

TEST_CASE("A report's message times and roles read from a sealed store without its key, and unseal nothing",
          "[store][sealed][sqlite][reports]") {
    TempDir dir;
    const DataKey key = random_data_key();
    fill(*open_store(dir, key), "ZQXSTAMPS");
    SqliteOptions keyless;
    keyless.allow_missing_keys = true;  // as --report opens it
    auto s = SqliteStore::open(dir.file("parley.db"), keyless);
    REQUIRE(s.ok());
    CHECK_FALSE(s.value()->messages_after("c_1", 0, 10).ok());  // the text needs the key
    auto stamps = s.value()->visible_message_stamps("c_1");
    REQUIRE(stamps.ok());
    REQUIRE(stamps.value().size() == 50);
    CHECK(stamps.value()[0].ts == T0);
    CHECK(stamps.value()[49].ts == T0 + 49);
    CHECK(stamps.value()[7].role == "visitor");
}
