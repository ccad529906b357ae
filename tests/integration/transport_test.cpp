// The relay's WebSocket edge as docs/protocol.md §1 and §8 describe it, seen from a
// hand-written client: the upgrade rules, frames the library must handle for us
// (fragments, binary, invalid UTF-8), and durability across a crash.
#include <catch2/catch.hpp>

#include "protocol_peer.hpp"
#include "relay_process.hpp"

using namespace parley::test;

namespace {

constexpr int kWait = 5000;

std::unique_ptr<RelayProcess> start_relay(std::vector<std::string> args = {}) {
    RelayOptions options;
    options.extra_args = std::move(args);
    auto relay = std::make_unique<RelayProcess>(options);
    auto st = relay->start();
    INFO(st.detail);
    REQUIRE(st.ok);
    return relay;
}

WsConnectOptions options_for(const RelayProcess& relay) {
    WsConnectOptions o;
    o.host = relay.host();
    o.port = relay.port();
    return o;
}

bool has_type(const json& j, const std::string& type) { return j.is_object() && j.value("type", "") == type; }

}  // namespace

TEST_CASE("The relay accepts only parley.v1 upgrades from allowed origins", "[integration][transport]") {
    auto relay = start_relay();
    WsClient ws;
    auto o = options_for(*relay);

    SECTION("no subprotocol: refused") {
        o.subprotocol = "";
        auto st = ws.connect(o);
        INFO(st.detail);
        CHECK_FALSE(st.ok);
    }
    SECTION("another subprotocol: refused") {
        o.subprotocol = "chat.v2";
        auto st = ws.connect(o);
        INFO(st.detail);
        CHECK_FALSE(st.ok);
    }
    SECTION("a foreign browser origin: refused with 403") {
        o.origin = "http://evil.example";
        auto st = ws.connect(o);
        INFO(st.detail);
        CHECK_FALSE(st.ok);
        CHECK(st.detail.find("403") != std::string::npos);
    }
    SECTION("the relay's own origin: accepted") {
        o.origin = relay->http_url();
        auto st = ws.connect(o);
        INFO(st.detail);
        CHECK(st.ok);
    }
    SECTION("a native client without Origin: accepted") {
        auto st = ws.connect(o);
        INFO(st.detail);
        CHECK(st.ok);
    }
}

TEST_CASE("With --allow-origin naming the embedding site, the relay's own pages still connect by any name",
          "[integration][transport]") {
    // The operator followed the docs: only the site that embeds the widget is listed.
    // The widget's frame and the console are served by the relay, reached as
    // chat.shop.example: their WebSockets carry that origin (the defect: 403, and the
    // widget said "Connecting…" forever).
    auto relay = start_relay({"--allow-origin", "https://shop.example"});
    WsClient ws;
    auto o = options_for(*relay);
    const std::string name = "chat.shop.example:" + std::to_string(relay->port());
    o.host_header = name;

    SECTION("the relay's own origin as the browser reached it: accepted") {
        o.origin = "http://" + name;
        auto st = ws.connect(o);
        INFO(st.detail);
        CHECK(st.ok);
    }
    SECTION("the same through a proxy that ends TLS and keeps Host: accepted") {
        o.origin = "https://" + name;
        auto st = ws.connect(o);
        INFO(st.detail);
        CHECK(st.ok);
    }
    SECTION("the embedding site: accepted") {
        o.origin = "https://shop.example";
        auto st = ws.connect(o);
        INFO(st.detail);
        CHECK(st.ok);
    }
    SECTION("another site, even naming the relay's host in Host: refused with 403") {
        o.origin = "https://evil.example";
        auto st = ws.connect(o);
        INFO(st.detail);
        CHECK_FALSE(st.ok);
        CHECK(st.detail.find("403") != std::string::npos);
    }
}

