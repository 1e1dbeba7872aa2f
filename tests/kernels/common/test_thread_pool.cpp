#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "kernels/common/cpu_demand.h"
#include "kernels/common/thread_pool.h"

TEST_CASE("thread pool: every task runs exactly once, for any pool and task count", "[threads]") {
    for (unsigned threads : {1u, 2u, 3u, 4u}) {
        kernels::ThreadPool pool(threads);
        CHECK(pool.size() == threads);
        for (size_t n : {size_t{0}, size_t{1}, size_t{2}, size_t{7}, size_t{1000}}) {
            std::vector<std::atomic<int>> hits(n);
            for (int repeat = 0; repeat < 50; ++repeat) pool.parallel_for(n, [&](size_t i) { hits[i]++; });
            for (size_t i = 0; i < n; ++i) REQUIRE(hits[i].load() == 50);
        }
    }
}

TEST_CASE("thread pool: results written by workers are visible when parallel_for returns", "[threads]") {
    kernels::ThreadPool pool(4);
    std::vector<long> out(4096);
    for (long round = 1; round <= 20; ++round) {
        pool.parallel_for(out.size(), [&](size_t i) { out[i] = round * static_cast<long>(i); });
        long sum = 0;
        for (long v : out) sum += v;
        REQUIRE(sum == round * 4095L * 4096L / 2);
    }
}

TEST_CASE("thread pool: a task that keeps its worker long (a descheduled worker) holds back only its own result",
          "[threads]") {
    kernels::ThreadPool pool(2);
    for (int round = 0; round < 5; ++round) {
        std::vector<int> out(8, 0);
        // The caller sleeps while the slow task runs: the worker that ends it must wake it.
        pool.parallel_for(out.size(), [&](size_t i) {
            if (i == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
            out[i] = static_cast<int>(i) + 1;
        });
        for (size_t i = 0; i < out.size(); ++i) REQUIRE(out[i] == static_cast<int>(i) + 1);
    }
}

namespace {

// Threads that keep every CPU busy until destroyed.
class Spinners {
public:
    explicit Spinners(unsigned n) {
        for (unsigned i = 0; i < n; ++i)
            threads_.emplace_back([this] {
                while (!stop_.load(std::memory_order_relaxed)) {
                }
            });
    }
    ~Spinners() {
        stop_ = true;
        for (auto& thread : threads_) thread.join();
    }

private:
    std::atomic<bool> stop_{false};
    std::vector<std::thread> threads_;
};

}  // namespace

TEST_CASE("cpu demand: threads that spin are counted as runnable", "[threads]") {
    REQUIRE(kernels::runnable_threads() >= 1);  // the caller itself runs
    const unsigned n = kernels::usable_cpus();
    const Spinners spinners(n);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    CHECK(kernels::runnable_threads() >= static_cast<int>(n));
}

TEST_CASE("thread pool: while other threads keep every CPU busy, jobs go to no worker and still run whole",
          "[threads]") {
    kernels::ThreadPool pool(3);
    const Spinners spinners(kernels::usable_cpus());
    std::vector<std::atomic<int>> hits(64);
    int rounds = 0;
    // The pool looks every 10 ms and trusts the least of its last 4 looks; give it well over that.
    for (const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
         std::chrono::steady_clock::now() < until; ++rounds)
        pool.parallel_for(hits.size(), [&](size_t i) { hits[i]++; });
    CHECK(pool.workers_offered() == 0);
    for (auto& hit : hits) REQUIRE(hit.load() == rounds);
}
