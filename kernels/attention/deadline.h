// Deadline checks for decode (spec §7.9, ADR-191): a call that started at start() must finish by deadline();
// check(checkpoint) throws DeadlineExceeded{elapsed_ms since the start, checkpoint} once it has passed.
// Checkpoints used by the kernels: "candidate_selection" (entry and after building candidates),
// "dot_product" (before each q head), "softmax" (before normalising); runtimes add "o_proj".
#pragma once

#include <chrono>
#include <cstdint>

#include "kernels/attention/attention_error.h"

namespace kernels {

class DeadlineTimer {
public:
    using Clock = std::chrono::steady_clock;

    explicit DeadlineTimer(Clock::time_point deadline) : start_(Clock::now()), deadline_(deadline) {}

    bool expired() const { return Clock::now() >= deadline_; }
    uint64_t elapsed_ms() const {
        return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start_).count());
    }
    void check(const char* checkpoint) const {
        if (expired()) throw DeadlineExceeded(elapsed_ms(), checkpoint);
    }

private:
    Clock::time_point start_;
    Clock::time_point deadline_;
};

}  // namespace kernels
