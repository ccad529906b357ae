// Attachments (issue 17, relay/attachments/, docs/attachments.md): the type read from
// the bytes, the files sealed at rest, and the HTTP service as structs in and out (a
// Hub on a memory store, files in a temporary directory, jobs run inline), then the
// `file` part of a message.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "attachments/attachment_service.hpp"
#include "attachments/file_type.hpp"
#include "parley/json/parse.hpp"
#include "support/hub_harness.hpp"
#include "support/store_backends.hpp"

using namespace parley::relay;
using namespace parley::relay::test;
using namespace parley::relay::attachments;
namespace json = parley::json;

namespace {

const std::string kPng = std::string("\x89PNG\r\n\x1a\n", 8) + std::string("\0\0\0\rIHDR pixels", 15);
const std::string kHtml = "<!doctype html><script>alert(document.cookie)</script>";

std::string file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A ready answer: deferred ones are asked once (the jobs ran inline, so they are done).
HttpResponse settled(HttpResponse r) {
    if (!r.deferred) return r;
    auto ready = r.deferred();
    REQUIRE(ready);
    return std::move(*ready);
}

std::string header(const HttpResponse& r, const std::string& name) {
    for (const auto& [k, v] : r.headers)
        if (k == name) return v;
    return {};
}

struct Files {
    HubHarness h;
    TempDir dir;
    AttachmentFiles files{dir.file("attachments"), ColumnSealer()};
    InlineJobs jobs;
    AttachmentService service;
    std::string token, conv;  // a visitor with a conversation
    ConnId visitor = 0;

    std::int64_t disk_free = std::int64_t{1} << 40;  // what the fake statvfs says
    explicit Files(AttachmentLimits limits = {})
        : service(h.store, h.hub, files, jobs, h.random, limits,
                  [this](const std::string&) { return std::optional<std::int64_t>(disk_free); }) {
        p::Welcome w;
        visitor = h.visitor(&w);
        token = w.token;
        conv = *w.conv;
    }
    HttpResponse upload(const std::string& body, const std::string& as, const std::string& to,
                        const std::string& name = "photo.png") {
        HttpRequest r;
        r.method = "POST";
        r.path = "/attachments";
        r.query = {{"conv", to}, {"name", name}};
        if (!as.empty()) r.authorization = "Bearer " + as;
        r.body = body;
        return settled(service.handle(r, h.now));
    }
    HttpResponse download(const std::string& id, const std::string& as) {
        HttpRequest r;
        r.method = "GET";
        r.path = "/attachments/" + id;
        if (!as.empty()) r.authorization = "Bearer " + as;
        return settled(service.handle(r, h.now));
    }
    std::string uploaded(const std::string& body = kPng) {
        auto r = upload(body, token, conv);
        REQUIRE(r.status == 201);
        return json::parse(r.body)->find("id")->as_string();
    }
};

}  // namespace

TEST_CASE("a file's type is read from its first bytes, from an allow-list", "[attachments]") {
    CHECK(sniff_file_type(kPng)->mime == "image/png");
    CHECK(sniff_file_type("\xFF\xD8\xFF\xE0 jfif")->mime == "image/jpeg");
    CHECK(sniff_file_type("GIF89a....")->mime == "image/gif");
    CHECK(sniff_file_type(std::string("RIFF\x10\0\0\0WEBPVP8 ", 16))->mime == "image/webp");
    CHECK(sniff_file_type("%PDF-1.7\n")->mime == "application/pdf");
    CHECK(sniff_file_type("Order 4711: the parcel, déjà vu ✓\r\n\tthanks")->mime == "text/plain");
    CHECK(sniff_file_type(kPng)->image);
    CHECK_FALSE(sniff_file_type("%PDF-1.7")->image);
    // Markup is text: it is kept and served as text/plain, never as a page or an image.
    CHECK(sniff_file_type(kHtml)->mime == "text/plain");
    CHECK_FALSE(sniff_file_type(kHtml)->image);
    // Archives, binaries, bad UTF-8: refused.
    CHECK_FALSE(sniff_file_type(std::string("PK\x03\x04zip", 7)));
    CHECK_FALSE(sniff_file_type(std::string("\x7F" "ELF", 4)));
    CHECK_FALSE(sniff_file_type("caf\xC3"));          // cut inside a character
    CHECK_FALSE(sniff_file_type("\xC0\xAF"));         // an overlong '/'
    CHECK_FALSE(sniff_file_type("\xED\xA0\x80"));     // a surrogate
    CHECK_FALSE(sniff_file_type(std::string("a\0b", 3)));
    CHECK_FALSE(sniff_file_type(""));
}

