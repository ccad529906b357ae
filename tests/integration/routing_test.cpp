// Routing and handoff (P4) end to end: the real parley-relay with three agents created
// by --add-agent (two in team general at preferred 1 / max 2, one in billing) and
// several visitors, all native SDK clients over real sockets. The inactivity timeout
// is 1.5 s (--inactive-after-ms), so the whole story runs in a few seconds:
// assignment spread, queueing, inactivity, sticky reactivation, transfer with an
// internal note the visitor never receives, and auto-close on "no".
#include <catch2/catch.hpp>

#include <cstdio>
#include <memory>

#include "native_client.hpp"
#include "relay_process.hpp"

using namespace parley;
using namespace parley::test;

namespace {

constexpr int kWait = 5000;
const std::string kPassword = "routing-test-password";

// Creates an agent in the relay's data dir (the relay is not running yet).
void add_agent(const RelayProcess& relay, const std::string& email, const std::string& name,
               const std::string& flags) {
    const std::string cmd = "echo '" + kPassword + "' | '" + default_relay_binary() + "' --data-dir '" +
                            relay.data_dir() + "' --add-agent " + email + " '" + name + "' " + flags +
                            " > /dev/null";
    REQUIRE(std::system(cmd.c_str()) == 0);
}

session::Config agent_config(const std::string& email) {
    session::Config c;
    c.role = "agent";
    c.instance = email.substr(0, email.find('@'));
    c.email = email;
    c.password = kPassword;
    c.seed = std::hash<std::string>{}(email);
    return c;
}

session::Config visitor_config(const std::string& instance) {
    session::Config c;
    c.role = "visitor";
    c.instance = instance;
    c.name = "Visitor " + instance;
    c.seed = std::hash<std::string>{}(instance);
    return c;
}

std::unique_ptr<NativeClient> client(const RelayProcess& relay, const std::string& label, session::Config c) {
    auto out = std::make_unique<NativeClient>(label, std::move(c), relay.host(), relay.port());
    out->connect();
    return out;
}

std::string transcript(const NativeClient& c) {
    std::string out = "--- " + c.label() + " ---\n";
    const auto& log = c.wire_log();
    for (std::size_t i = log.size() > 40 ? log.size() - 40 : 0; i < log.size(); ++i) out += log[i] + "\n";
    return out;
}

// The agent's current view of `conv` (empty summary when unknown).
protocol::ConvSummary view(const NativeClient& agent, const std::string& conv) {
    auto it = agent.inbox().find(conv);
    return it == agent.inbox().end() ? protocol::ConvSummary{} : it->second;
}

bool has_text(const std::vector<protocol::Message>& msgs, const std::string& needle) {
    for (const auto& m : msgs)
        if (m.text.find(needle) != std::string::npos) return true;
    return false;
}

std::optional<protocol::QueueNotice> last_queue(const NativeClient& c) {
    std::optional<protocol::QueueNotice> out;
    for (const auto& e : c.events())
        if (auto* q = std::get_if<protocol::QueueNotice>(&e)) out = *q;
    return out;
}

}  // namespace

