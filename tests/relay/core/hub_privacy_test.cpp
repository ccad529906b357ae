// A visitor's data on request while the relay runs (P7, issue 15; core/hub_privacy.cpp):
// export_visitor and erase_visitor are for supervisors only, whatever the relation; the
// export is the CLI's document, audited first and streamed in chunks; the erasure
// deletes everything, is audited with ids and counts only, tells every agent who could
// list the conversations, closes the visitor's connections with 4102, leaves the Hub and
// router with nothing of them, and the old token then gets a new identity.
#include <catch2/catch.hpp>

#include "core/audit_log.hpp"
#include "privacy/visitor_export.hpp"
#include "support/hub_harness.hpp"

using namespace parley::relay;
using namespace parley::relay::test;
using parley::protocol::ErrorCode;

namespace {

std::vector<p::AuditEntry> entries(HubHarness& h, const std::string& action) {
    std::vector<p::AuditEntry> out;
    const auto all = h.store.audit_after(0, 1000).value();
    for (const auto& e : all)
        if (e.action == action) out.push_back(e);
    return out;
}

// Team general: Ann; team billing: Bill; Sue supervises team ops. Ada ("Ada Lovelace")
// wrote to general, so Ann has her conversation; Bob wrote too (a bystander).
struct World {
    HubHarness h;
    ConnId ann = 0, bill = 0, sue = 0, ada = 0, ada2 = 0, bob = 0;
    std::string conv, bob_conv, ada_id, ada_token;

    World() {
        ann = h.agent(h.make_agent("a_ann", "ann@example.com", "Ann", {"general"}));
        bill = h.agent(h.make_agent("a_bill", "bill@example.com", "Bill", {"billing"}));
        sue = h.agent(h.make_agent("a_sue", "sue@example.com", "Sue", {"ops"}, true));
        p::Welcome w;
        ada = h.visitor(&w, std::nullopt, std::string("Ada Lovelace"));
        conv = *w.conv;
        ada_id = w.me.id;
        ada_token = w.token;
        ada2 = h.visitor(nullptr, ada_token, std::string("Ada Lovelace"));  // a second tab
        h.send(ada, p::Send{conv, "v.1", "my secret order 4711"});
        p::Welcome wb;
        bob = h.visitor(&wb, std::nullopt, std::string("Bob"));
        bob_conv = *wb.conv;
        h.send(bob, p::Send{bob_conv, "b.1", "hello from bob"});
        for (ConnId c : {ann, bill, sue, ada, ada2, bob}) h.drain(c);
    }

    // The export's chunks for `c`, concatenated; checks their order and bounds.
    std::string exported(ConnId c, const std::string& visitor) {
        std::string doc;
        for (;;) {
            const auto chunk = h.next<p::VisitorExport>(c);
            CHECK(chunk.visitor == visitor);
            CHECK(chunk.data.size() <= p::kExportChunkBytes);
            doc += chunk.data;
            if (chunk.done) return doc;
        }
    }
};

}  // namespace

TEST_CASE("export_visitor and erase_visitor are refused with 2004 to everyone but supervisors",
          "[hub][privacy]") {
    World w;
    const auto [who, label] = GENERATE(table<int, const char*>({{0, "the visitor themself"},
                                                                 {1, "the agent who owns the conversation"},
                                                                 {2, "an agent of another team"},
                                                                 {3, "another visitor"}}));
    CAPTURE(label);
    const ConnId conn = std::vector<ConnId>{w.ada, w.ann, w.bill, w.bob}[static_cast<std::size_t>(who)];
    const bool erase = GENERATE(false, true);
    const bool by_conv = GENERATE(false, true);
    const std::string visitor = by_conv ? "" : w.ada_id;
    const std::string conv = by_conv ? w.conv : "";
    if (erase) w.h.send(conn, p::EraseVisitor{visitor, conv});
    else w.h.send(conn, p::ExportVisitor{visitor, conv});
    CHECK(w.h.error(conn).code == ErrorCode::forbidden);
    CHECK(w.h.idle(conn));
    CHECK(w.h.store.find_visitor(w.ada_id).value().has_value());
    CHECK(w.h.closed.empty());
    CHECK(entries(w.h, audit::kVisitorExport).empty());
    CHECK(entries(w.h, audit::kVisitorErase).empty());
}

TEST_CASE("an unknown visitor or conversation is 3010 unknown_visitor, and nothing is audited",
          "[hub][privacy]") {
    World w;
    const bool erase = GENERATE(false, true);
    const std::string visitor = GENERATE(std::string("v_0000000000000000"), std::string());
    const std::string conv = visitor.empty() ? "c_0000000000000000" : "";
    if (erase) w.h.send(w.sue, p::EraseVisitor{visitor, conv});
    else w.h.send(w.sue, p::ExportVisitor{visitor, conv});
    CHECK(w.h.error(w.sue).code == ErrorCode::unknown_visitor);
    CHECK(entries(w.h, audit::kVisitorExport).empty());
    CHECK(entries(w.h, audit::kVisitorErase).empty());
}

