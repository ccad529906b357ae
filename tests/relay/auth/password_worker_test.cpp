// PasswordWorker (relay/auth/password_worker.hpp): real threads, real Argon2id.
#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <chrono>
#include <thread>

#include "auth/password.hpp"
#include "auth/password_worker.hpp"

using namespace parley::relay;

namespace {

const std::string& hash() {
    static const std::string h = *hash_password("right");
    return h;
}

// Takes results until `n` have come (or 10 s have passed).
std::vector<PasswordResult> wait_results(PasswordWorker& w, std::size_t n) {
    std::vector<PasswordResult> all;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (all.size() < n && std::chrono::steady_clock::now() < until) {
        for (auto& r : w.take_results()) all.push_back(r);
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return all;
}

}  // namespace

TEST_CASE("the worker checks passwords on its own threads and wakes the caller per result", "[password_worker]") {
    std::atomic<int> wakes{0};
    PasswordWorker w(2, 4, [&] { ++wakes; });
    REQUIRE(w.submit(PasswordJob{1, "right", hash()}));
    REQUIRE(w.submit(PasswordJob{2, "wrong", hash()}));
    REQUIRE(w.submit(PasswordJob{3, "right", "not a hash"}));
    auto results = wait_results(w, 3);
    REQUIRE(results.size() == 3);
    std::map<std::uint64_t, bool> by_ticket;
    for (const auto& r : results) by_ticket[r.ticket] = r.match;
    CHECK(by_ticket == std::map<std::uint64_t, bool>{{1, true}, {2, false}, {3, false}});
    CHECK(wakes.load() == 3);
    CHECK(w.in_flight() == 0);
}

TEST_CASE("a full worker refuses a job at once instead of queueing it", "[password_worker]") {
    PasswordWorker w(1, 2, nullptr);
    int accepted = 0;
    for (int i = 0; i < 10; ++i) accepted += w.submit(PasswordJob{std::uint64_t(i), "wrong", hash()});
    CHECK(accepted == 3);  // one running, two waiting
    CHECK(w.in_flight() <= 3);
    SECTION("and takes jobs again once they are done") {
        auto results = wait_results(w, 3);
        CHECK(results.size() == 3);
        CHECK(w.submit(PasswordJob{99, "right", hash()}));
        auto last = wait_results(w, 1);
        REQUIRE(last.size() == 1);
        CHECK(last[0].match);
    }
    // The destructor drops what waits and joins the threads (ASan/TSan: nothing leaks).
}

TEST_CASE("the worker hashes a new password on its own threads: the hash verifies it and no other", "[password_worker]") {
    std::atomic<int> wakes{0};
    PasswordWorker w(1, 2, [&] { ++wakes; });
    REQUIRE(w.submit(PasswordJob{7, "a-new-password", {}, true}));
    auto results = wait_results(w, 1);
    REQUIRE(results.size() == 1);
    CHECK(results[0].ticket == 7);
    CHECK(results[0].hashed);
    REQUIRE_FALSE(results[0].hash.empty());
    CHECK(results[0].hash.find("a-new-password") == std::string::npos);
    CHECK(verify_password("a-new-password", results[0].hash));
    CHECK_FALSE(verify_password("another", results[0].hash));
    CHECK(wakes.load() == 1);
}