SCENARIO("The relay routes, parks, returns, transfers and closes conversations", "[integration][routing]") {
    RelayOptions o;
    o.extra_args = {"--no-triage", "--inactive-after-ms", "1500"};
    RelayProcess relay(o);
    add_agent(relay, "ann@example.com", "Ann", "--team general --preferred 1 --max-load 2");
    add_agent(relay, "bob@example.com", "Bob", "--team general --preferred 1 --max-load 2");
    add_agent(relay, "cat@example.com", "Cat", "--team billing --preferred 2 --max-load 3");
    auto st = relay.start();
    INFO(st.detail);
    REQUIRE(st.ok);

    auto ann = client(relay, "ann", agent_config("ann@example.com"));
    auto bob = client(relay, "bob", agent_config("bob@example.com"));
    auto cat = client(relay, "cat", agent_config("cat@example.com"));
    REQUIRE(pump_until({ann.get(), bob.get(), cat.get()},
                       [&] { return ann->ready() && bob->ready() && cat->ready(); }, kWait));
    const std::string ann_id = ann->welcome()->me.id, bob_id = bob->welcome()->me.id;

    auto v1 = client(relay, "v1", visitor_config("v1"));
    auto v2 = client(relay, "v2", visitor_config("v2"));
    auto v3 = client(relay, "v3", visitor_config("v3"));
    std::vector<NativeClient*> all{ann.get(), bob.get(), cat.get(), v1.get(), v2.get(), v3.get()};
    REQUIRE(pump_until(all, [&] { return v1->ready() && v2->ready() && v3->ready(); }, kWait));
    const std::string c1 = v1->conv(), c2 = v2->conv(), c3 = v3->conv();

    // 1. Spread: two new conversations go to the two general agents, one each (least
    //    loaded first); the third waits in the queue and its visitor is told so.
    REQUIRE(v1->send("", "hello, I need help").ok());
    REQUIRE(pump_until(all, [&] { return !view(*ann, c1).agent.empty() || !view(*bob, c1).agent.empty(); }, kWait));
    REQUIRE(v2->send("", "hi there").ok());
    REQUIRE(pump_until(all, [&] { return !view(*ann, c2).agent.empty() || !view(*bob, c2).agent.empty(); }, kWait));
    const std::string owner1 = view(*ann, c1).agent.empty() ? bob_id : ann_id;
    const std::string owner2 = view(*ann, c2).agent.empty() ? bob_id : ann_id;
    INFO(transcript(*ann) << transcript(*bob));
    CHECK(owner1 != owner2);
    CHECK(view(owner1 == ann_id ? *ann : *bob, c1).state == "active");
    CHECK(view(owner1 == ann_id ? *ann : *bob, c1).awaiting == "agent");
    CHECK(view(*cat, c1).conv.empty());  // billing never hears of a general conversation

    REQUIRE(v3->send("", "anyone?").ok());
    REQUIRE(pump_until(all, [&] { return last_queue(*v3) && last_queue(*v3)->position == 1; }, kWait));
    CHECK(last_queue(*v3)->team == "general");
    CHECK(last_queue(*v3)->expected_wait_ms > 0);

    // Make the test deterministic from here: c1 is Ann's (swap roles if it is Bob's).
    NativeClient* a1 = owner1 == ann_id ? ann.get() : bob.get();  // owner of c1
    NativeClient* a2 = owner1 == ann_id ? bob.get() : ann.get();  // owner of c2
    const std::string a1_id = a1->welcome()->me.id, a2_id = a2->welcome()->me.id;

    // 2. Inactivity: a1 answers c1; the customer stays silent for 1.5 s, so c1 becomes
    //    inactive (still listed under a1) and a1's free seat pulls c3 from the queue.
    REQUIRE(a1->send(c1, "Sure, what is it about?").ok());
    REQUIRE(pump_until(all, [&] { return view(*a1, c1).state == "inactive"; }, kWait));
    CHECK(view(*a1, c1).agent == a1_id);
    REQUIRE(pump_until(all, [&] { return view(*a1, c3).state == "active" && view(*a1, c3).agent == a1_id; }, kWait));
    REQUIRE(pump_until(all, [&] { return last_queue(*v3) && last_queue(*v3)->position == 0; }, kWait));

    // 3. Sticky reactivation: the customer writes again and c1 goes back to a1, above
    //    a1's preferred concurrency (1) but within the maximum (2).
    REQUIRE(v1->send("", "it is about my account settings").ok());
    REQUIRE(pump_until(all, [&] { return view(*a1, c1).state == "active"; }, kWait));
    CHECK(view(*a1, c1).agent == a1_id);
    CHECK(view(*a1, c3).agent == a1_id);

    // 4. Transfer with a note: a1 hands c1 to a2. a2 gets the whole conversation and the
    //    note; the visitor sees who joined but never the note.
    const std::string note = "VIP-NOTE-7731: prefers e-mail follow-up";
    REQUIRE(a1->core().transfer(c1, a2_id, std::nullopt, note, now_ms()).ok());
    REQUIRE(pump_until(all, [&] { return view(*a2, c1).agent == a2_id && has_text(a2->messages(c1), note); }, kWait));
    // a1 was told it left (its update may still be on the wire when a2's has arrived).
    CHECK(pump_until(all, [&] { return view(*a1, c1).agent == a2_id; }, kWait));
    REQUIRE(pump_until(all, [&] { return has_text(v1->messages(c1), "joined the conversation"); }, kWait));
    CHECK_FALSE(has_text(v1->messages(c1), "Transferred to"));
    a2->core().note(c1, "second note, also private", now_ms());
    REQUIRE(pump_until(all, [&] { return has_text(a2->messages(c1), "second note"); }, kWait));
    REQUIRE(v1->history(c1).ok());
    REQUIRE(pump_until(all, [&] { return !v1->history_pages().empty(); }, kWait));
    pump_for(all, 200);
    INFO(transcript(*v1));
    CHECK_FALSE(has_text(v1->messages(c1), "VIP-NOTE"));
    CHECK_FALSE(has_text(v1->messages(c1), "second note"));
    for (const auto& page : v1->history_pages())
        for (const auto& d : page.msgs) {
            CHECK_FALSE(d.message.internal);
            CHECK(d.message.text.find("VIP-NOTE") == std::string::npos);
        }
    for (const auto& line : v1->wire_log()) CHECK(line.find("VIP-NOTE") == std::string::npos);
    bool internal_seen = false;
    for (const auto& m : a2->messages(c1)) internal_seen |= m.internal && m.text.find(note) != std::string::npos;
    CHECK(internal_seen);

    // 5. Workflow: "anything else?" then the customer's "no thanks" closes c1.
    REQUIRE(a2->send(c1, "All set. Anything else I can help with?").ok());
    REQUIRE(pump_until(all, [&] { return has_text(v1->messages(c1), "Anything else"); }, kWait));
    REQUIRE(v1->send("", "no thanks").ok());
    REQUIRE(pump_until(all, [&] { return view(*a2, c1).state == "closed"; }, kWait));
    CHECK(view(*a2, c1).status == "closed");
    REQUIRE(pump_until(all, [&] { return has_text(v1->messages(c1), "Conversation closed"); }, kWait));
    // A lone "thanks" right after does not reopen it (the acknowledgement window).
    REQUIRE(v1->send("", "thanks").ok());
    pump_for(all, 300);
    CHECK(view(*a2, c1).state == "closed");
}

