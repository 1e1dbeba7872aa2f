// Candidate sets of the sparse kernel (spec §3.1–3.4): for query i of a sequence of length seq, the ordered,
// de-duplicated token list T(i) (window, globals, token log-stride) and block list L(i) (landmark blocks).
// Both depend only on (i, seq, config), never on the head or on data, so one build serves every head.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/attention/attention_config.h"

namespace kernels {

// "Seen" marks with an epoch per query instead of per-call zeroed arrays (spec §3.1 [DESIGN]): a mark equal to
// the current epoch means seen. Memory is kept across calls; nothing is allocated once sized.
class StampSet {
public:
    void begin(size_t size);  // a new, empty set over [0, size)
    bool insert(size_t x) {   // true when x was not in the set yet
        if (stamps_[x] == epoch_) return false;
        stamps_[x] = epoch_;
        return true;
    }
    void mark(size_t x) { stamps_[x] = epoch_; }

private:
    std::vector<uint32_t> stamps_;
    uint32_t epoch_ = 0;
};

class CandidateBuilder {
public:
    // Appends T(i) to `tokens` and L(i) to `blocks` (L empty without landmarks). The first entries of T(i)
    // are always the window [lo, hi] in ascending order; returns how many (hi - lo + 1).
    // Requires i < seq and config.block_size > 0.
    size_t build(size_t i, size_t seq, const SparseAttentionConfig& config, std::vector<uint32_t>& tokens,
                 std::vector<uint32_t>& blocks);

private:
    void push_blocks_causal(size_t i, size_t n_blocks, const SparseAttentionConfig& config,
                            std::vector<uint32_t>& blocks);
    void push_blocks_non_causal(size_t i, size_t n_blocks, const SparseAttentionConfig& config,
                                std::vector<uint32_t>& blocks);

    StampSet seen_tokens_;
    StampSet seen_blocks_;
};

// The local window of query i (spec §3.2): [lo, hi] inclusive.
struct WindowRange {
    size_t lo;
    size_t hi;
    bool contains(size_t j) const { return j >= lo && j <= hi; }
};
WindowRange window_range(size_t i, size_t seq, const SparseAttentionConfig& config);

}  // namespace kernels
