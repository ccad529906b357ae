// PasswordWorker: Argon2id password checks on a few threads of their own, so a check
// (about 64 MiB and tens of milliseconds each, auth/password.hpp) never runs on the
// event loop, where it would hold up every other client. It also hashes new passwords
// (a job with hash_new: a supervisor adding an agent or resetting a password), which
// cost the same.
//
// Theory of operation: the loop thread submit()s jobs into a bounded queue; each worker
// thread takes one, verifies it, appends the result to a results list and calls
// `wake` (from the worker thread: it must be thread-safe, e.g. lws_cancel_service);
// the loop thread then take_results() and hands them to the Hub. A full queue refuses
// the job at once: the loop never waits for a worker.
//
// Memory: at most `threads` checks run at once, each holding Argon2's 64 MiB, so the
// pool costs threads × 64 MiB at its busiest; queued jobs hold only their strings.
//
// The destructor stops the threads after their current check (queued jobs are dropped,
// their results never reported) and joins them. Not copyable.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace parley::relay {

struct PasswordJob {
    std::uint64_t ticket = 0;
    std::string password;
    std::string hash;       // checked against (verify); unused when hash_new
    bool hash_new = false;  // hash `password` instead of checking it
};

struct PasswordResult {
    std::uint64_t ticket = 0;
    bool match = false;     // verify: the password matched
    bool hashed = false;    // a hash_new job: `hash` holds the result ("" if it failed)
    std::string hash;
};

class PasswordWorker {
public:
    // `threads` ≥ 1 checks at once, `queue` more waiting. `wake` is called from a worker
    // thread after each result.
    PasswordWorker(int threads, std::size_t queue, std::function<void()> wake);
    ~PasswordWorker();
    PasswordWorker(const PasswordWorker&) = delete;
    PasswordWorker& operator=(const PasswordWorker&) = delete;

    // False when threads + queue jobs are already waiting or running: refuse the login
    // (retry later). The password is wiped from memory once checked.
    bool submit(PasswordJob job);
    // The results finished since the last call, in the order they finished.
    std::vector<PasswordResult> take_results();
    // Jobs waiting or running (for tests and figures).
    std::size_t in_flight() const;

private:
    void run();

    const std::size_t capacity_;  // threads + queue
    std::function<void()> wake_;
    mutable std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<PasswordJob> jobs_;
    std::size_t running_ = 0;
    std::vector<PasswordResult> results_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace parley::relay
