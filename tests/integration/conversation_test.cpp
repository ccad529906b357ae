// A conversation end to end: the real parley-relay binary with a fresh data dir, the
// SDK's client core driven over real sockets (NativeClient), and raw frames
// (ProtocolPeer) where a test must send exactly what a well-behaved client never
// would. Each SCENARIO starts its own relay, so scenarios share no state.
//
// Every wait is bounded (kWait); a failure prints what each client wrote and read.
#include <catch2/catch.hpp>

#include <memory>
#include <regex>

#include "native_client.hpp"
#include "protocol_peer.hpp"
#include "relay_process.hpp"

using namespace parley;
using namespace parley::test;

namespace {

constexpr int kWait = 5000;  // ms; far above loopback latency, far below the ctest timeout
const std::string kDemoEmail = "demo@parley.local";
const std::string kDemoPassword = "integration-demo-password";

std::unique_ptr<RelayProcess> start_relay() {
    RelayOptions o;
    o.demo_agent = true;
    o.demo_password = kDemoPassword;
    auto relay = std::make_unique<RelayProcess>(o);
    auto st = relay->start();
    INFO(st.detail);
    REQUIRE(st.ok);
    return relay;
}

session::Config visitor_config(const std::string& instance, std::optional<std::string> token = {}) {
    session::Config c;
    c.role = "visitor";
    c.instance = instance;
    c.name = "Ada " + instance;
    c.token = std::move(token);
    c.seed = std::hash<std::string>{}(instance);
    c.typing_throttle_ms = 0;  // every typing(true) goes out: the test decides the pace
    return c;
}

session::Config agent_config(const std::string& instance) {
    session::Config c;
    c.role = "agent";
    c.instance = instance;
    c.email = kDemoEmail;
    c.password = kDemoPassword;
    c.seed = std::hash<std::string>{}(instance);
    c.typing_throttle_ms = 0;
    c.typing_expiry_ms = 1000;  // receiver-side expiry, shortened from 6 s for the test
    return c;
}

std::unique_ptr<NativeClient> client(const RelayProcess& relay, const std::string& label, session::Config c) {
    return std::make_unique<NativeClient>(label, std::move(c), relay.host(), relay.port());
}

// What a client wrote and read, for the failure message of the check that follows.
std::string transcript(const NativeClient& c) {
    std::string out = "--- " + c.label() + " (state " + session::state_name(c.state()) + ") ---\n";
    const auto& log = c.wire_log();
    std::size_t from = log.size() > 60 ? log.size() - 60 : 0;
    for (std::size_t i = from; i < log.size(); ++i) out += log[i] + "\n";
    return out;
}

std::string texts_of(const std::vector<protocol::Message>& msgs) {
    std::string out;
    for (const auto& m : msgs) out += std::to_string(m.seq) + ":" + m.text + " ";
    return out;
}

bool has_type(const json& j, const std::string& type) { return j.is_object() && j.value("type", "") == type; }

bool is_error(const json& j, int code) { return has_type(j, "error") && j.value("code", 0) == code; }

// Connects a raw peer and completes `hello`/`login` with `frame`; returns the welcome.
json handshake(ProtocolPeer& peer, const RelayProcess& relay, json frame) {
    auto st = peer.connect(relay.host(), relay.port());
    INFO(st.detail);
    REQUIRE(st.ok);
    REQUIRE(peer.send(std::move(frame)));
    auto welcome = peer.wait_for([](const json& j) { return has_type(j, "welcome") || has_type(j, "error"); }, kWait);
    REQUIRE(welcome);
    INFO(welcome->dump());
    REQUIRE(has_type(*welcome, "welcome"));
    return *welcome;
}

}  // namespace

