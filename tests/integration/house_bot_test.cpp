// The house bot against a real relay (issue 16, docs/bots.md): parley-bot, started as
// an operator would (its key made with --create-bot-key, given in the environment),
// answers a visitor's question from the demo knowledge base as a stream that ends in the
// stored message, hands the conversation to the humans when the visitor asks for a
// person (the agent sees why and the summary), and when the bot dies mid-reply the
// visitor is left with no half message and reaches a human queue after the grace period.
// When the relay dies mid-reply (kill -9, restarted on the same data dir), the visitor's
// and the agent's SDK clients end the stream they were showing, nothing acknowledged is
// lost, nothing half-written is stored, and the bot comes back and answers; or, when the
// bot is gone for good, the conversation reaches a human queue after the grace period
// (tag [bot-relay-fault], its own ctest).
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <set>
#include <string>

#include "native_client.hpp"
#include "program_process.hpp"
#include "protocol_peer.hpp"
#include "relay_process.hpp"

using namespace parley;
using namespace parley::test;
namespace fs = std::filesystem;

namespace {

constexpr int kWait = 8000;

struct HouseBot {
    RelayProcess relay;
    std::unique_ptr<ProgramProcess> bot;

    explicit HouseBot(std::vector<std::string> relay_args = {}) : relay(options(std::move(relay_args))) {
        const auto created = relay.command("--create-bot-key house --bot-name 'Parley Bot'", false);
        INFO(created.out);
        REQUIRE(created.status == 0);
        std::string key = created.out;
        while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
        REQUIRE(key.rfind("pk_", 0) == 0);
        auto st = relay.start();
        INFO(st.detail);
        REQUIRE(st.ok);
        const fs::path root = fs::path(relay.data_dir()).parent_path();
        bot = std::make_unique<ProgramProcess>(
            default_bot_binary(),
            std::vector<std::string>{"--relay", "ws://127.0.0.1:" + std::to_string(relay.port()) + "/", "--config",
                                     std::string(PARLEY_SOURCE_DIR) + "/deploy/bot/bot.toml", "--gaps",
                                     (root / "gaps.db").string(), "--verbose"},
            (root / "bot.log").string(), std::vector<std::string>{"PARLEY_BOT_KEY=" + key});
        const std::string problem = bot->start("ready: b_house");
        INFO(problem);
        REQUIRE(problem.empty());
    }

    static RelayOptions options(std::vector<std::string> args) {
        RelayOptions o;
        o.demo_agent = true;
        o.extra_args = std::move(args);
        return o;
    }
};

// A new visitor and their conversation id.
std::string new_visitor(ProtocolPeer& visitor, const RelayProcess& relay) {
    REQUIRE(visitor.connect(relay.host(), relay.port()));
    auto welcome = visitor.hello_new_visitor();
    REQUIRE(welcome);
    return welcome->conv;
}

bool is_bot_msg(const json& f) {
    return f.value("type", "") == "msg" && f.contains("from") && f["from"].value("role", "") == "bot";
}

}  // namespace

TEST_CASE("The house bot streams a knowledge-base answer, then hands over to a person on request",
          "[integration][house-bot]") {
    HouseBot h;
    ProtocolPeer visitor;
    const std::string conv = new_visitor(visitor, h.relay);

    REQUIRE(visitor.send({{"type", "send"}, {"conv", conv}, {"cid", "q1"},
                          {"text", "How do I install the widget on my website?"}}));
    auto answer = visitor.wait_for(is_bot_msg, kWait);
    INFO(h.bot->log());
    REQUIRE(answer);
    const std::string text = (*answer)["text"].get<std::string>();
    CHECK(text.size() > 40);
    // A long answer grows on the visitor's screen first: deltas of the same cid whose
    // concatenation is the stored text.
    std::string grown;
    for (const json& f : visitor.seen())
        if (f.value("type", "") == "stream" && f.value("cid", "") == (*answer)["cid"].get<std::string>())
            grown += f.value("delta", "");
    if (text.size() >= 160) CHECK(grown == text);

    REQUIRE(visitor.send({{"type", "send"}, {"conv", conv}, {"cid", "q2"},
                          {"text", "I want to talk to a human please"}}));
    auto queued = visitor.wait_type("queue", kWait);
    REQUIRE(queued);
    CHECK((*queued)["conv"] == conv);

    // The agent sees why, and what the visitor said, without asking again.
    const auto entry = demo_agent_inbox_entry(h.relay.host(), h.relay.port(), conv);
    REQUIRE(entry);
    REQUIRE(entry->contains("handoff"));
    CHECK((*entry)["handoff"].value("reason", "") == "asks_human");
    CHECK((*entry)["handoff"]["by"].value("role", "") == "bot");
    CHECK_FALSE((*entry)["handoff"].value("summary", "").empty());
    CHECK(entry->value("bot", "") == "paused");
    CHECK(h.bot->log().find(conv + ": handed off (asks_human)") != std::string::npos);
}

