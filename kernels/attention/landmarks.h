// Landmarks: per-block means of K and V rows (spec §3.4), one pseudo-token per block and kv head.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/attention/tensor3.h"

namespace kernels {

// Block means kept up to date one appended row at a time (spec §5.1): Welford mean += (x - mean) / count.
// A partial (in-progress) block has a mean too; causal candidate rules never select it.
class IncrementalLandmarks {
public:
    IncrementalLandmarks() = default;
    IncrementalLandmarks(size_t capacity, size_t kv_heads, size_t dim, size_t block_size);

    // Adds the row of slot t (k_row, v_row: kv_heads * dim floats) to its block; slots beyond the table
    // (or block size 0) are ignored.
    void update(size_t t, const float* k_row, const float* v_row);
    void reset();

    const Tensor3& keys() const { return keys_; }
    const Tensor3& values() const { return values_; }
    const std::vector<uint32_t>& counts() const { return counts_; }
    size_t block_size() const { return block_size_; }

    // Forgets blocks >= first_block (so they can be rebuilt by update() in slot order).
    void reset_from_block(size_t first_block);

private:
    Tensor3 keys_;    // [max_blocks, kv_heads, dim]
    Tensor3 values_;  // [max_blocks, kv_heads, dim]
    std::vector<uint32_t> counts_;
    size_t block_size_ = 0;
};

}  // namespace kernels