TEST_CASE("a supervisor's export is the CLI's document, audited with ids and counts only",
          "[hub][privacy]") {
    World w;
    const bool by_conv = GENERATE(false, true);
    w.h.send(w.sue, p::ExportVisitor{by_conv ? "" : w.ada_id, by_conv ? w.conv : ""});
    const std::string doc = w.exported(w.sue, w.ada_id);
    CHECK(doc == visitor_export_json(*w.h.store.visitor_record(w.ada_id).value(), w.h.now));
    CHECK(doc.find("my secret order 4711") != std::string::npos);
    CHECK(doc.find("Ada Lovelace") != std::string::npos);
    const auto logged = entries(w.h, audit::kVisitorExport);
    REQUIRE(logged.size() == 1);
    CHECK(logged[0].actor_id == "a_sue");
    CHECK(logged[0].target == w.ada_id);
    CHECK(logged[0].detail == "conversations=1 messages=1");
    CHECK(w.h.store.find_visitor(w.ada_id).value().has_value());  // an export erases nothing
}

TEST_CASE("a large export arrives in bounded chunks as the connection drains, cut on character boundaries",
          "[hub][privacy]") {
    World w;
    // ~600 KB of text, with multi-byte characters so some cut falls inside one.
    const std::string text = std::string(3000, 'x') + "\xC3\xA9\xE2\x82\xAC" + std::string(2997, 'y');
    for (int i = 0; i < 100; ++i) w.h.send(w.ada, p::Send{w.conv, "v.m" + std::to_string(i), text});
    w.h.drain(w.sue);
    w.h.auto_drain = false;
    w.h.send(w.sue, p::ExportVisitor{w.ada_id, ""});
    REQUIRE(w.h.pulling.count(w.sue));
    std::size_t pumps = 0;
    while (w.h.pulling.count(w.sue)) {
        CHECK(w.h.pull_chunk(w.sue) <= Hub::kPumpBytes + 2 * p::kExportChunkBytes + 256);
        ++pumps;
    }
    CHECK(pumps > 4);
    SECTION("the chunks make the document") {
        const std::string doc = w.exported(w.sue, w.ada_id);
        CHECK(doc == visitor_export_json(*w.h.store.visitor_record(w.ada_id).value(), w.h.now));
    }
    SECTION("one export at a time per connection: a second while one is sent is 4040") {
        w.h.send(w.ada, p::Send{w.conv, "v.more", "more"});
        w.h.drain(w.sue);
        w.h.send(w.sue, p::ExportVisitor{w.ada_id, ""});  // queued: pending until pumped
        w.h.send(w.sue, p::ExportVisitor{w.ada_id, ""});
        const auto refused = w.h.error(w.sue);
        CHECK(refused.code == ErrorCode::too_many_reads);
        CHECK(refused.frame == "export_visitor");
    }
}

TEST_CASE("an export that cannot be audited is not sent (storage_failed)", "[hub][privacy]") {
    World w;
    w.h.store.fail_audit = true;
    w.h.send(w.sue, p::ExportVisitor{w.ada_id, ""});
    CHECK(w.h.error(w.sue).code == ErrorCode::storage_failed);
    CHECK(w.h.idle(w.sue));
}

