// Perplexity over a tokenized text, by llama-perplexity's method: the text is cut into windows of n_ctx tokens;
// each window runs from an empty cache (its first token replaced by BOS when the model adds BOS) and only its
// second half is scored — the logits at positions n_ctx/2 .. n_ctx-2 against the tokens that follow — so every
// scored token has at least n_ctx/2 tokens of context.
//
//   runtime::Transformer sparse(model, options);
//   const auto result = perplexity::evaluate_perplexity(tokens, {512, -1, tok.add_bos() ? tok.bos() : -1}, sparse);
//   result.nll.perplexity();
//
// With a base transformer (e.g. dense attention, `--compare dense`) both run the same windows in lockstep
// and every scored position also feeds a DistributionComparison of the two distributions.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "apps/perplexity/perplexity_stats.h"
#include "src/transformer.h"

namespace perplexity {

struct PerplexityOptions {
    int64_t n_ctx = 512;       // tokens per window (llama-perplexity's -c)
    int64_t max_windows = -1;  // windows to evaluate; -1: every whole window of the text
    int32_t bos = -1;          // when >= 0, each window's first token is replaced by it
};

struct PerplexityResult {
    size_t windows = 0;                                // evaluated so far
    size_t n_windows = 0;                              // to evaluate
    NllStats nll;                                      // the transformer under test
    std::optional<DistributionComparison> comparison;  // against the base transformer, when there is one
};

// Positions scored per window: n_ctx - 1 - n_ctx/2.
int64_t scored_per_window(int64_t n_ctx);

// Windows a text of n_tokens gives. Throws perplexity::Error when n_ctx < 3 or the text holds fewer than
// 2 * n_ctx tokens (llama-perplexity's minimum).
size_t perplexity_windows(size_t n_tokens, const PerplexityOptions& options);

// Evaluates the windows; on_window (if set) is called after each with the running result. Throws
// perplexity::Error as perplexity_windows() does, or when a transformer's context is smaller than a window (and
// it has no KV budget).
PerplexityResult evaluate_perplexity(const std::vector<int32_t>& tokens, const PerplexityOptions& options,
                                     runtime::Transformer& test, runtime::Transformer* base = nullptr,
                                     const std::function<void(const PerplexityResult&)>& on_window = {});

}  // namespace perplexity
