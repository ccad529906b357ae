#include "attachments/file_worker.hpp"

namespace parley::relay::attachments {

FileWorker::FileWorker(std::size_t queue, std::function<void()> wake)
    : queue_limit_(queue), wake_(std::move(wake)), thread_([this] { run(); }) {}

FileWorker::~FileWorker() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
        jobs_.clear();
    }
    ready_.notify_all();
    thread_.join();
}

void FileWorker::set_wake(std::function<void()> wake) {
    std::lock_guard<std::mutex> lock(mutex_);
    wake_ = std::move(wake);
}

bool FileWorker::submit(std::function<void()> job) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_ || jobs_.size() >= queue_limit_) return false;
        jobs_.push_back(std::move(job));
    }
    ready_.notify_one();
    return true;
}

void FileWorker::run() {
    while (true) {
        std::function<void()> job;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
            if (stopping_) return;
            job = std::move(jobs_.front());
            jobs_.pop_front();
        }
        job();
        std::function<void()> wake;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            wake = wake_;
        }
        if (wake) wake();
    }
}

}  // namespace parley::relay::attachments
