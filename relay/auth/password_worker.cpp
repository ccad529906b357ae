#include "auth/password_worker.hpp"

#include <sodium.h>

#include <algorithm>
#include <utility>

#include "auth/password.hpp"

namespace parley::relay {

PasswordWorker::PasswordWorker(int threads, std::size_t queue, std::function<void()> wake)
    : capacity_(static_cast<std::size_t>(std::max(threads, 1)) + queue), wake_(std::move(wake)) {
    for (int i = 0; i < std::max(threads, 1); ++i) threads_.emplace_back([this] { run(); });
}

PasswordWorker::~PasswordWorker() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
        for (PasswordJob& job : jobs_) sodium_memzero(job.password.data(), job.password.size());
        jobs_.clear();
    }
    ready_.notify_all();
    for (std::thread& t : threads_) t.join();
}

bool PasswordWorker::submit(PasswordJob job) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_ || jobs_.size() + running_ >= capacity_) return false;
        jobs_.push_back(std::move(job));
    }
    ready_.notify_one();
    return true;
}

std::vector<PasswordResult> PasswordWorker::take_results() {
    std::lock_guard<std::mutex> lock(mutex_);
    return std::exchange(results_, {});
}

std::size_t PasswordWorker::in_flight() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return jobs_.size() + running_;
}

void PasswordWorker::run() {
    for (;;) {
        PasswordJob job;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
            if (stopping_) return;
            job = std::move(jobs_.front());
            jobs_.pop_front();
            ++running_;
        }
        PasswordResult result;
        result.ticket = job.ticket;
        if (job.hash_new) {
            result.hashed = true;
            if (auto hash = hash_password(job.password)) result.hash = std::move(*hash);
        } else {
            result.match = verify_password(job.password, job.hash);
        }
        sodium_memzero(job.password.data(), job.password.size());
        {
            std::lock_guard<std::mutex> lock(mutex_);
            --running_;
            results_.push_back(std::move(result));
        }
        if (wake_) wake_();
    }
}

}  // namespace parley::relay