TEST_CASE("a supervisor erases a visitor while the relay runs", "[hub][privacy]") {
    World w;
    const bool by_conv = GENERATE(false, true);
    w.h.send(w.sue, p::EraseVisitor{by_conv ? "" : w.ada_id, by_conv ? w.conv : ""});

    // Agents who listed it (the supervisor, the owner) get a last conv, status "erased";
    // the supervisor then the answer.
    for (ConnId a : {w.sue, w.ann}) {
        const auto last = w.h.next<p::ConvUpdate>(a);
        CHECK(last.summary.conv == w.conv);
        CHECK(last.summary.status == "erased");
        CHECK(last.summary.visitor.name.empty());
        CHECK(last.summary.last_text.empty());
    }
    const auto answer = w.h.next<p::VisitorErased>(w.sue);
    CHECK(answer.visitor == w.ada_id);
    CHECK(answer.convs == std::vector<std::string>{w.conv});
    CHECK(answer.messages == 1);
    for (const auto& f : w.h.received[w.bill])  // never listed it: not told
        if (const auto* u = std::get_if<p::ConvUpdate>(&f)) CHECK(u->summary.conv != w.conv);
    CHECK(w.h.idle(w.bob));

    // Every connection of the visitor ends with 4102; nobody else's.
    CHECK(w.h.closed == std::map<ConnId, int>{{w.ada, 4102}, {w.ada2, 4102}});

    // Nothing stored; the audit entry holds ids and counts, not her name or text.
    CHECK_FALSE(w.h.store.find_visitor(w.ada_id).value());
    CHECK_FALSE(w.h.store.find_conversation(w.conv).value());
    const auto logged = entries(w.h, audit::kVisitorErase);
    REQUIRE(logged.size() == 1);
    CHECK(logged[0].actor_id == "a_sue");
    CHECK(logged[0].target == w.ada_id);
    CHECK(logged[0].detail == "conversations=1 messages=1");
    const auto all = w.h.store.audit_after(0, 1000).value();
    for (const auto& e : all) {
        CHECK(e.detail.find("4711") == std::string::npos);
        CHECK(e.target.find("Lovelace") == std::string::npos);
    }

    // Nothing after the news names the conversation again; then the rest is drained.
    for (ConnId a : {w.sue, w.ann, w.bill}) {
        for (const auto& f : w.h.received[a])
            if (const auto* u = std::get_if<p::ConvUpdate>(&f)) CHECK(u->summary.conv != w.conv);
        w.h.drain(a);
    }

    SECTION("her frames after the close are ignored") {
        w.h.send(w.ada, p::Send{w.conv, "v.2", "still here?"});
        CHECK(w.h.idle(w.ada));
        CHECK_FALSE(w.h.store.find_conversation(w.conv).value());
    }
    SECTION("her old token gets a new identity and a new conversation") {
        w.h.close(w.ada);
        w.h.close(w.ada2);
        p::Welcome again;
        w.h.visitor(&again, w.ada_token, std::nullopt);
        CHECK(again.me.id != w.ada_id);
        CHECK(*again.conv != w.conv);
    }
    SECTION("the conversation is in nobody's inbox, and naming it is refused") {
        const ConnId sue2 = w.h.agent("token-of-a_sue");
        (void)sue2;
        const ConnId again = w.h.open();
        w.h.send(again, p::Hello{"agent", std::string("token-of-a_ann"), std::nullopt});
        w.h.next<p::Welcome>(again);
        for (const auto& s : w.h.next<p::Inbox>(again).convs) CHECK(s.conv != w.conv);
        w.h.send(w.ann, p::Sync{w.conv, 0});
        const auto e = w.h.error(w.ann);
        CHECK((e.code == ErrorCode::forbidden || e.code == ErrorCode::unknown_conversation));
    }
    SECTION("the bystander carries on") {
        w.h.send(w.bob, p::Send{w.bob_conv, "b.2", "still fine"});
        CHECK(w.h.next<p::Ack>(w.bob).seq == 2);
    }
    SECTION("erasing again is 3010") {
        w.h.send(w.sue, p::EraseVisitor{w.ada_id, ""});
        CHECK(w.h.error(w.sue).code == ErrorCode::unknown_visitor);
    }
}

TEST_CASE("erasing a visitor whose conversation an agent held frees that agent's seat for the queue",
          "[hub][privacy]") {
    World w;
    // Ann's only seat… fill her to her maximum with more visitors of team general.
    std::vector<std::string> queued;
    for (int i = 0; i < 6; ++i) {
        p::Welcome v;
        const ConnId c = w.h.visitor(&v, std::nullopt, std::string("Q"));
        w.h.send(c, p::Send{*v.conv, "q.1", "need help"});
        queued.push_back(*v.conv);
    }
    w.h.drain(w.ann);
    w.h.send(w.sue, p::EraseVisitor{w.ada_id, ""});
    // Whatever routing did, nothing after the news names the erased conversation.
    bool after = false;
    while (!w.h.idle(w.ann)) {
        p::RelayFrame f = w.h.received[w.ann].front();
        w.h.received[w.ann].pop_front();
        const auto* u = std::get_if<p::ConvUpdate>(&f);
        if (!u || u->summary.conv != w.conv) continue;
        CHECK_FALSE(after);
        CHECK(u->summary.status == "erased");
        after = true;
    }
    CHECK(after);
}

TEST_CASE("an erasure whose log another process holds empties it at a later tick, once it can",
          "[hub][privacy]") {
    World w;
    w.h.store.log_held = true;  // e.g. a backup reading the database file
    w.h.send(w.sue, p::EraseVisitor{w.ada_id, ""});
    // The rows are gone and the supervisor is answered; the log is retried, not forgotten.
    CHECK_FALSE(w.h.store.find_visitor(w.ada_id).value());
    bool answered = false;
    for (const auto& f : w.h.received[w.sue]) answered = answered || std::holds_alternative<p::VisitorErased>(f);
    CHECK(answered);
    const auto retry = w.h.hub.next_deadline();
    REQUIRE(retry);
    CHECK(*retry <= w.h.now + Hub::kLogRetryMs);
    w.h.now += Hub::kLogRetryMs;
    w.h.hub.tick(w.h.now);
    CHECK(w.h.store.empty_log_calls == 1);  // still held: tried, and again later
    w.h.store.log_held = false;
    w.h.now += Hub::kLogRetryMs;
    w.h.hub.tick(w.h.now);
    CHECK(w.h.store.empty_log_calls == 2);
    w.h.now += 10 * Hub::kLogRetryMs;
    w.h.hub.tick(w.h.now);
    CHECK(w.h.store.empty_log_calls == 2);  // emptied: no more tries
}
