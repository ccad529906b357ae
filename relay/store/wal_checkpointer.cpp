#include "store/wal_checkpointer.hpp"

#include <sqlite3.h>

#include <iostream>

#include "store/store.hpp"

namespace parley::relay {

Result<std::unique_ptr<WalCheckpointer>> WalCheckpointer::start(const std::string& path) {
    sqlite3* db = nullptr;
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
        std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
        sqlite3_close(db);
        return storage_error("checkpointer cannot open " + path + ": " + msg);
    }
    // FULL: the database file is synced before the log it was copied from is reused.
    // The busy timeout covers the brief moment the writer restarts the log.
    sqlite3_busy_timeout(db, 1000);
    char* err = nullptr;
    if (sqlite3_exec(db, "PRAGMA synchronous=FULL", nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : "unknown error";
        sqlite3_free(err);
        sqlite3_close(db);
        return storage_error("checkpointer: " + msg);
    }
    std::unique_ptr<WalCheckpointer> c(new WalCheckpointer(db));
    c->thread_ = std::thread([raw = c.get()] { raw->run(); });
    return c;
}

WalCheckpointer::~WalCheckpointer() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
    sqlite3_close(db_);
}

void WalCheckpointer::request() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        busy_ = true;
        if (wanted_) return;
        wanted_ = true;
    }
    wake_.notify_one();
}

void WalCheckpointer::run() {
    for (;;) {
        {
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait(lock, [this] { return wanted_ || stopping_; });
            if (stopping_) return;
            wanted_ = false;
        }
        for (int round = 0; round < kMaxRounds; ++round) {
            int log_pages = 0, copied = 0;
            std::lock_guard<std::mutex> held(round_mutex_);
            const int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log_pages, &copied);
            // Busy: another checkpoint holds the lock (the writer's own restart step,
            // which runs when this thread looked idle): it is doing this work. Not a
            // failure; the next request checkpoints what is left.
            if (rc == SQLITE_BUSY) break;
            if (rc != SQLITE_OK) {
                // Not fatal: the log keeps every commit and grows; the next request retries.
                ++failed_;
                std::cerr << "parley-relay: WAL checkpoint failed: " << sqlite3_errmsg(db_) << "\n";
                break;
            }
            ++done_;
            if (log_pages - copied <= kCaughtUpPages) break;
        }
        std::lock_guard<std::mutex> lock(mutex_);
        if (!wanted_) busy_ = false;
    }
}

}  // namespace parley::relay