TEST_CASE("The relay reassembles fragments and refuses binary and invalid UTF-8", "[integration][transport]") {
    auto relay = start_relay();
    ProtocolPeer peer;
    REQUIRE(peer.connect(relay->host(), relay->port()));
    WsClient& ws = peer.transport();

    SECTION("a hello split over three fragments is one frame") {
        const std::string hello = R"({"v":1,"type":"hello","role":"visitor","name":"Frag"})";
        REQUIRE(ws.send_raw(ws_encode_frame(ws_op::text, hello.substr(0, 10), ws.random_mask(), false)));
        REQUIRE(ws.send_raw(ws_encode_frame(ws_op::continuation, hello.substr(10, 20), ws.random_mask(), false)));
        REQUIRE(ws.send_raw(ws_encode_frame(ws_op::continuation, hello.substr(30), ws.random_mask(), true)));
        auto welcome = peer.wait_for([](const json& j) { return has_type(j, "welcome") || has_type(j, "error"); }, kWait);
        REQUIRE(welcome);
        INFO(welcome->dump());
        CHECK(has_type(*welcome, "welcome"));
        CHECK((*welcome)["me"].value("name", "") == "Frag");
    }
    SECTION("a binary message gets error 1010 and the connection stays open") {
        REQUIRE(ws.send_raw(ws_encode_frame(ws_op::binary, "\x01\x02", ws.random_mask())));
        auto err = peer.wait_type("error", kWait);
        REQUIRE(err);
        CHECK(err->value("code", 0) == 1010);
        REQUIRE(peer.send({{"type", "ping"}, {"n", 3}}));
        CHECK(peer.wait_type("pong", kWait));
    }
    SECTION("invalid UTF-8 in a text frame closes with 1007") {
        REQUIRE(ws.send_raw(ws_encode_frame(ws_op::text, "{\"v\":1,\"type\":\"ping\",\"n\":\"\xC3\x28\"}", ws.random_mask())));
        (void)peer.drain(kWait / 5);
        CHECK(peer.closed());
        CHECK(peer.close_code() == 1007);
    }
    SECTION("a WebSocket ping is answered and the session continues") {
        REQUIRE(ws.send_raw(ws_encode_frame(ws_op::ping, "are you there", ws.random_mask())));
        REQUIRE(peer.send({{"type", "ping"}, {"n", 9}}));
        auto pong = peer.wait_type("pong", kWait);
        REQUIRE(pong);
        CHECK(pong->value("n", 0) == 9);
        CHECK_FALSE(peer.closed());
    }
}

SCENARIO("An acknowledged message survives a crash of the relay", "[integration][restart]") {
    auto relay = start_relay();
    ProtocolPeer visitor;
    REQUIRE(visitor.connect(relay->host(), relay->port()));
    auto welcome = visitor.hello_new_visitor(kWait);
    REQUIRE(welcome);
    const std::string conv = welcome->conv;
    const std::string token = welcome->token;

    GIVEN("three messages the relay acknowledged") {
        for (int i = 1; i <= 3; ++i) {
            REQUIRE(visitor.send({{"type", "send"}, {"conv", conv}, {"cid", "k." + std::to_string(i)},
                                  {"text", "message " + std::to_string(i)}}));
        }
        for (int i = 1; i <= 3; ++i) {
            auto ack = visitor.wait_type("ack", kWait);
            REQUIRE(ack);
            CHECK(ack->value("seq", 0) == i);
        }

        WHEN("the relay is killed with SIGKILL and started again") {
            relay->kill();
            CHECK(relay->exit_code() == 128 + 9);
            auto st = relay->start();
            INFO(st.detail);
            REQUIRE(st.ok);

            THEN("the visitor's token resumes the conversation with all three messages") {
                ProtocolPeer again;
                REQUIRE(again.connect(relay->host(), relay->port()));
                REQUIRE(again.send({{"type", "hello"}, {"role", "visitor"}, {"token", token}}));
                auto w = again.wait_type("welcome", kWait);
                REQUIRE(w);
                CHECK(w->value("conv", "") == conv);
                CHECK(w->value("last_seq", 0) == 3);
                REQUIRE(again.send({{"type", "sync"}, {"conv", conv}, {"after", 0}}));
                auto synced = again.wait_type("synced", kWait);
                REQUIRE(synced);
                CHECK(synced->value("last_seq", 0) == 3);
                std::vector<json> msgs;
                for (const auto& f : again.seen())
                    if (has_type(f, "msg")) msgs.push_back(f);
                REQUIRE(msgs.size() == 3);
                for (int i = 0; i < 3; ++i) {
                    CHECK(msgs[i].value("seq", 0) == i + 1);
                    CHECK(msgs[i].value("text", "") == "message " + std::to_string(i + 1));
                }
            }
            THEN("resending an acknowledged cid is acknowledged again, not stored twice") {
                ProtocolPeer again;
                REQUIRE(again.connect(relay->host(), relay->port()));
                REQUIRE(again.send({{"type", "hello"}, {"role", "visitor"}, {"token", token}}));
                REQUIRE(again.wait_type("welcome", kWait));
                REQUIRE(again.send({{"type", "send"}, {"conv", conv}, {"cid", "k.2"}, {"text", "message 2"}}));
                auto ack = again.wait_type("ack", kWait);
                REQUIRE(ack);
                CHECK(ack->value("seq", 0) == 2);
                auto later = again.drain(300);
                for (const auto& f : later) CHECK_FALSE(has_type(f, "msg"));
                REQUIRE(again.send({{"type", "history"}, {"conv", conv}}));
                auto page = again.wait_type("page", kWait);
                REQUIRE(page);
                CHECK((*page)["msgs"].size() == 3);
            }
        }
    }
}