SCENARIO("A visitor and an agent hold a conversation through the relay", "[integration][conversation]") {
    auto relay = start_relay();

    GIVEN("the demo agent logged in with its password") {
        auto agent = client(*relay, "agent", agent_config("agent1"));
        agent->connect();
        REQUIRE(pump_until({agent.get()}, [&] { return agent->ready(); }, kWait));
        REQUIRE(agent->welcome()->role == "agent");
        CHECK(agent->welcome()->me.role == "agent");
        CHECK_FALSE(agent->welcome()->token.empty());

        WHEN("a visitor connects") {
            auto visitor = client(*relay, "visitor", visitor_config("vis1"));
            visitor->connect();
            REQUIRE(pump_until({visitor.get(), agent.get()}, [&] { return visitor->ready(); }, kWait));

            THEN("the welcome names a new, empty conversation") {
                const auto& w = *visitor->welcome();
                CHECK(w.role == "visitor");
                CHECK(w.me.role == "visitor");
                CHECK(w.me.name == "Ada vis1");
                REQUIRE(w.conv);
                CHECK(std::regex_match(*w.conv, std::regex("c_[0-9a-f]{16}")));
                CHECK(w.last_seq == 0);
                CHECK_FALSE(w.token.empty());
            }
            const std::string conv = visitor->conv();
            const std::string visitor_id = visitor->welcome()->me.id;

            AND_WHEN("the visitor sends three messages") {
                std::vector<std::string> cids;
                for (const char* text : {"Hello", "Is anyone there?", "I need help with billing"}) {
                    auto cid = visitor->send(conv, text);
                    REQUIRE(cid.ok());
                    cids.push_back(cid.value());
                }
                bool all = pump_until({visitor.get(), agent.get()},
                                      [&] { return visitor->acks().size() == 3 && agent->messages(conv).size() == 3; },
                                      kWait);
                INFO(transcript(*visitor) << transcript(*agent));
                REQUIRE(all);

                THEN("the acks arrive in send order with seq 1, 2, 3") {
                    const auto& acks = visitor->acks();
                    for (std::size_t i = 0; i < 3; ++i) {
                        CAPTURE(i);
                        CHECK(acks[i].cid == cids[i]);
                        CHECK(acks[i].conv == conv);
                        CHECK(acks[i].seq == std::int64_t(i + 1));
                        CHECK(acks[i].ts > 0);
                    }
                }
                THEN("the agent sees the conversation and every message, in order, from the visitor") {
                    REQUIRE(agent->inbox().count(conv) == 1);
                    CHECK(agent->inbox().at(conv).visitor.id == visitor_id);
                    auto msgs = agent->messages(conv);
                    INFO(texts_of(msgs));
                    CHECK(msgs[0].text == "Hello");
                    CHECK(msgs[2].text == "I need help with billing");
                    for (std::size_t i = 0; i < msgs.size(); ++i) {
                        CHECK(msgs[i].seq == std::int64_t(i + 1));
                        CHECK(msgs[i].from.role == "visitor");
                        CHECK(msgs[i].from.id == visitor_id);
                        CHECK(msgs[i].cid == cids[i]);
                    }
                }
                THEN("an agent logging in now finds it in the inbox with its last message") {
                    ProtocolPeer second;
                    handshake(second, *relay, {{"type", "login"}, {"email", kDemoEmail}, {"password", kDemoPassword}});
                    auto inbox = second.wait_type("inbox", kWait);
                    REQUIRE(inbox);
                    INFO(inbox->dump());
                    bool found = false;
                    for (const auto& c : (*inbox)["convs"]) {
                        if (c.value("conv", "") != conv) continue;
                        found = true;
                        CHECK(c.value("last_seq", 0) == 3);
                        CHECK(c.value("last_text", "") == "I need help with billing");
                        CHECK(c["visitor"].value("id", "") == visitor_id);
                    }
                    CHECK(found);
                }

                AND_WHEN("the agent replies") {
                    auto cid = agent->send(conv, "Hi Ada, I am here");
                    REQUIRE(cid.ok());
                    bool got = pump_until({visitor.get(), agent.get()},
                                          [&] { return visitor->messages(conv).size() == 4 && agent->acks().size() == 1; },
                                          kWait);
                    INFO(transcript(*visitor) << transcript(*agent));
                    REQUIRE(got);

                    THEN("the visitor receives it as seq 4 from the agent, after its own three") {
                        auto msgs = visitor->messages(conv);
                        INFO(texts_of(msgs));
                        for (std::size_t i = 0; i < msgs.size(); ++i) CHECK(msgs[i].seq == std::int64_t(i + 1));
                        CHECK(msgs[3].text == "Hi Ada, I am here");
                        CHECK(msgs[3].from.role == "agent");
                        CHECK(msgs[3].from.id == agent->welcome()->me.id);
                        CHECK(agent->acks()[0].seq == 4);
                        CHECK(agent->acks()[0].cid == cid.value());
                    }
                }

                AND_WHEN("each side reads the other's messages") {
                    REQUIRE(agent->read(conv, 3).ok());
                    REQUIRE(pump_until({visitor.get(), agent.get()},
                                       [&] { return !visitor->read_notices().empty(); }, kWait));
                    auto reply = agent->send(conv, "Let me check");
                    REQUIRE(reply.ok());
                    REQUIRE(pump_until({visitor.get(), agent.get()},
                                       [&] { return visitor->messages(conv).size() == 4; }, kWait));
                    REQUIRE(visitor->read(conv, 4).ok());
                    bool got = pump_until({visitor.get(), agent.get()},
                                          [&] {
                                              for (const auto& r : agent->read_notices())
                                                  if (r.seq == 4) return true;
                                              return false;
                                          },
                                          kWait);
                    INFO(transcript(*visitor) << transcript(*agent));
                    REQUIRE(got);

                    THEN("the visitor learns the agent read up to seq 3") {
                        const auto& r = visitor->read_notices().front();
                        CHECK(r.conv == conv);
                        CHECK(r.seq == 3);
                        CHECK(r.from.role == "agent");
                        CHECK(r.from.id == agent->welcome()->me.id);
                    }
                    THEN("the agent learns the visitor read up to seq 4") {
                        const auto& r = agent->read_notices().back();
                        CHECK(r.conv == conv);
                        CHECK(r.seq == 4);
                        CHECK(r.from.role == "visitor");
                        CHECK(r.from.id == visitor_id);
                    }
                }
            }

            AND_WHEN("the visitor types") {
                REQUIRE(visitor->typing(conv, true).ok());
                bool on = pump_until({visitor.get(), agent.get()}, [&] { return agent->peer_typing(conv); }, kWait);
                INFO(transcript(*visitor) << transcript(*agent));
                REQUIRE(on);

                THEN("the agent sees who is typing") {
                    const auto& t = agent->typing_notices().back();
                    CHECK(t.on);
                    CHECK(t.conv == conv);
                    CHECK(t.from.role == "visitor");
                    CHECK(t.from.id == visitor_id);
                }
                THEN("without a refresh the indicator expires on the agent's side") {
                    const auto seen_at = now_ms();
                    bool off = pump_until({visitor.get(), agent.get()}, [&] { return !agent->peer_typing(conv); }, kWait);
                    REQUIRE(off);
                    // typing_expiry_ms is 1000 in agent_config(): not at once (the
                    // margin allows for a slow machine noticing the on:true late).
                    CHECK(now_ms() - seen_at >= 500);
                }
                THEN("the visitor stopping clears it at once") {
                    REQUIRE(visitor->typing(conv, false).ok());
                    const auto sent_at = now_ms();
                    REQUIRE(pump_until({visitor.get(), agent.get()}, [&] { return !agent->peer_typing(conv); }, kWait));
                    CHECK(now_ms() - sent_at < 900);  // an on:false, not the expiry
                }
            }

            AND_WHEN("the agent types") {
                REQUIRE(agent->typing(conv, true).ok());
                bool on = pump_until({visitor.get(), agent.get()}, [&] { return visitor->peer_typing(conv); }, kWait);
                INFO(transcript(*visitor) << transcript(*agent));
                REQUIRE(on);

                THEN("the visitor sees the agent typing") {
                    const auto& t = visitor->typing_notices().back();
                    CHECK(t.on);
                    CHECK(t.from.role == "agent");
                    CHECK(t.from.id == agent->welcome()->me.id);
                }
            }
        }
    }
}