TEST_CASE("A house bot killed mid-reply leaves no half message, and the visitor reaches a person",
          "[integration][house-bot][fault]") {
    HouseBot h({"--bot-grace-secs", "1"});
    ProtocolPeer visitor;
    const std::string conv = new_visitor(visitor, h.relay);
    REQUIRE(visitor.send({{"type", "send"}, {"conv", conv}, {"cid", "q1"},
                          {"text", "How do I install the widget on my website?"}}));
    // kill -9 at the first delta: the reply is being written.
    auto first = visitor.wait_for([](const json& f) { return f.value("type", "") == "stream" || is_bot_msg(f); }, kWait);
    INFO(h.bot->log());
    REQUIRE(first);
    h.bot->kill();
    if ((*first)["type"] == "stream") {
        auto ended = visitor.wait_type("stream_end", kWait);
        REQUIRE(ended);
        CHECK((*ended)["reason"] == "sender_gone");
    }
    // No bot, so after the grace period the relay hands the conversation to people.
    auto queued = visitor.wait_type("queue", kWait);
    REQUIRE(queued);
    CHECK((*queued)["conv"] == conv);
    // And nothing of the cut reply was stored: the sync has no message with its cid.
    if ((*first)["type"] == "stream") {
        const std::string cut = (*first)["cid"].get<std::string>();
        const std::size_t before = visitor.seen().size();
        REQUIRE(visitor.send({{"type", "sync"}, {"conv", conv}, {"after", 0}}));
        REQUIRE(visitor.wait_type("synced", kWait));
        for (std::size_t i = before; i < visitor.seen().size(); ++i) {
            const json& f = visitor.seen()[i];
            if (f.value("type", "") == "msg") CHECK(f.value("cid", "") != cut);
        }
    }
}

namespace {

// An SDK client (the native client core over a real socket) for the demo agent (a
// supervisor: it sees the conversations with the bot) or a new visitor.
std::unique_ptr<NativeClient> sdk_client(const RelayProcess& relay, const std::string& role) {
    session::Config c;
    c.role = role;
    c.instance = role == "agent" ? "demo" : "ada";
    if (role == "agent") {
        c.email = "demo@parley.local";
        c.password = "demo-password";
    }
    c.backoff_base_ms = 50;
    c.backoff_cap_ms = 500;
    auto out = std::make_unique<NativeClient>(role, std::move(c), relay.host(), relay.port());
    out->connect();
    return out;
}

// The streams `client` showed that neither a final message nor a stream_end closed:
// what would dangle on its screen. Keys are "from.id/cid".
std::set<std::string> open_streams(const NativeClient& client) {
    std::set<std::string> open;
    for (const auto& e : client.events()) {
        if (auto* s = std::get_if<protocol::StreamNotice>(&e)) open.insert(s->from.id + "/" + s->cid);
        if (auto* s = std::get_if<protocol::StreamEndNotice>(&e)) open.erase(s->from.id + "/" + s->cid);
        if (auto* d = std::get_if<session::Delivered>(&e)) open.erase(d->message.from.id + "/" + d->message.cid);
    }
    return open;
}

std::vector<protocol::Message> bot_messages(const NativeClient& client, const std::string& conv) {
    std::vector<protocol::Message> out;
    for (const auto& m : client.messages(conv))
        if (m.from.role == "bot") out.push_back(m);
    return out;
}

}  // namespace