SCENARIO("Many frames at once, and frames over 64 KB, reach a client whole and in order",
         "[integration][transport]") {
    // The relay writes all frames a connection is given in one loop pass with one send()
    // and its own WebSocket headers (2-, 4- and 10-byte lengths), up to 64 KB per write.
    auto relay = start_relay();
    ProtocolPeer visitor;
    REQUIRE(visitor.connect(relay->host(), relay->port()));
    auto welcome = visitor.hello_new_visitor(kWait);
    REQUIRE(welcome);
    const std::string conv = welcome->conv;
    const std::string token = welcome->token;

    GIVEN("40 messages of 7 000 bytes each, sent back to back") {
        const int n = 40;
        auto text_of = [](int i) { return std::string(6990, char('a' + i % 26)) + "-" + std::to_string(1000 + i); };
        for (int i = 1; i <= n; ++i)
            REQUIRE(visitor.send({{"type", "send"}, {"conv", conv}, {"cid", "big." + std::to_string(i)},
                                  {"text", text_of(i)}}));
        for (int i = 1; i <= n; ++i) {
            auto ack = visitor.wait_type("ack", kWait);
            REQUIRE(ack);
            CHECK(ack->value("seq", 0) == i);
        }

        WHEN("a second tab syncs from the start and asks for the whole history at once") {
            ProtocolPeer tab;
            REQUIRE(tab.connect(relay->host(), relay->port()));
            REQUIRE(tab.send({{"type", "hello"}, {"role", "visitor"}, {"token", token}}));
            REQUIRE(tab.wait_type("welcome", kWait));
            REQUIRE(tab.send({{"type", "sync"}, {"conv", conv}, {"after", 0}}));
            REQUIRE(tab.wait_type("synced", kWait));
            REQUIRE(tab.send({{"type", "history"}, {"conv", conv}, {"limit", n}}));
            auto page = tab.wait_type("page", kWait);

            THEN("every message arrives once, in order, byte for byte; the history comes in pages "
                 "that each fit a 65 536-byte frame, and paging back with before gets the rest") {
                std::vector<json> msgs;
                for (const json& j : tab.seen())
                    if (has_type(j, "msg") && j.value("conv", "") == conv) msgs.push_back(j);
                REQUIRE(msgs.size() == static_cast<std::size_t>(n));
                for (int i = 1; i <= n; ++i) {
                    CHECK(msgs[i - 1].value("seq", 0) == i);
                    CHECK(msgs[i - 1].value("text", "") == text_of(i));
                }
                REQUIRE(page);
                std::vector<json> listed;  // oldest first
                for (int pages = 1;; ++pages) {
                    REQUIRE(pages <= n);
                    CHECK(page->dump().size() <= 65536);  // what every client can decode
                    const json& these = (*page)["msgs"];
                    REQUIRE_FALSE(these.empty());
                    listed.insert(listed.begin(), these.begin(), these.end());
                    if (!page->value("more", false)) break;
                    REQUIRE(tab.send({{"type", "history"}, {"conv", conv}, {"limit", n},
                                      {"before", these.front().value("seq", 0)}}));
                    page = tab.wait_type("page", kWait);
                    REQUIRE(page);
                }
                REQUIRE(listed.size() == static_cast<std::size_t>(n));
                for (int i = 1; i <= n; ++i) CHECK(listed[i - 1].value("text", "") == text_of(i));
                CHECK_FALSE(tab.closed());
            }
        }
    }
}
