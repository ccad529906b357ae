// A visitor's export and erasure from the console while the relay runs (P7, issue 15;
// relay/core/hub_privacy.cpp), against the real binary: a supervisor exports a visitor
// (the document arrives in visitor_export chunks) and erases them; afterwards no byte of
// the visitor's text, name or page is in any file of the data directory (the database,
// its -wal and -shm) or the relay's log, their connection was closed with 4102, their
// old token gets a new identity, and a bystander visitor carries on.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include "protocol_peer.hpp"
#include "relay_process.hpp"

using namespace parley::test;
namespace fs = std::filesystem;

namespace {

const std::string kPassword = "erase-test-password";

// Every byte the relay left on disk: each regular file of its data directory (keys/ is a
// directory: skipped, its files read) and its own log.
std::string everything_on_disk(const RelayProcess& relay) {
    std::string bytes = relay.log();
    for (const auto& entry : fs::recursive_directory_iterator(relay.data_dir())) {
        if (!entry.is_regular_file()) continue;
        std::ifstream in(entry.path(), std::ios::binary);
        bytes.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return bytes;
}

bool is_answer(const json& j) {
    const std::string type = j.value("type", "");
    return type == "welcome" || type == "error";
}

// Sends `count` messages, `window` at a time before waiting for their acks.
void send_many(ProtocolPeer& peer, const std::string& conv, int count, const std::string& prefix) {
    const int window = 100;
    for (int start = 0; start < count; start += window) {
        const int end = std::min(count, start + window);
        for (int i = start; i < end; ++i)
            REQUIRE(peer.send({{"type", "send"}, {"conv", conv}, {"cid", "m" + std::to_string(i)},
                               {"text", prefix + std::to_string(i)}}));
        for (int i = start; i < end; ++i) REQUIRE(peer.wait_type("ack", 10000));
    }
}

double ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

TEST_CASE("A supervisor exports and erases a visitor while the relay runs: nothing of them is left on disk",
          "[integration][privacy]") {
    RelayOptions o;
    o.demo_agent = true;  // demo@parley.local: supervisor of general; billing@parley.local an agent
    o.demo_password = kPassword;
    // 2 000 messages quickly from one connection: the frame rate limit is not under test.
    o.extra_args = {"--conn-rate", "100000", "--conn-burst", "100000", "--ip-rate", "100000", "--ip-burst", "100000"};
    RelayProcess relay(o);
    auto started = relay.start();
    INFO(started.detail);
    REQUIRE(started.ok);

    ProtocolPeer sup;
    REQUIRE(sup.connect(relay.host(), relay.port()));
    REQUIRE(sup.send({{"type", "login"}, {"email", "demo@parley.local"}, {"password", kPassword}}));
    auto welcome = sup.wait_for(is_answer, 10000);
    REQUIRE(welcome);
    REQUIRE((*welcome)["type"] == "welcome");

    ProtocolPeer visitor;
    REQUIRE(visitor.connect(relay.host(), relay.port()));
    REQUIRE(visitor.send({{"type", "hello"}, {"role", "visitor"}, {"name", "Zebulon Quixote"},
                          {"page", "https://shop.example/zqx-secret-page"}}));
    auto vw = visitor.wait_type("welcome");
    REQUIRE(vw);
    const std::string conv = (*vw)["conv"], token = (*vw)["token"], visitor_id = (*vw)["me"]["id"];
    const int kMessages = 2000;
    send_many(visitor, conv, kMessages, "zqx private detail number ");

    ProtocolPeer bystander;
    REQUIRE(bystander.connect(relay.host(), relay.port()));
    auto bw = bystander.hello_new_visitor();
    REQUIRE(bw);
    REQUIRE(bystander.send({{"type", "send"}, {"conv", bw->conv}, {"cid", "b1"}, {"text", "bystander text"}}));
    REQUIRE(bystander.wait_type("ack"));

    ProtocolPeer agent;  // billing: not a supervisor
    REQUIRE(agent.connect(relay.host(), relay.port()));
    REQUIRE(agent.send({{"type", "login"}, {"email", "billing@parley.local"}, {"password", kPassword}}));
    auto aw = agent.wait_for(is_answer, 10000);
    REQUIRE(aw);
    REQUIRE((*aw)["type"] == "welcome");
    REQUIRE(agent.send({{"type", "erase_visitor"}, {"conv", conv}}));
    auto refused = agent.wait_type("error");
    REQUIRE(refused);
    CHECK((*refused)["code"] == 2004);

    // The export: chunks in order until done, the CLI's document.
    const auto e0 = std::chrono::steady_clock::now();
    REQUIRE(sup.send({{"type", "export_visitor"}, {"conv", conv}}));
    std::string doc_text;
    for (;;) {
        auto chunk = sup.wait_type("visitor_export", 10000);
        REQUIRE(chunk);
        if (doc_text.empty()) std::cout << "export of " << kMessages << " messages: first chunk after " << ms_since(e0) << " ms\n";
        CHECK((*chunk)["visitor"] == visitor_id);
        doc_text += (*chunk)["data"].get<std::string>();
        if ((*chunk)["done"] == true) break;
    }
    const json doc = json::parse(doc_text);
    CHECK(doc["format"] == "parley.visitor-export.v1");
    CHECK(doc["visitor"]["name"] == "Zebulon Quixote");
    REQUIRE(doc["conversations"].size() == 1);
    CHECK(doc["conversations"][0]["messages"].size() == static_cast<std::size_t>(kMessages));

    // The erasure; the bystander's ping goes out right behind it and waits for the loop.
    auto idle = std::chrono::steady_clock::now();
    REQUIRE(bystander.send({{"type", "ping"}, {"n", 1}}));
    REQUIRE(bystander.wait_type("pong"));
    const double idle_ms = ms_since(idle);
    const auto t0 = std::chrono::steady_clock::now();
    REQUIRE(sup.send({{"type", "erase_visitor"}, {"conv", conv}}));
    REQUIRE(bystander.send({{"type", "ping"}, {"n", 2}}));
    auto erased = sup.wait_type("erased", 20000);
    const double erase_ms = ms_since(t0);
    REQUIRE(bystander.wait_type("pong", 20000));
    const double bystander_ms = ms_since(t0);
    REQUIRE(erased);
    CHECK((*erased)["visitor"] == visitor_id);
    CHECK((*erased)["convs"] == json::array({conv}));
    CHECK((*erased)["messages"] == kMessages);
    std::cout << "erasure of " << kMessages << " messages: answer after " << erase_ms << " ms; a bystander's ping "
              << bystander_ms << " ms (idle: " << idle_ms << " ms)\n";

    // The visitor's connection ends with 4102.
    visitor.wait_for([](const json&) { return false; }, 3000);
    CHECK(visitor.closed());
    CHECK(visitor.close_code() == 4102);

    // Nothing of them in any file, while the relay still runs (and so holds the files open).
    {
        const std::string disk = everything_on_disk(relay);
        CHECK(disk.find("zqx private detail") == std::string::npos);
        CHECK(disk.find("Zebulon Quixote") == std::string::npos);
        CHECK(disk.find("zqx-secret-page") == std::string::npos);
        CHECK(disk.find("bystander text") != std::string::npos);  // the grep can see text
    }

    // The bystander carries on; the old token is a stranger's now.
    REQUIRE(bystander.send({{"type", "send"}, {"conv", bw->conv}, {"cid", "b2"}, {"text", "still here"}}));
    auto ack = bystander.wait_type("ack");
    REQUIRE(ack);
    CHECK((*ack)["seq"] == 2);
    ProtocolPeer back;
    REQUIRE(back.connect(relay.host(), relay.port()));
    REQUIRE(back.send({{"type", "hello"}, {"role", "visitor"}, {"token", token}}));
    auto again = back.wait_type("welcome");
    REQUIRE(again);
    CHECK((*again)["me"]["id"] != visitor_id);
    CHECK((*again)["conv"] != conv);
    CHECK((*again)["last_seq"] == 0);

    // And after the relay stopped (its final checkpoint) too.
    REQUIRE(relay.stop());
    const std::string disk = everything_on_disk(relay);
    CHECK(disk.find("zqx private detail") == std::string::npos);
    CHECK(disk.find("Zebulon Quixote") == std::string::npos);
    CHECK(disk.find("zqx-secret-page") == std::string::npos);
}
