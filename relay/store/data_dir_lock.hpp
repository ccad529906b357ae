// DataDirLock: one process at a time owns a data directory. The relay holds it while it
// runs; offline commands that rewrite the store behind the relay's back (erasure, the
// data-subject export, which must see what the relay committed) take it too and refuse
// to run beside a relay, instead of racing its caches and its router.
//
// An advisory flock(2) on DATA_DIR/relay.lock: the kernel drops it when the process
// ends however it ends (kill -9 included), so a crash never leaves a stale lock.
#pragma once

#include <string>

#include "parley/core/result.hpp"

namespace parley::relay {

class DataDirLock {
public:
    // Takes the lock without waiting. Fails (storage_failed) when another process holds
    // it — the message says a relay is running there — or the file cannot be opened.
    static Result<DataDirLock> acquire(const std::string& data_dir);

    DataDirLock(DataDirLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    DataDirLock& operator=(DataDirLock&&) = delete;
    DataDirLock(const DataDirLock&) = delete;
    ~DataDirLock();

private:
    explicit DataDirLock(int fd) : fd_(fd) {}
    int fd_ = -1;
};

}  // namespace parley::relay
