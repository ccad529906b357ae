// Nothing lost, nothing doubled, nothing out of order — under faults.
//
// 50 visitor clients (two per visitor, so 25 conversations with two participants each)
// and 2 agents (who see all 25) send thousands of messages through a fault-injecting
// TCP proxy (FaultProxy: random cuts, random delays) while the test kills the relay
// with SIGKILL and restarts it several times. Then the faults stop, every client
// converges, the relay is stopped with SIGTERM, and every client's view of every
// conversation is compared with the relay's SQLite database:
//   lost         a message a client wrote that is not stored, an acknowledged message
//                not stored at its acknowledged seq, or a stored seq a participant
//                never received
//   duplicated   a message stored twice, or delivered twice to one client
//   out of order a client received a seq lower than one it already had
// All three must be 0. The counts are printed (ctest -V shows them).
//
// Bounded: every phase has a deadline; the whole test takes about a minute.
#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <thread>

#include "fault_proxy.hpp"
#include "native_client.hpp"
#include "relay_process.hpp"

using namespace parley;
using namespace parley::test;

namespace {

constexpr int kVisitors = 25;           // conversations
constexpr int kClientsPerVisitor = 2;   // participants per conversation (same visitor)
constexpr int kAgents = 2;
constexpr int kVisitorMessages = 50;    // per visitor client
constexpr int kAgentMessages = 100;     // per agent, spread over the conversations
constexpr int kChaosMs = 30000;         // sending, cuts, delays and kills
constexpr int kKills = 4;
constexpr int kConvergeMs = 30000;
const std::string kPassword = "fault-demo-password";

struct Stored {
    std::string cid, from_role, from_id, text;
    bool internal = false;  // agents only (routing notes)
};

// conv → seq → message, read straight from the relay's database.
std::map<std::string, std::map<std::int64_t, Stored>> read_database(const std::string& path,
                                                                    int& duplicated_rows) {
    std::map<std::string, std::map<std::int64_t, Stored>> out;
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    // `internal` came with routing (schema step 3); an older schema has none.
    if (sqlite3_prepare_v2(db, "SELECT conv, seq, cid, from_role, from_id, text, internal FROM messages ORDER BY conv, seq",
                           -1, &st, nullptr) != SQLITE_OK)
        REQUIRE(sqlite3_prepare_v2(db, "SELECT conv, seq, cid, from_role, from_id, text, 0 FROM messages ORDER BY conv, seq",
                                   -1, &st, nullptr) == SQLITE_OK);
    duplicated_rows = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        auto col = [&](int i) { return std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, i))); };
        auto [it, fresh] = out[col(0)].emplace(sqlite3_column_int64(st, 1), Stored{col(2), col(3), col(4), col(5), sqlite3_column_int(st, 6) != 0});
        if (!fresh) ++duplicated_rows;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

session::Config base_config(const std::string& instance) {
    session::Config c;
    c.instance = instance;
    c.seed = std::hash<std::string>{}(instance);
    // Shorter than production (500 ms, 30 s) so that convergence after the last fault
    // takes seconds; the backoff law itself is the same.
    c.backoff_base_ms = 50;
    c.backoff_cap_ms = 1000;
    return c;
}

}  // namespace