SCENARIO("A visitor who loses the network receives exactly the messages it missed", "[integration][resume]") {
    auto relay = start_relay();
    auto agent = client(*relay, "agent", agent_config("agent1"));
    auto visitor = client(*relay, "visitor", visitor_config("vis1"));
    agent->connect();
    visitor->connect();
    REQUIRE(pump_until({visitor.get(), agent.get()}, [&] { return visitor->ready() && agent->ready(); }, kWait));
    const std::string conv = visitor->conv();
    const auto first_welcome = *visitor->welcome();

    GIVEN("two messages both sides have seen") {
        REQUIRE(visitor->send(conv, "one").ok());
        REQUIRE(pump_until({visitor.get(), agent.get()}, [&] { return agent->messages(conv).size() == 1; }, kWait));
        REQUIRE(agent->send(conv, "two").ok());
        // The agent's ack and the visitor's copy may be read in either order: wait for both.
        REQUIRE(pump_until({visitor.get(), agent.get()},
                           [&] { return visitor->messages(conv).size() == 2 && agent->acks().size() == 1; }, kWait));

        WHEN("the visitor's transport drops and the agent sends three messages meanwhile") {
            visitor->set_network(false);
            REQUIRE_FALSE(visitor->ready());
            const std::size_t acked = agent->acks().size();
            for (const char* text : {"three", "four", "five"}) REQUIRE(agent->send(conv, text).ok());
            REQUIRE(pump_until({visitor.get(), agent.get()}, [&] { return agent->acks().size() == acked + 3; }, kWait));
            CHECK(visitor->messages(conv).size() == 2);

            AND_WHEN("the network returns") {
                const int opened_before = visitor->transports_opened();
                visitor->set_network(true);
                bool resumed = pump_until({visitor.get(), agent.get()},
                                          [&] { return visitor->messages(conv).size() >= 5; }, kWait);
                // Give duplicates, if any, the chance to arrive.
                pump_for({visitor.get(), agent.get()}, 300);
                INFO(transcript(*visitor));
                REQUIRE(resumed);

                THEN("the client reconnected with its token and kept its identity and conversation") {
                    CHECK(visitor->transports_opened() == opened_before + 1);
                    CHECK(visitor->welcomes() == 2);
                    CHECK(visitor->welcome()->me.id == first_welcome.me.id);
                    CHECK(visitor->conv() == conv);
                    CHECK(visitor->welcome()->last_seq == 5);
                }
                THEN("it received exactly the three missed messages, once each, in order") {
                    auto msgs = visitor->messages(conv);
                    INFO(texts_of(msgs));
                    REQUIRE(msgs.size() == 5);
                    const char* expected[] = {"one", "two", "three", "four", "five"};
                    for (std::size_t i = 0; i < 5; ++i) {
                        CAPTURE(i);
                        CHECK(msgs[i].seq == std::int64_t(i + 1));
                        CHECK(msgs[i].text == expected[i]);
                    }
                }
                THEN("on the new connection it asked for them with one sync from its last seen seq") {
                    int hellos = 0, syncs = 0;
                    for (const auto& line : visitor->wire_log()) {
                        if (line.rfind("-> ", 0) != 0) continue;
                        json j = json::parse(line.substr(3), nullptr, false);
                        if (has_type(j, "hello")) ++hellos;
                        if (hellos < 2 || !has_type(j, "sync")) continue;
                        ++syncs;
                        CHECK(j.value("conv", "") == conv);
                        CHECK(j.value("after", -1) == 2);
                    }
                    CHECK(hellos == 2);
                    CHECK(syncs == 1);
                }
            }
        }
    }
}

