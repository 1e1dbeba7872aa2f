// Per-layer FastGRNN salience of every KV slot, kept in step with the cache's slots (the gated attention
// path): each appended key row (mean over kv heads) steps a per-layer gate state, whose norm is the slot's
// salience; a query keeps the `top_k` most salient slots besides its window and the globals.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/attention/fastgrnn_gate.h"

namespace runtime {

class SalienceTrack {
public:
    // n_layer 0: tracks nothing.
    SalienceTrack(size_t n_layer, size_t capacity, size_t kv_heads, size_t head_dim);

    bool tracks() const { return !salience_.empty(); }
    void begin_step(size_t layer) { saved_state_[layer] = state_[layer]; }
    void restore_step(size_t layer) { state_[layer] = saved_state_[layer]; }
    void reset();

    // The key row k (kv_heads x head_dim) went into `slot`, after `victim` (npos: none) was evicted.
    void append(size_t layer, size_t slot, size_t victim, size_t len_before, const float* k);

    // Keeps the top_k most salient of slots [0, len) (ties: lower slot); the kernel adds window and globals.
    const std::vector<bool>& keep_mask(size_t layer, size_t len, size_t top_k);

private:
    kernels::FastGrnnGate gate_;
    size_t kv_heads_, head_dim_;
    std::vector<std::vector<float>> salience_;      // [layer][slot]
    std::vector<std::vector<float>> state_;         // [layer][hidden]
    std::vector<std::vector<float>> saved_state_;   // at the start of the step
    std::vector<float> input_, next_;
    std::vector<uint32_t> order_;
    std::vector<bool> keep_;
};

}  // namespace runtime
