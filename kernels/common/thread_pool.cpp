#include "kernels/common/thread_pool.h"

#include <chrono>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace kernels {
namespace {

// How long an idle worker polls for the next parallel_for before it sleeps.
constexpr auto kSpinTime = std::chrono::microseconds(200);

inline void cpu_relax() {
#if defined(__x86_64__)
    _mm_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
}

}  // namespace

ThreadPool::ThreadPool(unsigned n_threads) {
    for (unsigned i = 1; i < n_threads; ++i) workers_.emplace_back([this] { worker_loop(); });
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_.store(true, std::memory_order_relaxed);
        generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    for (auto& worker : workers_) worker.join();
}

void ThreadPool::work_through_tasks() {
    for (size_t i = next_task_.fetch_add(1, std::memory_order_relaxed); i < n_tasks_;
         i = next_task_.fetch_add(1, std::memory_order_relaxed))
        fn_(context_, i);
}

void ThreadPool::run(size_t n_tasks, TaskFn fn, void* context) {
    if (n_tasks == 0) return;
    if (workers_.empty() || n_tasks == 1) {
        for (size_t i = 0; i < n_tasks; ++i) fn(context, i);
        return;
    }
    fn_ = fn;
    context_ = context;
    n_tasks_ = n_tasks;
    next_task_.store(0, std::memory_order_relaxed);
    busy_workers_.store(static_cast<unsigned>(workers_.size()), std::memory_order_relaxed);
    {
        std::lock_guard<std::mutex> lock(mutex_);
        generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    work_through_tasks();
    while (busy_workers_.load(std::memory_order_acquire) != 0) cpu_relax();
}

void ThreadPool::worker_loop() {
    uint64_t seen = 0;
    for (;;) {
        const auto spin_until = std::chrono::steady_clock::now() + kSpinTime;
        unsigned polls = 0;
        while (generation_.load(std::memory_order_acquire) == seen) {
            cpu_relax();
            if (++polls % 256 == 0 && std::chrono::steady_clock::now() > spin_until) {
                std::unique_lock<std::mutex> lock(mutex_);
                wake_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen; });
            }
        }
        seen = generation_.load(std::memory_order_acquire);
        if (stopping_.load(std::memory_order_relaxed)) return;
        work_through_tasks();
        busy_workers_.fetch_sub(1, std::memory_order_acq_rel);
    }
}

}  // namespace kernels
