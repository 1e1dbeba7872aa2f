#include "kernels/attention/candidates.h"

#include <algorithm>
#include <limits>

#include "kernels/common/size_math.h"

namespace kernels {

void StampSet::begin(size_t size) {
    if (stamps_.size() < size) stamps_.resize(size, 0);
    if (++epoch_ == 0) {  // wrapped: old marks could alias the new epoch
        std::fill(stamps_.begin(), stamps_.end(), 0u);
        epoch_ = 1;
    }
}

WindowRange window_range(size_t i, size_t seq, const SparseAttentionConfig& config) {
    const size_t lo = i >= config.window ? i - config.window : 0;
    const size_t hi = config.causal ? i : std::min(i + std::min(config.window, seq), seq - 1);
    return {lo, hi};
}

namespace {

// Calls fn(s) for s = 1, 2, 4, ... while s < limit, stopping on overflow.
template <typename F>
void for_each_log_stride(size_t limit, F&& fn) {
    for (size_t s = 1; s < limit; s *= 2) {
        fn(s);
        if (s > std::numeric_limits<size_t>::max() / 2) break;
    }
}

}  // namespace

size_t CandidateBuilder::build(size_t i, size_t seq, const SparseAttentionConfig& config,
                               std::vector<uint32_t>& tokens, std::vector<uint32_t>& blocks) {
    seen_tokens_.begin(seq);
    const WindowRange window = window_range(i, seq, config);
    for (size_t j = window.lo; j <= window.hi; ++j) {  // always fresh: the window is pushed first
        seen_tokens_.mark(j);
        tokens.push_back(static_cast<uint32_t>(j));
    }
    auto push_token = [&](size_t j) {
        if (seen_tokens_.insert(j)) tokens.push_back(static_cast<uint32_t>(j));
    };
    for (size_t g : config.global_tokens)
        if (g < seq && (!config.causal || g <= i)) push_token(g);
    if (config.use_log_stride) {
        for_each_log_stride(seq, [&](size_t s) {
            if (i >= s) push_token(i - s);
            if (!config.causal && i + s < seq) push_token(i + s);
        });
    }
    if (config.use_landmarks) {
        const size_t n_blocks = ceil_div(seq, config.block_size);
        seen_blocks_.begin(n_blocks);
        if (config.causal)
            push_blocks_causal(i, n_blocks, config, blocks);
        else
            push_blocks_non_causal(i, n_blocks, config, blocks);
    }
    return window.hi - window.lo + 1;
}

// Causal: the most recent complete block (its last token <= i), its predecessor, then block log-stride.
void CandidateBuilder::push_blocks_causal(size_t i, size_t n_blocks, const SparseAttentionConfig& config,
                                          std::vector<uint32_t>& blocks) {
    const size_t available = (i + 1) / config.block_size;
    if (available == 0) return;
    const size_t pivot = available - 1;
    auto push_block = [&](size_t b) {
        if (seen_blocks_.insert(b)) blocks.push_back(static_cast<uint32_t>(b));
    };
    if (pivot >= 1) push_block(pivot - 1);
    push_block(pivot);
    if (config.use_log_stride)
        for_each_log_stride(n_blocks, [&](size_t s) {
            if (pivot >= s) push_block(pivot - s);
        });
}

// Non-causal (ADR-185): neighbours of the query's own block, never the block itself.
void CandidateBuilder::push_blocks_non_causal(size_t i, size_t n_blocks, const SparseAttentionConfig& config,
                                              std::vector<uint32_t>& blocks) {
    const size_t current = i / config.block_size;
    const size_t pivot = std::min(current, n_blocks - 1);
    auto push_block = [&](size_t b) {
        if (b != current && seen_blocks_.insert(b)) blocks.push_back(static_cast<uint32_t>(b));
    };
    if (pivot >= 1) push_block(pivot - 1);
    push_block(pivot);
    if (pivot + 1 < n_blocks) push_block(pivot + 1);
    if (config.use_log_stride)
        for_each_log_stride(n_blocks, [&](size_t s) {
            if (pivot >= s) push_block(pivot - s);
            if (pivot + s < n_blocks) push_block(pivot + s);
        });
}

}  // namespace kernels
