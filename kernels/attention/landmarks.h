// Landmarks: per-block means of K and V rows (spec §3.4), one pseudo-token per block and kv head.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/attention/paged_array.h"

namespace kernels {

// Block means kept up to date one appended row at a time (spec §5.1): Welford mean += (x - mean) / count.
// A partial (in-progress) block has a mean too; causal candidate rules never select it.
// The tables are sized for every block of the capacity but paged (kernels/attention/paged_array.h): only
// the blocks rows have gone into take memory, and a copy copies only those.
class IncrementalLandmarks {
public:
    IncrementalLandmarks() = default;
    // Throws InvalidConfig when the tables' size overflows, std::bad_alloc when they cannot be mapped.
    IncrementalLandmarks(size_t capacity, size_t kv_heads, size_t dim, size_t block_size);
    IncrementalLandmarks(const IncrementalLandmarks& other);
    IncrementalLandmarks& operator=(const IncrementalLandmarks& other);
    IncrementalLandmarks(IncrementalLandmarks&&) noexcept = default;
    IncrementalLandmarks& operator=(IncrementalLandmarks&&) noexcept = default;

    // Adds the row of slot t (k_row, v_row: kv_heads * dim floats) to its block; slots beyond the table
    // (or block size 0) are ignored.
    void update(size_t t, const float* k_row, const float* v_row);
    void reset();
    // Forgets blocks >= first_block (so they can be rebuilt by update() in slot order).
    void reset_from_block(size_t first_block);
    // Makes these tables equal to `earlier` (of the same sizes), which they were before rows went only into
    // blocks >= first_block: copies those blocks back, the ones before are already the same.
    void rewind_to(const IncrementalLandmarks& earlier, size_t first_block);

    size_t block_size() const { return block_size_; }
    size_t max_blocks() const { return counts_.size(); }
    size_t kv_heads() const { return kv_heads_; }
    size_t dim() const { return dim_; }
    // Blocks [0, blocks_used()) may hold rows; every later block is zero with count 0.
    size_t blocks_used() const { return used_; }
    // Means as [max_blocks][kv_heads][dim]: block b, kv head h at key_means() + (b * kv_heads + h) * dim.
    const float* key_means() const { return keys_.data(); }
    const float* value_means() const { return values_.data(); }
    uint32_t count(size_t block) const { return counts_[block]; }
    // Bytes of the tables in memory now.
    size_t resident_bytes() const;

private:
    size_t row_floats() const { return kv_heads_ * dim_; }
    // Copies the other's blocks in use; this is of the same table sizes and zero beyond them.
    void copy_blocks_from(const IncrementalLandmarks& other);

    PagedArray<float> keys_;    // [max_blocks][kv_heads][dim]
    PagedArray<float> values_;  // [max_blocks][kv_heads][dim]
    PagedArray<uint32_t> counts_;
    size_t kv_heads_ = 0, dim_ = 0, block_size_ = 0;
    size_t used_ = 0;
};

}  // namespace kernels