namespace {

// The last full inbox the agent received (sent with each welcome), as conv → summary.
std::map<std::string, protocol::ConvSummary> last_inbox(const NativeClient& agent) {
    std::map<std::string, protocol::ConvSummary> out;
    for (const auto& e : agent.events())
        if (auto* in = std::get_if<protocol::Inbox>(&e)) {
            out.clear();
            for (const auto& c : in->convs) out[c.conv] = c;
        }
    return out;
}

}  // namespace

SCENARIO("A restarted relay puts conversations back with their agents and queues in order",
         "[integration][routing][restart]") {
    RelayOptions o;
    o.extra_args = {"--no-triage"};
    RelayProcess relay(o);
    add_agent(relay, "ann@example.com", "Ann", "--team general --preferred 1 --max-load 2");
    add_agent(relay, "bob@example.com", "Bob", "--team general --preferred 1 --max-load 2");
    auto st = relay.start();
    INFO(st.detail);
    REQUIRE(st.ok);

    auto ann = client(relay, "ann", agent_config("ann@example.com"));
    auto bob = client(relay, "bob", agent_config("bob@example.com"));
    auto v1 = client(relay, "v1", visitor_config("r1"));
    auto v2 = client(relay, "v2", visitor_config("r2"));
    auto v3 = client(relay, "v3", visitor_config("r3"));
    auto v4 = client(relay, "v4", visitor_config("r4"));
    std::vector<NativeClient*> all{ann.get(), bob.get(), v1.get(), v2.get(), v3.get(), v4.get()};
    REQUIRE(pump_until(all, [&] {
        for (auto* c : all) if (!c->ready()) return false;
        return true;
    }, kWait));
    const std::string ann_id = ann->welcome()->me.id;

    // Two conversations go to the two agents; two more wait, c3 first.
    auto owner = [&](const std::string& conv) {
        return view(*ann, conv).agent.empty() ? view(*bob, conv).agent : view(*ann, conv).agent;
    };
    REQUIRE(v1->send("", "first").ok());
    REQUIRE(pump_until(all, [&] { return !owner(v1->conv()).empty(); }, kWait));
    REQUIRE(v2->send("", "second").ok());
    REQUIRE(pump_until(all, [&] { return !owner(v2->conv()).empty(); }, kWait));
    REQUIRE(v3->send("", "third").ok());
    REQUIRE(pump_until(all, [&] { return last_queue(*v3) && last_queue(*v3)->position == 1; }, kWait));
    REQUIRE(v4->send("", "fourth").ok());
    REQUIRE(pump_until(all, [&] { return last_queue(*v4) && last_queue(*v4)->position == 2; }, kWait));
    const std::string c1 = v1->conv(), c2 = v2->conv(), c3 = v3->conv(), c4 = v4->conv();
    const std::string owner1 = owner(c1), owner2 = owner(c2);
    REQUIRE(owner1 != owner2);

    // The restart: every client reconnects by itself and the agents' new inboxes show
    // the conversations where they were, not re-queued.
    const int ann_welcomes = ann->welcomes(), bob_welcomes = bob->welcomes();
    REQUIRE(relay.restart().ok);
    REQUIRE(pump_until(all, [&] {
        return ann->welcomes() > ann_welcomes && bob->welcomes() > bob_welcomes && v3->ready() && v4->ready();
    }, 15000));
    NativeClient* a1 = owner1 == ann_id ? ann.get() : bob.get();
    NativeClient* a2 = owner1 == ann_id ? bob.get() : ann.get();
    const auto inbox1 = last_inbox(*a1), inbox2 = last_inbox(*a2);
    INFO(transcript(*a1) << transcript(*a2));
    REQUIRE(inbox1.count(c1));
    REQUIRE(inbox2.count(c2));
    CHECK(inbox1.at(c1).agent == owner1);
    CHECK(inbox1.at(c1).state == "active");
    CHECK(inbox2.at(c2).agent == owner2);
    CHECK_FALSE(inbox1.count(c2));  // still the other agent's alone
    REQUIRE(inbox1.count(c3));
    CHECK(inbox1.at(c3).state == "queued");
    CHECK(inbox1.at(c4).state == "queued");

    // The queue kept its order: when c1's agent closes it, their seat takes c3, not c4.
    REQUIRE(a1->core().close_conversation(c1, false, now_ms()).ok());
    REQUIRE(pump_until(all, [&] { return view(*a1, c3).agent == owner1; }, kWait));
    CHECK(view(*a1, c3).state == "active");
    CHECK(view(*a1, c4).state == "queued");
}
