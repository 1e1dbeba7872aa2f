// The typed errors of the attention library (spec §1.2, §7.9). Every bad input is rejected with one of these
// before any kernel runs; hot loops never throw.
#pragma once

#include <cstdio>
#include <stdexcept>
#include <string>

namespace kernels {

enum class AttentionErrorKind { ShapeMismatch, InvalidConfig, DeadlineExceeded };

class AttentionError : public std::runtime_error {
public:
    AttentionError(AttentionErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    AttentionErrorKind kind() const { return kind_; }

private:
    AttentionErrorKind kind_;
};

// q, k, v (or cache rows) whose shapes do not fit together.
class ShapeMismatch : public AttentionError {
public:
    explicit ShapeMismatch(const std::string& message) : AttentionError(AttentionErrorKind::ShapeMismatch, message) {}
};

// A configuration or argument the kernel cannot work with: zero block size, wrong mask length, head ratio,
// capacity overflow, decode with seq != 1, ...
class InvalidConfig : public AttentionError {
public:
    explicit InvalidConfig(const std::string& message) : AttentionError(AttentionErrorKind::InvalidConfig, message) {}
};

// A deadline-checked call ran out of time at a named checkpoint ("candidate_selection", "dot_product",
// "softmax", "o_proj"). Nothing was left half-written.
class DeadlineExceeded : public AttentionError {
public:
    DeadlineExceeded(double elapsed_ms, double overrun_ms, const char* checkpoint)
        : AttentionError(AttentionErrorKind::DeadlineExceeded, "deadline exceeded after " + format_ms(elapsed_ms) +
                                                                   " ms at " + checkpoint),
          elapsed_ms_(elapsed_ms),
          overrun_ms_(overrun_ms),
          checkpoint_(checkpoint) {}
    double elapsed_ms() const { return elapsed_ms_; }
    // How long after the deadline the miss was found: at most one checkpoint interval.
    double overrun_ms() const { return overrun_ms_; }
    const char* checkpoint() const { return checkpoint_; }

private:
    static std::string format_ms(double ms) {
        char text[32];
        std::snprintf(text, sizeof text, "%.1f", ms);
        return text;
    }

    double elapsed_ms_, overrun_ms_;
    const char* checkpoint_;
};

}  // namespace kernels