SCENARIO("A visitor cannot read or write another visitor's conversation", "[integration][permission]") {
    auto relay = start_relay();
    auto agent = client(*relay, "agent", agent_config("agent1"));
    auto first = client(*relay, "first", visitor_config("vis1"));
    agent->connect();
    first->connect();
    REQUIRE(pump_until({first.get(), agent.get()}, [&] { return first->ready() && agent->ready(); }, kWait));
    const std::string conv = first->conv();
    REQUIRE(first->send(conv, "private: my card ends in 4242").ok());
    REQUIRE(pump_until({first.get(), agent.get()}, [&] { return first->acks().size() == 1; }, kWait));

    GIVEN("a second visitor with its own conversation") {
        ProtocolPeer second;
        auto welcome = handshake(second, *relay, {{"type", "hello"}, {"role", "visitor"}, {"name", "Mallory"}});
        const std::string own = welcome.value("conv", "");
        REQUIRE(own != conv);
        REQUIRE_FALSE(own.empty());

        WHEN("it names the first visitor's conversation in send, sync and history") {
            REQUIRE(second.send({{"type", "send"}, {"conv", conv}, {"cid", "m.1"}, {"text", "injected"}}));
            auto send_err = second.wait_for([](const json& j) { return has_type(j, "error") || has_type(j, "ack"); }, kWait);
            REQUIRE(second.send({{"type", "sync"}, {"conv", conv}, {"after", 0}}));
            auto sync_err = second.wait_for([](const json& j) { return has_type(j, "error") || has_type(j, "synced"); }, kWait);
            REQUIRE(second.send({{"type", "history"}, {"conv", conv}, {"limit", 50}}));
            auto hist_err = second.wait_for([](const json& j) { return has_type(j, "error") || has_type(j, "page"); }, kWait);

            THEN("each is refused with 2004 forbidden") {
                REQUIRE(send_err);
                REQUIRE(sync_err);
                REQUIRE(hist_err);
                INFO(send_err->dump() << "\n" << sync_err->dump() << "\n" << hist_err->dump());
                CHECK(is_error(*send_err, 2004));
                CHECK(send_err->value("ref", "") == "m.1");
                CHECK(is_error(*sync_err, 2004));
                CHECK(is_error(*hist_err, 2004));
            }
            THEN("a conversation id that does not exist gets the same answer") {
                REQUIRE(second.send({{"type", "history"}, {"conv", "c_0123456789abcdef"}}));
                auto err = second.wait_for([](const json& j) { return has_type(j, "error") || has_type(j, "page"); }, kWait);
                REQUIRE(err);
                INFO(err->dump());
                CHECK(is_error(*err, 2004));
            }
            THEN("nothing was stored: the first visitor's history holds only its own message") {
                REQUIRE(first->history(conv).ok());
                REQUIRE(pump_until({first.get(), agent.get()}, [&] { return !first->history_pages().empty(); }, kWait));
                const auto& page = first->history_pages().back();
                REQUIRE(page.msgs.size() == 1);
                CHECK(page.msgs[0].message.text == "private: my card ends in 4242");
                CHECK(first->messages(conv).size() == 1);
            }

            AND_WHEN("the first visitor and the agent keep talking") {
                REQUIRE(first->send(conv, "second secret").ok());
                REQUIRE(agent->send(conv, "noted").ok());
                REQUIRE(pump_until({first.get(), agent.get()}, [&] { return first->messages(conv).size() == 3; }, kWait));

                THEN("the second visitor never receives any of it") {
                    auto frames = second.drain(500);
                    for (const auto& f : second.seen()) {
                        INFO(f.dump());
                        CHECK(f.value("conv", "") != conv);
                        CHECK_FALSE(has_type(f, "msg"));
                    }
                    CHECK(second.send({{"type", "send"}, {"conv", own}, {"cid", "m.2"}, {"text", "my own"}}));
                    auto ack = second.wait_type("ack", kWait);
                    REQUIRE(ack);
                    CHECK(ack->value("conv", "") == own);
                    CHECK(ack->value("seq", 0) == 1);
                }
            }
        }
    }
}

