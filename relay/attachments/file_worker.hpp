// Where blocking file work runs (attachments: a file sealed, written and synced, or read
// and opened), so that it never holds up the event loop that serves every chat.
//
// JobRunner is the seam: FileWorker runs jobs on a thread of its own; InlineJobs runs
// them at once, on the caller's thread (unit tests, and CLI commands that have no loop).
// A job reports its own result (into state it shares with whoever waits for it); the
// worker calls `wake` after each one, from its thread (it must be thread-safe:
// lws_cancel_service), so the loop looks at what finished.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace parley::relay::attachments {

class JobRunner {
public:
    virtual ~JobRunner() = default;
    // False when it cannot take the job now (a full queue): the caller answers "busy".
    virtual bool submit(std::function<void()> job) = 0;
};

class InlineJobs final : public JobRunner {
public:
    bool submit(std::function<void()> job) override {
        job();
        return true;
    }
};

class FileWorker final : public JobRunner {
public:
    // At most `queue` jobs wait; one runs at a time. `wake` may be given later
    // (set_wake: the loop's waker exists once the server has started).
    explicit FileWorker(std::size_t queue, std::function<void()> wake = {});
    void set_wake(std::function<void()> wake);
    // Stops after the job that runs (those waiting are dropped: their waiters see the
    // connection end) and joins the thread.
    ~FileWorker() override;
    FileWorker(const FileWorker&) = delete;
    FileWorker& operator=(const FileWorker&) = delete;

    bool submit(std::function<void()> job) override;

private:
    void run();

    std::size_t queue_limit_;
    std::function<void()> wake_;
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::function<void()>> jobs_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace parley::relay::attachments
