// The Store backends the conformance suite runs against. Each owns one fresh, empty
// store; add a backend here and every conformance test runs on it.
#pragma once

#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include <catch2/catch.hpp>

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

// SQLite behind the relay's summary cache (store/summary_cache.hpp): the cache must keep
// every guarantee of the store it fronts.
struct CachedSqliteBackend {
    static constexpr const char* name = "sqlite+cache";
    SqliteBackend sqlite;
    std::unique_ptr<Store> store = std::make_unique<SummaryCache>(*sqlite.store);
};

}  // namespace parley::relay::test