TEST_CASE("attachment files are written whole under their ids, and sealed with a data key", "[attachments]") {
    TempDir dir;
    SECTION("plain") {
        AttachmentFiles files(dir.file("attachments"), ColumnSealer());
        REQUIRE(files.write("att_0a", kPng).ok());
        CHECK(files.read("att_0a").value() == kPng);
        CHECK(file_bytes(dir.file("attachments/att_0a")) == "P" + kPng);
        CHECK_FALSE(std::filesystem::exists(dir.file("attachments/att_0a.tmp")));
    }
    SECTION("sealed: the bytes are not on disk, and a file moved to another id does not open") {
        AttachmentFiles files(dir.file("attachments"), ColumnSealer(random_data_key()));
        const std::string secret = "Passport number X1234567, Ada Lovelace";
        REQUIRE(files.write("att_0a", secret).ok());
        REQUIRE(files.write("att_0b", "other").ok());
        CHECK(files.read("att_0a").value() == secret);
        CHECK(file_bytes(dir.file("attachments/att_0a")).find("X1234567") == std::string::npos);
        std::filesystem::copy_file(dir.file("attachments/att_0a"), dir.file("attachments/att_0b"),
                                   std::filesystem::copy_options::overwrite_existing);
        CHECK_FALSE(files.read("att_0b").ok());
    }
    SECTION("an id that is not the relay's never names a path") {
        AttachmentFiles files(dir.file("attachments"), ColumnSealer());
        CHECK_FALSE(files.write("../parley.db", "x").ok());
        CHECK_FALSE(files.read("att_0a/../../x").ok());
    }
    SECTION("erasure deletes the files of the erased conversations (SQLite)") {
        auto store = SqliteStore::open(dir.file("parley.db")).value();
        REQUIRE(store->create_visitor(Visitor{"v_1", "Ada", 1}).ok());
        REQUIRE(store->create_conversation("c_1", "v_1", 1).ok());
        AttachmentFiles files(AttachmentFiles::dir_of(dir.file("")), ColumnSealer());
        REQUIRE(files.write("att_0a", kPng).ok());
        REQUIRE(store->put_attachment(AttachmentRecord{"att_0a", "c_1", "v_1", "photo.png", "image/png", 23, 1}).ok());
        REQUIRE(std::filesystem::exists(dir.file("attachments/att_0a")));
        REQUIRE(store->erase_visitor("v_1").ok());
        CHECK_FALSE(std::filesystem::exists(dir.file("attachments/att_0a")));
    }
}

