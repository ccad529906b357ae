// Streaming replies and rich messages (issue 16) end to end: the real parley-relay, a
// supervisor agent and a visitor as native SDK clients over real sockets.
//   - the agent streams a reply: the visitor sees the deltas in order, then the final
//     message (same cid) with its parts; a quick-reply answer and a form answer (a bad
//     e-mail → 1011 with the field's reason, then a good one → ack) are stored;
//   - the streaming agent's process is killed with SIGKILL mid-stream: the visitor gets
//     stream_end sender_gone, and nothing of the stream is stored;
//   - the relay is killed with SIGKILL mid-stream and restarted: the visitor's client
//     dropped the stream when its transport went, and what it gets after (sync) and
//     what history holds are final messages only.
#include <catch2/catch.hpp>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "native_client.hpp"
#include "relay_process.hpp"

using namespace parley;
using namespace parley::test;

namespace {

constexpr int kWait = 5000;
const std::string kPassword = "streams-test-password";
const std::string kQuickReplies = R"([{"kind":"quick_replies","options":[{"id":"pricing","label":"Pricing"}]}])";
const std::string kLeadForm =
    R"([{"kind":"form","id":"lead","submit":"Send","fields":[)"
    R"({"name":"email","label":"Work email","type":"email","required":true}]}])";

void add_supervisor(const RelayProcess& relay) {
    const std::string cmd = "echo '" + kPassword + "' | '" + default_relay_binary() + "' --data-dir '" +
                            relay.data_dir() + "' --add-agent sue@example.com 'Sue' --supervisor > /dev/null";
    REQUIRE(std::system(cmd.c_str()) == 0);
}

std::unique_ptr<NativeClient> agent(const RelayProcess& relay) {
    session::Config c;
    c.role = "agent";
    c.instance = "sue";
    c.email = "sue@example.com";
    c.password = kPassword;
    c.backoff_base_ms = 50;
    c.backoff_cap_ms = 500;
    auto out = std::make_unique<NativeClient>("sue", std::move(c), relay.host(), relay.port());
    out->connect();
    return out;
}

std::unique_ptr<NativeClient> visitor(const RelayProcess& relay) {
    session::Config c;
    c.role = "visitor";
    c.instance = "ada";
    c.name = "Ada";
    c.backoff_base_ms = 50;
    c.backoff_cap_ms = 500;
    auto out = std::make_unique<NativeClient>("ada", std::move(c), relay.host(), relay.port());
    out->connect();
    return out;
}

template <class T>
std::vector<T> events_of(const NativeClient& c) {
    std::vector<T> out;
    for (const auto& e : c.events())
        if (auto* x = std::get_if<T>(&e)) out.push_back(*x);
    return out;
}

const protocol::Message* message_with_cid(const NativeClient& c, const std::string& conv, const std::string& cid) {
    static std::vector<protocol::Message> held;
    held = c.messages(conv);
    for (const auto& m : held)
        if (m.cid == cid) return &m;
    return nullptr;
}

std::string transcript(const NativeClient& c) {
    std::string out = "--- " + c.label() + " ---\n";
    const auto& log = c.wire_log();
    for (std::size_t i = log.size() > 40 ? log.size() - 40 : 0; i < log.size(); ++i) out += log[i] + "\n";
    return out;
}

// A relay with Sue, and Ada's conversation started (her first message is stored).
struct Started {
    std::unique_ptr<RelayProcess> relay;
    std::unique_ptr<NativeClient> ada;
    std::string conv;
    Started() {
        RelayOptions o;
        o.extra_args = {"--no-triage"};
        relay = std::make_unique<RelayProcess>(o);
        add_supervisor(*relay);
        auto st = relay->start();
        INFO(st.detail);
        REQUIRE(st.ok);
        ada = visitor(*relay);
        REQUIRE(pump_until({ada.get()}, [&] { return ada->ready(); }, kWait));
        conv = ada->conv();
        REQUIRE(ada->send("", "What does it cost?").ok());
        REQUIRE(pump_until({ada.get()}, [&] { return ada->acks().size() == 1; }, kWait));
    }
};

}  // namespace

