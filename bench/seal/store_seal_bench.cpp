// store_seal_bench: what sealing costs the SQLite store itself (P7; bench/README.md
// "Sealing at rest"): the same messages appended (in group-commit batches of 100, so
// the disk's fsync is shared as under load) and read back (sync-sized pages of 200),
// plain and sealed, with the database's size after. A figure for the docs, not a test.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "auth/sodium_random.hpp"
#include "store/sqlite_store.hpp"

using namespace parley::relay;
namespace fs = std::filesystem;

namespace {

struct Figures {
    double append_us = 0, read_us = 0;
    std::uintmax_t bytes = 0;
};

Figures run(const fs::path& dir, bool sealed, int messages) {
    fs::remove_all(dir);
    fs::create_directories(dir);
    SqliteOptions options;
    if (sealed) {
        SodiumRandom random;
        std::string raw(DataKey::kBytes, '\0');
        random.fill(reinterpret_cast<unsigned char*>(raw.data()), raw.size());
        options.data_key = DataKey::from_bytes(raw);
    }
    Figures f;
    {
        auto opened = SqliteStore::open((dir / "parley.db").string(), options);
        if (!opened) {
            std::fprintf(stderr, "%s\n", opened.error().detail.c_str());
            std::exit(1);
        }
        SqliteStore& s = *opened.value();
        const int convs = 100;
        for (int c = 0; c < convs; ++c) {
            const std::string v = "v_" + std::to_string(c), conv = "c_" + std::to_string(c);
            (void)s.create_visitor(Visitor{v, "Ada Lovelace", 1});
            (void)s.create_conversation(conv, v, 1);
        }
        const std::string text(120, 'x');
        const auto t0 = std::chrono::steady_clock::now();
        for (int i = 0; i < messages; i += 100) {
            (void)s.begin_batch();
            for (int j = i; j < i + 100 && j < messages; ++j) {
                const int c = j % convs;
                (void)s.append_message(NewMessage{"c_" + std::to_string(c), "m" + std::to_string(j),
                                                  Party{"visitor", "v_" + std::to_string(c), "Ada Lovelace"}, text, j});
            }
            (void)s.commit_batch();
        }
        const auto t1 = std::chrono::steady_clock::now();
        std::size_t read = 0;
        for (int c = 0; c < convs; ++c)
            for (std::int64_t after = 0;;) {
                auto page = s.messages_after("c_" + std::to_string(c), after, 200);
                if (!page || page.value().empty()) break;
                read += page.value().size();
                after = page.value().back().seq;
            }
        const auto t2 = std::chrono::steady_clock::now();
        f.append_us = std::chrono::duration<double, std::micro>(t1 - t0).count() / messages;
        f.read_us = std::chrono::duration<double, std::micro>(t2 - t1).count() / static_cast<double>(read);
    }
    f.bytes = fs::file_size(dir / "parley.db");
    return f;
}

}  // namespace

int main(int argc, char** argv) {
    const int messages = argc > 1 ? std::atoi(argv[1]) : 20000;
    const fs::path dir = fs::temp_directory_path() / "parley-store-seal-bench";
    for (bool sealed : {false, true, false, true}) {  // twice each: the first run warms the disk
        const Figures f = run(dir, sealed, messages);
        std::printf("%-6s append %.1f us/message (batches of 100), read %.2f us/message, file %.1f MB\n",
                    sealed ? "sealed" : "plain", f.append_us, f.read_us, f.bytes / 1e6);
    }
    fs::remove_all(dir);
    return 0;
}