SCENARIO("The relay refuses agent frames before login and wrong passwords", "[integration][auth]") {
    auto relay = start_relay();

    GIVEN("a fresh connection") {
        ProtocolPeer peer;
        auto st = peer.connect(relay->host(), relay->port());
        INFO(st.detail);
        REQUIRE(st.ok);

        WHEN("it sends an agent's frame without logging in") {
            REQUIRE(peer.send({{"type", "history"}, {"conv", "c_0123456789abcdef"}}));
            auto err = peer.wait_type("error", kWait);

            THEN("the answer is 2001 not_authenticated and the connection stays usable") {
                REQUIRE(err);
                INFO(err->dump());
                CHECK(err->value("code", 0) == 2001);
                REQUIRE(peer.send({{"type", "ping"}, {"n", 7}}));
                auto pong = peer.wait_type("pong", kWait);
                REQUIRE(pong);
                CHECK(pong->value("n", 0) == 7);
            }
        }
        WHEN("it sends a message before any handshake") {
            REQUIRE(peer.send({{"type", "send"}, {"conv", "c_0123456789abcdef"}, {"cid", "x.1"}, {"text", "hi"}}));
            auto err = peer.wait_type("error", kWait);
            THEN("the answer is 2001 with the frame's cid") {
                REQUIRE(err);
                INFO(err->dump());
                CHECK(err->value("code", 0) == 2001);
                CHECK(err->value("ref", "") == "x.1");
            }
        }
        WHEN("it logs in with a wrong password") {
            REQUIRE(peer.send({{"type", "login"}, {"email", kDemoEmail}, {"password", "not-the-password"}}));
            auto answer = peer.wait_for([](const json& j) { return has_type(j, "error") || has_type(j, "welcome"); }, kWait);
            THEN("the answer is 2002 bad_credentials") {
                REQUIRE(answer);
                INFO(answer->dump());
                CHECK(is_error(*answer, 2002));
            }
        }
        WHEN("it logs in with an unknown e-mail") {
            REQUIRE(peer.send({{"type", "login"}, {"email", "nobody@parley.local"}, {"password", kDemoPassword}}));
            auto answer = peer.wait_for([](const json& j) { return has_type(j, "error") || has_type(j, "welcome"); }, kWait);
            THEN("the answer is the same 2002, so e-mail addresses cannot be probed") {
                REQUIRE(answer);
                INFO(answer->dump());
                CHECK(is_error(*answer, 2002));
            }
        }
        WHEN("it says hello as an agent with a forged token") {
            REQUIRE(peer.send({{"type", "hello"}, {"role", "agent"}, {"token", "forged.token"}}));
            auto answer = peer.wait_for([](const json& j) { return has_type(j, "error") || has_type(j, "welcome"); }, kWait);
            THEN("the answer is 2003 bad_token") {
                REQUIRE(answer);
                INFO(answer->dump());
                CHECK(is_error(*answer, 2003));
            }
        }
    }

    GIVEN("the SDK client core configured with a wrong password") {
        auto cfg = agent_config("agent-bad");
        cfg.password = "wrong";
        auto agent = client(*relay, "agent", cfg);
        agent->connect();
        bool stopped = pump_until({agent.get()}, [&] { return agent->state() == session::State::stopped; }, kWait);
        INFO(transcript(*agent));
        THEN("it reports 2002 and stops instead of retrying") {
            REQUIRE(stopped);
            REQUIRE_FALSE(agent->errors().empty());
            CHECK(agent->errors().back().code == protocol::ErrorCode::bad_credentials);
            pump_for({agent.get()}, 700);  // longer than a first backoff could be
            CHECK(agent->transports_opened() == 1);
        }
    }
}

