// Deadline checks for decode (spec §7.9, ADR-191): a call that started at start() must finish by deadline();
// check(checkpoint) throws DeadlineExceeded{elapsed and overrun in ms, checkpoint} once it has passed.
// Checkpoints used by the kernels: "candidate_selection" (entry and after building candidates),
// "dot_product" (before each q head), "softmax" (before normalising); runtimes add "o_proj".
// The timer also measures the longest checkpoint interval: the time from its start or a check to the next check,
// which bounds how far past the deadline a miss can be detected.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>

#include "kernels/attention/attention_error.h"

namespace kernels {

class DeadlineTimer {
public:
    using Clock = std::chrono::steady_clock;

    explicit DeadlineTimer(Clock::time_point deadline)
        : start_(Clock::now()), deadline_(deadline), last_check_(start_.time_since_epoch().count()) {}

    // Safe to call from several threads at once (the kernels check from their pool's tasks).
    bool expired() const {
        const Clock::time_point now = Clock::now();
        const Clock::rep gap = now.time_since_epoch().count() - last_check_.exchange(now.time_since_epoch().count());
        Clock::rep longest = longest_interval_.load(std::memory_order_relaxed);
        while (gap > longest && !longest_interval_.compare_exchange_weak(longest, gap)) {
        }
        return now >= deadline_;
    }
    double elapsed_ms() const { return to_ms(Clock::now() - start_); }
    double overrun_ms() const { return std::max(0.0, to_ms(Clock::now() - deadline_)); }
    double longest_interval_ms() const { return to_ms(Clock::duration(longest_interval_.load())); }
    void check(const char* checkpoint) const {
        if (expired()) throw DeadlineExceeded(elapsed_ms(), overrun_ms(), checkpoint);
    }

private:
    static double to_ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

    Clock::time_point start_;
    Clock::time_point deadline_;
    mutable std::atomic<Clock::rep> last_check_;
    mutable std::atomic<Clock::rep> longest_interval_{0};
};

}  // namespace kernels
