// WalCheckpointer: copies the SQLite write-ahead log back into the database file on a
// thread of its own, with a connection of its own (issue 6).
//
// SQLite's automatic checkpoint runs inside the COMMIT that crosses the threshold, on
// the relay's one event-loop thread: it reads the log, writes every page back and syncs
// the database file, while no frame is read and no ack leaves (hundreds of ms of p99 at
// load). A PASSIVE checkpoint from another connection takes no lock the writer needs, so
// here it runs beside the loop, once per 1 000 new pages of log, in rounds until it is
// within a few hundred pages of the log's end. The writer then copies that rest itself
// once the log is 16 MB, so its next transaction restarts the log (SqliteStore::
// on_wal_commit). Durability is unchanged: commits are still synced to the
// log before they return, and the checkpointer's connection is synchronous=FULL, so the
// database file is synced before the log can be reused.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "parley/core/result.hpp"

struct sqlite3;

namespace parley::relay {

class WalCheckpointer {
public:
    // Opens its own connection to the database at `path` (already in WAL mode) and
    // starts the thread.
    static Result<std::unique_ptr<WalCheckpointer>> start(const std::string& path);
    ~WalCheckpointer();  // finishes a checkpoint under way, then stops
    WalCheckpointer(const WalCheckpointer&) = delete;
    WalCheckpointer& operator=(const WalCheckpointer&) = delete;

    // The log holds this many pages: checkpoint soon. Cheap; never blocks on the disk.
    void request();

    // A checkpoint is asked for or under way. The writer copies the log's last pages
    // itself only while this is false (SqliteStore::on_wal_commit).
    bool busy() const { return busy_.load(); }

    // Erasure (P7): waits until a checkpoint under way has finished its round, and keeps
    // further rounds off while the returned lock lives. The writer's TRUNCATE checkpoint
    // needs the checkpoint lock such a round holds, and SQLite refuses it at once
    // (SQLITE_BUSY, no busy handler) rather than waiting: so an erasure takes this first.
    // The wait is at most one PASSIVE round (one copy of up to the log's pages).
    std::unique_lock<std::mutex> hold() { return std::unique_lock<std::mutex>(round_mutex_); }

    std::uint64_t checkpoints() const { return done_.load(); }  // completed rounds (a run has 1..kMaxRounds)
    std::uint64_t failures() const { return failed_.load(); }   // runs that SQLite refused (the run stops); a busy lock (another checkpoint running) is not one

private:
    explicit WalCheckpointer(sqlite3* db) : db_(db) {}
    void run();

    sqlite3* db_;
    std::mutex mutex_;
    std::mutex round_mutex_;  // held by each checkpoint round, and by hold()
    std::condition_variable wake_;
    bool wanted_ = false;
    bool stopping_ = false;
    // Rounds of one run: each copies what the writer added during the one before, so
    // a run ends within kCaughtUpPages of the log's end, or after kMaxRounds.
    static constexpr int kCaughtUpPages = 256;
    static constexpr int kMaxRounds = 8;
    std::atomic<bool> busy_{false};
    std::atomic<std::uint64_t> done_{0};
    std::atomic<std::uint64_t> failed_{0};
    std::thread thread_;
};

}  // namespace parley::relay
