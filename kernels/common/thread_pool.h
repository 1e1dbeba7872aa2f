// A persistent pool of worker threads for data-parallel kernels (rows of a matvec, heads of attention).
// Threads are created once; a parallel_for wakes them, the calling thread works too, and returns when all
// tasks are done. Workers spin briefly between calls so back-to-back kernels do not pay for a sleep/wake-up.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace kernels {

class ThreadPool {
public:
    // n_threads counts the calling thread: 1 means no workers, everything runs inline.
    explicit ThreadPool(unsigned n_threads = 1);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    unsigned size() const { return static_cast<unsigned>(workers_.size()) + 1; }

    // Calls fn(i) for every i in [0, n_tasks), spread over the pool. fn must not throw.
    // Not reentrant: call it from one thread at a time.
    template <typename F>
    void parallel_for(size_t n_tasks, F&& fn) {
        using Fn = std::remove_reference_t<F>;
        run(n_tasks, [](void* context, size_t i) { (*static_cast<Fn*>(context))(i); }, &fn);
    }

private:
    using TaskFn = void (*)(void*, size_t);
    void run(size_t n_tasks, TaskFn fn, void* context);
    void work_through_tasks();
    void worker_loop();

    std::vector<std::thread> workers_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::atomic<uint64_t> generation_{0};
    std::atomic<size_t> next_task_{0};
    std::atomic<unsigned> busy_workers_{0};
    std::atomic<bool> stopping_{false};
    TaskFn fn_ = nullptr;
    void* context_ = nullptr;
    size_t n_tasks_ = 0;
};

}  // namespace kernels
