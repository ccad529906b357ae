// libFuzzer target: the relay's frame handler (relay/core/hub.cpp) on a MemoryStore,
// driven by a script of connection events decoded from the input.
//
// Input format: lines separated by '\n'. The first byte b of a line picks the
// connection (b & 3, four connections) and the event ((b >> 2) & 7):
//   0–4  the rest of the line is one text frame       ('0'–'3' in the seed corpus)
//   5    the connection closes and a new one opens    ('4'–'7')
//   6    a binary message                             ('8' '9' ':' ';')
//   7    a message over 65 536 bytes                  ('<' '=' '>' '?')
// Every event also advances the fake clock by (b >> 5) seconds.
//
// Checks beyond the sanitizers: every output goes to a connection that is open and
// decodes with the SDK's decode_relay (the Hub never emits a frame its own clients
// refuse); acks and msgs carry sequence numbers ≥ 1.
//
// Logins: the Hub only asks for password checks (no Argon2 runs in it); the oldest one
// held is answered before each event, with match, mismatch or not_checked by its
// ticket (a new password to hash: hashed or not), so answers also arrive after their
// connection has closed.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/hub.hpp"
#include "core/random_source.hpp"
#include "parley/protocol/codec.hpp"
#include "store/memory_store.hpp"

namespace {

using namespace parley;
using namespace parley::relay;

class CountingRandom : public RandomSource {
public:
    void fill(unsigned char* out, std::size_t size) override {
        for (std::size_t i = 0; i < size; ++i) out[i] = next_++;
    }

private:
    unsigned char next_ = 0;
};

[[noreturn]] void fail(const char* what, const std::string& detail) {
    std::fprintf(stderr, "hub_fuzz: %s: %s\n", what, detail.c_str());
    std::abort();
}

struct Run {
    MemoryStore store;
    CountingRandom random;
    Hub hub{store, random, config()};
    std::int64_t now = 1'700'000'000'000;
    ConnId conn[4] = {1, 2, 3, 4};
    ConnId next = 5;
    std::set<ConnId> open;
    std::vector<PasswordCheck> held;  // password checks not answered yet, oldest first

    static HubConfig config() {
        HubConfig c;
        c.visitor_keys = VisitorKeyRing::single(std::string(32, 'k'));
        return c;
    }

    Run() {
        for (ConnId id : conn) {
            hub.on_open(id, now);
            open.insert(id);
        }
    }

    // PARLEY_FUZZ_TRACE=1 prints every output: to read what a crashing input did.
    const bool trace = std::getenv("PARLEY_FUZZ_TRACE") != nullptr;

    // A `pull` (sync/history answers waiting) is answered with Hub::pump, as an adapter
    // whose clients read everything would, until nothing is pending.
    void check_outputs() {
        for (std::vector<ConnId> pulled;; pulled.clear()) {
            check_batch(pulled);
            if (pulled.empty()) return;
            for (ConnId id : pulled) hub.pump(id, now);
        }
    }
    void check_batch(std::vector<ConnId>& pulled) {
        for (const Output& out : hub.take_outputs()) {
            if (trace) std::fprintf(stderr, "[%llu] %s\n", static_cast<unsigned long long>(out.conn), out.text().c_str());
            if (!open.count(out.conn)) fail("output to a closed connection", out.text());
            if (out.kind == Output::Kind::close) continue;
            if (out.kind == Output::Kind::pull) {
                pulled.push_back(out.conn);
                continue;
            }
            auto frame = protocol::decode_relay(out.text());
            if (!frame) fail("undecodable output", out.text() + " (" + frame.error().detail + ")");
            if (const auto* m = std::get_if<protocol::Msg>(&frame.value()))
                if (m->message.seq <= 0) fail("msg with seq <= 0", out.text());
            if (const auto* a = std::get_if<protocol::Ack>(&frame.value()))
                if (a->seq <= 0) fail("ack with seq <= 0", out.text());
        }
    }

    void answer_one_check() {
        for (PasswordCheck& c : hub.take_password_checks()) held.push_back(std::move(c));
        if (held.empty()) return;
        const std::uint64_t ticket = held.front().ticket;
        const bool hash_new = held.front().hash_new;
        held.erase(held.begin());
        static const PasswordOutcome kOutcomes[] = {PasswordOutcome::match, PasswordOutcome::mismatch,
                                                    PasswordOutcome::not_checked};
        if (hash_new)  // agent administration's new password: hashed (a stand-in) or not
            hub.on_password_hashed(ticket, ticket % 2 ? std::optional<std::string>("$argon2id$fuzz") : std::nullopt, now);
        else
            hub.on_password_checked(ticket, kOutcomes[ticket % 3], now);
        check_outputs();
    }

    void line(std::string_view l) {
        if (l.empty()) return;
        const auto b = static_cast<unsigned char>(l[0]);
        ConnId& id = conn[b & 3];
        now += (b >> 5) * 1000;
        answer_one_check();
        const std::string_view rest = l.substr(1);
        switch ((b >> 2) & 7) {
        case 5:
            hub.on_close(id, now);
            open.erase(id);
            check_outputs();
            id = next++;
            hub.on_open(id, now);
            open.insert(id);
            break;
        case 6:
            hub.on_binary(id, now);
            break;
        case 7:
            hub.on_too_large(id, now);
            break;
        default:
            hub.on_text(id, rest, now);
        }
        check_outputs();
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 16384) return 0;  // long scripts explore nothing new, only slowly
    Run run;
    std::string_view input(reinterpret_cast<const char*>(data), size);
    while (!input.empty()) {
        const std::size_t nl = input.find('\n');
        run.line(input.substr(0, nl));
        if (nl == std::string_view::npos) break;
        input.remove_prefix(nl + 1);
    }
    run.hub.shutdown(run.now);
    run.check_outputs();
    for (ConnId id : std::set<ConnId>(run.open)) {
        run.hub.on_close(id, run.now);
        run.open.erase(id);
        run.check_outputs();
    }
    return 0;
}
