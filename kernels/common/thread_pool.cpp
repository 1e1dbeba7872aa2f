#include "kernels/common/thread_pool.h"

#include <algorithm>
#include <chrono>

#include "kernels/common/cpu_demand.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace kernels {
namespace {

using Clock = std::chrono::steady_clock;

// How long an idle worker polls for the next job, and the caller for the last task, before sleeping.
constexpr auto kSpinTime = std::chrono::microseconds(200);
// How often the pool looks at what else runs.
constexpr auto kSamplePeriod = std::chrono::milliseconds(10);

inline void cpu_relax() {
#if defined(__x86_64__)
    _mm_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
}

// Polls done() for kSpinTime; true when it became true.
template <typename Done>
bool spin_until(Done&& done) {
    const auto give_up = Clock::now() + kSpinTime;
    for (unsigned polls = 1;; ++polls) {
        if (done()) return true;
        cpu_relax();
        if (polls % 256 == 0 && Clock::now() > give_up) return false;
    }
}

bool is_open(uint64_t generation) { return generation % 2 == 1; }

}  // namespace

ThreadPool::ThreadPool(unsigned n_threads)
    : worker_limit_(n_threads > 0 ? n_threads - 1 : 0), usable_cpus_(usable_cpus()) {
    for (unsigned i = 0; i + 1 < n_threads; ++i) workers_.emplace_back([this, i] { worker_loop(i); });
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
        generation_.fetch_add(1);  // an open generation wakes every worker
    }
    job_opened_.notify_all();
    for (auto& worker : workers_) worker.join();
}

void ThreadPool::work_through_tasks() {
    size_t done = 0;
    for (size_t i = next_task_.fetch_add(1, std::memory_order_relaxed); i < n_tasks_;
         i = next_task_.fetch_add(1, std::memory_order_relaxed), ++done)
        fn_(context_, i);
    if (done == 0 || done_tasks_.fetch_add(done) + done != n_tasks_) return;
    if (caller_sleeping_) {  // seq_cst against the caller's store of it and its check of done_tasks_
        std::lock_guard<std::mutex> lock(mutex_);
        tasks_done_.notify_one();
    }
}

void ThreadPool::wait_for_tasks_done() {
    // seq_cst, as the store of caller_sleeping_ before it: a finisher that missed that store sees the count here.
    const auto all_done = [this] { return done_tasks_.load() == n_tasks_; };
    if (spin_until(all_done)) return;
    std::unique_lock<std::mutex> lock(mutex_);
    caller_sleeping_ = true;
    tasks_done_.wait(lock, all_done);
    caller_sleeping_ = false;
}

void ThreadPool::follow_cpu_demand() {
    const Clock::time_point now = Clock::now();
    if (now < next_sample_) return;
    next_sample_ = now + kSamplePeriod;
    const int runnable = runnable_threads();
    if (runnable < 0) return;
    const int ours = 1 + static_cast<int>(workers_.size() - sleeping_workers_.load(std::memory_order_relaxed));
    others_running_[samples_++ % kSamples] = std::max(0, runnable - ours);
    const int others = *std::min_element(others_running_, others_running_ + kSamples);
    const int idle_cores = static_cast<int>(usable_cpus_) - others;
    worker_limit_.store(static_cast<unsigned>(std::clamp(idle_cores - 1, 0, static_cast<int>(workers_.size()))),
                        std::memory_order_relaxed);
}

void ThreadPool::wait_for_workers_to_leave() const {
    while (workers_in_job_ != 0) std::this_thread::yield();
}

void ThreadPool::run(size_t n_tasks, TaskFn fn, void* context) {
    if (n_tasks == 0) return;
    if (workers_.empty()) {
        for (size_t i = 0; i < n_tasks; ++i) fn(context, i);
        return;
    }
    follow_cpu_demand();
    if (n_tasks == 1 || worker_limit_.load(std::memory_order_relaxed) == 0) {
        for (size_t i = 0; i < n_tasks; ++i) fn(context, i);
        return;
    }
    wait_for_workers_to_leave();  // a worker late for the last job may still be reading its fields
    fn_ = fn;
    context_ = context;
    n_tasks_ = n_tasks;
    next_task_.store(0, std::memory_order_relaxed);
    done_tasks_.store(0, std::memory_order_relaxed);
    {
        std::lock_guard<std::mutex> lock(mutex_);
        generation_.fetch_add(1);  // open
    }
    job_opened_.notify_all();
    work_through_tasks();
    wait_for_tasks_done();
    generation_.fetch_add(1);  // closed: a worker that arrives now leaves without touching the fields
}

uint64_t ThreadPool::wait_for_job(unsigned worker, uint64_t seen) {
    uint64_t generation = seen;
    const auto job_or_stop = [&] {
        generation = generation_.load(std::memory_order_acquire);
        return (is_open(generation) && generation != seen && worker < worker_limit_.load(std::memory_order_relaxed)) ||
               stopping_.load(std::memory_order_relaxed);
    };
    if (!spin_until(job_or_stop)) {
        std::unique_lock<std::mutex> lock(mutex_);
        ++sleeping_workers_;
        job_opened_.wait(lock, job_or_stop);
        --sleeping_workers_;
    }
    return generation;
}

void ThreadPool::worker_loop(unsigned worker) {
    uint64_t seen = 0;
    for (;;) {
        seen = wait_for_job(worker, seen);
        if (stopping_) return;
        // Registered first, then the job checked again (both seq_cst, against the caller's close and its
        // wait_for_workers_to_leave): either the caller waits for this worker or the worker sees the job closed.
        ++workers_in_job_;
        if (generation_ == seen) work_through_tasks();
        workers_in_job_.fetch_sub(1, std::memory_order_release);
    }
}

}  // namespace kernels