SCENARIO("Every acknowledged message survives a relay restart", "[integration][restart]") {
    auto relay = start_relay();
    auto agent = client(*relay, "agent", agent_config("agent1"));
    auto visitor = client(*relay, "visitor", visitor_config("vis1"));
    agent->connect();
    visitor->connect();
    REQUIRE(pump_until({visitor.get(), agent.get()}, [&] { return visitor->ready() && agent->ready(); }, kWait));
    const std::string conv = visitor->conv();
    const std::string visitor_token = visitor->welcome()->token;
    const std::string agent_token = agent->welcome()->token;

    GIVEN("five acknowledged messages from both sides") {
        const std::vector<std::string> texts = {"v1", "v2", "a1", "v3", "a2"};
        for (const auto& t : texts) {
            auto& from = t[0] == 'v' ? visitor : agent;
            REQUIRE(from->send(conv, t).ok());
            // One at a time, so the order of the conversation is the order of `texts`.
            const std::size_t want = &t - &texts[0] + 1;
            // The sender's ack and the visitor's copy leave together but may be read in
            // either order: wait for both.
            REQUIRE(pump_until({visitor.get(), agent.get()}, [&] {
                return visitor->messages(conv).size() == want && visitor->acks().size() + agent->acks().size() == want;
            }, kWait));
        }
        REQUIRE(visitor->acks().size() + agent->acks().size() == 5);

        WHEN("the relay is stopped with SIGTERM and started again on the same data dir") {
            const int port = relay->port();
            auto stopped = relay->stop();
            INFO(stopped.detail);
            REQUIRE(stopped.ok);
            CHECK(relay->exit_code() == 0);
            pump_until({visitor.get(), agent.get()}, [&] { return !visitor->ready() && !agent->ready(); }, kWait);
            auto started = relay->start();
            INFO(started.detail);
            REQUIRE(started.ok);
            CHECK(relay->port() == port);

            THEN("history returns every message, in order, to an agent logging in with its token") {
                ProtocolPeer peer;
                auto welcome = handshake(peer, *relay, {{"type", "hello"}, {"role", "agent"}, {"token", agent_token}});
                CHECK(welcome.value("role", "") == "agent");
                REQUIRE(peer.send({{"type", "history"}, {"conv", conv}, {"limit", 50}}));
                auto page = peer.wait_for([](const json& j) { return has_type(j, "page") || has_type(j, "error"); }, kWait);
                REQUIRE(page);
                INFO(page->dump());
                REQUIRE(has_type(*page, "page"));
                const auto& msgs = (*page)["msgs"];
                REQUIRE(msgs.size() == texts.size());
                for (std::size_t i = 0; i < texts.size(); ++i) {
                    CAPTURE(i);
                    CHECK(msgs[i].value("seq", 0) == std::int64_t(i + 1));
                    CHECK(msgs[i].value("text", "") == texts[i]);
                    CHECK(msgs[i]["from"].value("role", "") == (texts[i][0] == 'v' ? "visitor" : "agent"));
                }
                CHECK(page->value("more", true) == false);
            }
            THEN("the agent can log in again with its password") {
                ProtocolPeer peer;
                handshake(peer, *relay, {{"type", "login"}, {"email", kDemoEmail}, {"password", kDemoPassword}});
                auto inbox = peer.wait_type("inbox", kWait);
                REQUIRE(inbox);
                bool found = false;
                for (const auto& c : (*inbox)["convs"])
                    if (c.value("conv", "") == conv) found = c.value("last_seq", 0) == 5;
                CHECK(found);
            }
            THEN("the visitor's token still names the same conversation") {
                ProtocolPeer peer;
                auto welcome = handshake(peer, *relay, {{"type", "hello"}, {"role", "visitor"}, {"token", visitor_token}});
                CHECK(welcome.value("conv", "") == conv);
                CHECK(welcome.value("last_seq", 0) == 5);
            }
            THEN("both SDK clients reconnect by themselves and the conversation goes on at seq 6") {
                bool back = pump_until({visitor.get(), agent.get()}, [&] { return visitor->ready() && agent->ready(); }, 15000);
                INFO(transcript(*visitor) << transcript(*agent));
                REQUIRE(back);
                REQUIRE(visitor->send(conv, "v4").ok());
                REQUIRE(pump_until({visitor.get(), agent.get()},
                                   [&] { return agent->messages(conv).size() == 6 && visitor->messages(conv).size() == 6; },
                                   kWait));
                CHECK(agent->messages(conv).back().seq == 6);
                CHECK(visitor->messages(conv).size() == 6);
            }
        }
    }
}