TEST_CASE("a visitor uploads a file to their conversation and reads it back with its type and name",
          "[attachments]") {
    Files f;
    auto up = f.upload(kPng, f.token, f.conv, "C:\\Users\\ada\\My \"holiday\" photo.png");
    REQUIRE(up.status == 201);
    const json::Value doc = *json::parse(up.body);
    const std::string id = doc.find("id")->as_string();
    CHECK(id.rfind("att_", 0) == 0);
    CHECK(id.size() == 36);
    CHECK(doc.find("conversation")->as_string() == f.conv);
    CHECK(doc.find("name")->as_string() == "My holiday photo.png");  // the last segment, no quotes
    CHECK(doc.find("mime")->as_string() == "image/png");
    CHECK(doc.find("size")->as_int() == static_cast<long long>(kPng.size()));
    // Stored outside the database under its random id.
    CHECK(std::filesystem::exists(f.dir.file("attachments/" + id)));

    auto down = f.download(id, f.token);
    REQUIRE(down.status == 200);
    CHECK(down.body == kPng);
    CHECK(down.content_type == "image/png");
    CHECK(header(down, "content-disposition") ==
          "attachment; filename=\"My holiday photo.png\"; filename*=UTF-8''My%20holiday%20photo.png");
    CHECK(header(down, "content-security-policy") == "default-src 'none'; sandbox");
}

TEST_CASE("an upload is refused by its bytes, its size in a day, and who sends it", "[attachments]") {
    AttachmentLimits limits;
    limits.visitor_bytes_per_day = 100;
    Files f(limits);
    SECTION("a program named photo.png is refused; an HTML page named so is plain text") {
        auto r = f.upload(std::string("\x7F" "ELF\x02\x01", 6), f.token, f.conv);
        CHECK(r.status == 415);
        CHECK(json::parse(r.body)->find("detail")->as_string().find("PNG, JPEG, GIF, WebP, PDF or plain text") !=
              std::string::npos);
        auto page = f.upload(kHtml, f.token, f.conv);
        REQUIRE(page.status == 201);
        CHECK(json::parse(page.body)->find("mime")->as_string() == "text/plain");
        auto served = f.download(json::parse(page.body)->find("id")->as_string(), f.token);
        CHECK(served.content_type == "text/plain; charset=utf-8");
    }
    SECTION("an empty body, or no conversation or name") {
        CHECK(f.upload("", f.token, f.conv).status == 400);
        CHECK(f.upload(kPng, f.token, "").status == 400);
        CHECK(f.upload(kPng, f.token, f.conv, "").status == 400);
    }
    SECTION("a visitor's bytes per day") {
        CHECK(f.upload(std::string(60, 'a'), f.token, f.conv, "a.txt").status == 201);
        auto over = f.upload(std::string(60, 'b'), f.token, f.conv, "b.txt");
        CHECK(over.status == 429);
        CHECK_FALSE(header(over, "retry-after").empty());
        f.h.now += kQuotaDayMs;
        CHECK(f.upload(std::string(60, 'b'), f.token, f.conv, "b.txt").status == 201);
    }
    SECTION("no token, an unknown one, another visitor's conversation") {
        CHECK(f.upload(kPng, "", f.conv).status == 401);
        CHECK(f.upload(kPng, "not-a-token", f.conv).status == 401);
        p::Welcome other;
        f.h.visitor(&other);
        CHECK(f.upload(kPng, other.token, f.conv).status == 404);
    }
}

TEST_CASE("a file that would leave the disk below its floor is refused with 507; the conversation goes on",
          "[attachments]") {
    AttachmentLimits limits;
    limits.min_free_bytes = 1000;
    Files f(limits);
    f.disk_free = 1000 + static_cast<std::int64_t>(kPng.size());  // exactly room for it
    CHECK(f.upload(kPng, f.token, f.conv).status == 201);
    f.disk_free -= 1;
    auto full = f.upload(kPng, f.token, f.conv);
    CHECK(full.status == 507);
    CHECK(full.content_type == "application/problem+json");
    CHECK(json::parse(full.body)->find("type")->as_string() == "https://parley.dev/problems/insufficient-storage");
    // Nothing was written for it, and text still goes through.
    CHECK(std::distance(std::filesystem::directory_iterator(f.dir.file("attachments")),
                        std::filesystem::directory_iterator()) == 1);
    f.h.send(f.visitor, p::Send{f.conv, "v.2", "my file did not go, here is the text"});
    CHECK(f.h.next<p::Ack>(f.visitor).seq > 0);
    SECTION("a floor of 0 switches the check off") {
        limits.min_free_bytes = 0;
        f.service.set_limits(limits);
        f.disk_free = 0;
        CHECK(f.upload(kPng, f.token, f.conv).status == 201);
    }
}

