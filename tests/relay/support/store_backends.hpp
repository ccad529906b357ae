// The Store backends the conformance suite runs against. Each owns one fresh, empty
// store; add a backend here and every conformance test runs on it.
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <string>

#include <catch2/catch.hpp>

#include "auth/sodium_random.hpp"
#include "store/memory_store.hpp"
#include "store/sqlite_store.hpp"
#include "store/summary_cache.hpp"

namespace parley::relay::test {

// A temporary directory removed with everything in it when the object goes.
class TempDir {
public:
    TempDir() {
        std::random_device rd;
        path_ = std::filesystem::temp_directory_path() /
                ("parley-relay-test-" + std::to_string(rd()) + std::to_string(rd()));
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

// The raw bytes of a store's database file "parley.db" in `dir` and its log, as they
// are on disk now: what an auditor (or a thief) greps.
inline std::string raw_files(const TempDir& dir) {
    std::string bytes;
    for (const char* name : {"parley.db", "parley.db-wal"}) {
        std::ifstream in(dir.file(name), std::ios::binary);
        bytes.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return bytes;
}

struct MemoryBackend {
    static constexpr const char* name = "memory";
    std::unique_ptr<Store> store = std::make_unique<MemoryStore>();
};

struct SqliteBackend {
    static constexpr const char* name = "sqlite";
    TempDir dir;
    std::unique_ptr<Store> store = open(dir.file("parley.db"));

    static std::unique_ptr<Store> open(const std::string& path) {
        auto s = SqliteStore::open(path);
        REQUIRE(s.ok());
        return std::move(s).value();
    }
};

// A fresh random data key, as --generate-data-key writes.
inline DataKey random_data_key() {
    SodiumRandom random;
    std::string raw(DataKey::kBytes, '\0');
    random.fill(reinterpret_cast<unsigned char*>(raw.data()), raw.size());
    return DataKey::from_bytes(raw);
}

// SQLite with its personal columns sealed under a data key (store/column_sealer.hpp):
// sealing must change nothing a caller can see.
struct SealedSqliteBackend {
    static constexpr const char* name = "sqlite+sealed";
    TempDir dir;
    std::unique_ptr<Store> store = open(dir.file("parley.db"));

    static std::unique_ptr<Store> open(const std::string& path) {
        SqliteOptions options;
        options.data_key = random_data_key();
        auto s = SqliteStore::open(path, options);
        REQUIRE(s.ok());
        return std::move(s).value();
    }
};

// SQLite behind the relay's summary cache (store/summary_cache.hpp): the cache must keep
// every guarantee of the store it fronts.
struct CachedSqliteBackend {
    static constexpr const char* name = "sqlite+cache";
    SqliteBackend sqlite;
    std::unique_ptr<Store> store = std::make_unique<SummaryCache>(*sqlite.store);
};

}  // namespace parley::relay::test
