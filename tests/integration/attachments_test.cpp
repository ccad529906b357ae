// Attachments (issue 17, docs/attachments.md) against the real relay over real HTTP: a
// visitor uploads with their chat token and sends the file in a message; a supervisor
// reads it with their session token; the type and size limits answer before anything
// is stored; a backup holds the file, erasure deletes it from the disk, and a restore
// brings it back.
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "http_get.hpp"
#include "protocol_peer.hpp"
#include "relay_process.hpp"
#include "start_relay.hpp"

using namespace parley::test;

namespace {

const std::string kPassword = "integration-files-password";
const std::string kPdf = "%PDF-1.4\n% an invoice for Ada\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";

}  // namespace

TEST_CASE("A visitor uploads a file, sends it in a message, a supervisor reads it; backup keeps it, erasure "
          "deletes it, restore brings it back",
          "[integration][attachments]") {
    RelayOptions o;
    o.demo_agent = true;
    o.demo_password = kPassword;
    auto relay = start_relay({"--attachment-max-bytes", "4096"}, o);

    ProtocolPeer visitor;
    REQUIRE(visitor.connect(relay->host(), relay->port()));
    REQUIRE(visitor.send({{"type", "hello"}, {"role", "visitor"}, {"name", "Ada"}}));
    auto welcome = visitor.wait_type("welcome");
    REQUIRE(welcome);
    const std::string conv = (*welcome)["conv"], token = (*welcome)["token"];
    const std::vector<std::string> as_visitor{"Authorization: Bearer " + token};
    const std::string upload_path = "/attachments?conv=" + conv + "&name=invoice.pdf";

    // Refused before anything is stored: too large (by its Content-Length), not a type
    // on the list, no token.
    const auto large = http_request(relay->port(), "POST", upload_path, as_visitor, std::string(5000, 'a'));
    CHECK(large.status == 413);
    const auto program =
        http_request(relay->port(), "POST", upload_path, as_visitor, std::string("\x7F" "ELF\x02\x01\x01", 7));
    CHECK(program.status == 415);
    CHECK(http_request(relay->port(), "POST", upload_path, {}, kPdf).status == 401);

    const auto up = http_request(relay->port(), "POST", upload_path, as_visitor, kPdf);
    INFO(up.head << up.body);
    REQUIRE(up.status == 201);
    const json file = json::parse(up.body);
    const std::string id = file.value("id", "");
    CHECK(file.value("mime", "") == "application/pdf");
    CHECK(file.value("name", "") == "invoice.pdf");
    const std::string on_disk = relay->data_dir() + "/attachments/" + id;
    REQUIRE(std::filesystem::exists(on_disk));

    // In a message: stored with its name, type and size.
    REQUIRE(visitor.send({{"type", "send"}, {"conv", conv}, {"cid", "f1"}, {"text", "my invoice"},
                          {"parts", json::array({{{"kind", "file"}, {"id", id}}})}}));
    REQUIRE(visitor.wait_type("ack"));

    // A supervisor (the demo agent) reads it with their session token.
    ProtocolPeer agent;
    REQUIRE(agent.connect(relay->host(), relay->port()));
    REQUIRE(agent.send({{"type", "login"}, {"email", "demo@parley.local"}, {"password", kPassword}}));
    auto agent_welcome = agent.wait_type("welcome", 10000);
    REQUIRE(agent_welcome);
    const std::string session = (*agent_welcome).value("token", "");
    REQUIRE_FALSE(session.empty());
    const auto down = http_request(relay->port(), "GET", "/attachments/" + id, {"Authorization: Bearer " + session}, "");
    REQUIRE(down.status == 200);
    CHECK(down.body == kPdf);
    CHECK(down.head.find("content-type: application/pdf") != std::string::npos);
    CHECK(down.head.find("content-disposition: attachment; filename=\"invoice.pdf\"") != std::string::npos);
    CHECK(down.head.find("x-content-type-options: nosniff") != std::string::npos);
    REQUIRE(agent.send({{"type", "history"}, {"conv", conv}, {"limit", 10}}));
    auto history = agent.wait_type("page", 5000);
    REQUIRE(history);
    bool seen = false;
    for (const auto& m : (*history)["msgs"])
        if (m.value("cid", "") == "f1") {
            seen = true;
            const auto& part = m["parts"][0];
            CHECK(part.value("name", "") == "invoice.pdf");
            CHECK(part.value("mime", "") == "application/pdf");
            CHECK(part.value("size", 0) == static_cast<int>(kPdf.size()));
        }
    CHECK(seen);
    agent.close();
    visitor.close();

    // The backup holds the file.
    const std::string backup_dir = relay->data_dir() + "/../backup";
    const auto backed_up = relay->command("--backup-to " + backup_dir);
    INFO(backed_up.out);
    REQUIRE(backed_up.status == 0);
    CHECK(backed_up.out.find("1 attachment file(s)") != std::string::npos);
    CHECK(std::filesystem::exists(backup_dir + "/attachments/" + id));

    // Erasing the visitor deletes the file from the disk.
    REQUIRE(relay->stop());
    const auto erased = relay->command("--erase-visitor " + conv);
    INFO(erased.out);
    REQUIRE(erased.status == 0);
    CHECK_FALSE(std::filesystem::exists(on_disk));

    // A restore brings it back, readable with the visitor's token.
    const auto restored = relay->command("--restore-from " + backup_dir);
    INFO(restored.out);
    REQUIRE(restored.status == 0);
    REQUIRE(relay->start());
    const auto again = http_request(relay->port(), "GET", "/attachments/" + id, as_visitor, "");
    CHECK(again.status == 200);
    CHECK(again.body == kPdf);
}

TEST_CASE("Uploads held at once are capped: the ninth is refused with 503 before its body is read, and the "
          "relay serves everyone meanwhile",
          "[integration][attachments]") {
    auto relay = start_relay({"--attachment-max-bytes", "4096"});
    // Eight clients announce a 4 000-byte upload and send none of it.
    std::vector<int> held;
    const std::string head = "POST /attachments?conv=c_x&name=a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             "Content-Length: 4000\r\n\r\n";
    for (int i = 0; i < 8; ++i) {
        const int fd = raw_connect(relay->port());
        REQUIRE(fd >= 0);
        REQUIRE(::send(fd, head.data(), head.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(head.size()));
        held.push_back(fd);
        // A health check answered after it: the relay has read its request by then.
        REQUIRE(http_get(relay->port(), "/healthz").status == 200);
    }
    // The ninth gets 503 (asked again for a while, should the relay not have read the
    // last held request yet: then the ninth is read and refused for its token, 401).
    HttpResponse ninth;
    for (int i = 0; i < 50 && ninth.status != 503; ++i) {
        ninth = http_request(relay->port(), "POST", "/attachments?conv=c_x&name=b.txt", {}, "hello");
        if (ninth.status != 503) ::usleep(100 * 1000);
    }
    CHECK(ninth.status == 503);
    CHECK(ninth.head.find("retry-after: 5") != std::string::npos);
    CHECK(http_get(relay->port(), "/healthz").status == 200);
    for (int fd : held) ::close(fd);
    // Their slots come back: the next upload is read (and refused for what it is, no token).
    bool read = false;
    for (int i = 0; i < 50 && !read; ++i) {
        read = http_request(relay->port(), "POST", "/attachments?conv=c_x&name=b.txt", {}, "hello").status == 401;
        if (!read) ::usleep(100 * 1000);
    }
    CHECK(read);
}
