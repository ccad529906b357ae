// seal_bench: what sealing transcripts at rest costs per message (P7; docs/operations.md
// "Transcripts sealed at rest"). Seals and opens a typical chat message (120 bytes of
// text, plus a 12-byte sender name) with XChaCha20-Poly1305 as store/sealed_column.hpp
// does, and prints the CPU time per message. A figure for the docs, not a test.
#include <chrono>
#include <cstdio>
#include <string>

#include "auth/sodium_random.hpp"
#include "store/sealed_column.hpp"

using namespace parley::relay;

int main(int argc, char** argv) {
    const int rounds = argc > 1 ? std::atoi(argv[1]) : 200000;
    SodiumRandom random;
    const DataKey key = DataKey::from_bytes(std::string(32, 'k'));
    const std::string text(120, 'x'), name = "Ada Lovelace";
    std::size_t sink = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < rounds; ++i) {
        const std::string seq = std::to_string(i);
        const std::string t = seal_value(key, text, seal_binding("messages.text", {"c_0123456789abcdef", seq}), random);
        const std::string n = seal_value(key, name, seal_binding("messages.from_name", {"c_0123456789abcdef", seq}), random);
        sink += t.size() + n.size();
    }
    const auto t1 = std::chrono::steady_clock::now();
    const std::string t = seal_value(key, text, seal_binding("messages.text", {"c_0123456789abcdef", "1"}), random);
    for (int i = 0; i < rounds; ++i)
        sink += open_value({key}, t, seal_binding("messages.text", {"c_0123456789abcdef", "1"})).value().size();
    const auto t2 = std::chrono::steady_clock::now();
    const double seal_us = std::chrono::duration<double, std::micro>(t1 - t0).count() / rounds;
    const double open_us = std::chrono::duration<double, std::micro>(t2 - t1).count() / rounds;
    std::printf("seal (text + name, 2 values): %.2f us/message; open (text): %.2f us/message; %zu bytes\n",
                seal_us, open_us, sink);
    return 0;
}
