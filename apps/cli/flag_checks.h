// Value checks for numeric flags, and the limits every subcommand shares. CLI11's own Range parses an
// out-of-range integer by saturating it, lets NaN through, and prints double bounds with 309 digits; these
// parse strictly and print "--threads: Value 0 not in range 1 to 1024".
#pragma once

#include <cstdint>

#include <CLI/CLI.hpp>

namespace cli::flags {

constexpr int64_t kMaxThreads = 1024;           // more is a typo, not a machine
constexpr int64_t kMaxTokens = int64_t{1} << 24;  // context, batch, window, block, prompt lengths (16 Mi tokens)
constexpr int64_t kMaxCount = int64_t{1} << 30;   // tokens to generate, repetitions, seeds of small things
constexpr double kMaxDeadlineMs = 1e9;           // about 11.6 days: beyond it the clock arithmetic overflows

// An integer in [min, max], written in decimal (a leading '-' only for negative bounds).
CLI::Validator integer(int64_t min, int64_t max);
// Any unsigned 64-bit integer (seeds): a '-' or a value above 2^64 - 1 is rejected, not wrapped.
CLI::Validator unsigned64();
// -1 (meaning "all" or "no limit"), or an integer in [1, max]; 0 is rejected.
CLI::Validator all_or_positive(int64_t max);
// A finite number in [min, max]; NaN and infinities are rejected.
CLI::Validator real(double min, double max);
// Any text but the empty one (names and paths: an empty one would be silently ignored).
CLI::Validator not_empty();

}  // namespace cli::flags