SCENARIO("An agent streams a reply, the visitor answers a quick reply and a form", "[integration][streams]") {
    Started s;
    auto sue = agent(*s.relay);
    NativeClient& ada = *s.ada;
    REQUIRE(pump_until({sue.get(), &ada}, [&] { return sue->ready(); }, kWait));

    auto cid = sue->core().stream(s.conv, "", "Our plans ", now_ms());
    REQUIRE(cid.ok());
    REQUIRE(sue->core().stream(s.conv, cid.value(), "start at ", now_ms()).ok());
    REQUIRE(sue->core().stream(s.conv, cid.value(), "$9.", now_ms()).ok());
    sue->service();
    INFO(transcript(ada) << transcript(*sue));
    REQUIRE(pump_until({sue.get(), &ada}, [&] { return events_of<protocol::StreamNotice>(ada).size() == 3; }, kWait));
    auto deltas = events_of<protocol::StreamNotice>(ada);
    CHECK(deltas[0].offset == 0);
    CHECK(deltas[1].offset == 10);
    CHECK(deltas[2].offset == 19);
    CHECK(deltas[2].from.id == sue->welcome()->me.id);
    CHECK_FALSE(message_with_cid(ada, s.conv, cid.value()));  // nothing stored yet

    REQUIRE(sue->core().send_rich(s.conv, "Our plans start at $9. Which topic?", kQuickReplies, cid.value(), now_ms()).ok());
    sue->service();
    REQUIRE(pump_until({sue.get(), &ada}, [&] { return message_with_cid(ada, s.conv, cid.value()) != nullptr; }, kWait));
    const protocol::Message final = *message_with_cid(ada, s.conv, cid.value());
    CHECK(final.text == "Our plans start at $9. Which topic?");
    CHECK(final.parts == kQuickReplies);
    CHECK(events_of<protocol::StreamEndNotice>(ada).empty());

    WHEN("the visitor presses the quick reply") {
        auto answer = ada.core().reply("", "Pricing", protocol::Reply{final.seq, "pricing", "", {}}, now_ms());
        REQUIRE(answer.ok());
        ada.service();
        REQUIRE(pump_until({sue.get(), &ada}, [&] { return message_with_cid(*sue, s.conv, answer.value()) != nullptr; },
                           kWait));
        THEN("the agent gets the answer with what it answers") {
            const auto got = *message_with_cid(*sue, s.conv, answer.value());
            REQUIRE(got.reply);
            CHECK(got.reply->option == "pricing");
            CHECK(got.reply->to == final.seq);
        }
    }
    WHEN("the visitor fills a form with a bad, then a good e-mail") {
        REQUIRE(sue->core().send_rich(s.conv, "Your e-mail?", kLeadForm, "", now_ms()).ok());
        sue->service();
        REQUIRE(pump_until({sue.get(), &ada}, [&] { return ada.messages(s.conv).back().parts == kLeadForm; }, kWait));
        const std::int64_t form_seq = ada.messages(s.conv).back().seq;
        auto bad = ada.core().reply("", "Email: ada", protocol::Reply{form_seq, "", "lead", {{"email", "ada"}}}, now_ms());
        REQUIRE(bad.ok());
        ada.service();
        REQUIRE(pump_until({sue.get(), &ada}, [&] { return !ada.errors().empty(); }, kWait));
        const auto e = ada.errors().back();
        CHECK(e.code == protocol::ErrorCode::invalid_form);
        CHECK(e.ref == bad.value());
        CHECK(e.fields == std::vector<std::pair<std::string, std::string>>{{"email", "not an e-mail address"}});
        CHECK(ada.core().outbox().empty());

        auto good = ada.core().reply("", "Email: ada@example.com",
                                     protocol::Reply{form_seq, "", "lead", {{"email", "ada@example.com"}}}, now_ms());
        REQUIRE(good.ok());
        ada.service();
        REQUIRE(pump_until({sue.get(), &ada}, [&] {
            for (const auto& a : ada.acks())
                if (a.cid == good.value()) return true;
            return false;
        }, kWait));
        REQUIRE(pump_until({sue.get(), &ada}, [&] { return message_with_cid(*sue, s.conv, good.value()) != nullptr; },
                           kWait));
        CHECK(message_with_cid(*sue, s.conv, good.value())->reply->values ==
              std::vector<std::pair<std::string, std::string>>{{"email", "ada@example.com"}});
        CHECK_FALSE(message_with_cid(*sue, s.conv, bad.value()));  // the refused one was never stored
    }
}

