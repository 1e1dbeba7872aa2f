#include <catch2/catch.hpp>

#include <atomic>
#include <vector>

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