TEST_CASE("The relay killed with SIGKILL while the bot streams: no half message, no dangling stream, nothing lost",
          "[integration][bot-relay-fault]") {
    HouseBot h({"--bot-grace-secs", "30"});  // the bot must come back, not be replaced
    auto ada = sdk_client(h.relay, "visitor");
    auto demo = sdk_client(h.relay, "agent");
    const std::vector<NativeClient*> both{ada.get(), demo.get()};
    REQUIRE(pump_until(both, [&] { return ada->ready() && demo->ready(); }, kWait));
    const std::string conv = ada->conv();
    const std::string question = "How do I install the widget on my website?";

    // 1. A whole answer first: what the bot says to this question, acknowledged and stored.
    auto q1 = ada->send(conv, question);
    REQUIRE(q1.ok());
    INFO(h.bot->log());
    REQUIRE(pump_until(both, [&] { return bot_messages(*ada, conv).size() == 1; }, kWait));
    const std::string answer = bot_messages(*ada, conv)[0].text;
    REQUIRE(answer.size() >= 160);  // long enough to be streamed

    // 2. Asked again: the relay dies at the first delta of the second answer.
    auto q2 = ada->send(conv, question + " Sorry, once more?");
    REQUIRE(q2.ok());
    const auto streaming = [&](const NativeClient& c) {
        for (const auto& e : c.events())
            if (auto* s = std::get_if<protocol::StreamNotice>(&e); s && s->cid != bot_messages(c, conv)[0].cid)
                return true;
        return false;
    };
    REQUIRE(pump_until(both, [&] { return streaming(*ada); }, kWait));
    h.relay.kill();
    std::string cut_cid, seen_of_cut;
    for (const auto& e : ada->events())
        if (auto* s = std::get_if<protocol::StreamNotice>(&e); s && s->cid != bot_messages(*ada, conv)[0].cid) {
            cut_cid = s->cid;
            seen_of_cut += s->delta;
        }
    const bool q2_acked = std::any_of(ada->acks().begin(), ada->acks().end(),
                                      [&](const protocol::Ack& a) { return a.cid == q2.value(); });
    REQUIRE(q2_acked);  // the bot answers what is stored, so it was acknowledged first

    // 3. Their transports are gone: each client ends what it was showing, visibly.
    REQUIRE(pump_until(both, [&] { return open_streams(*ada).empty() && open_streams(*demo).empty(); }, kWait));
    bool ended_disconnected = false;
    for (const auto& e : ada->events())
        if (auto* s = std::get_if<protocol::StreamEndNotice>(&e); s && s->cid == cut_cid)
            ended_disconnected = s->reason == "disconnected";
    CHECK(ended_disconnected);

    // 4. The relay restarts on the same data dir; everyone comes back.
    auto st = h.relay.start();
    INFO(st.detail);
    REQUIRE(st.ok);
    REQUIRE(pump_until(both, [&] { return ada->ready() && demo->ready(); }, 3 * kWait));
    // The bot reconnects by itself (its SDK client's backoff) and answers a new question.
    auto q3 = ada->send(conv, "And where do I find the snippet for the widget installation?");
    REQUIRE(q3.ok());
    REQUIRE(pump_until(both, [&] {
        const auto msgs = ada->messages(conv);
        bool after_q3 = false;
        for (const auto& m : msgs) {
            if (m.cid == q3.value()) after_q3 = true;
            else if (after_q3 && m.from.role == "bot" && m.cid != cut_cid) return true;
        }
        return false;
    }, 3 * kWait));

    // 5. What is stored: every acknowledged message, and no half-written one. The cut
    // answer is stored whole (the bot's final send made it before the kill) or not at all.
    REQUIRE(ada->history(conv, std::nullopt, 50).ok());
    REQUIRE(pump_until(both, [&] { return !ada->history_pages().empty(); }, kWait));
    std::set<std::string> stored;
    for (const auto& d : ada->history_pages().back().msgs) {
        stored.insert(d.message.cid);
        if (d.message.cid == cut_cid) {
            CHECK(d.message.text.rfind(seen_of_cut, 0) == 0);  // the final text, which the deltas began
        }
    }
    for (const auto& a : ada->acks()) CHECK(stored.count(a.cid) == 1);
    CHECK(stored.count(q1.value()) == 1);
    CHECK(stored.count(q2.value()) == 1);
    CHECK(stored.count(bot_messages(*ada, conv)[0].cid) == 1);
    // And nothing dangles anywhere, at the end either.
    CHECK(open_streams(*ada).empty());
    CHECK(open_streams(*demo).empty());
}

TEST_CASE("The relay killed with SIGKILL mid-stream and its bot gone for good: a human queue after the grace period",
          "[integration][bot-relay-fault]") {
    HouseBot h({"--bot-grace-secs", "1"});
    auto ada = sdk_client(h.relay, "visitor");
    REQUIRE(pump_until({ada.get()}, [&] { return ada->ready(); }, kWait));
    const std::string conv = ada->conv();
    auto q1 = ada->send(conv, "How do I install the widget on my website?");
    REQUIRE(q1.ok());
    const auto streaming = [&] {
        for (const auto& e : ada->events())
            if (std::holds_alternative<protocol::StreamNotice>(e)) return true;
        return false;
    };
    INFO(h.bot->log());
    REQUIRE(pump_until({ada.get()}, streaming, kWait));
    h.relay.kill();  // mid-stream; and the bot does not come back
    h.bot->kill();
    std::string seen;  // the deltas Ada saw of the cut answer
    for (const auto& e : ada->events())
        if (auto* s = std::get_if<protocol::StreamNotice>(&e)) seen += s->delta;
    REQUIRE(pump_until({ada.get()}, [&] { return open_streams(*ada).empty(); }, kWait));

    auto st = h.relay.start();
    INFO(st.detail);
    REQUIRE(st.ok);
    // No bot since the restart: after --bot-grace-secs the relay hands it to the humans.
    REQUIRE(pump_until({ada.get()}, [&] {
        for (const auto& e : ada->events())
            if (auto* q = std::get_if<protocol::QueueNotice>(&e); q && q->conv == conv) return true;
        return false;
    }, 3 * kWait));
    REQUIRE(ada->history(conv, std::nullopt, 50).ok());
    REQUIRE(pump_until({ada.get()}, [&] { return !ada->history_pages().empty(); }, kWait));
    bool question_kept = false;
    for (const auto& d : ada->history_pages().back().msgs) {
        question_kept = question_kept || d.message.cid == q1.value();
        // Only a final can be stored (had the bot's send made it before the kill): never
        // the deltas alone.
        if (d.message.from.role == "bot") CHECK(d.message.text.rfind(seen, 0) == 0);
    }
    CHECK(question_kept);
    CHECK(open_streams(*ada).empty());
}