SCENARIO("The streaming agent is killed with SIGKILL mid-stream", "[integration][streams]") {
    Started s;
    NativeClient& ada = *s.ada;
    // The agent runs in a process of its own, so that a kill -9 is a real one: its
    // socket is closed by the kernel, without a close frame.
    int ready_pipe[2];
    REQUIRE(pipe(ready_pipe) == 0);
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        close(ready_pipe[0]);
        auto sue = agent(*s.relay);
        if (!pump_until({sue.get()}, [&] { return sue->ready(); }, kWait)) _exit(2);
        auto cid = sue->core().stream(s.conv, "half", "Let me check ", now_ms());
        (void)sue->core().stream(s.conv, "half", "your plan", now_ms());
        sue->service();
        if (!cid.ok() || write(ready_pipe[1], "x", 1) != 1) _exit(3);
        for (;;) pump_for({sue.get()}, 1000);  // streaming, never finalising
    }
    close(ready_pipe[1]);
    char byte = 0;
    REQUIRE(read(ready_pipe[0], &byte, 1) == 1);
    close(ready_pipe[0]);
    INFO(transcript(ada));
    REQUIRE(pump_until({&ada}, [&] { return events_of<protocol::StreamNotice>(ada).size() == 2; }, kWait));

    ::kill(child, SIGKILL);
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);

    REQUIRE(pump_until({&ada}, [&] { return !events_of<protocol::StreamEndNotice>(ada).empty(); }, kWait));
    const auto end = events_of<protocol::StreamEndNotice>(ada).front();
    CHECK(end.reason == "sender_gone");
    CHECK(end.cid == "half");
    // Nothing of the stream was stored: history holds Ada's question alone.
    REQUIRE(ada.history(s.conv, std::nullopt, 50).ok());
    REQUIRE(pump_until({&ada}, [&] { return !ada.history_pages().empty(); }, kWait));
    const auto& page = ada.history_pages().back();
    REQUIRE(page.msgs.size() == 1);
    CHECK(page.msgs[0].message.text == "What does it cost?");
}

SCENARIO("The relay is killed with SIGKILL mid-stream and restarted", "[integration][streams]") {
    Started s;
    auto sue = agent(*s.relay);
    NativeClient& ada = *s.ada;
    REQUIRE(pump_until({sue.get(), &ada}, [&] { return sue->ready(); }, kWait));
    REQUIRE(sue->core().stream(s.conv, "cut", "This answer will never ", now_ms()).ok());
    sue->service();
    INFO(transcript(ada) << transcript(*sue));
    REQUIRE(pump_until({sue.get(), &ada}, [&] { return events_of<protocol::StreamNotice>(ada).size() == 1; }, kWait));

    s.relay->kill();
    REQUIRE(pump_until({sue.get(), &ada}, [&] { return !events_of<protocol::StreamEndNotice>(ada).empty(); }, kWait));
    CHECK(events_of<protocol::StreamEndNotice>(ada).front().reason == "disconnected");
    auto st = s.relay->start();
    INFO(st.detail);
    REQUIRE(st.ok);
    REQUIRE(pump_until({sue.get(), &ada}, [&] { return sue->ready() && ada.ready(); }, 3 * kWait));

    // The agent says something final after the restart; the visitor's sync/live view
    // and the stored history hold finals only.
    REQUIRE(sue->core().send_rich(s.conv, "Sorry, where were we?", "", "", now_ms()).ok());
    sue->service();
    REQUIRE(pump_until({sue.get(), &ada}, [&] { return ada.messages(s.conv).size() == 2; }, kWait));
    CHECK_FALSE(message_with_cid(ada, s.conv, "cut"));
    REQUIRE(ada.history(s.conv, std::nullopt, 50).ok());
    REQUIRE(pump_until({&ada}, [&] { return !ada.history_pages().empty(); }, kWait));
    for (const auto& d : ada.history_pages().back().msgs) CHECK(d.message.cid != "cut");
    CHECK(ada.history_pages().back().msgs.size() == 2);
    CHECK(events_of<protocol::StreamNotice>(ada).size() == 1);  // nothing replayed
}