TEST_CASE("the free space of a real directory is read with statvfs", "[attachments]") {
    TempDir dir;
    const auto room = free_bytes_of(dir.file("attachments"));  // not made yet: its parent's
    REQUIRE(room);
    CHECK(*room > 0);
    CHECK_FALSE(free_bytes_of("/nonexistent-parley/a/b"));
}

TEST_CASE("a file is read only by those who may read its conversation; others get 404 as for no file",
          "[attachments]") {
    Files f;
    const std::string id = f.uploaded();
    p::Welcome other;
    f.h.visitor(&other);
    CHECK(f.download(id, other.token).status == 404);
    CHECK(f.download(id, "").status == 401);
    CHECK(f.download("att_00000000000000000000000000000000", f.token).status == 404);
    CHECK(f.download("../parley.db", f.token).status == 404);
    // A supervisor may; a disabled one may not.
    const std::string boss = f.h.make_agent("a_boss", "boss@example.com", "Boss", {}, true);
    CHECK(f.download(id, boss).status == 200);
    REQUIRE(f.h.store.set_agent_disabled("a_boss", true).ok());
    CHECK(f.download(id, boss).status == 401);
}

TEST_CASE("a message's file part names an upload of its sender here, and is stored with its name, type and size",
          "[attachments]") {
    Files f;
    const std::string id = f.uploaded();
    f.h.send(f.visitor, p::Send{f.conv, "v.f1", "here it is", {}, R"([{"kind":"file","id":")" + id + R"("}])"});
    auto acks = frames<p::Ack>(f.h, f.visitor);
    REQUIRE(acks.size() == 1);
    auto stored = f.h.store.messages_after(f.conv, 0, 10).value();
    REQUIRE(stored.size() == 1);
    const json::Value parts = *json::parse(stored[0].parts);
    const json::Value& part = parts.elements().at(0);
    CHECK(part.find("kind")->as_string() == "file");
    CHECK(part.find("id")->as_string() == id);
    CHECK(part.find("name")->as_string() == "photo.png");
    CHECK(part.find("mime")->as_string() == "image/png");
    CHECK(part.find("size")->as_int() == static_cast<long long>(kPng.size()));

    SECTION("another visitor cannot send it, nor can anyone send an id never uploaded") {
        p::Welcome ow;
        const ConnId other = f.h.visitor(&ow);
        f.h.send(other, p::Send{*ow.conv, "v.x", "mine now", {}, R"([{"kind":"file","id":")" + id + R"("}])"});
        auto errors = frames<p::ErrorFrame>(f.h, other);
        REQUIRE(errors.size() == 1);
        CHECK(errors[0].code == p::ErrorCode::bad_field);
        f.h.send(f.visitor, p::Send{f.conv, "v.y", "x", {}, R"([{"kind":"file","id":"att_0123"}])"});
        CHECK(frames<p::ErrorFrame>(f.h, f.visitor).size() == 1);
    }
    SECTION("a visitor sends no other part, and a file part has only its id") {
        f.h.send(f.visitor, p::Send{f.conv, "v.z", "x", {}, R"([{"kind":"quick_replies","options":[{"id":"a","label":"A"}]}])"});
        CHECK(frames<p::ErrorFrame>(f.h, f.visitor).back().code == p::ErrorCode::forbidden);
        f.h.send(f.visitor, p::Send{f.conv, "v.w", "x", {}, R"([{"kind":"file","id":")" + id + R"(","name":"evil.html"}])"});
        CHECK(frames<p::ErrorFrame>(f.h, f.visitor).back().code == p::ErrorCode::bad_field);
    }
}
