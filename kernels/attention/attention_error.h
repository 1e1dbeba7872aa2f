// The typed errors of the attention library (spec §1.2, §7.9). Every bad input is rejected with one of these
// before any kernel runs; hot loops never throw.
#pragma once

#include <cstdint>
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
    DeadlineExceeded(uint64_t elapsed_ms, const char* checkpoint)
        : AttentionError(AttentionErrorKind::DeadlineExceeded,
                         "deadline exceeded after " + std::to_string(elapsed_ms) + " ms at " + checkpoint),
          elapsed_ms_(elapsed_ms),
          checkpoint_(checkpoint) {}
    uint64_t elapsed_ms() const { return elapsed_ms_; }
    const char* checkpoint() const { return checkpoint_; }

private:
    uint64_t elapsed_ms_;
    const char* checkpoint_;
};

}  // namespace kernels
