// HubHarness: a Hub on a FailingStore (a MemoryStore unless told to fail), a counting
// RandomSource and a fake clock, with helpers that speak frames instead of text. What
// the Hub sends is decoded with the SDK's own decode_relay, so every output is also
// checked against the protocol.
//
// Password checks the Hub asks for are run by pump() at once, in the test's thread,
// with the real Argon2id verification (as the relay's worker pool would, later); a test
// that sets hold_password_checks collects them in `checks` and answers them itself.
#pragma once

#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "auth/password.hpp"
#include "auth/session_token.hpp"
#include "core/hub.hpp"
#include "parley/protocol/codec.hpp"
#include "support/deterministic_random.hpp"
#include "support/failing_store.hpp"

namespace parley::relay::test {

namespace p = parley::protocol;

constexpr std::int64_t kT0 = 1'700'000'000'000;

// One Argon2id hash for every test (hashing costs tens of milliseconds).
inline const std::string& agent_password_hash() {
    static const std::string hash = *hash_password("agent-password");
    return hash;
}

struct HubHarness {
    FailingStore store;
    DeterministicRandom random;
    std::int64_t now = kT0;
    Hub hub{store, random, config()};
    ConnId next_conn = 1;
    std::map<ConnId, std::deque<p::RelayFrame>> received;
    std::map<ConnId, int> closed;  // close requests: conn → code
    bool hold_password_checks = false;
    std::vector<PasswordCheck> checks;  // held ones, oldest first

    HubHarness() = default;
    // With another configuration (e.g. triage); store and random as above.
    explicit HubHarness(const HubConfig& c) : hub{store, random, c} {}

    static HubConfig config() {
        HubConfig c;
        c.visitor_keys = VisitorKeyRing::single(std::string(32, 's'));
        return c;
    }

    ConnId open(std::string_view address = {}) {
        const ConnId id = next_conn++;
        hub.on_open(id, now, address);
        pump();
        return id;
    }
    void close(ConnId id) {
        hub.on_close(id, now);
        received.erase(id);
        pump();
    }
    void text(ConnId id, std::string_view frame_text) {
        hub.on_text(id, frame_text, now);
        pump();
    }
    void send(ConnId id, const p::ClientFrame& frame) { text(id, p::encode(frame)); }

    // Takes the Hub's outputs. A `pull` (sync/history answers waiting) is answered at
    // once with Hub::pump, as an adapter whose client reads everything would; with
    // auto_drain off the connection is only marked in `pulling`, and the test pumps
    // (pull_chunk) itself. `last_chunk` holds the frames of the latest chunk.
    bool auto_drain = true;
    std::set<ConnId> pulling;
    std::size_t last_chunk_bytes = 0;
    void pump() {
        for (PasswordCheck& check : hub.take_password_checks()) checks.push_back(std::move(check));
        while (!hold_password_checks && !checks.empty()) {
            const PasswordCheck check = checks.front();
            checks.erase(checks.begin());
            if (check.hash_new) {  // a new password for agent administration
                hub.on_password_hashed(check.ticket, hash_password(check.password), now);
            } else {
                const bool match = verify_password(check.password, check.hash);
                hub.on_password_checked(check.ticket, match ? PasswordOutcome::match : PasswordOutcome::mismatch, now);
            }
            for (PasswordCheck& more : hub.take_password_checks()) checks.push_back(std::move(more));
        }
        for (;;) {
            std::vector<ConnId> pulled;
            for (Output& out : hub.take_outputs()) {
                if (out.kind == Output::Kind::pull) {
                    pulled.push_back(out.conn);
                    pulling.insert(out.conn);
                    continue;
                }
                if (out.kind == Output::Kind::close) {
                    closed[out.conn] = out.code;
                    continue;
                }
                last_chunk_bytes += out.text().size();
                auto decoded = p::decode_relay(out.text());
                INFO("relay sent: " << out.text());
                REQUIRE(decoded.ok());
                received[out.conn].push_back(std::move(decoded).value());
            }
            if (!auto_drain || pulled.empty()) return;
            for (ConnId id : pulled) {
                pulling.erase(id);
                hub.pump(id, now);
            }
        }
    }
    // One Hub::pump for a connection that asked for it (auto_drain off); returns the
    // bytes of frames it produced.
    std::size_t pull_chunk(ConnId id) {
        REQUIRE(pulling.erase(id) == 1);
        hub.pump(id, now);
        last_chunk_bytes = 0;
        const bool saved = auto_drain;
        auto_drain = false;
        pump();
        auto_drain = saved;
        return last_chunk_bytes;
    }

    // The next frame for `id`, which must be a T.
    template <class T>
    T next(ConnId id) {
        auto& q = received[id];
        INFO("expected a " << typeid(T).name() << " for connection " << id);
        REQUIRE_FALSE(q.empty());
        p::RelayFrame f = std::move(q.front());
        q.pop_front();
        INFO("got a " << p::frame_type(f));
        REQUIRE(std::holds_alternative<T>(f));
        return std::get<T>(std::move(f));
    }
    p::ErrorFrame error(ConnId id) { return next<p::ErrorFrame>(id); }
    bool idle(ConnId id) { return received[id].empty(); }
    void drain(ConnId id) { received[id].clear(); }

    // A ready visitor connection (presence frames about agents drained).
    ConnId visitor(p::Welcome* welcome = nullptr, std::optional<std::string> token = {},
                   std::optional<std::string> name = std::string("Ada")) {
        const ConnId id = open();
        send(id, p::Hello{"visitor", token, name});
        p::Welcome w = next<p::Welcome>(id);
        if (welcome) *welcome = w;
        drain(id);
        return id;
    }

    // An agent account with a session token valid for an hour; returns the token.
    // Teams (empty: the default team), the supervisor flag and preferred concurrency
    // as --add-agent sets them.
    std::string make_agent(const std::string& id, const std::string& email, const std::string& name,
                           std::vector<std::string> teams = {}, bool supervisor = false, int preferred = 3) {
        Agent a{id, email, name, agent_password_hash(), now};
        a.teams = std::move(teams);
        a.supervisor = supervisor;
        a.preferred = preferred;
        REQUIRE(store.create_agent(a).ok());
        const std::string token = "token-of-" + id;
        REQUIRE(store.create_session(AgentSession{session_token_hash(token), id, now + 3600'000}).ok());
        return token;
    }

    // A ready agent connection (inbox and presence drained).
    ConnId agent(const std::string& token) {
        const ConnId id = open();
        send(id, p::Hello{"agent", token, std::nullopt});
        next<p::Welcome>(id);
        next<p::Inbox>(id);
        drain(id);
        return id;
    }
};

// Every frame of type T received by `id` so far, in order.
template <class T>
std::vector<T> frames(HubHarness& h, ConnId id) {
    std::vector<T> out;
    for (const auto& f : h.received[id])
        if (auto* x = std::get_if<T>(&f)) out.push_back(*x);
    return out;
}

}  // namespace parley::relay::test
