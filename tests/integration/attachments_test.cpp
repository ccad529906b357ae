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

namespace {

// A client that announces a 4 000-byte upload from `from` and sends none of it; a
// health check answered after it shows the relay has read the request by then.
int hold_upload(int port, const char* from, const std::vector<std::string>& headers = {}) {
    std::string head = "POST /attachments?conv=c_x&name=a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const std::string& h : headers) head += h + "\r\n";
    head += "Content-Length: 4000\r\n\r\n";
    const int fd = raw_connect(port, 0, from);
    REQUIRE(fd >= 0);
    REQUIRE(::send(fd, head.data(), head.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(head.size()));
    REQUIRE(http_get(port, "/healthz").status == 200);
    return fd;
}

// One small upload without a token from `from`: 503 while its slots are taken, else
// read and refused for what it is (401). Asked again for a while while the answer is
// 401 and `want` is 503, should the relay not have read the last held request yet.
HttpResponse try_upload(int port, const char* from, int want, const std::vector<std::string>& headers = {}) {
    HttpResponse r;
    for (int i = 0; i < 50; ++i) {
        std::string head = "POST /attachments?conv=c_x&name=b.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
        for (const std::string& h : headers) head += h + "\r\n";
        head += "Content-Length: 5\r\n\r\nhello";
        const int fd = raw_connect(port, 0, from);
        REQUIRE(fd >= 0);
        REQUIRE(::send(fd, head.data(), head.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(head.size()));
        std::string got;
        char buf[4096];
        for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) got.append(buf, static_cast<std::size_t>(n));
        ::close(fd);
        r = HttpResponse{};
        r.head = got.substr(0, got.find("\r\n\r\n"));
        for (char& c : r.head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (got.size() > 12) r.status = std::atoi(got.c_str() + 9);
        r.body = got.find("\r\n\r\n") == std::string::npos ? "" : got.substr(got.find("\r\n\r\n") + 4);
        if (r.status == want) break;
        ::usleep(100 * 1000);
    }
    return r;
}

}  // namespace

TEST_CASE("Uploads held at once are capped, in all and by each address: one client cannot take every slot, "
          "and the relay serves everyone meanwhile",
          "[integration][attachments]") {
    auto relay = start_relay({"--attachment-max-bytes", "4096"});
    const int port = relay->port();
    std::vector<int> held;

    // One address holds its share (2) of the 8 slots; its third is refused…
    held.push_back(hold_upload(port, "127.0.0.2"));
    held.push_back(hold_upload(port, "127.0.0.2"));
    const HttpResponse third = try_upload(port, "127.0.0.2", 503);
    CHECK(third.status == 503);
    CHECK(third.head.find("retry-after: 5") != std::string::npos);
    CHECK(third.body.find("this address has 2 uploads under way") != std::string::npos);
    // …while another address's upload is read (and refused for having no token).
    CHECK(try_upload(port, "127.0.0.9", 401).status == 401);

    // Three more addresses take the rest: the ninth upload, from a fresh address, waits.
    for (const char* from : {"127.0.0.3", "127.0.0.4", "127.0.0.5"}) {
        held.push_back(hold_upload(port, from));
        held.push_back(hold_upload(port, from));
    }
    const HttpResponse ninth = try_upload(port, "127.0.0.6", 503);
    CHECK(ninth.status == 503);
    CHECK(ninth.body.find("too many uploads at once") != std::string::npos);
    CHECK(http_get(port, "/healthz").status == 200);

    for (int fd : held) ::close(fd);
    // Their slots come back: the next upload is read.
    CHECK(try_upload(port, "127.0.0.2", 401).status == 401);
}

TEST_CASE("Behind a trusted proxy, uploads are shared out by the client its X-Forwarded-For names",
          "[integration][attachments]") {
    auto relay = start_relay({"--attachment-max-bytes", "4096", "--trusted-proxy", "127.0.0.1"});
    const int port = relay->port();
    const std::vector<std::string> alice = {"X-Forwarded-For: 203.0.113.7"};
    std::vector<int> held{hold_upload(port, "127.0.0.1", alice), hold_upload(port, "127.0.0.1", alice)};
    CHECK(try_upload(port, "127.0.0.1", 503, alice).status == 503);
    // Another client through the same proxy has a share of its own.
    CHECK(try_upload(port, "127.0.0.1", 401, {"X-Forwarded-For: 203.0.113.8"}).status == 401);
    // The proxy's own requests (no header) carry many clients: only the total cap applies.
    held.push_back(hold_upload(port, "127.0.0.1"));
    held.push_back(hold_upload(port, "127.0.0.1"));
    CHECK(try_upload(port, "127.0.0.1", 401).status == 401);
    for (int fd : held) ::close(fd);
}