SCENARIO("under kills, cuts and delays no message is lost, doubled or reordered", "[integration][fault]") {
    const std::uint64_t seed = 20261121;
    RelayOptions ro;
    ro.demo_agent = true;
    ro.demo_password = kPassword;
    RelayProcess relay(ro);
    {
        auto st = relay.start();
        INFO(st.detail);
        REQUIRE(st.ok);
    }
    FaultProxy proxy(relay.host(), relay.port(), seed);
    REQUIRE(proxy.start() > 0);

    // ---- clients: visitors first (their welcome creates the conversation), the
    // second client of each visitor reuses the first one's token, then the agents.
    std::vector<std::unique_ptr<NativeClient>> owned;
    std::vector<NativeClient*> all;
    std::vector<std::string> convs;
    std::map<std::pair<NativeClient*, std::string>, std::int64_t> agent_start;
    auto add = [&](std::unique_ptr<NativeClient> c) {
        all.push_back(c.get());
        owned.push_back(std::move(c));
        return all.back();
    };
    for (int v = 0; v < kVisitors; ++v) {
        auto cfg = base_config("v" + std::to_string(v) + "a");
        cfg.role = "visitor";
        NativeClient* a = add(std::make_unique<NativeClient>(cfg.instance, cfg, "127.0.0.1", proxy.port()));
        a->connect();
        REQUIRE(pump_until({a}, [&] { return a->ready(); }, 5000));
        convs.push_back(a->conv());
        auto cfg2 = base_config("v" + std::to_string(v) + "b");
        cfg2.role = "visitor";
        cfg2.token = a->core().token();
        NativeClient* b = add(std::make_unique<NativeClient>(cfg2.instance, cfg2, "127.0.0.1", proxy.port()));
        b->connect();
        REQUIRE(pump_until({b}, [&] { return b->ready(); }, 5000));
        REQUIRE(b->conv() == a->conv());
        // The first message starts the conversation: from now on agents see it.
        REQUIRE(a->send("", "opener " + a->label()));
        REQUIRE(pump_until({a, b}, [&] { return a->messages(a->conv()).size() == 1 && b->messages(a->conv()).size() == 1; }, 5000));
    }
    for (int g = 0; g < kAgents; ++g) {
        auto cfg = base_config("ag" + std::to_string(g));
        cfg.role = "agent";
        cfg.email = "demo@parley.local";
        cfg.password = kPassword;
        NativeClient* a = add(std::make_unique<NativeClient>(cfg.instance, cfg, "127.0.0.1", proxy.port()));
        a->connect();
        REQUIRE(pump_until({a}, [&] { return a->ready() && a->inbox().size() >= std::size_t(kVisitors); }, 10000));
        // An agent's view starts after what its inbox showed (older is history).
        for (const auto& [conv, summary] : a->inbox()) agent_start[{a, conv}] = summary.last_seq;
    }
    REQUIRE(all.size() >= 50);
    REQUIRE(convs.size() >= 20);

    // ---- chaos: everyone sends on a random schedule while connections are cut and
    // delayed and the relay is killed.
    std::mt19937_64 rng(seed);
    proxy.set_faults({0, 15, 3000});
    struct Plan {
        int left = 0;
        std::int64_t next_at = 0;
        int sent = 0;
    };
    std::map<NativeClient*, Plan> plans;
    std::map<std::string, std::set<std::string>> written;  // conv → texts written (openers aside)
    const std::int64_t t0 = now_ms();
    for (std::size_t i = 0; i < all.size(); ++i) {
        const bool agent = i >= std::size_t(kVisitors * kClientsPerVisitor);
        plans[all[i]] = {agent ? kAgentMessages : kVisitorMessages, t0, 0};
    }
    auto send_due = [&] {
        const std::int64_t now = now_ms();
        for (std::size_t i = 0; i < all.size(); ++i) {
            NativeClient* c = all[i];
            Plan& p = plans[c];
            if (p.left == 0 || now < p.next_at) continue;
            const bool agent = i >= std::size_t(kVisitors * kClientsPerVisitor);
            const std::string conv = agent ? convs[rng() % convs.size()] : convs[i / kClientsPerVisitor];
            const std::string text = c->label() + "#" + std::to_string(p.sent);
            auto r = c->send(conv, text);
            REQUIRE(r);
            written[conv].insert(text);
            ++p.sent;
            --p.left;
            const int total = agent ? kAgentMessages : kVisitorMessages;
            const int mean_gap = (kChaosMs - 3000) / total;
            p.next_at = now + std::uniform_int_distribution<int>(0, 2 * mean_gap)(rng);
        }
    };
    int kills = 0;
    std::int64_t next_kill = t0 + kChaosMs / (kKills + 1);
    while (now_ms() - t0 < kChaosMs) {
        send_due();
        pump_for(all, 10);
        if (kills < kKills && now_ms() >= next_kill) {
            relay.kill();
            ++kills;
            pump_for(all, std::uniform_int_distribution<int>(100, 600)(rng));
            auto st = relay.start();
            INFO(st.detail);
            REQUIRE(st.ok);
            next_kill = now_ms() + kChaosMs / (kKills + 1);
        }
    }
    // Whatever is left of the plan is sent now (a slow machine); still under faults.
    for (auto& [c, p] : plans) p.next_at = 0;
    while (std::any_of(plans.begin(), plans.end(), [](auto& kv) { return kv.second.left > 0; })) {
        send_due();
        for (auto& [c, p] : plans) p.next_at = 0;
    }
    const FaultProxyStats chaos = proxy.stats();

    // ---- convergence: no more faults; every outbox empties and every participant
    // reaches the conversation's last message.
    proxy.set_faults({});
    std::map<std::string, std::size_t> expected;
    for (const auto& [conv, texts] : written) expected[conv] = texts.size() + 1;  // + opener
    auto converged = [&] {
        for (std::size_t i = 0; i < all.size(); ++i) {
            NativeClient* c = all[i];
            if (!c->ready() || !c->core().outbox().empty()) return false;
            const bool agent = i >= std::size_t(kVisitors * kClientsPerVisitor);
            for (const auto& conv : convs) {
                if (!agent && conv != c->conv()) continue;
                auto m = c->messages(conv);
                const std::int64_t last = m.empty() ? 0 : m.back().seq;
                if (last < std::int64_t(expected[conv])) return false;
            }
        }
        return true;
    };
    const bool ok = pump_until(all, converged, kConvergeMs);
    pump_for(all, 500);  // anything doubled would arrive now
    const auto stopped = relay.stop();
    INFO(stopped.detail);
    CHECK(stopped.ok);
    CHECK(relay.exit_code() == 0);

    // ---- the comparison.
    int db_duplicate_rows = 0;
    const auto db = read_database(relay.data_dir() + "/parley.db", db_duplicate_rows);
    long system = 0;
    for (const auto& [conv, rows] : db)
        for (const auto& [seq, row] : rows) system += row.from_role == "system";
    long stored = 0, lost = 0, duplicated = db_duplicate_rows, out_of_order = 0, mismatched = 0, delivered = 0;
    long acked = 0, ack_conflicts = 0;
    for (const auto& conv : convs) {
        auto it = db.find(conv);
        const auto rows = it == db.end() ? std::map<std::int64_t, Stored>{} : it->second;
        stored += long(rows.size());
        // Stored: seq 1..n with no gap; each (sender, cid) and each text once.
        std::set<std::string> texts;
        std::set<std::pair<std::string, std::string>> ids;
        std::int64_t want = 1;
        for (const auto& [seq, row] : rows) {
            if (seq != want) {
                lost += seq - want;
                std::cout << "fault_test: " << conv << " stored seq " << want << "…" << seq - 1 << " missing\n";
            }
            want = seq + 1;
            // Texts written by the test are unique; the relay's own (system) messages,
            // like "Transferred to …", may repeat.
            const bool twice = row.from_role != "system" && !texts.insert(row.text).second;
            if (twice || !ids.insert({row.from_id, row.cid}).second) {
                ++duplicated;
                std::cout << "fault_test: " << conv << " seq " << seq << " stored twice: " << row.from_id
                          << " " << row.cid << " " << row.text << "\n";
            }
        }
        stored -= 1;  // the opener
        for (const auto& [seq, row] : rows) stored -= row.from_role == "system";
        // Written: every text a client wrote is stored.
        for (const auto& text : written[conv])
            if (!texts.count(text)) {
                ++lost;
                std::cout << "fault_test: " << conv << " written, not stored: " << text << "\n";
            }
    }
    for (std::size_t i = 0; i < all.size(); ++i) {
        NativeClient* c = all[i];
        const bool agent = i >= std::size_t(kVisitors * kClientsPerVisitor);
        for (const auto& conv : convs) {
            if (!agent && conv != c->conv()) continue;
            const auto& rows = db.count(conv) ? db.at(conv) : std::map<std::int64_t, Stored>{};
            std::set<std::int64_t> seen;
            std::int64_t high = 0;
            for (const auto& m : c->messages(conv)) {
                ++delivered;
                if (!seen.insert(m.seq).second) {
                    ++duplicated;
                    std::cout << "fault_test: " << c->label() << " got " << conv << " seq " << m.seq << " twice\n";
                } else if (m.seq < high) {
                    ++out_of_order;
                    std::cout << "fault_test: " << c->label() << " got " << conv << " seq " << m.seq << " after " << high << "\n";
                }
                high = std::max(high, m.seq);
                auto row = rows.find(m.seq);
                if (row == rows.end() || row->second.text != m.text || row->second.cid != m.cid ||
                    (!agent && row->second.internal))
                    ++mismatched;
            }
            const std::int64_t start = agent ? agent_start[{c, conv}] : 0;
            for (const auto& [seq, row] : rows)
                if (seq > start && !seen.count(seq) && (agent || !row.internal)) {
                    ++lost;
                    std::cout << "fault_test: " << c->label() << " never got " << conv << " seq " << seq << "\n";
                }
        }
        // Every ack names the stored message, and a cid acked twice got the same seq.
        std::map<std::string, std::int64_t> ack_seq;
        for (const auto& a : c->acks()) {
            ++acked;
            auto [at, fresh] = ack_seq.emplace(a.cid, a.seq);
            if (!fresh && at->second != a.seq) ++ack_conflicts;
            auto conv = db.find(a.conv);
            auto row = conv == db.end() ? nullptr : &conv->second;
            if (!row || !row->count(a.seq) || row->at(a.seq).cid != a.cid) {
                ++lost;
                std::cout << "fault_test: " << c->label() << " ack " << a.cid << " seq " << a.seq << " not stored so\n";
            }
        }
    }
    long written_total = 0;
    for (const auto& [conv, texts] : written) written_total += long(texts.size());
    std::cout << "fault_test: clients=" << all.size() << " conversations=" << convs.size()
              << " written=" << written_total << " stored=" << stored << " system=" << system << " delivered=" << delivered
              << " acks=" << acked << " relay_kills=" << kills << " proxy_connections=" << chaos.accepted
              << " proxy_cuts=" << chaos.cuts << " refused_while_down=" << chaos.upstream_refused
              << " converged=" << (ok ? "yes" : "no") << "\n"
              << "fault_test: lost=" << lost << " duplicated=" << duplicated << " out_of_order=" << out_of_order
              << " mismatched=" << mismatched << " ack_conflicts=" << ack_conflicts << std::endl;
    if (!ok) {
        for (auto* c : all)
            if (!c->ready() || !c->core().outbox().empty())
                std::cout << c->label() << " state=" << session::state_name(c->state())
                          << " outbox=" << c->core().outbox().size() << "\n";
    }
    CHECK(ok);
    CHECK(kills == kKills);
    CHECK(chaos.cuts > 0);
    CHECK(written_total >= 2000);
    CHECK(stored == written_total);
    CHECK(lost == 0);
    CHECK(duplicated == 0);
    CHECK(out_of_order == 0);
    CHECK(mismatched == 0);
    CHECK(ack_conflicts == 0);
}
