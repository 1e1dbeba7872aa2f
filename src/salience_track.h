// Per-layer FastGRNN salience of every KV slot, kept in step with the cache's slots (the gated attention
// path): each appended key row (mean over kv heads) steps a per-layer gate state, whose norm is the slot's
// salience; a query keeps the `top_k` most salient slots besides its window and the globals.
// The per-slot tables are paged like the caches (kernels/attention/paged_array.h): they take memory as
// slots fill, and a copy copies the slots written so far.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/attention/fastgrnn_gate.h"
#include "kernels/attention/paged_array.h"

namespace runtime {

class SalienceTrack {
public:
    // n_layer 0: tracks nothing.
    SalienceTrack(size_t n_layer, size_t capacity, size_t kv_heads, size_t head_dim);
    SalienceTrack(const SalienceTrack& other);
    SalienceTrack& operator=(const SalienceTrack& other);
    SalienceTrack(SalienceTrack&&) noexcept = default;
    SalienceTrack& operator=(SalienceTrack&&) noexcept = default;

    bool tracks() const { return n_layer_ > 0; }
    void begin_step(size_t layer) { saved_state_[layer] = state_[layer]; }
    void restore_step(size_t layer) { state_[layer] = saved_state_[layer]; }
    void reset();

    // The key row k (kv_heads x head_dim) went into `slot`, after `victim` (npos: none) was evicted.
    void append(size_t layer, size_t slot, size_t victim, size_t len_before, const float* k);

    // Keeps the top_k most salient of slots [0, len) (ties: lower slot); the kernel adds window and globals.
    const std::vector<bool>& keep_mask(size_t layer, size_t len, size_t top_k);

    // Bytes of the per-slot tables in memory now.
    size_t resident_bytes() const { return salience_.resident_bytes() + order_.resident_bytes(); }

private:
    float* salience(size_t layer) { return salience_.data() + layer * capacity_; }

    kernels::FastGrnnGate gate_;
    size_t n_layer_, capacity_, kv_heads_, head_dim_;
    size_t used_ = 0;                               // slots [0, used_) of some layer were written
    kernels::PagedArray<float> salience_;           // [layer][capacity]
    std::vector<std::vector<float>> state_;         // [layer][hidden]
    std::vector<std::vector<float>> saved_state_;   // at the start of the step
    std::vector<float> input_, next_;
    kernels::PagedArray<uint32_t> order_;           // [capacity]: keep_mask's selection
    std::vector<bool> keep_;
};

}  // namespace runtime
