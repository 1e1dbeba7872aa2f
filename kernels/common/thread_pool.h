// A persistent pool of worker threads for data-parallel kernels (rows of a matvec, heads of attention).
// Threads are created once; a parallel_for wakes them, the calling thread works too, and returns when all
// tasks are done. Workers spin briefly between calls so back-to-back kernels do not pay for a sleep/wake-up,
// then sleep. On a busy CPU a worker may not run for a while: the caller never waits for a worker that has not
// started, it takes the worker's tasks itself, and it sleeps rather than spins while a task is still running.
#pragma once

#include <atomic>
#include <chrono>
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
    // The workers the next jobs go to: size() - 1 on an otherwise idle machine, fewer while other threads run.
    unsigned workers_offered() const { return worker_limit_.load(std::memory_order_relaxed); }

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
    void wait_for_tasks_done();
    // Every few ms: how many threads other processes run, and so how many workers get jobs.
    void follow_cpu_demand();
    void wait_for_workers_to_leave() const;
    // The next open job after `seen` (spinning, then sleeping); even when the pool is stopping.
    uint64_t wait_for_job(unsigned worker, uint64_t seen);
    void worker_loop(unsigned worker);

    std::vector<std::thread> workers_;
    std::mutex mutex_;
    std::condition_variable job_opened_, tasks_done_;
    // Odd while a job is open; each job makes it odd, its end even again.
    std::atomic<uint64_t> generation_{0};
    std::atomic<size_t> next_task_{0}, done_tasks_{0};
    std::atomic<unsigned> workers_in_job_{0};  // workers that may still read the job's fields
    std::atomic<bool> caller_sleeping_{false};
    std::atomic<bool> stopping_{false};
    std::atomic<unsigned> worker_limit_;  // workers [0, limit) are offered jobs
    std::atomic<unsigned> sleeping_workers_{0};
    unsigned usable_cpus_;
    std::chrono::steady_clock::time_point next_sample_{};
    static constexpr size_t kSamples = 4;
    int others_running_[kSamples] = {};  // the last samples; their least counts (a busy process is in every one)
    size_t samples_ = 0;
    TaskFn fn_ = nullptr;
    void* context_ = nullptr;
    size_t n_tasks_ = 0;
};

}  // namespace kernels
