// Deadline checks for decode (spec §7.9, ADR-191): a call that started at start() must finish by deadline();
// check(checkpoint) throws DeadlineExceeded{elapsed and overrun in ms, checkpoint} once it has passed.
// Checkpoints used by the kernels: "candidate_selection" (entry and after building candidates),
// "dot_product" (before each q head), "softmax" (before normalising); runtimes add "o_proj".
// The timer also measures the longest checkpoint interval: the time from its start or a checkpoint passed to the
// next check or the call's end (finish()), which bounds how far past the deadline the call can end.
#pragma once

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
    bool expired() const { return passed(Clock::now()); }
    void check(const char* checkpoint) const {
        const Clock::time_point now = Clock::now();
        if (passed(now)) throw DeadlineExceeded(to_ms(now - start_), to_ms(now - deadline_), checkpoint);
    }
    // The end of a call that met the deadline: its last interval counts too. Returns the ms since the start.
    double finish() const {
        const Clock::time_point now = Clock::now();
        note_interval(now.time_since_epoch().count() - last_check_.load());
        return to_ms(now - start_);
    }
    double longest_interval_ms() const { return to_ms(Clock::duration(longest_interval_.load())); }

private:
    // A check that finds the deadline passed is where the attempt ends, not a checkpoint passed: its interval
    // runs from the last checkpoint passed, which bounds how far past the deadline the attempt went.
    bool passed(Clock::time_point now) const {
        const bool expired = now >= deadline_;
        const Clock::rep at = now.time_since_epoch().count();
        note_interval(at - (expired ? last_check_.load() : last_check_.exchange(at)));
        return expired;
    }
    void note_interval(Clock::rep interval) const {
        Clock::rep longest = longest_interval_.load(std::memory_order_relaxed);
        while (interval > longest && !longest_interval_.compare_exchange_weak(longest, interval)) {
        }
    }
    static double to_ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

    Clock::time_point start_;
    Clock::time_point deadline_;
    mutable std::atomic<Clock::rep> last_check_;
    mutable std::atomic<Clock::rep> longest_interval_{0};
};

}  // namespace kernels
